#pragma once
// The MIME structure scanner: one pass over a complete message (RFC 5322, RFC 2045, RFC 2046)
// giving a tree of parts with byte-exact offsets, which IMAP FETCH (BODYSTRUCTURE, BODY[...],
// BINARY[...]) and SEARCH work from.
//
// Layout of a part, in message offsets:
//   [header_begin, body_begin)  the part's header, INCLUDING the empty line that ends it when
//                               there is one (this is IMAP BODY[HEADER] / BODY[n.MIME]);
//   [body_begin, body_end)      the body.
// The root part (index 0) is the whole message: its header is the message header. A
// message/rfc822 (or message/global) part has exactly one child, the encapsulated message,
// whose header is that message's header; a multipart has its body parts as children.
//
// RFC 2046 5.1.1 boundaries: a line that starts with "--" and an active boundary (the current
// multipart's or any enclosing one's) ends the part in progress; the CRLF (or LF) before it
// belongs to the boundary line, so a part's body never ends with that line break. When several
// active boundaries are prefixes of the line, the longest wins, then the innermost. What follows
// the boundary on its line (transport padding, junk) is ignored; "--" right after it makes it
// the close delimiter. Preamble and epilogue belong to no part. A missing close delimiter ends
// the multipart at an enclosing boundary or at the end of the message. When a part ends before
// its header did (a boundary line in the header), the header is all of the part and the body is
// empty, as in Dovecot. A multipart with a boundary but no body part gets one empty text/plain
// part (Dovecot does the same); a multipart with no usable boundary parameter is parsed as
// text/plain (as Cyrus does; Dovecot instead shows it as a multipart with one empty part).
//
// Limits: parts nested deeper than Limits::max_depth, or beyond Limits::max_parts in total,
// are not split: such a part becomes an opaque text/plain leaf (forced_text) and `truncated` is
// set. Parsing is linear in the message size times the nesting depth (line counts).
//
// Line ends: CRLF is expected, a bare LF is tolerated everywhere. Offsets and sizes are of the
// bytes as given; a server that stores LF-only messages and wants RFC-exact sizes should store
// CRLF (Dovecot reports CRLF-converted sizes instead).
//
// Cost to keep: a Part is about 64 bytes of offsets and flags, no copies of the message. The
// MIME fields (type, parameters, ...) are read again on demand by part_info(), which is cheap
// because it only parses that part's header.
// Input: untrusted message bytes. Thread: any. Failure: none; every input gives a tree.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mime/params.hpp"
#include "mime/transfer.hpp"

namespace heron::mime {

// Parsing and rendering recurse once per level, so depth is capped whatever the caller asks.
constexpr uint32_t kMaxDepth = 1000;

struct Limits {
  uint32_t max_depth = 50;     // multipart and message/rfc822 nesting levels (at most kMaxDepth)
  uint32_t max_parts = 10000;  // parts in the whole tree, root included
};

enum class PartKind : uint8_t {
  leaf,       // any non-container part
  multipart,  // multipart/* with a boundary: children are the body parts
  message,    // message/rfc822 or message/global: the one child is the encapsulated message
};

struct Part {
  static constexpr uint32_t none = UINT32_MAX;

  size_t header_begin = 0;
  size_t body_begin = 0;  // end of the header
  size_t body_end = 0;
  size_t lines = 0;  // LF bytes in the body; counted for leaf and message parts only
  uint32_t parent = none;
  uint32_t first_child = none;
  uint32_t next_sibling = none;
  uint32_t child_count = 0;
  uint16_t depth = 0;  // root 0; +1 per multipart or message level
  PartKind kind = PartKind::leaf;
  bool in_digest =
      false;  // child of multipart/digest: default type message/rfc822 (RFC 2046 5.1.5)
  bool forced_text = false;  // shown as text/plain whatever its header says (see above)
  bool synthetic = false;    // the empty part made up for a multipart that had none

  size_t header_size() const { return body_begin - header_begin; }
  size_t body_size() const { return body_end - body_begin; }
  std::string_view header(std::string_view message) const {
    return message.substr(header_begin, body_begin - header_begin);
  }
  std::string_view body(std::string_view message) const {
    return message.substr(body_begin, body_end - body_begin);
  }
};

struct Structure {
  std::vector<Part> parts;  // parts[0] is the root; children come after their parent
  bool truncated = false;   // a limit was hit somewhere

  const Part& root() const { return parts[0]; }
  const Part& operator[](uint32_t i) const { return parts[i]; }
  // The n-th child (1-based), or Part::none.
  uint32_t child(uint32_t index, uint32_t n) const;
};

Structure parse_structure(std::string_view message, Limits limits = {});

// The MIME fields of a part, read from its header with the defaults applied: RFC 2045 5.2
// text/plain; charset=us-ascii when Content-Type is absent or invalid (message/rfc822 in a
// digest), charset=us-ascii added to text/* types that lack it (as Dovecot shows them), 7bit
// when Content-Transfer-Encoding is absent.
struct PartInfo {
  ContentType content_type;
  std::string encoding;  // Content-Transfer-Encoding, lowercased token ("7bit" by default)
  TransferEncoding transfer = TransferEncoding::seven_bit;
  std::optional<std::string> id;           // Content-ID, unfolded and trimmed
  std::optional<std::string> description;  // Content-Description, unfolded and trimmed
  std::optional<std::string> md5;          // Content-MD5
  std::optional<Disposition> disposition;  // Content-Disposition (RFC 2183)
  std::vector<std::string> languages;      // Content-Language (RFC 3282), one tag per entry
  std::optional<std::string> location;     // Content-Location (RFC 2557), unfolded and trimmed
};

PartInfo part_info(std::string_view message, const Structure& s, uint32_t index);

}  // namespace heron::mime
