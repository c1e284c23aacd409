#include "base/journal.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <mutex>

namespace heron::journal {

std::string field_name(std::string_view key) {
  std::string name;
  for (char c : key) {
    if (c >= 'a' && c <= 'z') {
      name += static_cast<char>(c - 'a' + 'A');
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      name += c;
    } else {
      name += '_';
    }
    if (name.size() >= 64) break;
  }
  if (name.empty() || name[0] == '_' || (name[0] >= '0' && name[0] <= '9')) {
    name.insert(name.begin(), 'F');
    if (name.size() > 64) name.resize(64);
  }
  return name;
}

void encode_field(std::string& out, std::string_view key, std::string_view value) {
  out += field_name(key);
  if (value.find('\n') == std::string_view::npos) {
    out += '=';
    out += value;
    out += '\n';
    return;
  }
  out += '\n';
  uint64_t size = value.size();
  for (int i = 0; i < 8; ++i) out += static_cast<char>((size >> (8 * i)) & 0xff);
  out += value;
  out += '\n';
}

bool send(std::string_view datagram) {
  static std::mutex mutex;
  static int fd = -1;
  std::lock_guard lock(mutex);
  if (fd < 0) {
    fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  constexpr const char* kPath = "/run/systemd/journal/socket";
  std::strncpy(address.sun_path, kPath, sizeof address.sun_path - 1);
  // Entries larger than a datagram would need a memfd; log lines are far below that.
  const ssize_t sent = ::sendto(fd, datagram.data(), datagram.size(), MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&address), sizeof address);
  return sent == static_cast<ssize_t>(datagram.size());
}

}  // namespace heron::journal
