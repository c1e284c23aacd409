#pragma once
// RFC 5322 header access: split a header section into fields (2.2), look fields up by name
// (case-insensitive, first or all), unfold values (2.2.3), and hand out each field's raw bytes
// for IMAP BODY[HEADER.FIELDS] and DKIM.
//
// Lines are ended by CRLF or a bare LF (tolerated). A line that has no colon, or a continuation
// line with no field before it, is not a field and is skipped. Nothing is copied except by
// unfold(): fields are views into the caller's buffer, which must outlive them.
// Input: untrusted message bytes. Thread: any. Failure: absent fields are std::nullopt or an
// empty vector; there is no other failure.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heron::mime {

struct HeaderField {
  std::string_view name;   // as written, blanks before the colon removed
  std::string_view value;  // after the colon up to the field's last line break, folds included
  std::string_view raw;    // the whole field, its last line break included when there is one

  // The value unfolded (CR and LF removed, RFC 5322 2.2.3) with leading blanks removed;
  // trailing blanks are kept, as IMAP ENVELOPE shows them.
  std::string unfolded() const;
};

// Length of the header section at the start of `message`, including the empty line that ends
// it; the whole message when there is no empty line.
size_t header_length(std::string_view message);

// The header section: everything before the first empty line (CRLF CRLF, or LF LF), without it.
std::string_view header_section(std::string_view message);

// Every field of `header` (a header section, or a whole message: the walk stops at the first
// empty line) in order.
std::vector<HeaderField> header_fields(std::string_view header);

// The first field / all fields named `name`, compared case-insensitively.
std::optional<HeaderField> find_field(std::string_view header, std::string_view name);
std::vector<HeaderField> find_fields(std::string_view header, std::string_view name);

// Removes the CR and LF of folding (RFC 5322 2.2.3); blanks are kept.
std::string unfold(std::string_view value);

// The first field named `name`, unfolded, with surrounding blanks trimmed.
std::optional<std::string> header_value(std::string_view message, std::string_view name);

}  // namespace heron::mime
