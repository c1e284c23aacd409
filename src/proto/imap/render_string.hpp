#pragma once
// IMAP string and nstring encoding for server responses (RFC 9051 4.3, 9), used by the message
// renderer for ENVELOPE and BODYSTRUCTURE fields.
//
// A string goes as a quoted string when that is safe: no CR, LF or 8-bit byte (UTF-8 allowed
// only when the client enabled UTF8=ACCEPT, RFC 9051 6.3.1 / RFC 6855, and only if valid), and
// not longer than 1024 bytes; '"' and '\' are escaped. Anything else goes as a literal
// "{n}\r\n<bytes>", as Dovecot sends 8-bit header text to clients that did not enable UTF-8.
// NUL cannot appear in either form (CHAR8 excludes it), so NUL bytes are dropped.
// Input: any bytes (from untrusted messages). Thread: any. Failure: none.

#include <optional>
#include <string>
#include <string_view>

namespace heron::proto::imap {

void append_string(std::string& out, std::string_view s, bool utf8);
// NIL for std::nullopt.
void append_nstring(std::string& out, const std::optional<std::string>& s, bool utf8);

}  // namespace heron::proto::imap
