#include "proto/imap/cursor.hpp"

#include "base/strings.hpp"

namespace heron::proto::imap::detail {

bool is_atom_char(unsigned char c) {
  // ATOM-CHAR: any CHAR except atom-specials: "(" ")" "{" SP CTL list-wildcards
  // quoted-specials resp-specials ("]").
  if (c <= 0x20 || c >= 0x7f) return false;
  switch (c) {
    case '(':
    case ')':
    case '{':
    case '%':
    case '*':
    case '"':
    case '\\':
    case ']':
      return false;
    default:
      return true;
  }
}

bool Cursor::at_end() const {
  return line_ + 1 >= raw_.lines.size() && pos_ >= line().size();
}

char Cursor::peek() const {
  return pos_ < line().size() ? line()[pos_] : '\0';
}

bool Cursor::eat(char c) {
  if (pos_ < line().size() && line()[pos_] == c) {
    ++pos_;
    return true;
  }
  return false;
}

bool Cursor::eat_word(std::string_view word) {
  const std::string_view rest = line().substr(pos_);
  if (rest.size() < word.size() || !str::iequals(rest.substr(0, word.size()), word)) {
    return false;
  }
  if (rest.size() > word.size() && is_atom_char(static_cast<unsigned char>(rest[word.size()])) &&
      rest[word.size()] != '[' && rest[word.size()] != '.' && rest[word.size()] != '<') {
    return false;
  }
  pos_ += word.size();
  return true;
}

bool Cursor::at_literal() const {
  return pos_ >= line().size() && line_ < raw_.literals.size();
}

bool Cursor::literal_is_binary() const {
  return at_literal() && raw_.binary[line_];
}

std::string_view Cursor::rest_of_line() const {
  return line().substr(std::min(pos_, line().size()));
}

std::optional<std::string> Cursor::atom() {
  size_t n = pos_;
  while (n < line().size() && is_atom_char(static_cast<unsigned char>(line()[n]))) ++n;
  if (n == pos_) return std::nullopt;
  std::string out(line().substr(pos_, n - pos_));
  pos_ = n;
  return out;
}

std::optional<std::string> Cursor::astring_atom(bool list_chars) {
  size_t n = pos_;
  while (n < line().size()) {
    const auto c = static_cast<unsigned char>(line()[n]);
    // 8-bit bytes are accepted too: clients send UTF-8 search strings and mailbox names
    // unquoted (Python's imaplib does), and Dovecot takes them.
    if (!(is_atom_char(c) || c >= 0x80 || c == ']' || (list_chars && (c == '%' || c == '*')))) {
      break;
    }
    ++n;
  }
  if (n == pos_) return std::nullopt;
  std::string out(line().substr(pos_, n - pos_));
  pos_ = n;
  return out;
}

std::optional<std::string> Cursor::quoted() {
  if (!eat('"')) return std::nullopt;
  std::string out;
  while (pos_ < line().size()) {
    char c = line()[pos_++];
    if (c == '"') return out;
    if (c == '\\') {
      if (pos_ >= line().size()) return std::nullopt;
      c = line()[pos_++];
      if (c != '"' && c != '\\') return std::nullopt;  // quoted-specials only
    }
    out += c;  // 8-bit allowed (RFC 9051 UTF-8 quoted strings); CR/LF cannot occur here
  }
  return std::nullopt;
}

std::optional<std::string> Cursor::literal() {
  if (!at_literal()) return std::nullopt;
  std::string out = raw_.literals[line_];
  ++line_;
  pos_ = 0;
  return out;
}

std::optional<std::string> Cursor::string() {
  if (peek() == '"') return quoted();
  return literal();
}

std::optional<std::string> Cursor::astring() {
  if (peek() == '"' || at_literal()) return string();
  return astring_atom();
}

std::optional<std::string> Cursor::list_mailbox() {
  if (peek() == '"' || at_literal()) return string();
  return astring_atom(true);
}

bool Cursor::nil() {
  return eat_word("NIL");
}

std::optional<uint64_t> Cursor::number64() {
  size_t n = pos_;
  uint64_t value = 0;
  while (n < line().size() && line()[n] >= '0' && line()[n] <= '9') {
    if (n - pos_ >= 19) return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(line()[n] - '0');
    ++n;
  }
  if (n == pos_) return std::nullopt;
  pos_ = n;
  return value;
}

std::optional<uint32_t> Cursor::number() {
  const size_t start = pos_;
  auto v = number64();
  if (!v || *v > 0xffffffffULL) {
    pos_ = start;
    return std::nullopt;
  }
  return static_cast<uint32_t>(*v);
}

std::optional<uint32_t> Cursor::nz_number() {
  const size_t start = pos_;
  auto v = number();
  if (!v || *v == 0) {
    pos_ = start;
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> Cursor::flag() {
  if (eat('\\')) {
    if (eat('*')) return std::string("\\*");
    auto a = atom();
    if (!a) return std::nullopt;
    return "\\" + *a;
  }
  return atom();
}

}  // namespace heron::proto::imap::detail
