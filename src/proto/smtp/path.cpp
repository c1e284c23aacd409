#include "proto/smtp/path.hpp"

#include <arpa/inet.h>

#include <cstring>

#include "base/strings.hpp"

namespace heron::smtp {
namespace {

// RFC 5321 4.5.3.1.3: a reverse-path or forward-path is at most 256 octets, "<" and ">"
// included.
constexpr size_t kMaxPath = 256;
// RFC 5321 4.5.3.1.2 and RFC 1035 2.3.4.
constexpr size_t kMaxDomain = 255;
constexpr size_t kMaxLabel = 63;

bool is_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 5321 4.1.2 atext (RFC 5322 3.2.3), extended by RFC 6531 3.3 with UTF8-non-ascii.
// Structural UTF-8 validity is checked once on the whole address, not per byte.
bool is_atext(unsigned char c) {
  if (is_alnum(c) || c >= 0x80) return true;
  return c != 0 && std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr;
}

// RFC 5321 4.1.2 Dot-string = Atom *("." Atom).
bool is_dot_string(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  char prev = 0;
  for (char c : s) {
    if (c == '.') {
      if (prev == '.') return false;
    } else if (!is_atext(static_cast<unsigned char>(c))) {
      return false;
    }
    prev = c;
  }
  return true;
}

// RFC 5321 4.1.2 sub-domain = Let-dig [Ldh-str], with RFC 6531 3.3 U-labels (non-ASCII
// bytes). The IDNA rules themselves (RFC 5890) are the resolver's business.
bool is_label(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabel) return false;
  auto let_dig = [](unsigned char c) { return is_alnum(c) || c >= 0x80; };
  if (!let_dig(static_cast<unsigned char>(label.front())) ||
      !let_dig(static_cast<unsigned char>(label.back()))) {
    return false;
  }
  for (char c : label) {
    if (!let_dig(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

// RFC 5321 4.1.3 address-literal: "[" IPv4 / "IPv6:" IPv6 "]". General-address-literal tags
// other than IPv6 are not registered, so none is accepted.
bool is_address_literal(std::string_view d) {
  if (d.size() < 3 || d.front() != '[' || d.back() != ']') return false;
  std::string_view inner = d.substr(1, d.size() - 2);
  int family = AF_INET;
  if (str::istarts_with(inner, "IPv6:")) {
    family = AF_INET6;
    inner.remove_prefix(5);
  }
  if (inner.empty() || inner.size() > 45) return false;
  // inet_pton needs a terminated string; it does no I/O and accepts only the strict forms
  // (dotted-quad decimal, RFC 4291 text).
  const std::string text(inner);
  if (text.find('\0') != std::string::npos) return false;
  unsigned char buf[16];
  return inet_pton(family, text.c_str(), buf) == 1;
}

bool is_domain(std::string_view d) {
  if (d.empty()) return false;
  if (d.front() == '[') return is_address_literal(d);
  if (d.size() > kMaxDomain) return false;
  while (true) {
    const size_t dot = d.find('.');
    if (!is_label(d.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    d.remove_prefix(dot + 1);
  }
}

// RFC 5321 4.1.2 A-d-l = At-domain *( "," At-domain ), At-domain = "@" Domain.
bool is_source_route(std::string_view adl) {
  for (std::string_view at_domain : str::split(adl, ',')) {
    if (at_domain.size() < 2 || at_domain.front() != '@') return false;
    if (!is_domain(at_domain.substr(1))) return false;
  }
  return true;
}

// RFC 5321 4.1.2 Quoted-string = DQUOTE *QcontentSMTP DQUOTE, starting at s[0] == '"'.
// Appends the unquoted content to out and returns the length consumed, or 0 on error.
size_t parse_quoted(std::string_view s, std::string& out) {
  size_t i = 1;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"') return i + 1;
    if (c == '\\') {
      // quoted-pairSMTP = %d92 %d32-126
      if (i + 1 >= s.size()) return 0;
      const unsigned char q = static_cast<unsigned char>(s[i + 1]);
      if (q < 32 || q > 126) return 0;
      out += static_cast<char>(q);
      i += 2;
      continue;
    }
    // qtextSMTP = %d32-33 / %d35-91 / %d93-126, plus UTF8-non-ascii (RFC 6531 3.3).
    if ((c < 32 || c == 127) && c < 0x80) return 0;
    out += static_cast<char>(c);
    ++i;
  }
  return 0;
}

// Finds the '>' that closes the path, skipping quoted strings (a quoted local part may hold
// '>'). Returns npos when there is none.
size_t find_close(std::string_view text) {
  bool quoted = false;
  for (size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == '>') {
      return i;
    }
  }
  return std::string_view::npos;
}

PathParse fail(std::string why) {
  PathParse r;
  r.error = std::move(why);
  return r;
}

}  // namespace

std::string Path::address() const {
  if (null) return {};
  std::string out;
  if (is_dot_string(local)) {
    out = local;
  } else {
    // RFC 5321 4.1.2: a local part that is not a Dot-string goes in a Quoted-string; only
    // '"' and '\' need a quoted-pair.
    out.reserve(local.size() + 4);
    out += '"';
    for (char c : local) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  if (!domain.empty()) {
    out += '@';
    out += domain;
  }
  return out;
}

PathParse parse_path(std::string_view text, bool allow_null, bool allow_utf8,
                     bool allow_postmaster) {
  if (text.empty() || text.front() != '<') return fail("path must start with '<'");
  const size_t close = find_close(text.substr(0, kMaxPath));
  if (close == std::string_view::npos) {
    return fail(text.size() >= kMaxPath ? "path too long" : "missing '>'");
  }
  std::string_view inner = text.substr(1, close - 1);

  PathParse r;
  r.rest = std::string(text.substr(close + 1));
  Path path;
  if (inner.empty()) {
    if (!allow_null) return fail("null path not allowed here");
    path.null = true;
    r.path = std::move(path);
    return r;
  }

  // RFC 5321 4.1.1.3 and C: a source route is accepted and ignored.
  if (inner.front() == '@') {
    const size_t colon = inner.find(':');
    if (colon == std::string_view::npos || !is_source_route(inner.substr(0, colon))) {
      return fail("bad source route");
    }
    inner.remove_prefix(colon + 1);
  }

  // RFC 5321 4.1.1.3: "Postmaster" alone is a valid forward-path.
  if (allow_postmaster && str::iequals(inner, "postmaster")) {
    path.local = std::string(inner);
    r.path = std::move(path);
    return r;
  }

  size_t at = 0;
  if (!inner.empty() && inner.front() == '"') {
    const size_t used = parse_quoted(inner, path.local);
    if (used == 0) return fail("bad quoted local part");
    at = used;
  } else {
    at = inner.find('@');
    if (at == std::string_view::npos) at = inner.size();
    path.local = std::string(inner.substr(0, at));
    if (!path.local.empty() && !is_dot_string(path.local)) return fail("bad local part");
  }
  if (path.local.empty()) return fail("empty local part");
  if (at >= inner.size() || inner[at] != '@') return fail("missing '@domain'");
  const std::string_view domain = inner.substr(at + 1);
  if (!is_domain(domain)) return fail("bad domain");
  path.domain = std::string(domain);

  path.utf8 = !str::is_ascii(inner);
  if (path.utf8) {
    // RFC 6531 3.3: only UTF-8, and only when the transaction declared SMTPUTF8.
    if (!str::is_valid_utf8(inner)) return fail("invalid UTF-8 in address");
    if (!allow_utf8) return fail("non-ASCII address without SMTPUTF8");
  }
  r.path = std::move(path);
  return r;
}

}  // namespace heron::smtp
