#pragma once
// The parser's view of a RawCommand (reader.hpp): a cursor over its lines that hands out the
// lexical tokens of RFC 9051 9 (atoms, quoted strings, literals, numbers). Internal to the
// parser (parse*.cpp). Input: untrusted. Thread: any. Failure: std::nullopt / false, with the
// cursor where the bad token began.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "proto/imap/reader.hpp"

namespace heron::proto::imap::detail {

class Cursor {
 public:
  explicit Cursor(const RawCommand& raw) : raw_(raw) {}

  // The end of the whole command (no more text, no literal pending).
  bool at_end() const;
  // The next character of the current line, or 0 at a line's end.
  char peek() const;
  // Consumes c if it is next.
  bool eat(char c);
  // Consumes a case-insensitive keyword if it is next and is followed by a non-atom char.
  bool eat_word(std::string_view word);
  bool space() { return eat(' '); }

  // RFC 9051 9: atom (ATOM-CHAR+), uppercase-insensitive callers compare with iequals.
  std::optional<std::string> atom();
  // Like atom, but also allows ']' (ASTRING-CHAR), 8-bit bytes and, with list_chars, '%'
  // and '*'.
  std::optional<std::string> astring_atom(bool list_chars = false);
  // quoted | literal
  std::optional<std::string> string();
  // atom | string (ASTRING)
  std::optional<std::string> astring();
  // list-mailbox: 1*list-char | string
  std::optional<std::string> list_mailbox();
  // NIL | string
  bool nil();
  // number (32-bit) and number64
  std::optional<uint32_t> number();
  std::optional<uint64_t> number64();
  // nz-number
  std::optional<uint32_t> nz_number();
  // A flag: "\" atom, or a keyword atom.
  std::optional<std::string> flag();

  // Whether the token under the cursor is a literal (at the end of a line with one after).
  bool at_literal() const;
  bool literal_is_binary() const;
  // The raw text from the cursor to the end of the current line (for error messages).
  std::string_view rest_of_line() const;

 private:
  std::string_view line() const { return raw_.lines[line_]; }
  std::optional<std::string> quoted();
  std::optional<std::string> literal();

  const RawCommand& raw_;
  size_t line_ = 0;
  size_t pos_ = 0;
};

bool is_atom_char(unsigned char c);

}  // namespace heron::proto::imap::detail
