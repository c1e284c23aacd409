#pragma once
// Minimal RFC 5322 header access: find a field in a message's header section and return its
// unfolded value (2.2.3). Enough for CLI listings and tests; the full MIME scanner with byte
// offsets arrives with the IMAP work. Input: untrusted message bytes. Thread: any.
// Failure: std::nullopt when the field is absent.

#include <optional>
#include <string>
#include <string_view>

namespace heron::mime {

// The header section: everything before the first empty line (CRLF CRLF, or LF LF).
std::string_view header_section(std::string_view message);

// The first field named `name` (case-insensitive), unfolded, with surrounding blanks trimmed.
std::optional<std::string> header_value(std::string_view message, std::string_view name);

}  // namespace heron::mime
