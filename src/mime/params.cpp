#include "mime/params.hpp"

#include <algorithm>

#include "base/strings.hpp"
#include "mime/charset.hpp"
#include "mime/encoded_word.hpp"
#include "mime/lex.hpp"

namespace heron::mime {
namespace {

// An unquoted value: RFC 2045 tokens, stretched to anything but blanks, ";" and quotes, since
// real mail has "=", "/" and "?" unquoted in boundaries and names.
std::string_view loose_value(lex::Cursor& cur) {
  const size_t start = cur.pos();
  while (!cur.done()) {
    const char c = cur.peek();
    const auto u = static_cast<unsigned char>(c);
    if (c == ';' || c == '"' || c == '(' || u <= 0x20 || u == 0x7f) break;
    cur.advance();
  }
  return cur.text().substr(start, cur.pos() - start);
}

struct RawParam {
  std::string name;  // lowercased, as written ("name*1*")
  std::string value;
};

// More parameters than any real message carries are ignored, which also bounds join()'s work.
constexpr size_t kMaxParams = 256;

std::vector<RawParam> raw_params(lex::Cursor& cur) {
  std::vector<RawParam> out;
  while (out.size() < kMaxParams) {
    cur.skip_past(';');
    if (cur.done()) return out;
    cur.skip_cfws();
    const std::string_view name = cur.token();
    if (name.empty()) continue;
    cur.skip_cfws();
    if (cur.peek() != '=') continue;  // "; bad param" is skipped
    cur.advance();
    cur.skip_cfws();
    RawParam p{str::to_lower(name), {}};
    if (cur.peek() == '"') {
      p.value = cur.quoted_string();
    } else {
      p.value = std::string(loose_value(cur));
    }
    out.push_back(std::move(p));
  }
  return out;
}

// "name*3*" -> base "name", section 3, extended. Section -1 when there is none.
struct NameParts {
  std::string_view base;
  int section = -1;
  bool extended = false;
};

NameParts split_name(std::string_view name) {
  NameParts n{name};
  if (name.ends_with('*')) {
    n.extended = true;
    name.remove_suffix(1);
    n.base = name;
  }
  const size_t star = name.rfind('*');
  if (star == std::string_view::npos || star == 0) return n;
  const std::string_view digits = name.substr(star + 1);
  if (digits.empty() || digits.size() > 3 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return n;
  }
  if (digits.size() > 1 && digits[0] == '0') return n;  // RFC 2231 7: no leading zeros
  n.base = name.substr(0, star);
  n.section = std::stoi(std::string(digits));
  return n;
}

// RFC 2231 7 attribute-char: what may stand unescaped in an extended value.
bool is_attribute_char(char c) {
  return lex::is_token_char(c) && c != '*' && c != '\'' && c != '%' &&
         static_cast<unsigned char>(c) < 0x80;
}

std::string percent_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    if (is_attribute_char(c)) {
      out += c;
    } else {
      const auto u = static_cast<unsigned char>(c);
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Splits an extended value at its first two single quotes: charset'language'data.
struct Extended {
  std::string_view charset, language, data;
};

Extended split_extended(std::string_view v) {
  const size_t q1 = v.find('\'');
  if (q1 == std::string_view::npos) return {{}, {}, v};
  const size_t q2 = v.find('\'', q1 + 1);
  if (q2 == std::string_view::npos) return {{}, {}, v};
  return {v.substr(0, q1), v.substr(q1 + 1, q2 - q1 - 1), v.substr(q2 + 1)};
}

// RFC 2231 3 and 4: joins continuations, keeps everything else in order.
Params join(std::vector<RawParam> raw) {
  Params out;
  std::vector<bool> used(raw.size(), false);
  for (size_t i = 0; i < raw.size(); ++i) {
    if (used[i]) continue;
    const NameParts n = split_name(raw[i].name);
    if (n.section < 0) {
      out.push_back({std::string(n.base), raw[i].value, n.extended});
      used[i] = true;
      continue;
    }
    // Gather every piece of this base name; join them only if they are exactly 0..n-1.
    std::vector<std::pair<int, size_t>> pieces;
    for (size_t j = i; j < raw.size(); ++j) {
      if (used[j]) continue;
      const NameParts m = split_name(raw[j].name);
      if (m.section >= 0 && m.base == n.base) pieces.emplace_back(m.section, j);
    }
    std::sort(pieces.begin(), pieces.end());
    bool contiguous = true;
    for (size_t k = 0; k < pieces.size(); ++k) {
      if (pieces[k].first != static_cast<int>(k)) contiguous = false;
    }
    if (!contiguous) {
      out.push_back({raw[i].name, raw[i].value, false});
      used[i] = true;
      continue;
    }
    const bool extended = split_name(raw[pieces[0].second].name).extended;
    Param p{std::string(n.base), {}, extended};
    for (const auto& [section, j] : pieces) {
      used[j] = true;
      const bool piece_extended = split_name(raw[j].name).extended;
      // Plain pieces of an extended value are escaped so that decoding stays right.
      p.value += (extended && !piece_extended) ? percent_encode(raw[j].value) : raw[j].value;
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

std::string Param::decoded() const {
  if (!extended) return decode_encoded_words(value);
  const Extended e = split_extended(value);
  std::string bytes = percent_decode(e.data);
  if (e.charset.empty()) return bytes;
  std::optional<std::string> utf8 = to_utf8(bytes, e.charset);
  return utf8 ? *utf8 : bytes;
}

std::string Param::charset() const {
  return extended ? std::string(split_extended(value).charset) : std::string();
}

std::string Param::language() const {
  return extended ? std::string(split_extended(value).language) : std::string();
}

const Param* find_param(const Params& params, std::string_view name) {
  for (const Param& p : params) {
    if (str::iequals(p.name, name)) return &p;
  }
  return nullptr;
}

Params parse_params(std::string_view text) {
  lex::Cursor cur(text);
  return join(raw_params(cur));
}

std::optional<ContentType> parse_content_type(std::string_view value) {
  lex::Cursor cur(value);
  cur.skip_cfws();
  const std::string_view type = cur.token();
  cur.skip_cfws();
  if (type.empty() || cur.peek() != '/') return std::nullopt;
  cur.advance();
  cur.skip_cfws();
  const std::string_view subtype = cur.token();
  if (subtype.empty()) return std::nullopt;
  cur.skip_cfws();
  if (!cur.done() && cur.peek() != ';') return std::nullopt;  // "text/plain charset=x"
  ContentType ct{str::to_lower(type), str::to_lower(subtype), {}};
  ct.params = join(raw_params(cur));
  return ct;
}

std::optional<Disposition> parse_disposition(std::string_view value) {
  lex::Cursor cur(value);
  cur.skip_cfws();
  const std::string_view type = cur.token();
  if (type.empty()) return std::nullopt;
  Disposition d{str::to_lower(type), {}};
  d.params = join(raw_params(cur));
  return d;
}

}  // namespace heron::mime
