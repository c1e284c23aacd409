#pragma once
// SPF macros (RFC 7208 7): the macro-string of a domain-spec or an explanation, parsed once
// with the record and expanded for each check.
//
// 7.1 syntax: "%{" letter digits ["r"] *delimiter "}", "%%", "%_", "%-"; any other '%' is a
// syntax error, and so is a zero digit transformer (7.3). Letters are case-insensitive; an
// upper-case letter URL-escapes its expansion (7.3, RFC 3986 unreserved set kept). The letters
// c, r and t are allowed only in explanation strings (7.2), which may also contain spaces.
// A domain-spec must end in a macro-expand or in "." toplabel ["."] (7.1).
// Input: untrusted (DNS TXT data). Thread: any. Failure: parse errors are values; expansion
// cannot fail.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "base/result.hpp"

namespace heron::mailauth::spf {

struct MacroToken {
  bool is_macro = false;
  std::string literal;      // text, for a literal ("%%", "%_", "%-" already resolved)
  char letter = 0;          // lowercase macro letter
  bool url_escape = false;  // the letter was upper case
  uint32_t keep = 0;        // rightmost parts to keep; 0 = all
  bool reverse = false;
  std::string delimiters;  // "" = "."

  bool operator==(const MacroToken&) const = default;
};

struct MacroString {
  std::vector<MacroToken> tokens;
  std::string text;  // as written

  bool uses(char letter) const;  // does any macro use this (lowercase) letter?
  bool operator==(const MacroString&) const = default;
};

enum class MacroKind {
  domain_spec,       // a mechanism or modifier target: c, r, t refused, domain-end checked
  explanation,       // the TXT record an exp= points at: every letter, spaces allowed
  unknown_modifier,  // the value of an unknown modifier: macro syntax only
};

Result<MacroString> parse_macro_string(std::string_view text, MacroKind kind);

// The values the letters expand to (RFC 7208 7.2).
struct MacroContext {
  std::string_view sender;         // s: <sender>, local@domain
  std::string_view local_part;     // l
  std::string_view sender_domain;  // o
  std::string_view domain;         // d: the current <domain>
  boost::asio::ip::address ip;     // i, c, v (an IPv4-mapped address is expected unmapped)
  std::string_view helo;           // h
  std::string_view validated_name = "unknown";  // p, looked up by the caller if used
  std::string_view receiver = "unknown";        // r
  int64_t now = 0;                              // t, unix seconds
};

std::string expand(const MacroString& macro, const MacroContext& context);

// RFC 7208 7.3: a name over 253 characters loses labels on the left until it fits; one
// trailing dot is removed first.
std::string truncate_domain(std::string_view name);

// The i macro: dotted decimal for IPv4, 32 dot-separated upper-case nibbles for IPv6. The
// example in RFC 7208 7.4 writes them in lower case; the OpenSPF suite (v-macro-ip6) and
// pyspf expect upper case. DNS names compare case-insensitively, so only explanations differ.
std::string ip_dotted(const boost::asio::ip::address& ip);

}  // namespace heron::mailauth::spf
