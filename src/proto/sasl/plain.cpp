#include "proto/sasl/plain.hpp"

#include <cstdint>

namespace heron::proto::sasl {
namespace {

constexpr size_t kMaxResponse = 4096;  // octets of base64; RFC 4616 fields are 255 each

int value_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::optional<std::string> decode_base64_strict(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (size_t i = 0; i < in.size(); i += 4) {
    const bool last = i + 4 == in.size();
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = in[i + static_cast<size_t>(k)];
      if (c == '=' && last && k >= 2) {
        v[k] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return std::nullopt;  // data after padding
      v[k] = value_of(c);
      if (v[k] < 0) return std::nullopt;
    }
    const uint32_t n = (static_cast<uint32_t>(v[0]) << 18) | (static_cast<uint32_t>(v[1]) << 12) |
                       (static_cast<uint32_t>(v[2]) << 6) | static_cast<uint32_t>(v[3]);
    out += static_cast<char>((n >> 16) & 0xff);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(n & 0xff);
  }
  return out;
}

std::optional<PlainCredentials> decode_plain(std::string_view base64) {
  if (base64.empty() || base64 == "=" || base64.size() > kMaxResponse) return std::nullopt;
  auto raw = decode_base64_strict(base64);
  if (!raw) return std::nullopt;
  const size_t first = raw->find('\0');
  if (first == std::string::npos) return std::nullopt;
  const size_t second = raw->find('\0', first + 1);
  if (second == std::string::npos || raw->find('\0', second + 1) != std::string::npos) {
    return std::nullopt;
  }
  std::string authzid = raw->substr(0, first);
  PlainCredentials c{raw->substr(first + 1, second - first - 1), raw->substr(second + 1)};
  if (c.user.empty() || c.password.empty()) return std::nullopt;
  if (!authzid.empty() && authzid != c.user) return std::nullopt;
  return c;
}

}  // namespace heron::proto::sasl
