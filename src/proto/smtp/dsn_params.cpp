#include "proto/smtp/dsn_params.hpp"

#include "base/strings.hpp"

namespace heron::smtp {
namespace {

bool is_xchar(unsigned char c) {
  return c >= 33 && c <= 126 && c != '+' && c != '=';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // RFC 3461 4: hexchar uses uppercase digits only
}

// RFC 5322 3.2.3 atext, for the ORCPT address type.
bool is_atom(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) ==
                      std::string_view::npos) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string xtext_encode(std::string_view raw) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size());
  for (unsigned char c : raw) {
    if (is_xchar(c)) {
      out += static_cast<char>(c);
    } else {
      out += '+';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::optional<std::string> xtext_decode(std::string_view xtext) {
  std::string out;
  out.reserve(xtext.size());
  for (size_t i = 0; i < xtext.size(); ++i) {
    const auto c = static_cast<unsigned char>(xtext[i]);
    if (c == '+') {
      if (i + 2 >= xtext.size()) return std::nullopt;
      const int hi = hex_value(xtext[i + 1]);
      const int lo = hex_value(xtext[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (is_xchar(c)) {
      out += static_cast<char>(c);
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::optional<uint8_t> parse_notify(std::string_view value) {
  if (str::iequals(value, "NEVER")) return notify::kNever;
  uint8_t bits = 0;
  for (std::string_view item : str::split(value, ',')) {
    uint8_t bit = 0;
    if (str::iequals(item, "SUCCESS")) {
      bit = notify::kSuccess;
    } else if (str::iequals(item, "FAILURE")) {
      bit = notify::kFailure;
    } else if (str::iequals(item, "DELAY")) {
      bit = notify::kDelay;
    } else {
      return std::nullopt;  // unknown word, empty item, or NEVER in a list
    }
    if ((bits & bit) != 0) return std::nullopt;
    bits |= bit;
  }
  if (bits == 0) return std::nullopt;
  return bits;
}

std::string format_notify(uint8_t bits) {
  if ((bits & notify::kNever) != 0) return "NEVER";
  std::string out;
  for (auto [bit, name] :
       {std::pair{notify::kSuccess, "SUCCESS"}, std::pair{notify::kFailure, "FAILURE"},
        std::pair{notify::kDelay, "DELAY"}}) {
    if ((bits & bit) == 0) continue;
    if (!out.empty()) out += ',';
    out += name;
  }
  return out;
}

std::optional<std::string> parse_orcpt(std::string_view value) {
  // RFC 3461 4.2: at most 500 characters for the whole parameter value.
  if (value.size() > 500) return std::nullopt;
  const size_t semi = value.find(';');
  if (semi == std::string_view::npos) return std::nullopt;
  const std::string_view type = value.substr(0, semi);
  if (!is_atom(type)) return std::nullopt;
  auto address = xtext_decode(value.substr(semi + 1));
  if (!address || address->empty()) return std::nullopt;
  return std::string(type) + ";" + *address;
}

std::string format_orcpt(std::string_view decoded) {
  const size_t semi = decoded.find(';');
  if (semi == std::string_view::npos) return "rfc822;" + xtext_encode(decoded);
  return std::string(decoded.substr(0, semi + 1)) + xtext_encode(decoded.substr(semi + 1));
}

std::optional<std::string> parse_envid(std::string_view value) {
  if (value.empty() || value.size() > 100) return std::nullopt;
  return xtext_decode(value);
}

}  // namespace heron::smtp
