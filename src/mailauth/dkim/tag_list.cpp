// RFC 6376 3.2 tag lists. See tag_list.hpp.

#include "mailauth/dkim/tag_list.hpp"

namespace heron::mailauth::dkim {
namespace {

bool is_fws(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_alnumpunc(char c) {
  return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}
// VALCHAR = %x21-3A / %x3C-7E. Octets above 0x7E are accepted too: RFC 6376 leaves them out,
// but they occur in notes (n=) and are harmless to every value we interpret strictly later.
bool is_valchar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x21 && u != 0x3B && u != 0x7F;
}

}  // namespace

Result<TagList> TagList::parse(std::string_view text) {
  TagList list;
  size_t pos = 0;
  const size_t n = text.size();
  while (pos < n) {
    while (pos < n && is_fws(text[pos])) ++pos;
    if (pos == n) break;  // trailing ";" then FWS
    const size_t name_begin = pos;
    if (!is_alpha(text[pos])) return make_error("tag name must start with a letter");
    while (pos < n && is_alnumpunc(text[pos])) ++pos;
    const std::string_view name = text.substr(name_begin, pos - name_begin);
    while (pos < n && is_fws(text[pos])) ++pos;
    if (pos == n || text[pos] != '=')
      return make_error("expected '=' after tag " + std::string(name));
    ++pos;
    const size_t value_begin = pos;
    size_t end = text.find(';', pos);
    if (end == std::string_view::npos) end = n;
    size_t first = value_begin;
    while (first < end && is_fws(text[first])) ++first;
    size_t last = end;
    while (last > first && is_fws(text[last - 1])) --last;
    for (size_t i = first; i < last; ++i) {
      if (!is_valchar(text[i]) && !is_fws(text[i])) {
        return make_error("invalid character in value of tag " + std::string(name));
      }
    }
    if (list.find(name) != nullptr) return make_error("duplicate tag " + std::string(name));
    list.tags_.push_back(Tag{name, text.substr(first, last - first), value_begin, end});
    pos = end < n ? end + 1 : n;
  }
  return list;
}

const Tag* TagList::find(std::string_view name) const {
  for (const Tag& tag : tags_) {
    if (tag.name == name) return &tag;
  }
  return nullptr;
}

std::optional<std::string_view> TagList::get(std::string_view name) const {
  const Tag* tag = find(name);
  if (tag == nullptr) return std::nullopt;
  return tag->value;
}

std::string strip_fws(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (!is_fws(c)) out.push_back(c);
  }
  return out;
}

}  // namespace heron::mailauth::dkim
