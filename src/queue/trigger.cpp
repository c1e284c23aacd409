#include "queue/trigger.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace heron::queue {

std::filesystem::path trigger_path(const std::filesystem::path& data_dir) {
  return data_dir / "queue.trigger";
}

Result<int> open_trigger(const std::filesystem::path& data_dir) {
  const std::filesystem::path path = trigger_path(data_dir);
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && !S_ISFIFO(st.st_mode)) ::unlink(path.c_str());
  if (::mkfifo(path.c_str(), 0600) != 0 && errno != EEXIST) {
    return make_error("mkfifo " + path.string() + ": " + std::strerror(errno), errno);
  }
  // O_RDWR: the FIFO always has a writer (us), so reads never see end-of-file.
  const int fd = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return make_error("open " + path.string() + ": " + std::strerror(errno), errno);
  return fd;
}

void pull_trigger(const std::filesystem::path& data_dir) {
  const std::filesystem::path path = trigger_path(data_dir);
  const int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return;  // ENXIO: no server reading; ENOENT: none ever started
  const char byte = 'w';
  [[maybe_unused]] const ssize_t n = ::write(fd, &byte, 1);
  ::close(fd);
}

}  // namespace heron::queue
