#include "mailauth/auth_results.hpp"

#include <algorithm>
#include <cstring>

#include "base/strings.hpp"
#include "mime/header.hpp"

namespace heron::mailauth {
namespace {

// RFC 2045 5.1 token characters: visible ASCII except tspecials.
bool token_char(char c) {
  if (c <= ' ' || c >= 127) return false;
  return std::strchr("()<>@,;:\\\"/[]?=", c) == nullptr;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!token_char(c)) return false;
  }
  return true;
}

// A dot-atom-like local part or domain: tokens separated by dots (dots are token characters).
bool is_address(std::string_view s) {
  const size_t at = s.rfind('@');
  if (at == std::string_view::npos) return false;
  const std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  return (local.empty() || is_token(local)) && is_token(domain);
}

// Skips blanks, line breaks and (nested) comments from `i`.
size_t skip_cfws(std::string_view s, size_t i) {
  while (i < s.size()) {
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
      continue;
    }
    if (c != '(') break;
    int depth = 0;
    while (i < s.size()) {
      if (s[i] == '\\') {
        i = std::min(i + 2, s.size());  // a quoted-pair; a trailing backslash ends the text
        continue;
      }
      if (s[i] == '(') ++depth;
      if (s[i] == ')' && --depth == 0) {
        ++i;
        break;
      }
      ++i;
    }
  }
  return i;
}

}  // namespace

std::string ptype_value(std::string_view value) {
  if (is_token(value) || is_address(value)) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (static_cast<unsigned char>(c) < ' ' || c == 127) continue;
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out += "\"";
  return out;
}

std::string comment(std::string_view text) {
  std::string out = "(";
  for (char c : text) {
    if (static_cast<unsigned char>(c) < ' ' || c == 127) continue;
    if (c == '(' || c == ')' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out += ")";
  return out;
}

std::string results_field(std::string_view authserv_id, const std::vector<std::string>& results) {
  std::string out = "Authentication-Results: ";
  out += authserv_id;
  if (results.empty()) return out + "; none\r\n";
  for (const auto& r : results) {
    out += ";\r\n\t";
    out += r;
  }
  out += "\r\n";
  return out;
}

std::string authserv_id_of(std::string_view value) {
  size_t i = skip_cfws(value, 0);
  size_t end = i;
  // authserv-id is a value: a token (dots allowed) or a quoted string; host names are tokens.
  while (end < value.size() && token_char(value[end])) ++end;
  return str::to_lower(value.substr(i, end - i));
}

std::string remove_own(std::string_view message, std::string_view authserv_id, size_t& removed) {
  removed = 0;
  const std::string own = str::to_lower(authserv_id);
  std::string out;
  out.reserve(message.size());
  size_t copied = 0;  // message[0, copied) is decided
  for (const auto& field : mime::header_fields(message)) {
    if (!str::iequals(field.name, "Authentication-Results")) continue;
    if (authserv_id_of(field.value) != own) continue;
    const size_t start = static_cast<size_t>(field.raw.data() - message.data());
    out.append(message.substr(copied, start - copied));
    copied = start + field.raw.size();
    ++removed;
  }
  out.append(message.substr(copied));
  return out;
}

}  // namespace heron::mailauth
