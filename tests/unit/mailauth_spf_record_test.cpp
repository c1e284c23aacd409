// SPF record parsing (RFC 7208 4.5, 4.6, 5, 6, 12).

#include <gtest/gtest.h>

#include "mailauth/spf/record.hpp"

namespace heron::mailauth::spf {
namespace {

Record parse_ok(std::string_view text) {
  auto r = parse_record(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Record{};
}

bool parses(std::string_view text) {
  return parse_record(text).ok();
}

TEST(SpfRecord, RecognisesVersion) {
  EXPECT_TRUE(is_spf_record("v=spf1"));
  EXPECT_TRUE(is_spf_record("v=spf1 -all"));
  EXPECT_TRUE(is_spf_record("V=SpF1 -all"));  // case-insensitive (suite: case-insensitive)
  EXPECT_FALSE(is_spf_record("v=spf10"));
  EXPECT_FALSE(is_spf_record("v=spf1mx"));
  EXPECT_FALSE(is_spf_record(" v=spf1"));
  EXPECT_FALSE(is_spf_record("spf2.0/pra"));
  EXPECT_FALSE(is_spf_record(""));
}

TEST(SpfRecord, EmptyRecordHasNoTerms) {
  const Record r = parse_ok("v=spf1");
  EXPECT_TRUE(r.mechanisms.empty());
  EXPECT_FALSE(r.redirect);
  EXPECT_FALSE(r.exp);
}

TEST(SpfRecord, Qualifiers) {
  const Record r = parse_ok("v=spf1 all +all -all ~all ?all");
  ASSERT_EQ(r.mechanisms.size(), 5u);
  EXPECT_EQ(r.mechanisms[0].qualifier, Qualifier::pass);
  EXPECT_EQ(r.mechanisms[1].qualifier, Qualifier::pass);
  EXPECT_EQ(r.mechanisms[2].qualifier, Qualifier::fail);
  EXPECT_EQ(r.mechanisms[3].qualifier, Qualifier::softfail);
  EXPECT_EQ(r.mechanisms[4].qualifier, Qualifier::neutral);
  EXPECT_EQ(r.mechanisms[2].text, "-all");
}

TEST(SpfRecord, EveryMechanism) {
  const Record r = parse_ok(
      "v=spf1 include:_spf.example.com a a:mail.example.com mx mx:example.org ptr "
      "ptr:example.net ip4:192.0.2.0/24 ip6:2001:db8::/32 exists:%{i}.bl.example.com -all");
  ASSERT_EQ(r.mechanisms.size(), 11u);
  EXPECT_EQ(r.mechanisms[0].kind, MechanismKind::include);
  EXPECT_EQ(r.mechanisms[0].domain->text, "_spf.example.com");
  EXPECT_EQ(r.mechanisms[1].kind, MechanismKind::a);
  EXPECT_FALSE(r.mechanisms[1].domain);
  EXPECT_EQ(r.mechanisms[2].domain->text, "mail.example.com");
  EXPECT_EQ(r.mechanisms[3].kind, MechanismKind::mx);
  EXPECT_EQ(r.mechanisms[4].domain->text, "example.org");
  EXPECT_EQ(r.mechanisms[5].kind, MechanismKind::ptr);
  EXPECT_EQ(r.mechanisms[6].domain->text, "example.net");
  EXPECT_EQ(r.mechanisms[7].kind, MechanismKind::ip4);
  EXPECT_EQ(r.mechanisms[7].network.to_string(), "192.0.2.0");
  EXPECT_EQ(r.mechanisms[7].cidr4, 24);
  EXPECT_EQ(r.mechanisms[8].kind, MechanismKind::ip6);
  EXPECT_EQ(r.mechanisms[8].network.to_string(), "2001:db8::");
  EXPECT_EQ(r.mechanisms[8].cidr6, 32);
  EXPECT_EQ(r.mechanisms[9].kind, MechanismKind::exists);
  EXPECT_TRUE(r.mechanisms[9].domain->uses('i'));
  EXPECT_EQ(r.mechanisms[10].kind, MechanismKind::all);
}

TEST(SpfRecord, NamesAreCaseInsensitive) {
  const Record r = parse_ok("v=spf1 A MX:Example.com IP4:192.0.2.1 Redirect=_spf.example.com");
  ASSERT_EQ(r.mechanisms.size(), 3u);
  EXPECT_EQ(r.mechanisms[0].kind, MechanismKind::a);
  EXPECT_EQ(r.mechanisms[1].kind, MechanismKind::mx);
  EXPECT_EQ(r.mechanisms[2].kind, MechanismKind::ip4);
  ASSERT_TRUE(r.redirect);
}

TEST(SpfRecord, DualCidrLengths) {
  const Record r = parse_ok("v=spf1 a/24 a//64 a/24//64 mx:example.com/28//96 a:example.com");
  EXPECT_EQ(r.mechanisms[0].cidr4, 24);
  EXPECT_EQ(r.mechanisms[0].cidr6, 128);
  EXPECT_EQ(r.mechanisms[1].cidr4, 32);
  EXPECT_EQ(r.mechanisms[1].cidr6, 64);
  EXPECT_EQ(r.mechanisms[2].cidr4, 24);
  EXPECT_EQ(r.mechanisms[2].cidr6, 64);
  EXPECT_EQ(r.mechanisms[3].domain->text, "example.com");
  EXPECT_EQ(r.mechanisms[3].cidr4, 28);
  EXPECT_EQ(r.mechanisms[3].cidr6, 96);
  EXPECT_EQ(r.mechanisms[4].cidr4, 32);
}

TEST(SpfRecord, DomainSpecMayContainSlashAndColon) {
  // RFC 7208 7.1: any visible character but "%" (suite: a-colon-domain); the CIDR lengths
  // are only the trailing "/digits" and "//digits".
  const Record r = parse_ok("v=spf1 a:foo:bar/baz.example.com mx:a/b.example.com/24//64");
  EXPECT_EQ(r.mechanisms[0].domain->text, "foo:bar/baz.example.com");
  EXPECT_EQ(r.mechanisms[0].cidr4, 32);
  EXPECT_EQ(r.mechanisms[1].domain->text, "a/b.example.com");
  EXPECT_EQ(r.mechanisms[1].cidr4, 24);
  EXPECT_EQ(r.mechanisms[1].cidr6, 64);
  EXPECT_FALSE(parses("v=spf1 a:example.com/24/64"));
}

TEST(SpfRecord, BadCidrLengths) {
  EXPECT_FALSE(parses("v=spf1 a/33"));
  EXPECT_FALSE(parses("v=spf1 a//129"));
  EXPECT_FALSE(parses("v=spf1 a/024"));  // no leading zeros (RFC 7208 12)
  EXPECT_FALSE(parses("v=spf1 a/"));
  EXPECT_FALSE(parses("v=spf1 a/24/64"));
  EXPECT_FALSE(parses("v=spf1 ip4:192.0.2.0/33"));
  EXPECT_FALSE(parses("v=spf1 ip6:2001:db8::/129"));
  EXPECT_FALSE(parses("v=spf1 ptr/24"));
  EXPECT_TRUE(parses("v=spf1 a/0 ip4:0.0.0.0/0 ip6:::/0"));
}

TEST(SpfRecord, BadAddresses) {
  EXPECT_FALSE(parses("v=spf1 ip4:192.0.2"));
  EXPECT_FALSE(parses("v=spf1 ip4:192.0.2.256"));
  EXPECT_FALSE(parses("v=spf1 ip4:192.0.2.01"));
  EXPECT_FALSE(parses("v=spf1 ip4:2001:db8::1"));
  EXPECT_FALSE(parses("v=spf1 ip6:192.0.2.1"));
  EXPECT_FALSE(parses("v=spf1 ip4"));
  EXPECT_FALSE(parses("v=spf1 ip4:"));
  EXPECT_TRUE(parses("v=spf1 ip6:::ffff:192.0.2.1"));
}

TEST(SpfRecord, Modifiers) {
  const Record r = parse_ok("v=spf1 -all redirect=_spf.example.com exp=explain.%{d} moo=cow-%{l}");
  ASSERT_TRUE(r.redirect);
  EXPECT_EQ(r.redirect->text, "_spf.example.com");
  ASSERT_TRUE(r.exp);
  EXPECT_TRUE(r.exp->uses('d'));
  ASSERT_EQ(r.unknown_modifiers.size(), 1u);
  EXPECT_EQ(r.unknown_modifiers[0].name, "moo");
}

TEST(SpfRecord, ModifierErrors) {
  // RFC 7208 6: redirect and exp at most once each.
  EXPECT_FALSE(parses("v=spf1 redirect=a.example.com redirect=b.example.com"));
  EXPECT_FALSE(parses("v=spf1 exp=a.example.com exp=b.example.com"));
  EXPECT_FALSE(parses("v=spf1 redirect="));
  EXPECT_FALSE(parses("v=spf1 exp="));
  // Unknown modifiers must still be valid macro-strings.
  EXPECT_FALSE(parses("v=spf1 moo=%{z}"));
  EXPECT_FALSE(parses("v=spf1 moo=50%"));
  EXPECT_TRUE(parses("v=spf1 moo="));
  EXPECT_FALSE(parses("v=spf1 =foo"));
}

TEST(SpfRecord, SyntaxErrors) {
  EXPECT_FALSE(parses("v=spf1 foo"));      // unknown mechanism
  EXPECT_FALSE(parses("v=spf1 -"));        // a qualifier alone
  EXPECT_FALSE(parses("v=spf1 all:foo"));  // all takes no argument
  EXPECT_FALSE(parses("v=spf1 include"));  // include needs a domain
  EXPECT_FALSE(parses("v=spf1 include:"));
  EXPECT_FALSE(parses("v=spf1 exists"));
  EXPECT_FALSE(parses("v=spf1 a:"));             // empty domain-spec
  EXPECT_FALSE(parses("v=spf1 a:foo"));          // domain-spec must end in a toplabel
  EXPECT_FALSE(parses("v=spf1 a:example.123"));  // toplabel is not all digits
  EXPECT_FALSE(parses("v=spf1 a:%{x}.example.com"));
  EXPECT_FALSE(parses("v=spf1 a:%{c}.example.com"));  // c, r, t only in explanations
  EXPECT_FALSE(parses("v=spf1 a\t-all"));             // terms are separated by SP only
  EXPECT_FALSE(parses("v=spf1 a:ctrl.example.com\rptr -all"));
  EXPECT_FALSE(
      parses("v=spf1 \x80"
             "a -all"));                         // 7-bit ASCII only (RFC 7208 3.1)
  EXPECT_TRUE(parses("v=spf1  a   -all  "));     // several and trailing spaces are fine
  EXPECT_TRUE(parses("v=spf1 a:%{d}"));          // ends in a macro
  EXPECT_TRUE(parses("v=spf1 a:example.com."));  // a trailing dot
}

TEST(SpfRecord, NotAnSpfRecord) {
  EXPECT_FALSE(parses("v=spf2 -all"));
}

TEST(SpfRecord, MechanismNames) {
  EXPECT_EQ(mechanism_name(MechanismKind::exists), "exists");
  EXPECT_EQ(mechanism_name(MechanismKind::ip6), "ip6");
}

}  // namespace
}  // namespace heron::mailauth::spf
