#include "store/sqlite/snapshot.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "base/fs.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/wal.hpp"

namespace heron::store::sqlite {
namespace {

Result<void> fsync_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    return make_error("open " + path.string() + ": " + std::strerror(e), e);
  }
  const int rc = ::fsync(fd);
  const int e = errno;
  ::close(fd);
  if (rc != 0) return make_error("fsync " + path.string() + ": " + std::strerror(e), e);
  return {};
}

// One sqlite3_backup_step(-1) from source into the (fresh) database dest_db.
Result<void> copy_pages(sqlite3* source, Db& dest_db) {
  sqlite3_backup* backup = sqlite3_backup_init(dest_db.handle(), "main", source, "main");
  if (backup == nullptr) return dest_db.error("sqlite backup init");
  int rc = SQLITE_OK;
  // BUSY or LOCKED: the source is being recovered or checkpointed exclusively; that is short.
  for (int tries = 0; tries < 100; ++tries) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const int finish = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    return make_error(std::string("sqlite backup step: ") + sqlite3_errstr(rc), rc);
  }
  if (finish != SQLITE_OK) return dest_db.error("sqlite backup finish");
  return {};
}

}  // namespace

Result<void> snapshot_database(sqlite3* source, const std::filesystem::path& dest) {
  std::error_code ec;
  if (std::filesystem::exists(dest, ec)) {
    return make_error("snapshot: " + dest.string() + " already exists", EEXIST);
  }
  std::filesystem::path tmp = dest;
  tmp += ".tmp." + fs::random_hex(6);
  auto cleanup = [&tmp] {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    std::filesystem::remove(tmp.string() + "-journal", ignored);
  };
  {
    auto dest_db = Db::open(tmp, Db::Mode::read_write_create);
    if (!dest_db) return dest_db.error();
    if (auto r = copy_pages(source, **dest_db); !r) {
      dest_db->reset();
      cleanup();
      return r.error();
    }
  }  // closing the destination connection: no journal or WAL is left beside it
  if (auto r = fsync_file(tmp); !r) {
    cleanup();
    return r.error();
  }
  if (::rename(tmp.c_str(), dest.c_str()) != 0) {
    const int e = errno;
    cleanup();
    return make_error("rename " + tmp.string() + ": " + std::strerror(e), e);
  }
  const auto parent = dest.parent_path().empty() ? std::filesystem::path(".") : dest.parent_path();
  return fs::sync_dir(parent);
}

Result<void> snapshot_file(const std::filesystem::path& source_path,
                           const std::filesystem::path& dest) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(source_path, ec)) {
    return make_error("snapshot: no database at " + source_path.string(), ENOENT);
  }
  auto source = open_reader(source_path);
  if (!source) return source.error();
  return snapshot_database((*source)->handle(), dest);
}

}  // namespace heron::store::sqlite
