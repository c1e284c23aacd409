#pragma once
// A FETCH body section: BODY[<section>]<<partial>>, BINARY[<part>] (RFC 9051 6.4.5, 7.5.2;
// RFC 3516). The IMAP parser produces it from client input (already validated: part numbers
// are non-zero, fields are astrings); the message renderer consumes it to cut the bytes out of
// a message. Plain data, no behaviour.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace heron::proto::imap {

struct Section {
  // What follows the part number, if anything: BODY[1.HEADER], BODY[TEXT], BODY[2.MIME], ...
  enum class Text { none, header, header_fields, header_fields_not, text, mime };

  std::vector<uint32_t> part;  // "1.2.3" -> {1, 2, 3}; empty means the whole message
  Text text = Text::none;
  std::vector<std::string> fields;  // for header_fields(_not): names as given, any case

  bool operator==(const Section&) const = default;
};

// <offset.length> after a section: the client wants `length` octets starting at `offset`.
struct Partial {
  uint64_t offset = 0;
  uint64_t length = 0;

  bool operator==(const Partial&) const = default;
};

}  // namespace heron::proto::imap
