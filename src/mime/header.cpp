#include "mime/header.hpp"

#include "base/strings.hpp"

namespace heron::mime {

std::string_view header_section(std::string_view message) {
  if (message.starts_with("\r\n") || message.starts_with("\n")) return {};
  size_t crlf = message.find("\r\n\r\n");
  size_t lf = message.find("\n\n");
  size_t end = std::min(crlf == std::string_view::npos ? message.size() : crlf + 2,
                        lf == std::string_view::npos ? message.size() : lf + 1);
  return message.substr(0, end);
}

std::optional<std::string> header_value(std::string_view message, std::string_view name) {
  std::string_view headers = header_section(message);
  size_t pos = 0;
  while (pos < headers.size()) {
    size_t eol = headers.find('\n', pos);
    if (eol == std::string_view::npos) eol = headers.size();
    std::string_view line = headers.substr(pos, eol - pos);
    pos = eol + 1;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || line.empty() || line[0] == ' ' || line[0] == '\t') {
      continue;
    }
    if (!str::iequals(str::trim(line.substr(0, colon)), name)) continue;
    std::string value(line.substr(colon + 1));
    // Continuation lines start with a blank (RFC 5322 2.2.3): unfold by dropping the CRLF.
    while (pos < headers.size() && (headers[pos] == ' ' || headers[pos] == '\t')) {
      eol = headers.find('\n', pos);
      if (eol == std::string_view::npos) eol = headers.size();
      value += headers.substr(pos, eol - pos);
      pos = eol + 1;
    }
    std::string out;
    for (char c : value) {
      if (c != '\r' && c != '\n') out += c;
    }
    return std::string(str::trim(out));
  }
  return std::nullopt;
}

}  // namespace heron::mime
