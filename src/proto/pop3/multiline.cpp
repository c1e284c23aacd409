#include "proto/pop3/multiline.hpp"

#include <cstring>

namespace heron::pop3 {

void append_message(std::string& out, std::string_view message, std::optional<uint64_t> top_lines) {
  out.reserve(out.size() + message.size() + message.size() / 64 + 8);
  bool in_body = false;
  uint64_t body_lines = 0;
  size_t pos = 0;
  while (pos < message.size()) {
    if (in_body && top_lines && body_lines >= *top_lines) return;
    const void* hit = std::memchr(message.data() + pos, '\n', message.size() - pos);
    const size_t lf = hit != nullptr
                          ? static_cast<size_t>(static_cast<const char*>(hit) - message.data())
                          : message.size();
    size_t end = lf;  // the line's content ends here, before CR LF or LF
    if (end > pos && message[end - 1] == '\r') --end;
    const std::string_view line = message.substr(pos, end - pos);
    if (!line.empty() && line.front() == '.') out += '.';  // RFC 1939 3: byte-stuffing
    out.append(line);
    out.append("\r\n");
    if (in_body) {
      ++body_lines;
    } else if (line.empty()) {
      in_body = true;  // RFC 5322 2.1: the first empty line ends the header
    }
    pos = hit != nullptr ? lf + 1 : message.size();
  }
}

}  // namespace heron::pop3
