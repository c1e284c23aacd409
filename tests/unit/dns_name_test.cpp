#include <gtest/gtest.h>

#include <string>

#include "dns/name.hpp"

namespace heron::dns {
namespace {

using boost::asio::ip::make_address;

std::optional<std::string> wire(std::string_view data) {
  size_t pos = 0;
  auto name = wire_name(data, pos);
  if (name && pos != data.size()) return "<stopped at " + std::to_string(pos) + ">";
  return name;
}

TEST(DnsQueryName, NormalisesCaseAndTrailingDot) {
  EXPECT_EQ(query_name("Mail.Example.COM."), "mail.example.com");
  EXPECT_EQ(query_name("example.com"), "example.com");
  EXPECT_EQ(query_name("_dmarc.example.com"), "_dmarc.example.com");
  EXPECT_EQ(query_name("sel._domainkey.example.com"), "sel._domainkey.example.com");
  EXPECT_EQ(query_name("*.example.com"), "*.example.com");
  EXPECT_EQ(query_name("localhost"), "localhost");
}

TEST(DnsQueryName, RefusesEmptyLabels) {
  EXPECT_EQ(query_name(""), std::nullopt);
  EXPECT_EQ(query_name("."), std::nullopt);
  EXPECT_EQ(query_name("a..b"), std::nullopt);
  EXPECT_EQ(query_name(".a"), std::nullopt);
  EXPECT_EQ(query_name("a.."), std::nullopt);  // only one trailing dot is removed
}

TEST(DnsQueryName, LabelLimitIs63) {
  const std::string l63(63, 'a');
  EXPECT_EQ(query_name(l63 + ".test"), l63 + ".test");
  EXPECT_EQ(query_name(l63 + "a.test"), std::nullopt);
}

TEST(DnsQueryName, NameLimitIs253) {
  // 4 labels of 63 plus 3 dots = 255 characters: too long. 253 fits.
  const std::string l63(63, 'a');
  std::string name = l63 + "." + l63 + "." + l63 + "." + std::string(61, 'b');
  ASSERT_EQ(name.size(), 253u);
  EXPECT_EQ(query_name(name), name);
  EXPECT_EQ(query_name(name + "."), name);
  EXPECT_EQ(query_name(name + "b"), std::nullopt);
}

TEST(DnsQueryName, RefusesBytesOutsidePrintableAscii) {
  EXPECT_EQ(query_name("exa mple.com"), std::nullopt);
  EXPECT_EQ(query_name("example.com\r\n"), std::nullopt);
  EXPECT_EQ(query_name(std::string_view("a\0b.com", 7)), std::nullopt);
  EXPECT_EQ(query_name("b\xc3\xbc"
                       "cher.de"),
            std::nullopt);                           // U-label: must be xn--bcher-kva.de
  EXPECT_EQ(query_name("a\\.b.com"), std::nullopt);  // libunbound would read an escape
  EXPECT_EQ(query_name("xn--bcher-kva.de"), "xn--bcher-kva.de");
}

TEST(DnsReverseName, Ipv4) {
  EXPECT_EQ(reverse_name(make_address("192.0.2.1")), "1.2.0.192.in-addr.arpa");
  EXPECT_EQ(reverse_name(make_address("127.0.0.2")), "2.0.0.127.in-addr.arpa");
}

TEST(DnsReverseName, Ipv6Nibbles) {
  // RFC 3596 2.5's example address.
  EXPECT_EQ(reverse_name(make_address("4321:0:1:2:3:4:567:89ab")),
            "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa");
  EXPECT_EQ(reverse_name(make_address("::1")),
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa");
}

TEST(DnsReverseName, V4MappedUsesInAddrArpa) {
  EXPECT_EQ(reverse_name(make_address("::ffff:192.0.2.1")), "1.2.0.192.in-addr.arpa");
}

TEST(DnsWireName, Plain) {
  EXPECT_EQ(wire(std::string("\x02mx\x07"
                             "Example\x03"
                             "com\x00",
                             16)),
            "mx.example.com");
  EXPECT_EQ(wire(std::string("\x00", 1)), "");  // the root
}

TEST(DnsWireName, AdvancesPastTheName) {
  const std::string data(
      "\x01"
      "a\x00"
      "rest",
      7);
  size_t pos = 0;
  EXPECT_EQ(wire_name(data, pos), "a");
  EXPECT_EQ(pos, 3u);
}

TEST(DnsWireName, EscapesDotsBackslashesAndControlBytes) {
  EXPECT_EQ(wire(std::string("\x03"
                             "a.b\x00",
                             5)),
            "a\\046b");
  EXPECT_EQ(wire(std::string("\x03"
                             "a\\b\x00",
                             5)),
            "a\\092b");
  EXPECT_EQ(wire(std::string("\x02"
                             "a\n\x00",
                             4)),
            "a\\010");
  EXPECT_EQ(wire(std::string("\x02"
                             "a\xff\x00",
                             4)),
            "a\\255");
  EXPECT_EQ(wire(std::string("\x02"
                             "a \x00",
                             4)),
            "a\\032");
}

TEST(DnsWireName, RefusesTruncatedNames) {
  EXPECT_EQ(wire(""), std::nullopt);
  EXPECT_EQ(wire("\x03"
                 "ab"),
            std::nullopt);  // label runs past the end
  EXPECT_EQ(wire(std::string("\x02"
                             "ab",
                             3)),
            std::nullopt);  // no root label
}

TEST(DnsWireName, RefusesCompressionPointersAndLongLabels) {
  EXPECT_EQ(wire(std::string("\xc0\x0c", 2)), std::nullopt);
  EXPECT_EQ(wire(std::string("\x01"
                             "a\xc0\x0c",
                             4)),
            std::nullopt);
  EXPECT_EQ(wire(std::string("\x40", 1) + std::string(64, 'a') + std::string("\x00", 1)),
            std::nullopt);
  EXPECT_EQ(wire(std::string("\x80\x00", 2)), std::nullopt);
}

TEST(DnsWireName, RefusesNamesOver255Octets) {
  std::string ok;
  for (int i = 0; i < 4; ++i) ok += std::string(1, '\x3e') + std::string(62, 'a');
  ok += std::string("\x00", 1);  // 4 * 63 + 1 = 253 octets
  EXPECT_TRUE(wire(ok));
  std::string too_long;
  for (int i = 0; i < 4; ++i) too_long += std::string(1, '\x3f') + std::string(63, 'a');
  too_long += std::string("\x00", 1);  // 257 octets
  EXPECT_EQ(wire(too_long), std::nullopt);
}

}  // namespace
}  // namespace heron::dns
