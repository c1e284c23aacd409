#include "net/network.hpp"

#include <gtest/gtest.h>

namespace heron::net {
namespace {

namespace ip = boost::asio::ip;

TEST(NetNetwork, ParsesAddressesAndPrefixes) {
  auto v4 = Network::parse("192.0.2.0/24");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->bits, 24u);
  auto single = Network::parse("198.51.100.7");
  ASSERT_TRUE(single);
  EXPECT_EQ(single->bits, 32u);
  auto v6 = Network::parse("2001:db8::/32");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->bits, 32u);
  EXPECT_EQ(Network::parse("2001:db8::1")->bits, 128u);
}

TEST(NetNetwork, RefusesMalformedText) {
  for (const char* bad : {"", "192.0.2.0/33", "2001:db8::/129", "192.0.2.0/", "192.0.2.0/x",
                          "example.com", "192.0.2.0/24/8", "192.0.2.0/-1"}) {
    EXPECT_FALSE(Network::parse(bad)) << bad;
  }
}

TEST(NetNetwork, ContainsComparesThePrefixOnly) {
  auto n = *Network::parse("192.0.2.128/25");
  EXPECT_TRUE(n.contains(ip::make_address("192.0.2.200")));
  EXPECT_FALSE(n.contains(ip::make_address("192.0.2.100")));
  EXPECT_FALSE(n.contains(ip::make_address("2001:db8::1")));
  // An IPv4-mapped IPv6 client (a dual-stack socket) counts as IPv4.
  EXPECT_TRUE(n.contains(ip::make_address("::ffff:192.0.2.129")));
  auto v6 = *Network::parse("2001:db8:aa00::/40");
  EXPECT_TRUE(v6.contains(ip::make_address("2001:db8:aaff::1")));
  EXPECT_FALSE(v6.contains(ip::make_address("2001:db8:ab00::1")));
  EXPECT_TRUE(Network::parse("0.0.0.0/0")->contains(ip::make_address("203.0.113.9")));
}

}  // namespace
}  // namespace heron::net
