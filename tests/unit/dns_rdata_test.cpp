#include <gtest/gtest.h>

#include <string>

#include "dns/rdata.hpp"

namespace heron::dns {
namespace {

using boost::asio::ip::make_address;
using namespace std::string_literals;

TEST(DnsRdata, TypeNames) {
  EXPECT_EQ(rr_type_name(RrType::mx), "MX");
  EXPECT_EQ(rr_type_name(RrType::tlsa), "TLSA");
  EXPECT_EQ(parse_rr_type("mx"), RrType::mx);
  EXPECT_EQ(parse_rr_type("AAAA"), RrType::aaaa);
  EXPECT_EQ(parse_rr_type("Ptr"), RrType::ptr);
  EXPECT_EQ(parse_rr_type("SOA"), std::nullopt);
  EXPECT_EQ(parse_rr_type(""), std::nullopt);
  EXPECT_EQ(static_cast<int>(RrType::tlsa), 52);
  EXPECT_EQ(static_cast<int>(RrType::aaaa), 28);
}

TEST(DnsRdata, A) {
  EXPECT_EQ(parse_a("\xc0\x00\x02\x01"s), make_address("192.0.2.1"));
  EXPECT_EQ(parse_a("\x7f\x00\x00"s), std::nullopt);
  EXPECT_EQ(parse_a("\x7f\x00\x00\x01\x00"s), std::nullopt);
}

TEST(DnsRdata, Aaaa) {
  const std::string v6 = "\x20\x01\x0d\xb8"s + std::string(11, '\0') + "\x01";
  EXPECT_EQ(parse_aaaa(v6), make_address("2001:db8::1"));
  EXPECT_EQ(parse_aaaa(v6.substr(0, 15)), std::nullopt);
  EXPECT_EQ(parse_aaaa(v6 + "x"), std::nullopt);
  EXPECT_EQ(parse_aaaa("\xc0\x00\x02\x01"s), std::nullopt);  // an A record's data
}

TEST(DnsRdata, Mx) {
  auto mx = parse_mx(
      "\x00\x0a\x02mx\x07"
      "example\x03"
      "com\x00"s);
  ASSERT_TRUE(mx);
  EXPECT_EQ(mx->preference, 10);
  EXPECT_EQ(mx->exchange, "mx.example.com");
  auto high = parse_mx(
      "\xff\xfe\x01"
      "A\x00"s);
  ASSERT_TRUE(high);
  EXPECT_EQ(high->preference, 65534);
  EXPECT_EQ(high->exchange, "a");
}

TEST(DnsRdata, NullMx) {
  // RFC 7505 3: preference 0, exchange "." (the root, one zero octet).
  auto mx = parse_mx("\x00\x00\x00"s);
  ASSERT_TRUE(mx);
  EXPECT_EQ(*mx, (MxRecord{0, ""}));
}

TEST(DnsRdata, MalformedMx) {
  EXPECT_EQ(parse_mx(""), std::nullopt);
  EXPECT_EQ(parse_mx("\x00\x0a"s), std::nullopt);                    // no exchange
  EXPECT_EQ(parse_mx("\x00\x0a\x02mx"s), std::nullopt);              // no root label
  EXPECT_EQ(parse_mx("\x00\x0a\x02mx\x00trailing"s), std::nullopt);  // bytes after the name
  EXPECT_EQ(parse_mx("\x00\x0a\xc0\x0c"s), std::nullopt);            // compression pointer
}

TEST(DnsRdata, NameRecords) {
  EXPECT_EQ(parse_name_rdata("\x04Host\x04TEST\x00"s), "host.test");
  EXPECT_EQ(parse_name_rdata("\x00"s), "");
  EXPECT_EQ(parse_name_rdata(""), std::nullopt);
  EXPECT_EQ(parse_name_rdata("\x04host\x00\x00"s), std::nullopt);
}

TEST(DnsRdata, TxtConcatenatesStrings) {
  EXPECT_EQ(parse_txt("\x0bv=spf1 -all"s), "v=spf1 -all");
  // RFC 7208 3.3: strings are joined with nothing in between.
  EXPECT_EQ(parse_txt("\x07v=spf1 \x04-all"s), "v=spf1 -all");
  EXPECT_EQ(parse_txt("\x00"s), "");
  EXPECT_EQ(parse_txt(""), "");
  const std::string max(255, 'x');
  EXPECT_EQ(parse_txt("\xff" + max + "\x01y"), max + "y");
  EXPECT_EQ(parse_txt("\x02\x00\x01"s), "\x00\x01"s);  // binary bytes are kept as they are
}

TEST(DnsRdata, MalformedTxt) {
  EXPECT_EQ(parse_txt("\x05"
                      "abc"s),
            std::nullopt);
  EXPECT_EQ(parse_txt("\x03"
                      "abc\x02"
                      "d"s),
            std::nullopt);
  EXPECT_EQ(parse_txt("\xff"s), std::nullopt);
}

TEST(DnsRdata, Tlsa) {
  auto t = parse_tlsa("\x03\x01\x01\xde\xad\xbe\xef"s);
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, (TlsaRecord{3, 1, 1, "\xde\xad\xbe\xef"s}));
  EXPECT_EQ(parse_tlsa("\x03\x01"s), std::nullopt);
  auto empty = parse_tlsa("\x03\x01\x01"s);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->data, "");
}

}  // namespace
}  // namespace heron::dns
