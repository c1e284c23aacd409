#include "store/blob_files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/fs.hpp"

namespace heron::store {
namespace {

constexpr size_t kIdHexDigits = 32;

bool is_lower_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string shard_name(unsigned i) {
  static constexpr char hex[] = "0123456789abcdef";
  return {hex[(i >> 4) & 15], hex[i & 15]};
}

}  // namespace

Result<void> BlobFiles::prepare() const {
  for (unsigned i = 0; i < 256; ++i) {
    if (auto r = fs::ensure_dir(root_ / shard_name(i)); !r) return r;
  }
  if (auto r = fs::sync_dir(root_); !r) return r;
  return fs::sync_dir(root_.parent_path().empty() ? std::filesystem::path(".")
                                                  : root_.parent_path());
}

std::string BlobFiles::new_shard() {
  return fs::random_hex(1);
}

std::string BlobFiles::new_id(std::string_view shard) {
  std::string id = fs::random_hex(kIdHexDigits / 2);
  if (shard.size() == 2 && is_lower_hex(shard)) id.replace(0, 2, shard);
  return id;
}

bool BlobFiles::valid_id(std::string_view id) {
  return id.size() == kIdHexDigits && is_lower_hex(id);
}

std::filesystem::path BlobFiles::path_of(std::string_view id) const {
  return root_ / std::string(id.substr(0, 2)) / std::string(id);
}

Result<void> BlobFiles::write(std::string_view id, std::string_view data) const {
  if (!valid_id(id)) return make_error("invalid blob id", EINVAL);
  return fs::write_synced(path_of(id), data);
}

Result<void> BlobFiles::sync_shard(std::string_view shard) const {
  return fs::sync_dir(shard_dir(shard));
}

Result<std::string> BlobFiles::read(std::string_view id) const {
  if (!valid_id(id)) return make_error("invalid blob id", EINVAL);
  return fs::read_file(path_of(id));
}

Result<void> BlobFiles::remove(std::string_view id) const {
  if (!valid_id(id)) return make_error("invalid blob id", EINVAL);
  std::filesystem::path p = path_of(id);
  if (::unlink(p.c_str()) != 0 && errno != ENOENT) {
    int e = errno;
    return make_error("unlink " + p.string() + ": " + std::strerror(e), e);
  }
  return {};
}

Result<std::vector<BlobFiles::Entry>> BlobFiles::scan() const {
  std::vector<Entry> out;
  for (unsigned i = 0; i < 256; ++i) {
    std::error_code ec;
    std::filesystem::directory_iterator it(root_ / shard_name(i), ec);
    if (ec)
      return make_error("scan " + (root_ / shard_name(i)).string() + ": " + ec.message(),
                        ec.value());
    for (const auto& de : it) {
      Entry e;
      e.name = de.path().filename().string();
      e.path = de.path();
      e.is_temp = e.name.find(".tmp.") != std::string::npos;
      struct stat st {};
      if (::lstat(e.path.c_str(), &st) == 0) e.mtime = st.st_mtime;
      out.push_back(std::move(e));
    }
  }
  return out;
}

}  // namespace heron::store
