// BODY[section]<partial>, BINARY[part]<partial>, BINARY.SIZE[part] (RFC 9051 6.4.5, RFC 3516);
// see message_render.hpp for the rules.
#include "base/strings.hpp"
#include "mime/header.hpp"
#include "mime/transfer.hpp"
#include "proto/imap/message_render.hpp"

namespace heron::proto::imap {
namespace {

using Status = SectionData::Status;
constexpr uint32_t kNone = mime::Part::none;

// Part n inside an encapsulated message (or the message itself): a multipart's n-th body part,
// else the single body, which is part 1.
uint32_t enter_message(const mime::Structure& s, uint32_t message, uint32_t n) {
  if (message == kNone) return kNone;
  if (s[message].kind == mime::PartKind::multipart) return s.child(message, n);
  return n == 1 ? message : kNone;
}

// The encapsulated message a HEADER/TEXT specifier applies to: the message itself for an empty
// part path, else the child of a message/rfc822 part.
uint32_t message_of(const mime::Structure& s, const std::vector<uint32_t>& path) {
  if (path.empty()) return 0;
  const uint32_t p = resolve_part(s, path);
  if (p == kNone || s[p].kind != mime::PartKind::message) return kNone;
  return s[p].first_child;
}

bool listed(std::string_view name, const std::vector<std::string>& names) {
  for (const std::string& n : names) {
    if (str::iequals(name, n)) return true;
  }
  return false;
}

// RFC 9051 6.4.5 HEADER.FIELDS / HEADER.FIELDS.NOT: the chosen fields as they are, then the
// empty line.
std::string header_fields(std::string_view header, const std::vector<std::string>& names,
                          bool keep_listed) {
  std::string out;
  for (const mime::HeaderField& f : mime::header_fields(header)) {
    if (listed(f.name, names) != keep_listed) continue;
    out += f.raw;
    if (!f.raw.ends_with('\n')) out += "\r\n";
  }
  out += "\r\n";
  return out;
}

}  // namespace

std::string_view SectionData::bytes() const {
  if (const auto* v = std::get_if<std::string_view>(&data_)) return *v;
  return std::get<std::string>(data_);
}

void SectionData::cut(const std::optional<Partial>& partial) {
  if (!partial) return;
  const std::string_view all = bytes();
  const uint64_t offset = std::min<uint64_t>(partial->offset, all.size());
  const uint64_t length = std::min<uint64_t>(partial->length, all.size() - offset);
  if (auto* owned = std::get_if<std::string>(&data_)) {
    *owned = owned->substr(offset, length);
  } else {
    data_ = all.substr(offset, length);
  }
}

uint32_t resolve_part(const mime::Structure& s, const std::vector<uint32_t>& path) {
  if (s.parts.empty()) return kNone;
  if (path.empty()) return 0;
  uint32_t cur = enter_message(s, 0, path[0]);
  for (size_t i = 1; i < path.size() && cur != kNone; ++i) {
    const uint32_t n = path[i];
    switch (s[cur].kind) {
      case mime::PartKind::multipart:
        cur = s.child(cur, n);
        break;
      case mime::PartKind::message:
        cur = enter_message(s, s[cur].first_child, n);
        break;
      case mime::PartKind::leaf:
        cur = n == 1 ? cur : kNone;
        break;
    }
  }
  return cur;
}

SectionData section_text(std::string_view message, const mime::Structure& s, const Section& section,
                         const std::optional<Partial>& partial) {
  SectionData out(Status::no_such_part);
  switch (section.text) {
    case Section::Text::none:
    case Section::Text::mime: {
      if (section.part.empty()) {
        out = SectionData(section.text == Section::Text::none ? message : s.root().header(message));
        break;
      }
      const uint32_t p = resolve_part(s, section.part);
      if (p == kNone) break;
      out = SectionData(section.text == Section::Text::none ? s[p].body(message)
                                                            : s[p].header(message));
      break;
    }
    case Section::Text::header:
    case Section::Text::text: {
      const uint32_t m = message_of(s, section.part);
      if (m == kNone) break;
      out = SectionData(section.text == Section::Text::header ? s[m].header(message)
                                                              : s[m].body(message));
      break;
    }
    case Section::Text::header_fields:
    case Section::Text::header_fields_not: {
      const uint32_t m = message_of(s, section.part);
      if (m == kNone) break;
      out = SectionData(header_fields(s[m].header(message), section.fields,
                                      section.text == Section::Text::header_fields));
      break;
    }
  }
  out.cut(partial);
  return out;
}

SectionData binary_text(std::string_view message, const mime::Structure& s,
                        const std::vector<uint32_t>& part, const std::optional<Partial>& partial) {
  if (part.empty()) {
    SectionData all(message);
    all.cut(partial);
    return all;
  }
  const uint32_t p = resolve_part(s, part);
  if (p == kNone) return SectionData(Status::no_such_part);
  SectionData out;
  if (s[p].kind != mime::PartKind::leaf) {
    out = SectionData(s[p].body(message));
  } else {
    const mime::PartInfo info = mime::part_info(message, s, p);
    if (info.transfer == mime::TransferEncoding::unknown) return SectionData(Status::unknown_cte);
    if (info.transfer == mime::TransferEncoding::base64 ||
        info.transfer == mime::TransferEncoding::quoted_printable) {
      out = SectionData(*mime::decode_body(s[p].body(message), info.transfer));
    } else {
      out = SectionData(s[p].body(message));
    }
  }
  out.cut(partial);
  return out;
}

BinarySize binary_size(std::string_view message, const mime::Structure& s,
                       const std::vector<uint32_t>& part) {
  const SectionData d = binary_text(message, s, part);
  return BinarySize{d.status(), d.ok() ? d.bytes().size() : 0};
}

}  // namespace heron::proto::imap
