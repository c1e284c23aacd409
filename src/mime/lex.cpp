#include "mime/lex.hpp"

#include <cstring>

namespace heron::mime::lex {

bool is_atext(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x80) return true;
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return c != '\0' && std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr;
}

bool is_token_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x80) return true;
  if (u <= 0x20 || u == 0x7f) return false;
  return std::strchr("()<>@,;:\\\"/[]?=", c) == nullptr;
}

void Cursor::skip_ws() {
  while (!done() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r' || s_[pos_] == '\n')) {
    ++pos_;
  }
}

void Cursor::skip_cfws(std::string* comment_out) {
  while (true) {
    skip_ws();
    if (peek() != '(') return;
    std::string text;
    comment(&text);
    if (comment_out != nullptr) *comment_out = std::move(text);
  }
}

// RFC 5322 3.2.2: comments nest; a backslash quotes the next character.
void Cursor::comment(std::string* out) {
  int depth = 0;
  while (!done()) {
    const char c = s_[pos_++];
    if (c == '\\' && !done()) {
      *out += s_[pos_++];
      continue;
    }
    if (c == '(') {
      if (depth++ > 0) *out += c;
      continue;
    }
    if (c == ')') {
      if (--depth == 0) return;
      *out += c;
      continue;
    }
    if (c == '\r' || c == '\n') continue;
    *out += c;
  }
}

std::string Cursor::quoted_string() {
  std::string out;
  if (peek() != '"') return out;
  ++pos_;
  while (!done()) {
    const char c = s_[pos_++];
    if (c == '"') return out;
    if (c == '\\' && !done()) {
      out += s_[pos_++];
      continue;
    }
    if (c == '\r' || c == '\n') continue;  // RFC 5322 3.2.4: folds inside are not content
    out += c;
  }
  return out;
}

std::string_view Cursor::atom() {
  const size_t start = pos_;
  while (!done() && is_atext(s_[pos_])) ++pos_;
  return s_.substr(start, pos_ - start);
}

std::string_view Cursor::token() {
  const size_t start = pos_;
  while (!done() && is_token_char(s_[pos_])) ++pos_;
  return s_.substr(start, pos_ - start);
}

void Cursor::skip_past(char c) {
  while (!done()) {
    const char x = s_[pos_];
    if (x == '"') {
      quoted_string();
    } else if (x == '(') {
      std::string ignored;
      comment(&ignored);
    } else {
      ++pos_;
      if (x == c) return;
    }
  }
}

}  // namespace heron::mime::lex
