#pragma once
// Content-Type (RFC 2045 5.1) and Content-Disposition (RFC 2183) values: a type and a list of
// parameters, with RFC 2231 continuations joined and extended values kept for decoding.
//
// Parameters keep their order. "name*0", "name*1", ... are joined into one parameter placed
// where the first piece stood, but only when the pieces are exactly 0..n-1 (otherwise each
// piece stays a parameter of its own, as Dovecot does). A parameter whose value is extended
// ("name*=" or "name*0*=") keeps the wire form charset'language'%XX (RFC 2231 4) in `value`,
// which is what IMAP BODYSTRUCTURE shows under the name "name*"; decoded() gives UTF-8.
// Lenient: a parameter without "=" is skipped (and any past the 256th), and an unquoted value runs
// to the next ";" or blank, so "boundary=----=_Part_1" works. Input: untrusted header values.
// Thread: any. Failure: parse_content_type() returns std::nullopt when there is no "type/subtype";
// the caller then applies the RFC 2045 5.2 default.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heron::mime {

struct Param {
  std::string name;       // lowercased; without the RFC 2231 "*" marks once joined
  std::string value;      // unquoted; for extended values the raw charset'language'%XX form
  bool extended = false;  // RFC 2231 extended value (the name went on the wire with "*")

  // The value as UTF-8: RFC 2231 percent-decoding and charset conversion for extended values;
  // RFC 2047 encoded-words decoded for plain ones (some mailers put them in file names).
  // Bytes that do not convert are returned as they are.
  std::string decoded() const;
  // RFC 2231 charset and language of an extended value ("" when absent or not extended).
  std::string charset() const;
  std::string language() const;
};

using Params = std::vector<Param>;

// The first parameter named `name` (case-insensitive), or nullptr.
const Param* find_param(const Params& params, std::string_view name);

struct ContentType {
  std::string type;     // lowercased
  std::string subtype;  // lowercased
  Params params;

  bool is(std::string_view t, std::string_view sub) const { return type == t && subtype == sub; }
};

struct Disposition {
  std::string type;  // lowercased: "inline", "attachment", ...
  Params params;
};

// Parses a Content-Type value (folds allowed).
std::optional<ContentType> parse_content_type(std::string_view value);
// Parses a Content-Disposition value; std::nullopt when there is no disposition type.
std::optional<Disposition> parse_disposition(std::string_view value);
// Parses "; name=value; ..." (what follows the type).
Params parse_params(std::string_view text);

}  // namespace heron::mime
