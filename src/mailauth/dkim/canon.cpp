// RFC 6376 3.4 canonicalisation and 5.4.2 header selection. See canon.hpp.

#include "mailauth/dkim/canon.hpp"

#include "base/strings.hpp"

namespace heron::mailauth::dkim {
namespace {

bool is_wsp(char c) {
  return c == ' ' || c == '\t';
}

// End of the line starting at `pos`: the offset just past its LF, or the text's size.
size_t line_end(std::string_view text, size_t pos) {
  const size_t lf = text.find('\n', pos);
  return lf == std::string_view::npos ? text.size() : lf + 1;
}

}  // namespace

std::string to_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out.push_back('\r');
    out.push_back(text[i]);
  }
  return out;
}

SplitMessage split_message(std::string_view message) {
  SplitMessage out;
  size_t pos = 0;
  while (pos < message.size()) {
    // The empty line that separates header and body (RFC 5322 2.1).
    if (message.substr(pos, 2) == "\r\n") {
      out.body = message.substr(pos + 2);
      return out;
    }
    if (message[pos] == '\n') {
      out.body = message.substr(pos + 1);
      return out;
    }
    const size_t begin = pos;
    pos = line_end(message, pos);
    // Continuation lines start with WSP (RFC 5322 2.2.3).
    while (pos < message.size() && is_wsp(message[pos])) pos = line_end(message, pos);
    const std::string_view raw = message.substr(begin, pos - begin);
    const size_t colon = raw.find(':');
    std::string_view name;
    if (colon != std::string_view::npos) {
      name = raw.substr(0, colon);
      while (!name.empty() && is_wsp(name.back())) name.remove_suffix(1);
    }
    out.fields.push_back(HeaderField{name, raw});
  }
  return out;
}

std::string canon_header(Canon canon, std::string_view raw) {
  if (canon == Canon::simple) return std::string(raw);
  // RFC 6376 3.4.2: lowercase the name, unfold, compress WSP runs to one SP, drop WSP at the
  // end of the value and around the colon.
  std::string out;
  out.reserve(raw.size());
  const size_t colon = raw.find(':');
  std::string_view name = raw.substr(0, colon == std::string_view::npos ? raw.size() : colon);
  while (!name.empty() && is_wsp(name.back())) name.remove_suffix(1);
  out += str::to_lower(name);
  out.push_back(':');
  if (colon == std::string_view::npos) {
    out += "\r\n";
    return out;
  }
  bool pending_space = false;
  bool started = false;
  for (size_t i = colon + 1; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\r' || c == '\n') continue;  // unfold
    if (is_wsp(c)) {
      pending_space = started;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    started = true;
    out.push_back(c);
  }
  out += "\r\n";
  return out;
}

std::string canon_body(Canon canon, std::string_view body) {
  std::string out;
  out.reserve(body.size() + 2);
  size_t pos = 0;
  while (pos < body.size()) {
    const size_t end = line_end(body, pos);
    std::string_view line = body.substr(pos, end - pos);
    pos = end;
    // Strip the line end; a final line without CRLF gets one (RFC 6376 3.4.3).
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (canon == Canon::relaxed) {
      // RFC 6376 3.4.4: WSP at line end removed, inner WSP runs become one SP.
      while (!line.empty() && is_wsp(line.back())) line.remove_suffix(1);
      bool space = false;
      for (char c : line) {
        if (is_wsp(c)) {
          space = true;
          continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(c);
      }
    } else {
      out += line;
    }
    out += "\r\n";
  }
  // Empty lines at the end of the body are ignored (3.4.3, 3.4.4).
  while (out.size() >= 4 && out.compare(out.size() - 4, 4, "\r\n\r\n") == 0)
    out.resize(out.size() - 2);
  if (out == "\r\n") out.clear();
  // An empty body is "\r\n" for simple and empty for relaxed (3.4.3, 3.4.4 and erratum 3242).
  if (out.empty() && canon == Canon::simple) out = "\r\n";
  return out;
}

std::vector<const HeaderField*> select_headers(const std::vector<HeaderField>& fields,
                                               const std::vector<std::string>& signed_names) {
  std::vector<const HeaderField*> out;
  std::vector<bool> used(fields.size(), false);
  for (const std::string& name : signed_names) {
    for (size_t i = fields.size(); i-- > 0;) {
      if (!used[i] && str::iequals(fields[i].name, name)) {
        used[i] = true;
        out.push_back(&fields[i]);
        break;
      }
    }
  }
  return out;
}

}  // namespace heron::mailauth::dkim
