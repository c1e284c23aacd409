// RDATA parsers: see rdata.hpp.

#include "dns/rdata.hpp"

#include <array>
#include <cstdint>

#include "base/strings.hpp"
#include "dns/name.hpp"

namespace heron::dns {
namespace {

constexpr std::array kTypes{RrType::a,   RrType::aaaa, RrType::cname, RrType::mx,
                            RrType::ptr, RrType::txt,  RrType::tlsa};

uint8_t byte_at(std::string_view data, size_t pos) {
  return static_cast<uint8_t>(data[pos]);
}

}  // namespace

std::string_view rr_type_name(RrType type) {
  switch (type) {
    case RrType::a:
      return "A";
    case RrType::cname:
      return "CNAME";
    case RrType::ptr:
      return "PTR";
    case RrType::mx:
      return "MX";
    case RrType::txt:
      return "TXT";
    case RrType::aaaa:
      return "AAAA";
    case RrType::tlsa:
      return "TLSA";
  }
  return "?";
}

std::optional<RrType> parse_rr_type(std::string_view name) {
  for (RrType t : kTypes) {
    if (str::iequals(name, rr_type_name(t))) return t;
  }
  return std::nullopt;
}

std::optional<boost::asio::ip::address> parse_a(std::string_view rdata) {
  boost::asio::ip::address_v4::bytes_type bytes;
  if (rdata.size() != bytes.size()) return std::nullopt;
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = byte_at(rdata, i);
  return boost::asio::ip::address_v4(bytes);
}

std::optional<boost::asio::ip::address> parse_aaaa(std::string_view rdata) {
  boost::asio::ip::address_v6::bytes_type bytes;
  if (rdata.size() != bytes.size()) return std::nullopt;
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = byte_at(rdata, i);
  return boost::asio::ip::address_v6(bytes);
}

std::optional<std::string> parse_name_rdata(std::string_view rdata) {
  size_t pos = 0;
  auto name = wire_name(rdata, pos);
  if (!name || pos != rdata.size()) return std::nullopt;
  return name;
}

std::optional<MxRecord> parse_mx(std::string_view rdata) {
  // RFC 1035 3.3.9: a 16-bit PREFERENCE, then EXCHANGE. RFC 7505 3: the null MX is the root
  // name, which wire_name() renders as "".
  if (rdata.size() < 3) return std::nullopt;
  size_t pos = 2;
  auto exchange = wire_name(rdata, pos);
  if (!exchange || pos != rdata.size()) return std::nullopt;
  MxRecord mx;
  mx.preference = static_cast<uint16_t>(byte_at(rdata, 0) << 8 | byte_at(rdata, 1));
  mx.exchange = std::move(*exchange);
  return mx;
}

std::optional<std::string> parse_txt(std::string_view rdata) {
  // RFC 1035 3.3.14: one or more <character-string>s, each a length octet and that many
  // octets. Every octet of the RDATA must belong to one of them.
  std::string out;
  size_t pos = 0;
  while (pos < rdata.size()) {
    const size_t len = byte_at(rdata, pos++);
    if (rdata.size() - pos < len) return std::nullopt;
    out.append(rdata.substr(pos, len));
    pos += len;
  }
  return out;
}

std::optional<TlsaRecord> parse_tlsa(std::string_view rdata) {
  // RFC 6698 2.1: usage, selector, matching type (one octet each), then the association data.
  if (rdata.size() < 3) return std::nullopt;
  TlsaRecord t;
  t.usage = byte_at(rdata, 0);
  t.selector = byte_at(rdata, 1);
  t.matching_type = byte_at(rdata, 2);
  t.data = std::string(rdata.substr(3));
  return t;
}

}  // namespace heron::dns
