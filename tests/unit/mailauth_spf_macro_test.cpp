// SPF macros (RFC 7208 7), with the examples of section 7.4.

#include <gtest/gtest.h>

#include "mailauth/spf/macro.hpp"

namespace heron::mailauth::spf {
namespace {

namespace ip = boost::asio::ip;

MacroContext rfc_context() {
  MacroContext c;
  c.sender = "strong-bad@email.example.com";
  c.local_part = "strong-bad";
  c.sender_domain = "email.example.com";
  c.domain = "email.example.com";
  c.ip = ip::make_address("192.0.2.3");
  c.helo = "mx.example.org";
  c.validated_name = "mx.example.org";
  c.receiver = "receiver.example.net";
  c.now = 1700000000;
  return c;
}

std::string expand_as(std::string_view text, MacroKind kind, const MacroContext& c) {
  auto m = parse_macro_string(text, kind);
  EXPECT_TRUE(m.ok()) << text << ": " << (m.ok() ? "" : m.error().message);
  return m.ok() ? expand(*m, c) : std::string("<error>");
}

std::string x(std::string_view text) {
  return expand_as(text, MacroKind::unknown_modifier, rfc_context());
}

TEST(SpfMacro, Rfc7208Section74Examples) {
  EXPECT_EQ(x("%{s}"), "strong-bad@email.example.com");
  EXPECT_EQ(x("%{o}"), "email.example.com");
  EXPECT_EQ(x("%{d}"), "email.example.com");
  EXPECT_EQ(x("%{d4}"), "email.example.com");
  EXPECT_EQ(x("%{d3}"), "email.example.com");
  EXPECT_EQ(x("%{d2}"), "example.com");
  EXPECT_EQ(x("%{d1}"), "com");
  EXPECT_EQ(x("%{dr}"), "com.example.email");
  EXPECT_EQ(x("%{d2r}"), "example.email");
  EXPECT_EQ(x("%{l}"), "strong-bad");
  EXPECT_EQ(x("%{l-}"), "strong.bad");
  EXPECT_EQ(x("%{lr}"), "strong-bad");
  EXPECT_EQ(x("%{lr-}"), "bad.strong");
  EXPECT_EQ(x("%{l1r-}"), "strong");
  EXPECT_EQ(x("%{ir}.%{v}._spf.%{d2}"), "3.2.0.192.in-addr._spf.example.com");
  EXPECT_EQ(x("%{lr-}.lp._spf.%{d2}"), "bad.strong.lp._spf.example.com");
  EXPECT_EQ(x("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}"),
            "bad.strong.lp.3.2.0.192.in-addr._spf.example.com");
  EXPECT_EQ(x("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}"), "3.2.0.192.in-addr.strong.lp._spf.example.com");
  EXPECT_EQ(x("%{d2}.trusted-domains.example.net"), "example.com.trusted-domains.example.net");
}

TEST(SpfMacro, Ipv6Example) {
  // RFC 7208 7.4 prints the nibbles in lower case; we follow the OpenSPF suite (upper case).
  MacroContext c = rfc_context();
  c.ip = ip::make_address("2001:db8::cb01");
  EXPECT_EQ(expand_as("%{ir}.%{v}._spf.%{d2}", MacroKind::domain_spec, c),
            "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com");
  EXPECT_EQ(expand_as("%{c}", MacroKind::explanation, c), "2001:db8::cb01");
}

TEST(SpfMacro, EveryLetter) {
  const MacroContext c = rfc_context();
  EXPECT_EQ(expand_as("%{h} %{p} %{v} %{i}", MacroKind::explanation, c),
            "mx.example.org mx.example.org in-addr 192.0.2.3");
  EXPECT_EQ(expand_as("%{c} %{r} %{t}", MacroKind::explanation, c),
            "192.0.2.3 receiver.example.net 1700000000");
}

TEST(SpfMacro, UpperCaseLettersAreUrlEscaped) {
  EXPECT_EQ(x("%{S}"), "strong-bad%40email.example.com");
  MacroContext c = rfc_context();
  c.local_part = "a b/c~d";
  EXPECT_EQ(expand_as("%{L}", MacroKind::explanation, c), "a%20b%2Fc~d");
  EXPECT_EQ(expand_as("%{l}", MacroKind::explanation, c), "a b/c~d");
}

TEST(SpfMacro, Escapes) {
  EXPECT_EQ(x("100%%"), "100%");
  EXPECT_EQ(x("a%_b"), "a b");
  EXPECT_EQ(x("a%-b"), "a%20b");
}

TEST(SpfMacro, Delimiters) {
  MacroContext c = rfc_context();
  c.local_part = "a.b-c+d,e/f_g=h";
  EXPECT_EQ(expand_as("%{l-+,/_=}", MacroKind::unknown_modifier, c), "a.b.c.d.e.f.g.h");
  EXPECT_EQ(expand_as("%{l2r+-}", MacroKind::unknown_modifier, c), "c.a.b");
  // More parts asked for than there are: all of them.
  EXPECT_EQ(expand_as("%{d9}", MacroKind::unknown_modifier, c), "email.example.com");
}

TEST(SpfMacro, SyntaxErrors) {
  EXPECT_FALSE(parse_macro_string("%", MacroKind::unknown_modifier).ok());
  EXPECT_FALSE(parse_macro_string("%x", MacroKind::unknown_modifier).ok());
  EXPECT_FALSE(parse_macro_string("%{", MacroKind::unknown_modifier).ok());
  EXPECT_FALSE(parse_macro_string("%{d", MacroKind::unknown_modifier).ok());
  EXPECT_FALSE(parse_macro_string("%{q}", MacroKind::unknown_modifier).ok());
  EXPECT_FALSE(parse_macro_string("%{d0}", MacroKind::unknown_modifier).ok());  // 7.3
  EXPECT_FALSE(parse_macro_string("%{d2x}", MacroKind::unknown_modifier).ok());
  EXPECT_FALSE(parse_macro_string("a b", MacroKind::unknown_modifier).ok());
  EXPECT_TRUE(parse_macro_string("a b", MacroKind::explanation).ok());
  // c, r and t only in explanations (7.2).
  EXPECT_FALSE(parse_macro_string("%{r}.example.com", MacroKind::domain_spec).ok());
  EXPECT_FALSE(parse_macro_string("%{t}.example.com", MacroKind::domain_spec).ok());
  EXPECT_TRUE(parse_macro_string("%{t}", MacroKind::explanation).ok());
}

TEST(SpfMacro, DomainEnd) {
  EXPECT_TRUE(parse_macro_string("example.com", MacroKind::domain_spec).ok());
  EXPECT_TRUE(parse_macro_string("example.com.", MacroKind::domain_spec).ok());
  EXPECT_TRUE(parse_macro_string("%{d}", MacroKind::domain_spec).ok());
  EXPECT_TRUE(parse_macro_string("foo.%{d}", MacroKind::domain_spec).ok());
  EXPECT_TRUE(parse_macro_string("a.x-1", MacroKind::domain_spec).ok());
  EXPECT_FALSE(parse_macro_string("example", MacroKind::domain_spec).ok());
  EXPECT_FALSE(parse_macro_string("example.123", MacroKind::domain_spec).ok());
  EXPECT_FALSE(parse_macro_string("%{d}.", MacroKind::domain_spec).ok());
  EXPECT_FALSE(parse_macro_string("example.-com", MacroKind::domain_spec).ok());
}

TEST(SpfMacro, UsesLetter) {
  auto m = parse_macro_string("%{P}.%{d2}", MacroKind::domain_spec);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->uses('p'));
  EXPECT_TRUE(m->uses('d'));
  EXPECT_FALSE(m->uses('i'));
}

TEST(SpfMacro, TruncateDomain) {
  EXPECT_EQ(truncate_domain("example.com."), "example.com");
  std::string longname;
  for (int i = 0; i < 30; ++i) longname += "abcdefghi.";  // 300 characters
  longname += "example.com";
  const std::string t = truncate_domain(longname);
  EXPECT_LE(t.size(), 253u);
  EXPECT_GT(t.size(), 240u);
  EXPECT_EQ(t.substr(t.size() - 11), "example.com");
  EXPECT_EQ(t.substr(0, 10), "abcdefghi.");
}

TEST(SpfMacro, IpDotted) {
  EXPECT_EQ(ip_dotted(ip::make_address("192.0.2.3")), "192.0.2.3");
  EXPECT_EQ(ip_dotted(ip::make_address("2001:db8::cb01")),
            "2.0.0.1.0.D.B.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.C.B.0.1");
}

}  // namespace
}  // namespace heron::mailauth::spf
