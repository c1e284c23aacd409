#include "proto/imap/mailbox_name.hpp"

#include <cstdint>
#include <vector>

namespace heron::proto::imap {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int value_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == ',') return 63;
  return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// Next code point of UTF-8 text; invalid sequences give U+FFFD and advance one byte.
uint32_t next_code_point(std::string_view s, size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto cont = [&](size_t k) {
    return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
  };
  auto byte = [&](size_t k) {
    return static_cast<uint32_t>(static_cast<unsigned char>(s[i + k]) & 0x3f);
  };
  uint32_t cp = 0xfffd;
  size_t len = 1;
  if (b0 < 0x80) {
    cp = b0;
  } else if ((b0 & 0xe0) == 0xc0 && cont(1)) {
    cp = ((b0 & 0x1fu) << 6) | byte(1);
    len = cp >= 0x80 ? 2 : 1;
    if (len == 1) cp = 0xfffd;
  } else if ((b0 & 0xf0) == 0xe0 && cont(1) && cont(2)) {
    cp = ((b0 & 0x0fu) << 12) | (byte(1) << 6) | byte(2);
    len = 3;
    if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd, len = 1;
  } else if ((b0 & 0xf8) == 0xf0 && cont(1) && cont(2) && cont(3)) {
    cp = ((b0 & 0x07u) << 18) | (byte(1) << 12) | (byte(2) << 6) | byte(3);
    len = 4;
    if (cp < 0x10000 || cp > 0x10ffff) cp = 0xfffd, len = 1;
  }
  i += len;
  return cp;
}

}  // namespace

std::optional<std::string> decode_mutf7(std::string_view wire) {
  std::string out;
  size_t i = 0;
  bool after_shift = false;  // the previous thing was a shifted run (for the shortest form)
  while (i < wire.size()) {
    const char c = wire[i];
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) {
      return std::nullopt;
    }
    if (c != '&') {
      out += c;
      ++i;
      after_shift = false;
      continue;
    }
    const size_t end = wire.find('-', i + 1);
    if (end == std::string_view::npos) return std::nullopt;
    if (end == i + 1) {  // "&-" is "&"
      out += '&';
      i = end + 1;
      after_shift = false;
      continue;
    }
    if (after_shift) return std::nullopt;  // "&AAA-&BBB-" must have been one run
    uint32_t bits = 0;
    int nbits = 0;
    std::vector<uint16_t> units;
    for (size_t k = i + 1; k < end; ++k) {
      const int v = value_of(wire[k]);
      if (v < 0) return std::nullopt;
      bits = (bits << 6) | static_cast<uint32_t>(v);
      nbits += 6;
      if (nbits >= 16) {
        nbits -= 16;
        units.push_back(static_cast<uint16_t>((bits >> nbits) & 0xffff));
      }
    }
    // Leftover bits must be fewer than 6 and zero (RFC 2152 via RFC 3501 5.1.3).
    if (nbits >= 6 || (bits & ((1u << nbits) - 1)) != 0 || units.empty()) return std::nullopt;
    for (size_t k = 0; k < units.size(); ++k) {
      uint32_t cp = units[k];
      if (cp >= 0xd800 && cp <= 0xdbff) {
        if (k + 1 >= units.size() || units[k + 1] < 0xdc00 || units[k + 1] > 0xdfff) {
          return std::nullopt;
        }
        cp = 0x10000 + ((cp - 0xd800) << 10) + (units[k + 1] - 0xdc00);
        ++k;
      } else if (cp >= 0xdc00 && cp <= 0xdfff) {
        return std::nullopt;
      } else if (cp >= 0x20 && cp <= 0x7e) {
        return std::nullopt;  // printable ASCII must represent itself
      } else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
        return std::nullopt;  // no control characters, NUL included, even encoded
      }
      append_utf8(out, cp);
    }
    i = end + 1;
    after_shift = true;
  }
  return out;
}

std::string encode_mutf7(std::string_view utf8) {
  std::string out;
  size_t i = 0;
  while (i < utf8.size()) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c >= 0x20 && c <= 0x7e) {
      out += c == '&' ? std::string("&-") : std::string(1, static_cast<char>(c));
      ++i;
      continue;
    }
    // A run of characters outside printable ASCII, as base64 of UTF-16BE.
    std::vector<uint16_t> units;
    while (i < utf8.size()) {
      const auto b = static_cast<unsigned char>(utf8[i]);
      if (b >= 0x20 && b <= 0x7e) break;
      uint32_t cp = next_code_point(utf8, i);
      if (cp >= 0x10000) {
        cp -= 0x10000;
        units.push_back(static_cast<uint16_t>(0xd800 + (cp >> 10)));
        units.push_back(static_cast<uint16_t>(0xdc00 + (cp & 0x3ff)));
      } else {
        units.push_back(static_cast<uint16_t>(cp));
      }
    }
    out += '&';
    uint32_t bits = 0;
    int nbits = 0;
    for (uint16_t u : units) {
      bits = (bits << 16) | u;
      nbits += 16;
      while (nbits >= 6) {
        nbits -= 6;
        out += kAlphabet[(bits >> nbits) & 0x3f];
      }
    }
    if (nbits > 0) out += kAlphabet[(bits << (6 - nbits)) & 0x3f];
    out += '-';
  }
  return out;
}

}  // namespace heron::proto::imap
