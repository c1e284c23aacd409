// Name checks, reverse names and wire-format names: see name.hpp.

#include "dns/name.hpp"

#include "base/strings.hpp"

namespace heron::dns {
namespace {

constexpr size_t kMaxTextName = 253;  // RFC 1035 2.3.4: 255 octets on the wire
constexpr size_t kMaxWireName = 255;
constexpr size_t kMaxLabel = 63;

constexpr char kHex[] = "0123456789abcdef";

void append_decimal_escape(std::string& out, unsigned char c) {
  out += '\\';
  out += static_cast<char>('0' + c / 100);
  out += static_cast<char>('0' + c / 10 % 10);
  out += static_cast<char>('0' + c % 10);
}

}  // namespace

std::optional<std::string> query_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > kMaxTextName) return std::nullopt;
  std::string out;
  out.reserve(name.size());
  size_t label = 0;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '.') {
      if (label == 0) return std::nullopt;  // "a..b" or ".a"
      label = 0;
    } else {
      if (u < 0x21 || u > 0x7e || c == '\\') return std::nullopt;
      if (++label > kMaxLabel) return std::nullopt;
    }
    out += str::ascii_lower(c);
  }
  if (label == 0) return std::nullopt;  // "a.." came in as "a."
  return out;
}

std::string reverse_name(const boost::asio::ip::address& address) {
  std::string out;
  auto v4_name = [&out](const boost::asio::ip::address_v4::bytes_type& b) {
    for (size_t i = b.size(); i-- > 0;) {
      out += std::to_string(b[i]);
      out += '.';
    }
    out += "in-addr.arpa";
  };
  if (address.is_v4()) {
    v4_name(address.to_v4().to_bytes());
    return out;
  }
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) {
    v4_name(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_bytes());
    return out;
  }
  // RFC 3596 2.5: nibbles in reverse order, low nibble of the last byte first.
  const auto b = v6.to_bytes();
  for (size_t i = b.size(); i-- > 0;) {
    out += kHex[b[i] & 0x0f];
    out += '.';
    out += kHex[b[i] >> 4];
    out += '.';
  }
  out += "ip6.arpa";
  return out;
}

std::optional<std::string> wire_name(std::string_view data, size_t& pos) {
  std::string out;
  size_t p = pos;
  size_t wire_length = 0;
  for (;;) {
    if (p >= data.size()) return std::nullopt;
    const auto len = static_cast<unsigned char>(data[p++]);
    wire_length += 1 + len;
    if (wire_length > kMaxWireName) return std::nullopt;
    if (len == 0) break;
    // RFC 1035 4.1.4: the top two bits set mean a compression pointer; 01 and 10 are reserved
    // (RFC 6891 5 retired the extended label types). None belongs in uncompressed data.
    if (len > kMaxLabel) return std::nullopt;
    if (data.size() - p < len) return std::nullopt;
    if (!out.empty()) out += '.';
    for (size_t i = 0; i < len; ++i) {
      const auto u = static_cast<unsigned char>(data[p + i]);
      if (u < 0x21 || u > 0x7e || u == '.' || u == '\\') {
        append_decimal_escape(out, u);
      } else {
        out += str::ascii_lower(static_cast<char>(u));
      }
    }
    p += len;
  }
  pos = p;
  return out;
}

}  // namespace heron::dns
