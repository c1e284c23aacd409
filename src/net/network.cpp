#include "net/network.hpp"

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

namespace heron::net {

namespace ip = boost::asio::ip;

ip::address unmapped(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  }
  return address;
}

bool in_network(const ip::address& a, const ip::address& network, unsigned bits) {
  if (a.is_v4() != network.is_v4()) return false;
  std::vector<unsigned char> x, y;
  if (a.is_v4()) {
    const auto ab = a.to_v4().to_bytes(), nb = network.to_v4().to_bytes();
    x.assign(ab.begin(), ab.end());
    y.assign(nb.begin(), nb.end());
  } else {
    const auto ab = a.to_v6().to_bytes(), nb = network.to_v6().to_bytes();
    x.assign(ab.begin(), ab.end());
    y.assign(nb.begin(), nb.end());
  }
  for (size_t i = 0; i < x.size() && bits > 0; ++i) {
    const unsigned take = std::min(bits, 8u);
    const auto mask = static_cast<unsigned char>(0xff << (8 - take));
    if ((x[i] & mask) != (y[i] & mask)) return false;
    bits -= take;
  }
  return true;
}

std::optional<Network> Network::parse(std::string_view text) {
  const size_t slash = text.find('/');
  boost::system::error_code ec;
  const auto address = ip::make_address(std::string(text.substr(0, slash)), ec);
  if (ec) return std::nullopt;
  Network n{unmapped(address), 0};
  const unsigned width = n.address.is_v4() ? 32 : 128;
  n.bits = width;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    unsigned bits = 0;
    auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    if (digits.empty() || err != std::errc() || end != digits.data() + digits.size() ||
        bits > width) {
      return std::nullopt;
    }
    n.bits = bits;
  }
  return n;
}

bool Network::contains(const ip::address& a) const {
  return in_network(unmapped(a), address, bits);
}

}  // namespace heron::net
