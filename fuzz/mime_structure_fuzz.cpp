// Fuzzes the MIME structure scanner and everything the IMAP renderer builds on it
// (mime/structure.hpp, proto/imap/message_render.hpp): the part tree, part_info(),
// part_text_utf8(), BODYSTRUCTURE, BODY, ENVELOPE of every message part, every BODY[section]
// and BINARY[part] reachable by part numbers, and encoded-word decoding of the Subject.
// Input: a whole message.
// The first byte, when it is a digit, picks small limits so the limit paths run too.
// Checks only what must hold for any input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mime/encoded_word.hpp"
#include "mime/header.hpp"
#include "mime/part_text.hpp"
#include "mime/structure.hpp"
#include "proto/imap/message_render.hpp"

namespace {

namespace imap = heron::proto::imap;
namespace mime = heron::mime;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// Parentheses balance outside quoted strings and literals, and quoted strings are closed.
void check_wire(std::string_view s) {
  int depth = 0;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"') {
      ++i;
      while (i < s.size() && s[i] != '"') {
        check(s[i] != '\r' && s[i] != '\n' && s[i] != '\0');
        i += s[i] == '\\' ? 2 : 1;
      }
      check(i < s.size());
      ++i;
    } else if (c == '{') {
      size_t close = s.find('}', i);
      check(close != std::string_view::npos);
      const size_t n = std::stoul(std::string(s.substr(i + 1, close - i - 1)));
      check(s.substr(close + 1, 2) == "\r\n");
      i = close + 3 + n;
      check(i <= s.size());
    } else {
      if (c == '(') ++depth;
      if (c == ')') --depth;
      check(depth >= 0);
      check(c != '\r' && c != '\n' && c != '\0');
      ++i;
    }
  }
  check(depth == 0);
}

void check_tree(const mime::Structure& s, std::string_view m, const mime::Limits& limits) {
  check(!s.parts.empty());
  check(s.parts.size() <= limits.max_parts);
  for (uint32_t i = 0; i < s.parts.size(); ++i) {
    const mime::Part& p = s[i];
    check(p.header_begin <= p.body_begin && p.body_begin <= p.body_end && p.body_end <= m.size());
    check(p.depth <= limits.max_depth);
    if (p.kind == mime::PartKind::leaf) check(p.child_count == 0);
    if (p.kind == mime::PartKind::message) check(p.child_count == 1);
    if (p.kind == mime::PartKind::multipart) check(p.child_count >= 1);
    size_t prev_end = p.body_begin;
    uint32_t n = 0;
    for (uint32_t c = p.first_child; c != mime::Part::none; c = s[c].next_sibling) {
      check(c > i && c < s.parts.size());
      check(s[c].parent == i);
      check(s[c].header_begin >= prev_end && s[c].body_end <= p.body_end);
      prev_end = s[c].body_end;
      ++n;
    }
    check(n == p.child_count);
  }
}

void walk_sections(std::string_view m, const mime::Structure& s, std::vector<uint32_t>& path,
                   int budget_depth) {
  for (uint32_t n = 1; n <= 4; ++n) {
    path.push_back(n);
    const uint32_t p = imap::resolve_part(s, path);
    if (p != mime::Part::none) {
      for (auto text :
           {imap::Section::Text::none, imap::Section::Text::mime, imap::Section::Text::header,
            imap::Section::Text::text, imap::Section::Text::header_fields_not}) {
        const imap::SectionData d =
            imap::section_text(m, s, imap::Section{path, text, {"subject"}});
        if (d.ok() && text != imap::Section::Text::header_fields_not) {
          check(d.bytes().size() <= m.size());
        }
      }
      const imap::SectionData b = imap::binary_text(m, s, path, imap::Partial{1, 7});
      check(!b.ok() || b.bytes().size() <= 7);
      if (budget_depth > 0) walk_sections(m, s, path, budget_depth - 1);
    }
    path.pop_back();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  mime::Limits limits;
  if (!in.empty() && in[0] >= '0' && in[0] <= '9') {
    limits =
        mime::Limits{static_cast<uint32_t>(in[0] - '0'), static_cast<uint32_t>(in[0] - '0') * 3};
    if (limits.max_parts < 2) limits.max_parts = 2;
    in.remove_prefix(1);
  }
  const mime::Structure s = mime::parse_structure(in, limits);
  check_tree(s, in, limits);

  for (bool utf8 : {false, true}) {
    const std::string bs = imap::body_structure(in, s, true, imap::RenderOptions{utf8});
    check_wire(bs);
    check_wire(imap::body_structure(in, s, false, imap::RenderOptions{utf8}));
    check_wire(imap::envelope(in, s, 0, imap::RenderOptions{utf8}));
  }
  for (uint32_t i = 0; i < s.parts.size(); ++i) {
    if (s[i].kind == mime::PartKind::message) check_wire(imap::envelope(in, s, s[i].first_child));
    (void)mime::part_info(in, s, i);
    (void)mime::part_text_utf8(in, s, i);
  }
  std::vector<uint32_t> path;
  walk_sections(in, s, path, 2);
  const imap::SectionData all = imap::section_text(in, s, imap::Section{});
  check(all.ok() && all.bytes() == in);
  const imap::SectionData fields = imap::section_text(
      in, s, imap::Section{{}, imap::Section::Text::header_fields, {"from", "to"}});
  check(fields.ok() && fields.bytes().ends_with("\r\n"));

  if (auto subject = mime::find_field(s.root().header(in), "Subject")) {
    (void)mime::decode_encoded_words(subject->unfolded());
  }
  return 0;
}
