#pragma once
// The IMAP message renderer: FETCH data items computed from a message and its MIME structure
// (mime/structure.hpp). No I/O; the server passes the message bytes and writes what comes back.
//
//   ENVELOPE         RFC 9051 7.5.2 (RFC 3501 7.4.2): date, subject, from, sender, reply-to, to,
//                    cc, bcc, in-reply-to, message-id. Header text is sent undecoded (encoded-
//                    words included); sender and reply-to take from's value when absent or
//                    empty. Repeated address fields are joined (Dovecot does too); of a repeated
//                    Date, Subject, In-Reply-To or Message-ID the first counts (Dovecot: last). A
//                    mailbox with no local part or host shows "MISSING_MAILBOX" / "MISSING_DOMAIN"
//                    (NIL would read as a group marker), as Dovecot does.
//   BODYSTRUCTURE    RFC 9051 7.5.2 body with extension data (md5, disposition, language,
//   BODY             location; multipart: parameters, disposition, language, location); BODY
//                    without. Types, subtypes, encodings, parameter names and disposition types
//                    are sent lowercased (Dovecot keeps the header's case; both are allowed).
//                    Sizes are body octets and line counts (LF bytes) as parse_structure()
//                    measured them. message/rfc822 and message/global carry the envelope, body
//                    and lines of the encapsulated message.
//   BODY[section]<partial>, BINARY[part]<partial>, BINARY.SIZE[part]: section_text(),
//                    binary_text(), binary_size(); see the rules below.
//
// Section rules (RFC 9051 6.4.5): part numbers index the body parts of a multipart; in a
// message/rfc822 part they index the encapsulated message's parts (a non-multipart
// encapsulated message has only part 1, its body); part 1 of a non-multipart message is its
// body and a leaf's part 1 is itself. BODY[n.MIME] is part n's MIME header (for part 1 of a
// non-multipart message, the message header). HEADER, HEADER.FIELDS(.NOT) and TEXT apply to the
// message itself or to a message/rfc822 part's encapsulated message; asked of another part they
// find nothing. HEADER.FIELDS copies each matching field as it is (folds kept), in header order,
// then the empty line "\r\n". <partial> cuts the result.
//
// Caching: parse_structure() is cheap to keep (offsets only), and envelope() /
// body_structure() return complete wire strings meant to be computed once per message and
// stored by the server. Strings inside them are literals when needed ("{n}\r\n..."), so they
// are copied into a response as they are.
// Input: untrusted message bytes; Section comes from the IMAP parser (already validated).
// Thread: any. Failure: no exceptions; sections report a Status.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mime/structure.hpp"
#include "proto/imap/section.hpp"

namespace heron::proto::imap {

struct RenderOptions {
  bool utf8 = false;  // the client enabled UTF8=ACCEPT: UTF-8 may go in quoted strings
};

// ENVELOPE of the message whose header is part `index`'s header: 0 for the message itself, or
// the child of a message/rfc822 part. The result is the parenthesised list, without "ENVELOPE ".
std::string envelope(std::string_view message, const mime::Structure& s, uint32_t index = 0,
                     RenderOptions options = {});
// ENVELOPE from a header section alone.
std::string envelope_from_header(std::string_view header, RenderOptions options = {});

// BODYSTRUCTURE (extensible = true) or BODY (false) of the whole message.
std::string body_structure(std::string_view message, const mime::Structure& s, bool extensible,
                           RenderOptions options = {});

// The bytes of a section: a view into the message where possible (valid while the message
// bytes are), else built.
class SectionData {
 public:
  enum class Status {
    ok,
    no_such_part,  // the part or text does not exist; Dovecot sends an empty string
    unknown_cte,   // BINARY of a part whose transfer encoding is unknown: NO [UNKNOWN-CTE]
  };

  SectionData() = default;
  explicit SectionData(Status status) : status_(status) {}
  explicit SectionData(std::string_view view) : data_(view) {}
  explicit SectionData(std::string owned) : data_(std::move(owned)) {}

  Status status() const { return status_; }
  bool ok() const { return status_ == Status::ok; }
  std::string_view bytes() const;
  // True if the bytes hold a NUL, which only a literal8 (RFC 3516 4.3) may carry.
  bool has_nul() const { return bytes().find('\0') != std::string_view::npos; }

  void cut(const std::optional<Partial>& partial);

 private:
  Status status_ = Status::ok;
  std::variant<std::string_view, std::string> data_;
};

// The part `path` names (see the rules above): an index into s.parts, or mime::Part::none.
// An empty path names the root.
uint32_t resolve_part(const mime::Structure& s, const std::vector<uint32_t>& path);

// BODY[section]<partial>.
SectionData section_text(std::string_view message, const mime::Structure& s, const Section& section,
                         const std::optional<Partial>& partial = {});

// BINARY[part]<partial> (RFC 3516): the part's body with its Content-Transfer-Encoding undone.
// Multipart and message parts, and BINARY[] (the whole message), are sent as they are.
SectionData binary_text(std::string_view message, const mime::Structure& s,
                        const std::vector<uint32_t>& part,
                        const std::optional<Partial>& partial = {});

// BINARY.SIZE[part]: the size binary_text() would return without a partial.
struct BinarySize {
  SectionData::Status status = SectionData::Status::ok;
  uint64_t size = 0;
};
BinarySize binary_size(std::string_view message, const mime::Structure& s,
                       const std::vector<uint32_t>& part);

}  // namespace heron::proto::imap
