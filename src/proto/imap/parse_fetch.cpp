// FETCH data items (RFC 9051 6.4.5 and 9: fetch-att, section, partial; RFC 3516 BINARY;
// RFC 7162 MODSEQ and CHANGEDSINCE).

#include "proto/imap/parse_detail.hpp"

namespace heron::proto::imap::detail {
namespace {

using Kind = FetchItem::Kind;

FetchItem simple(Kind kind) {
  FetchItem item;
  item.kind = kind;
  return item;
}

bool header_list(Cursor& c, std::vector<std::string>& out, Failure& error) {
  if (!c.eat('(')) return error.message = "Expected a header field list", false;
  do {
    auto name = c.astring();
    if (!name || name->empty()) return error.message = "Expected a header field name", false;
    out.push_back(std::move(*name));
    if (out.size() > 1000) return error.message = "Too many header fields", false;
  } while (c.space());
  if (!c.eat(')')) return error.message = "Expected ) after header fields", false;
  return true;
}

// section-part: nz-number *("." nz-number); the dot before a section-text is left.
bool section_part(Cursor& c, std::vector<uint32_t>& part, Failure& error) {
  while (c.peek() >= '0' && c.peek() <= '9') {
    auto n = c.nz_number();
    if (!n) return error.message = "Part numbers start at 1", false;
    part.push_back(*n);
    if (part.size() > 100) return error.message = "Section nested too deeply", false;
    if (c.peek() != '.') break;
    c.eat('.');
    if (!(c.peek() >= '0' && c.peek() <= '9')) break;  // ".HEADER" etc. follows
  }
  return true;
}

// "[" section-spec "]" for BODY; fills item.section and item.section_text.
bool section(Cursor& c, FetchItem& item, Failure& error) {
  if (!c.eat('[')) return error.message = "Expected [", false;
  Section& s = item.section;
  if (!section_part(c, s.part, error)) return false;
  std::string text;
  for (size_t i = 0; i < s.part.size(); ++i) text += (i ? "." : "") + std::to_string(s.part[i]);
  const bool after_part = !s.part.empty();
  if (c.peek() != ']') {
    if (after_part) text += '.';
    if (c.eat_word("HEADER.FIELDS.NOT")) {
      s.text = Section::Text::header_fields_not;
      text += "HEADER.FIELDS.NOT";
    } else if (c.eat_word("HEADER.FIELDS")) {
      s.text = Section::Text::header_fields;
      text += "HEADER.FIELDS";
    } else if (c.eat_word("HEADER")) {
      s.text = Section::Text::header;
      text += "HEADER";
    } else if (c.eat_word("TEXT")) {
      s.text = Section::Text::text;
      text += "TEXT";
    } else if (after_part && c.eat_word("MIME")) {
      s.text = Section::Text::mime;
      text += "MIME";
    } else {
      return error.message = "Unknown section", false;
    }
    if (s.text == Section::Text::header_fields || s.text == Section::Text::header_fields_not) {
      if (!c.space() || !header_list(c, s.fields, error)) {
        if (error.message.empty()) error.message = "Expected a header field list";
        return false;
      }
      text += " (";
      for (size_t i = 0; i < s.fields.size(); ++i) text += (i ? " " : "") + s.fields[i];
      text += ")";
    }
  }
  if (!c.eat(']')) return error.message = "Expected ]", false;
  item.section_text = std::move(text);
  return true;
}

// "[" [section-part] "]" for BINARY.
bool section_binary(Cursor& c, FetchItem& item, Failure& error) {
  if (!c.eat('[')) return error.message = "Expected [", false;
  if (!section_part(c, item.section.part, error)) return false;
  if (!c.eat(']')) return error.message = "Expected ] (BINARY takes part numbers only)", false;
  for (size_t i = 0; i < item.section.part.size(); ++i) {
    item.section_text += (i ? "." : "") + std::to_string(item.section.part[i]);
  }
  return true;
}

// "<" number "." nz-number ">"
bool partial(Cursor& c, FetchItem& item, Failure& error) {
  if (!c.eat('<')) return true;
  auto offset = c.number();
  if (!offset || !c.eat('.')) return error.message = "Expected <offset.length>", false;
  auto length = c.nz_number();
  if (!length || !c.eat('>')) return error.message = "Expected <offset.length>", false;
  item.partial = Partial{*offset, *length};
  return true;
}

bool fetch_att(Cursor& c, std::vector<FetchItem>& out, Failure& error) {
  if (c.eat_word("ENVELOPE")) return out.push_back(simple(Kind::envelope)), true;
  if (c.eat_word("FLAGS")) return out.push_back(simple(Kind::flags)), true;
  if (c.eat_word("INTERNALDATE")) return out.push_back(simple(Kind::internaldate)), true;
  if (c.eat_word("RFC822.HEADER")) return out.push_back(simple(Kind::rfc822_header)), true;
  if (c.eat_word("RFC822.SIZE")) return out.push_back(simple(Kind::rfc822_size)), true;
  if (c.eat_word("RFC822.TEXT")) return out.push_back(simple(Kind::rfc822_text)), true;
  if (c.eat_word("RFC822")) return out.push_back(simple(Kind::rfc822)), true;
  if (c.eat_word("BODYSTRUCTURE")) return out.push_back(simple(Kind::bodystructure)), true;
  if (c.eat_word("UID")) return out.push_back(simple(Kind::uid)), true;
  if (c.eat_word("MODSEQ")) return out.push_back(simple(Kind::modseq)), true;
  if (c.eat_word("BINARY.SIZE")) {
    FetchItem item = simple(Kind::binary_size);
    if (!section_binary(c, item, error)) return false;
    out.push_back(std::move(item));
    return true;
  }
  const bool binary_peek = c.eat_word("BINARY.PEEK");
  if (binary_peek || c.eat_word("BINARY")) {
    FetchItem item = simple(Kind::binary);
    item.peek = binary_peek;
    if (!section_binary(c, item, error) || !partial(c, item, error)) return false;
    out.push_back(std::move(item));
    return true;
  }
  const bool body_peek = c.eat_word("BODY.PEEK");
  if (body_peek || c.eat_word("BODY")) {
    if (!body_peek && c.peek() != '[') return out.push_back(simple(Kind::body)), true;
    FetchItem item = simple(Kind::body_section);
    item.peek = body_peek;
    if (!section(c, item, error) || !partial(c, item, error)) return false;
    out.push_back(std::move(item));
    return true;
  }
  error.message = "Unknown FETCH item";
  return false;
}

}  // namespace

bool fetch_items(Cursor& c, Command& out, Failure& error) {
  auto& items = out.fetch;
  if (c.eat_word("ALL")) {
    for (Kind k : {Kind::flags, Kind::internaldate, Kind::rfc822_size, Kind::envelope}) {
      items.push_back(simple(k));
    }
  } else if (c.eat_word("FAST")) {
    for (Kind k : {Kind::flags, Kind::internaldate, Kind::rfc822_size}) items.push_back(simple(k));
  } else if (c.eat_word("FULL")) {
    for (Kind k :
         {Kind::flags, Kind::internaldate, Kind::rfc822_size, Kind::envelope, Kind::body}) {
      items.push_back(simple(k));
    }
  } else if (c.eat('(')) {
    do {
      if (!fetch_att(c, items, error)) return false;
      if (items.size() > 1000) return error.message = "Too many FETCH items", false;
    } while (c.space());
    if (!c.eat(')')) return error.message = "Expected ) after FETCH items", false;
  } else if (!fetch_att(c, items, error)) {
    return false;
  }
  if (c.space()) {
    // RFC 7162 3.1.4: fetch-modifiers "(" CHANGEDSINCE mod-sequence ")"
    if (!c.eat('(') || !c.eat_word("CHANGEDSINCE") || !c.space()) {
      return error.message = "Expected (CHANGEDSINCE n)", false;
    }
    auto n = c.number64();
    if (!n || !c.eat(')')) return error.message = "Expected (CHANGEDSINCE n)", false;
    out.changed_since = *n;
  }
  return true;
}

}  // namespace heron::proto::imap::detail
