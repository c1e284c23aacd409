#pragma once
// Lexical tokens of structured header fields: RFC 5322 3.2 (CFWS, comments, quoted strings,
// atoms) and RFC 2045 5.1 (tokens, tspecials), shared by the parameter and address parsers.
//
// Lenient by design: line breaks count as blanks (values may be folded or not), an unterminated
// comment or quoted string runs to the end of the text, and bytes >= 0x80 are atom and token
// characters (RFC 6532 3.2, and 8-bit junk seen in the wild). Input: untrusted header values.
// Thread: any. Failure: none; a reader that finds nothing returns an empty view or string.

#include <cstddef>
#include <string>
#include <string_view>

namespace heron::mime::lex {

// RFC 5322 3.2.3 atext, plus bytes >= 0x80 (RFC 6532 3.2).
bool is_atext(char c);
// RFC 2045 5.1 token character: not SPACE, CTL or tspecial; bytes >= 0x80 tolerated.
bool is_token_char(char c);

class Cursor {
 public:
  explicit Cursor(std::string_view text) : s_(text) {}

  bool done() const { return pos_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[pos_]; }
  size_t pos() const { return pos_; }
  void seek(size_t pos) { pos_ = pos < s_.size() ? pos : s_.size(); }
  void advance() {
    if (!done()) ++pos_;
  }
  std::string_view rest() const { return s_.substr(pos_); }
  std::string_view text() const { return s_; }

  // Skips blanks and line breaks.
  void skip_ws();
  // Skips blanks, line breaks and comments (RFC 5322 3.2.2). The text of the last comment
  // skipped (quoted-pairs resolved, nested parentheses kept) goes to *comment when given.
  void skip_cfws(std::string* comment = nullptr);
  // At '"': the quoted string's content with quoted-pairs resolved and folds removed.
  std::string quoted_string();
  // A run of atext; empty when the next byte is not atext.
  std::string_view atom();
  // A run of RFC 2045 token characters.
  std::string_view token();
  // Moves past the next `c` that is outside comments and quoted strings, or to the end.
  void skip_past(char c);

 private:
  std::string_view s_;
  size_t pos_ = 0;

  void comment(std::string* out);
};

}  // namespace heron::mime::lex
