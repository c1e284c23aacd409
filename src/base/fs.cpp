#include "base/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <openssl/rand.h>

namespace heron::fs {
namespace {

Error errno_error(std::string_view what, const std::filesystem::path& path) {
  int e = errno;
  return make_error(std::string(what) + " " + path.string() + ": " + std::strerror(e), e);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { if (fd_ >= 0) ::close(fd_); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { int fd = fd_; fd_ = -1; return fd; }

 private:
  int fd_;
};

}  // namespace

Result<void> ensure_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error("create directory " + dir.string() + ": " + ec.message(), ec.value());
  return {};
}

Result<void> sync_dir(const std::filesystem::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return errno_error("open directory", dir);
  if (::fsync(fd.get()) != 0) return errno_error("fsync directory", dir);
  return {};
}

Result<void> write_synced(const std::filesystem::path& path, std::string_view data) {
  std::filesystem::path tmp = path;
  tmp += ".tmp." + random_hex(6);
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) return errno_error("create", tmp);
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd.get(), p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      Error err = errno_error("write", tmp);
      ::unlink(tmp.c_str());
      return err;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fdatasync(fd.get()) != 0) {
    Error err = errno_error("fdatasync", tmp);
    ::unlink(tmp.c_str());
    return err;
  }
  if (::close(fd.release()) != 0) {
    Error err = errno_error("close", tmp);
    ::unlink(tmp.c_str());
    return err;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Error err = errno_error("rename", tmp);
    ::unlink(tmp.c_str());
    return err;
  }
  return {};
}

Result<void> write_durable(const std::filesystem::path& path, std::string_view data) {
  if (auto r = write_synced(path, data); !r) return r;
  return sync_dir(path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path());
}

Result<std::string> read_file(const std::filesystem::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return errno_error("cannot read", path);
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error("cannot read", path);
    }
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

std::string random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes));
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char c : raw) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

}  // namespace heron::fs
