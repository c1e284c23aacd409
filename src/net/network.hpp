#pragma once
// IP networks written as "192.0.2.0/24", "2001:db8::/32" or a bare address (the whole
// address): config lists such as [mailauth] trusted_forwarders, and the prefix match SPF's
// ip4/ip6/a/mx mechanisms need (RFC 7208 5.6). IPv4-mapped IPv6 addresses compare as IPv4.
// Input: config text (trusted, but validated). Thread: any. Failure: nullopt; never throws.

#include <optional>
#include <string_view>

#include <boost/asio/ip/address.hpp>

namespace heron::net {

// ::ffff:192.0.2.1 -> 192.0.2.1; other addresses unchanged.
boost::asio::ip::address unmapped(const boost::asio::ip::address& address);

// True if the first `bits` bits of `a` and `network` are equal (same family only).
bool in_network(const boost::asio::ip::address& a, const boost::asio::ip::address& network,
                unsigned bits);

struct Network {
  boost::asio::ip::address address;
  unsigned bits = 0;

  // "ADDRESS" or "ADDRESS/BITS" with BITS within the family's width.
  static std::optional<Network> parse(std::string_view text);
  bool contains(const boost::asio::ip::address& a) const;
};

}  // namespace heron::net
