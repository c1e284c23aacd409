#pragma once
// RFC 5321 4.1.2 Reverse-path / Forward-path parsing, with RFC 6531 (SMTPUTF8) addresses.
//
// A source route ("<@a,@b:user@d>") is accepted and ignored, as RFC 5321 4.1.1.3 says.
// Quoted local parts are kept in canonical unquoted-when-possible form. "%" and "!" in a local
// part are ordinary characters: nothing here turns them into routing (no open relay).
// Input: untrusted network bytes. Thread: any. Failure: std::nullopt with a reason.

#include <optional>
#include <string>
#include <string_view>

namespace heron::smtp {

struct Path {
  bool null = false;  // "<>", only valid as a reverse-path
  std::string local;  // local part, unquoted (quotes removed, quoted-pairs resolved)
  std::string domain;  // domain or address literal ("[192.0.2.1]"), as given
  bool utf8 = false;  // contains non-ASCII (needs SMTPUTF8)

  // local@domain with the local part re-quoted if it needs quoting; "" for the null path.
  std::string address() const;
};

struct PathParse {
  std::optional<Path> path;
  std::string rest;  // text after the closing '>' (the ESMTP parameters), leading spaces kept
  std::string error;  // why it failed, for the 501 text
};

// Parses "<...>" at the start of text. allow_null permits "<>". allow_utf8 permits non-ASCII
// (only when the client gave SMTPUTF8 on MAIL FROM). "Postmaster" without a domain is accepted
// for RCPT (RFC 5321 4.1.1.3) when allow_postmaster is set; domain is then empty.
PathParse parse_path(std::string_view text, bool allow_null, bool allow_utf8,
                     bool allow_postmaster = false);

}  // namespace heron::smtp
