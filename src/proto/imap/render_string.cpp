#include "proto/imap/render_string.hpp"

#include "base/strings.hpp"

namespace heron::proto::imap {
namespace {

constexpr size_t kMaxQuoted = 1024;

bool quotable(std::string_view s, bool utf8) {
  if (s.size() > kMaxQuoted) return false;
  bool eight_bit = false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\r' || c == '\n') return false;
    if (u >= 0x80) eight_bit = true;
  }
  return !eight_bit || (utf8 && str::is_valid_utf8(s));
}

}  // namespace

void append_string(std::string& out, std::string_view s, bool utf8) {
  std::string clean;
  if (s.find('\0') != std::string_view::npos) {
    for (char c : s) {
      if (c != '\0') clean += c;
    }
    s = clean;
  }
  if (quotable(s, utf8)) {
    out += '"';
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
    return;
  }
  out += '{';
  out += std::to_string(s.size());
  out += "}\r\n";
  out += s;
}

void append_nstring(std::string& out, const std::optional<std::string>& s, bool utf8) {
  if (!s) {
    out += "NIL";
    return;
  }
  append_string(out, *s, utf8);
}

}  // namespace heron::proto::imap
