#include "mailauth/spf/macro.hpp"

#include <algorithm>

#include "base/strings.hpp"

namespace heron::mailauth::spf {
namespace {

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}

// RFC 7208 7.1 macro-literal: visible characters except '%'.
bool is_macro_literal(char c) {
  return c >= 0x21 && c <= 0x7e && c != '%';
}
bool is_delimiter(char c) {
  return std::string_view(".-+,/_=").find(c) != std::string_view::npos;
}

// RFC 7208 7.1 toplabel = ( *alphanum ALPHA *alphanum ) /
//                         ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
bool is_toplabel(std::string_view label) {
  if (label.empty() || !is_alnum(label.front()) || !is_alnum(label.back())) return false;
  bool alpha_or_dash = false;
  for (char c : label) {
    if (!is_alnum(c) && c != '-') return false;
    if (is_alpha(c) || c == '-') alpha_or_dash = true;
  }
  return alpha_or_dash;
}

// domain-end = ( "." toplabel [ "." ] ) / macro-expand, applied to the literal text after the
// last macro-expand (`tail`), given whether anything came before it.
bool valid_domain_end(std::string_view tail, bool ends_with_expand) {
  if (tail.empty()) return ends_with_expand;
  if (tail.back() == '.') tail.remove_suffix(1);
  const size_t dot = tail.rfind('.');
  if (dot == std::string_view::npos) return false;
  return is_toplabel(tail.substr(dot + 1));
}

bool allowed_letter(char lower, MacroKind kind) {
  if (std::string_view("slodiphv").find(lower) != std::string_view::npos) return true;
  if (std::string_view("crt").find(lower) != std::string_view::npos) {
    return kind != MacroKind::domain_spec;
  }
  return false;
}

void add_literal(MacroString& out, std::string_view text) {
  if (!out.tokens.empty() && !out.tokens.back().is_macro) {
    out.tokens.back().literal += text;
  } else {
    MacroToken t;
    t.literal = std::string(text);
    out.tokens.push_back(std::move(t));
  }
}

// RFC 3986 2.3 unreserved characters stay, everything else becomes %XX.
std::string url_escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (is_alnum(static_cast<char>(c)) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

// RFC 7208 7.3: split on the delimiters, reverse, keep the rightmost parts, join with ".".
std::string transform(std::string_view value, const MacroToken& t) {
  if (t.keep == 0 && !t.reverse && t.delimiters.empty()) return std::string(value);
  const std::string_view delims = t.delimiters.empty() ? "." : std::string_view(t.delimiters);
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= value.size(); ++i) {
    if (i == value.size() || delims.find(value[i]) != std::string_view::npos) {
      parts.push_back(value.substr(start, i - start));
      start = i + 1;
    }
  }
  if (t.reverse) std::reverse(parts.begin(), parts.end());
  size_t first = 0;
  if (t.keep != 0 && t.keep < parts.size()) first = parts.size() - t.keep;
  std::string out;
  for (size_t i = first; i < parts.size(); ++i) {
    if (i != first) out += '.';
    out += parts[i];
  }
  return out;
}

}  // namespace

bool MacroString::uses(char letter) const {
  return std::any_of(tokens.begin(), tokens.end(),
                     [letter](const MacroToken& t) { return t.is_macro && t.letter == letter; });
}

Result<MacroString> parse_macro_string(std::string_view text, MacroKind kind) {
  MacroString out;
  out.text = std::string(text);
  bool ends_with_expand = false;
  size_t tail_start = 0;  // where the literal text after the last macro-expand begins
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' && kind == MacroKind::explanation) {
      add_literal(out, " ");
      ++i;
      continue;
    }
    if (c != '%') {
      if (!is_macro_literal(c)) return make_error("invalid character in macro string");
      add_literal(out, text.substr(i, 1));
      ++i;
      continue;
    }
    // RFC 7208 7.1: "%" must be followed by "{", "%", "_" or "-".
    if (i + 1 >= text.size()) return make_error("'%' at the end of a macro string");
    const char next = text[i + 1];
    if (next == '%' || next == '_' || next == '-') {
      add_literal(out, next == '%' ? "%" : next == '_' ? " " : "%20");
      i += 2;
    } else if (next == '{') {
      size_t j = i + 2;
      if (j >= text.size()) return make_error("unterminated macro");
      MacroToken t;
      t.is_macro = true;
      t.letter = str::ascii_lower(text[j]);
      t.url_escape = text[j] >= 'A' && text[j] <= 'Z';
      if (!allowed_letter(t.letter, kind)) return make_error("invalid macro letter");
      ++j;
      bool has_digits = false;
      uint64_t keep = 0;
      while (j < text.size() && is_digit(text[j])) {
        has_digits = true;
        keep = std::min<uint64_t>(keep * 10 + static_cast<uint64_t>(text[j] - '0'), 1u << 20);
        ++j;
      }
      // RFC 7208 7.3: "If a DIGIT is specified, the value MUST be nonzero."
      if (has_digits && keep == 0) return make_error("zero macro transformer");
      t.keep = static_cast<uint32_t>(keep);
      if (j < text.size() && (text[j] == 'r' || text[j] == 'R')) {
        t.reverse = true;
        ++j;
      }
      while (j < text.size() && is_delimiter(text[j])) t.delimiters += text[j++];
      if (j >= text.size() || text[j] != '}') return make_error("malformed macro");
      out.tokens.push_back(std::move(t));
      i = j + 1;
    } else {
      return make_error("'%' not followed by '{', '%', '_' or '-'");
    }
    ends_with_expand = true;
    tail_start = i;
  }
  if (kind == MacroKind::domain_spec &&
      !valid_domain_end(text.substr(tail_start), ends_with_expand)) {
    return make_error("domain-spec must end in a macro or a valid top-level label");
  }
  return out;
}

std::string ip_dotted(const boost::asio::ip::address& ip) {
  if (ip.is_v4()) return ip.to_v4().to_string();
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char b : ip.to_v6().to_bytes()) {
    if (!out.empty()) out += '.';
    out += kHex[b >> 4];
    out += '.';
    out += kHex[b & 0xf];
  }
  return out;
}

std::string expand(const MacroString& macro, const MacroContext& ctx) {
  std::string out;
  for (const MacroToken& t : macro.tokens) {
    if (!t.is_macro) {
      out += t.literal;
      continue;
    }
    std::string value;
    switch (t.letter) {
      case 's':
        value = ctx.sender;
        break;
      case 'l':
        value = ctx.local_part;
        break;
      case 'o':
        value = ctx.sender_domain;
        break;
      case 'd':
        value = ctx.domain;
        break;
      case 'i':
        value = ip_dotted(ctx.ip);
        break;
      case 'p':
        value = ctx.validated_name;
        break;
      case 'v':
        value = ctx.ip.is_v4() ? "in-addr" : "ip6";
        break;
      case 'h':
        value = ctx.helo;
        break;
      case 'c':
        value = ctx.ip.to_string();
        break;
      case 'r':
        value = ctx.receiver;
        break;
      case 't':
        value = std::to_string(ctx.now);
        break;
      default:
        break;
    }
    value = transform(value, t);
    out += t.url_escape ? url_escape(value) : value;
  }
  return out;
}

std::string truncate_domain(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  while (name.size() > 253) {
    const size_t dot = name.find('.');
    if (dot == std::string_view::npos) return {};
    name.remove_prefix(dot + 1);
  }
  return std::string(name);
}

}  // namespace heron::mailauth::spf
