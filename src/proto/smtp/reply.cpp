#include "proto/smtp/reply.hpp"

namespace heron::smtp {

// RFC 5321 4.2.1: every line but the last is "code-text", the last is "code text".
// RFC 2034 3: the enhanced code starts the text of every line.
std::string Reply::format() const {
  std::string_view rest = text;
  // A trailing '\n' would add an empty last line; it is a formatting slip, not a line.
  if (!rest.empty() && rest.back() == '\n') rest.remove_suffix(1);
  const std::string code_str = std::to_string(code);
  std::string out;
  out.reserve(rest.size() + 16);
  while (true) {
    const size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    const bool last = nl == std::string_view::npos;
    out += code_str;
    // "250" alone is a complete last line (Reply-code [ SP textstring ] CRLF).
    if (!last || !enhanced.empty() || !line.empty()) out += last ? ' ' : '-';
    out += enhanced;
    if (!enhanced.empty() && !line.empty()) out += ' ';
    // Our own text never holds CR, but a stray one must not end the line early on the wire.
    for (char c : line) {
      if (c != '\r') out += c;
    }
    out += "\r\n";
    if (last) break;
    rest.remove_prefix(nl + 1);
  }
  return out;
}

}  // namespace heron::smtp
