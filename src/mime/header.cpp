#include "mime/header.hpp"

#include "base/strings.hpp"

namespace heron::mime {
namespace {

// End of the line starting at pos: the index just past its LF, or s.size().
size_t next_line(std::string_view s, size_t pos) {
  size_t eol = s.find('\n', pos);
  return eol == std::string_view::npos ? s.size() : eol + 1;
}

bool is_blank_line(std::string_view s, size_t pos) {
  return s.compare(pos, 1, "\n") == 0 || s.compare(pos, 2, "\r\n") == 0;
}

std::string_view strip_line_end(std::string_view line) {
  if (line.ends_with('\n')) line.remove_suffix(1);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

// Calls fn(field) for each field until fn returns false.
template <class Fn>
void walk_fields(std::string_view header, Fn&& fn) {
  size_t pos = 0;
  while (pos < header.size() && !is_blank_line(header, pos)) {
    const size_t start = pos;
    pos = next_line(header, pos);
    // Continuation lines start with a blank (RFC 5322 2.2.3).
    while (pos < header.size() && (header[pos] == ' ' || header[pos] == '\t')) {
      pos = next_line(header, pos);
    }
    const std::string_view raw = header.substr(start, pos - start);
    if (raw[0] == ' ' || raw[0] == '\t') continue;  // a fold with no field before it
    const size_t colon = raw.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = raw.substr(0, colon);
    // A name cannot span lines; "Subject : x" (RFC 5322 4.5.3, obs-optional) is tolerated.
    if (name.find('\n') != std::string_view::npos) continue;
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    if (name.empty()) continue;
    HeaderField f{name, strip_line_end(raw.substr(colon + 1)), raw};
    if (!fn(f)) return;
  }
}

}  // namespace

std::string HeaderField::unfolded() const {
  std::string_view v = value;
  while (!v.empty() &&
         (v.front() == ' ' || v.front() == '\t' || v.front() == '\r' || v.front() == '\n')) {
    v.remove_prefix(1);
  }
  return unfold(v);
}

size_t header_length(std::string_view message) {
  size_t pos = 0;
  while (pos < message.size()) {
    if (is_blank_line(message, pos)) return next_line(message, pos);
    pos = next_line(message, pos);
  }
  return message.size();
}

std::string_view header_section(std::string_view message) {
  size_t pos = 0;
  while (pos < message.size() && !is_blank_line(message, pos)) pos = next_line(message, pos);
  return message.substr(0, pos);
}

std::vector<HeaderField> header_fields(std::string_view header) {
  std::vector<HeaderField> out;
  walk_fields(header, [&](const HeaderField& f) {
    out.push_back(f);
    return true;
  });
  return out;
}

std::optional<HeaderField> find_field(std::string_view header, std::string_view name) {
  std::optional<HeaderField> found;
  walk_fields(header, [&](const HeaderField& f) {
    if (!str::iequals(f.name, name)) return true;
    found = f;
    return false;
  });
  return found;
}

std::vector<HeaderField> find_fields(std::string_view header, std::string_view name) {
  std::vector<HeaderField> out;
  walk_fields(header, [&](const HeaderField& f) {
    if (str::iequals(f.name, name)) out.push_back(f);
    return true;
  });
  return out;
}

std::string unfold(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c != '\r' && c != '\n') out += c;
  }
  return out;
}

std::optional<std::string> header_value(std::string_view message, std::string_view name) {
  std::optional<HeaderField> f = find_field(message, name);
  if (!f) return std::nullopt;
  return std::string(str::trim(unfold(f->value)));
}

}  // namespace heron::mime
