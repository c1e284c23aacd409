// SPF evaluation (RFC 7208 2.3, 2.4, 4, 5, 6) against an in-memory DNS.

#include <gtest/gtest.h>

#include "mailauth/spf/check.hpp"
#include "support/fake_resolver.hpp"
#include "support/run_sync.hpp"

namespace heron::mailauth::spf {
namespace {

namespace ip = boost::asio::ip;
using Type = test::FakeResolver::Type;

class SpfCheck : public ::testing::Test {
 protected:
  Outcome from(std::string_view client, std::string mail_from,
               std::string helo = "mx.client.example") {
    Check check;
    check.ip = ip::make_address(std::string(client));
    check.helo = std::move(helo);
    check.mail_from = std::move(mail_from);
    check.receiver = "mx.heron.example";
    check.now = 1700000000;
    check.limits = limits_;
    return test::run_sync(check_mail_from(dns_, check));
  }
  Outcome helo(std::string_view client, std::string name) {
    Check check;
    check.ip = ip::make_address(std::string(client));
    check.helo = std::move(name);
    return test::run_sync(check_helo(dns_, check));
  }
  Verdict verdict(std::string_view client, std::string mail_from) {
    return from(client, std::move(mail_from)).verdict;
  }

  test::FakeResolver dns_;
  Limits limits_;
};

TEST_F(SpfCheck, VerdictNames) {
  EXPECT_EQ(verdict_name(Verdict::none), "none");
  EXPECT_EQ(verdict_name(Verdict::neutral), "neutral");
  EXPECT_EQ(verdict_name(Verdict::pass), "pass");
  EXPECT_EQ(verdict_name(Verdict::fail), "fail");
  EXPECT_EQ(verdict_name(Verdict::softfail), "softfail");
  EXPECT_EQ(verdict_name(Verdict::temperror), "temperror");
  EXPECT_EQ(verdict_name(Verdict::permerror), "permerror");
}

TEST_F(SpfCheck, QualifiersGiveTheirResult) {
  dns_.add_txt("pass.example", "v=spf1 +all");
  dns_.add_txt("fail.example", "v=spf1 -all");
  dns_.add_txt("soft.example", "v=spf1 ~all");
  dns_.add_txt("neutral.example", "v=spf1 ?all");
  dns_.add_txt("empty.example", "v=spf1");
  EXPECT_EQ(verdict("192.0.2.1", "a@pass.example"), Verdict::pass);
  EXPECT_EQ(verdict("192.0.2.1", "a@fail.example"), Verdict::fail);
  EXPECT_EQ(verdict("192.0.2.1", "a@soft.example"), Verdict::softfail);
  EXPECT_EQ(verdict("192.0.2.1", "a@neutral.example"), Verdict::neutral);
  // RFC 7208 4.7: no mechanism matched and no redirect: neutral.
  EXPECT_EQ(verdict("192.0.2.1", "a@empty.example"), Verdict::neutral);
  const Outcome out = from("192.0.2.1", "a@fail.example");
  EXPECT_EQ(out.mechanism, "-all");
  EXPECT_EQ(out.domain, "fail.example");
  EXPECT_EQ(out.sender, "a@fail.example");
}

TEST_F(SpfCheck, RecordSelection) {
  // RFC 7208 4.5: no record, no name, other TXT records: none.
  dns_.add_txt("other.example", "google-site-verification=abc");
  dns_.add_txt("other.example", "v=spf10 -all");
  EXPECT_EQ(verdict("192.0.2.1", "a@other.example"), Verdict::none);
  EXPECT_EQ(verdict("192.0.2.1", "a@nowhere.example"), Verdict::none);
  // Two SPF records: permerror.
  dns_.add_txt("two.example", "v=spf1 -all");
  dns_.add_txt("two.example", "v=spf1 +all");
  EXPECT_EQ(verdict("192.0.2.1", "a@two.example"), Verdict::permerror);
  // A syntax error anywhere, even after a matching term: permerror (4.6).
  dns_.add_txt("bad.example", "v=spf1 +all foo:bar");
  EXPECT_EQ(verdict("192.0.2.1", "a@bad.example"), Verdict::permerror);
  // A DNS failure: temperror.
  dns_.fail("slow.example", Type::txt);
  const Outcome slow = from("192.0.2.1", "a@slow.example");
  EXPECT_EQ(slow.verdict, Verdict::temperror);
  EXPECT_NE(slow.problem, "");
}

TEST_F(SpfCheck, MalformedDomainsGiveNone) {
  // RFC 7208 4.3.
  EXPECT_EQ(verdict("192.0.2.1", "a@localhost"), Verdict::none);
  EXPECT_EQ(verdict("192.0.2.1", "a@[192.0.2.1]"), Verdict::none);
  EXPECT_EQ(verdict("192.0.2.1", "a@x..example"), Verdict::none);
  EXPECT_EQ(verdict("192.0.2.1", "a@" + std::string(64, 'a') + ".example"), Verdict::none);
  EXPECT_EQ(dns_.query_count(), 0u);
}

TEST_F(SpfCheck, Ip4AndIp6) {
  dns_.add_txt("ip.example", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all");
  EXPECT_EQ(verdict("192.0.2.200", "a@ip.example"), Verdict::pass);
  EXPECT_EQ(verdict("192.0.3.1", "a@ip.example"), Verdict::fail);
  EXPECT_EQ(verdict("2001:db8:1::5", "a@ip.example"), Verdict::pass);
  EXPECT_EQ(verdict("2001:db9::5", "a@ip.example"), Verdict::fail);
  // An IPv4-mapped IPv6 client is checked as IPv4.
  EXPECT_EQ(verdict("::ffff:192.0.2.9", "a@ip.example"), Verdict::pass);
  EXPECT_EQ(dns_.query_count(Type::a), 0u);
}

TEST_F(SpfCheck, AMechanismWithCidr) {
  dns_.add_txt("a.example", "v=spf1 a a:other.example/24//64 -all");
  dns_.add_address("a.example", "192.0.2.10");
  dns_.add_address("other.example", "198.51.100.1");
  dns_.add_address("other.example", "2001:db8:5::1");
  EXPECT_EQ(verdict("192.0.2.10", "a@a.example"), Verdict::pass);
  EXPECT_EQ(verdict("192.0.2.11", "a@a.example"), Verdict::fail);
  EXPECT_EQ(verdict("198.51.100.77", "a@a.example"), Verdict::pass);
  EXPECT_EQ(verdict("2001:db8:5::ffff", "a@a.example"), Verdict::pass);
  EXPECT_EQ(verdict("2001:db8:6::1", "a@a.example"), Verdict::fail);
}

TEST_F(SpfCheck, MxMechanism) {
  dns_.add_txt("mx.example", "v=spf1 mx -all");
  dns_.add_mx("mx.example", 10, "mail1.mx.example");
  dns_.add_mx("mx.example", 20, "mail2.mx.example");
  dns_.add_address("mail1.mx.example", "192.0.2.1");
  dns_.add_address("mail2.mx.example", "192.0.2.2");
  EXPECT_EQ(verdict("192.0.2.2", "a@mx.example"), Verdict::pass);
  EXPECT_EQ(verdict("192.0.2.3", "a@mx.example"), Verdict::fail);
}

TEST_F(SpfCheck, MxWithMoreThanTenRecordsIsPermerror) {
  // RFC 7208 4.6.4.
  dns_.add_txt("many.example", "v=spf1 mx -all");
  for (int i = 0; i < 11; ++i) {
    dns_.add_mx("many.example", 10, "m" + std::to_string(i) + ".many.example");
  }
  EXPECT_EQ(verdict("192.0.2.1", "a@many.example"), Verdict::permerror);
}

TEST_F(SpfCheck, PtrMechanism) {
  dns_.add_txt("ptr.example", "v=spf1 ptr -all");
  dns_.add_ptr(ip::make_address("192.0.2.5"), "host.ptr.example");
  dns_.add_address("host.ptr.example", "192.0.2.5");
  // A PTR name whose forward lookup does not give the address back does not count.
  dns_.add_ptr(ip::make_address("192.0.2.6"), "liar.ptr.example");
  dns_.add_address("liar.ptr.example", "192.0.2.99");
  EXPECT_EQ(verdict("192.0.2.5", "a@ptr.example"), Verdict::pass);
  EXPECT_EQ(verdict("192.0.2.6", "a@ptr.example"), Verdict::fail);
  // RFC 7208 5.5: a DNS error on the PTR lookup is no match, not temperror.
  dns_.fail(test::FakeResolver::reverse_name(ip::make_address("192.0.2.7")), Type::ptr);
  EXPECT_EQ(verdict("192.0.2.7", "a@ptr.example"), Verdict::fail);
}

TEST_F(SpfCheck, ExistsMechanism) {
  dns_.add_txt("ex.example", "v=spf1 exists:%{ir}.list.ex.example -all");
  dns_.add_address("1.2.0.192.list.ex.example", "127.0.0.2");
  EXPECT_EQ(verdict("192.0.2.1", "a@ex.example"), Verdict::pass);
  EXPECT_EQ(verdict("192.0.2.2", "a@ex.example"), Verdict::fail);
  // exists always asks for A, whatever the client's family (RFC 7208 5.7).
  dns_.clear_queries();
  EXPECT_EQ(verdict("2001:db8::1", "a@ex.example"), Verdict::fail);
  EXPECT_EQ(dns_.query_count(Type::a), 1u);
  EXPECT_EQ(dns_.query_count(Type::aaaa), 0u);
}

TEST_F(SpfCheck, IncludeResults) {
  // RFC 7208 5.2 table.
  dns_.add_txt("pass.inc", "v=spf1 +all");
  dns_.add_txt("fail.inc", "v=spf1 -all");
  dns_.add_txt("perm.inc", "v=spf1 foo");
  dns_.fail("temp.inc", Type::txt);
  dns_.add_txt("i1.example", "v=spf1 include:pass.inc -all");
  dns_.add_txt("i2.example", "v=spf1 include:fail.inc ?all");
  dns_.add_txt("i3.example", "v=spf1 include:perm.inc +all");
  dns_.add_txt("i4.example", "v=spf1 include:temp.inc +all");
  dns_.add_txt("i5.example", "v=spf1 include:none.inc +all");
  EXPECT_EQ(verdict("192.0.2.1", "a@i1.example"), Verdict::pass);
  EXPECT_EQ(verdict("192.0.2.1", "a@i2.example"), Verdict::neutral);
  EXPECT_EQ(verdict("192.0.2.1", "a@i3.example"), Verdict::permerror);
  EXPECT_EQ(verdict("192.0.2.1", "a@i4.example"), Verdict::temperror);
  EXPECT_EQ(verdict("192.0.2.1", "a@i5.example"), Verdict::permerror);
}

TEST_F(SpfCheck, Redirect) {
  dns_.add_txt("r.example", "v=spf1 ip4:192.0.2.1 redirect=_spf.r.example");
  dns_.add_txt("_spf.r.example", "v=spf1 ip4:198.51.100.0/24 -all");
  EXPECT_EQ(verdict("192.0.2.1", "a@r.example"), Verdict::pass);
  EXPECT_EQ(verdict("198.51.100.3", "a@r.example"), Verdict::pass);
  EXPECT_EQ(verdict("203.0.113.1", "a@r.example"), Verdict::fail);
  // RFC 7208 6.1: a redirect to a name with no record is permerror.
  dns_.add_txt("r2.example", "v=spf1 redirect=nothing.example");
  EXPECT_EQ(verdict("192.0.2.1", "a@r2.example"), Verdict::permerror);
  // redirect is ignored when "all" is there.
  dns_.add_txt("r3.example", "v=spf1 -all redirect=_spf.r.example");
  EXPECT_EQ(verdict("198.51.100.3", "a@r3.example"), Verdict::fail);
}

TEST_F(SpfCheck, ExplanationForFail) {
  dns_.add_txt("e.example", "v=spf1 -all exp=explain.e.example");
  dns_.add_txt("explain.e.example", "%{i} is not one of %{d}'s servers (%{l}, %{c}, %{r})");
  const Outcome out = from("192.0.2.1", "joe@e.example");
  EXPECT_EQ(out.verdict, Verdict::fail);
  EXPECT_EQ(out.explanation,
            "192.0.2.1 is not one of e.example's servers (joe, 192.0.2.1, mx.heron.example)");
  // No explanation for other results, and none when the exp record is broken.
  dns_.add_txt("e2.example", "v=spf1 ~all exp=explain.e.example");
  EXPECT_EQ(from("192.0.2.1", "joe@e2.example").explanation, "");
  dns_.add_txt("e3.example", "v=spf1 -all exp=broken.e.example");
  dns_.add_txt("broken.e.example", "bad %{z} macro");
  const Outcome broken = from("192.0.2.1", "joe@e3.example");
  EXPECT_EQ(broken.verdict, Verdict::fail);
  EXPECT_EQ(broken.explanation, "");
  dns_.add_txt("e4.example", "v=spf1 -all exp=missing.e.example");
  EXPECT_EQ(from("192.0.2.1", "joe@e4.example").explanation, "");
}

TEST_F(SpfCheck, ExplanationOfRedirectTargetIsUsed) {
  // RFC 7208 6.2: after redirect, the target's exp= applies, not the original's.
  dns_.add_txt("outer.example", "v=spf1 exp=outer-exp.example redirect=inner.example");
  dns_.add_txt("outer-exp.example", "outer");
  dns_.add_txt("inner.example", "v=spf1 -all exp=inner-exp.example");
  dns_.add_txt("inner-exp.example", "inner %{d}");
  const Outcome out = from("192.0.2.1", "a@outer.example");
  EXPECT_EQ(out.verdict, Verdict::fail);
  EXPECT_EQ(out.explanation, "inner inner.example");
}

TEST_F(SpfCheck, TenDnsLookupLimit) {
  // RFC 7208 4.6.4: the 11th DNS-querying term is permerror; ip4/all do not count.
  std::string record = "v=spf1";
  for (int i = 0; i < 10; ++i) record += " a:h" + std::to_string(i) + ".limit.example";
  dns_.add_txt("ten.example", record + " ip4:192.0.2.1 -all");
  dns_.add_txt("eleven.example", record + " a:h10.limit.example -all");
  for (int i = 0; i < 11; ++i)
    dns_.add_address("h" + std::to_string(i) + ".limit.example", "198.51.100.1");
  const Outcome ten = from("192.0.2.1", "a@ten.example");
  EXPECT_EQ(ten.verdict, Verdict::pass);
  EXPECT_EQ(ten.dns_terms, 10);
  EXPECT_EQ(verdict("192.0.2.1", "a@eleven.example"), Verdict::permerror);
}

TEST_F(SpfCheck, LookupLimitCountsAcrossIncludes) {
  dns_.add_txt("loop.example", "v=spf1 include:loop.example -all");
  const Outcome out = from("192.0.2.1", "a@loop.example");
  EXPECT_EQ(out.verdict, Verdict::permerror);
  EXPECT_EQ(dns_.query_count(Type::txt), 11u);  // the record, then 10 includes
}

TEST_F(SpfCheck, VoidLookupLimit) {
  // RFC 7208 4.6.4: two void lookups are allowed, the third is permerror.
  dns_.add_txt("v2.example", "v=spf1 a:n1.void.example a:n2.void.example ip4:192.0.2.1 -all");
  dns_.add_txt("v3.example",
               "v=spf1 a:n1.void.example mx:n2.void.example exists:n3.void.example +all");
  EXPECT_EQ(verdict("192.0.2.1", "a@v2.example"), Verdict::pass);
  const Outcome three = from("192.0.2.1", "a@v3.example");
  EXPECT_EQ(three.verdict, Verdict::permerror);
  EXPECT_EQ(three.void_lookups, 3);
}

TEST_F(SpfCheck, ConfigurableLimits) {
  limits_.dns_terms = 1;
  dns_.add_txt("two.example", "v=spf1 a:x.example a:y.example +all");
  EXPECT_EQ(verdict("192.0.2.1", "a@two.example"), Verdict::permerror);
}

TEST_F(SpfCheck, TemporaryErrorsInMechanisms) {
  dns_.add_txt("t.example", "v=spf1 a:down.example +all");
  dns_.fail("down.example", Type::a);
  EXPECT_EQ(verdict("192.0.2.1", "a@t.example"), Verdict::temperror);
  dns_.add_txt("t2.example", "v=spf1 mx:down2.example +all");
  dns_.fail("down2.example", Type::mx);
  EXPECT_EQ(verdict("192.0.2.1", "a@t2.example"), Verdict::temperror);
}

TEST_F(SpfCheck, NullSenderChecksHelo) {
  // RFC 7208 2.4: the null path is checked as postmaster@<HELO name>.
  dns_.add_txt("client.example", "v=spf1 ip4:192.0.2.1 -all exp=why.client.example");
  dns_.add_txt("why.client.example", "%{s}");
  const Outcome out = from("192.0.2.2", "", "client.example");
  EXPECT_EQ(out.verdict, Verdict::fail);
  EXPECT_EQ(out.sender, "postmaster@client.example");
  EXPECT_EQ(out.explanation, "postmaster@client.example");
}

TEST_F(SpfCheck, HeloIdentity) {
  dns_.add_txt("mx.client.example", "v=spf1 a -all");
  dns_.add_address("mx.client.example", "192.0.2.1");
  EXPECT_EQ(helo("192.0.2.1", "mx.client.example").verdict, Verdict::pass);
  EXPECT_EQ(helo("192.0.2.9", "mx.client.example").verdict, Verdict::fail);
  // RFC 7208 2.3: an address literal or a single label is not checked.
  EXPECT_EQ(helo("192.0.2.1", "[192.0.2.1]").verdict, Verdict::none);
  EXPECT_EQ(helo("192.0.2.1", "localhost").verdict, Verdict::none);
}

TEST_F(SpfCheck, EmptyLocalPartIsPostmaster) {
  // RFC 7208 4.3.
  dns_.add_txt("lp.example", "v=spf1 -all exp=lp-exp.example");
  dns_.add_txt("lp-exp.example", "%{l}");
  EXPECT_EQ(from("192.0.2.1", "@lp.example").explanation, "postmaster");
}

TEST_F(SpfCheck, PMacroUsesValidatedName) {
  dns_.add_txt("p.example", "v=spf1 exists:%{p}.allowed.p.example -all");
  dns_.add_ptr(ip::make_address("192.0.2.5"), "good.p.example");
  dns_.add_address("good.p.example", "192.0.2.5");
  dns_.add_address("good.p.example.allowed.p.example", "127.0.0.2");
  EXPECT_EQ(verdict("192.0.2.5", "a@p.example"), Verdict::pass);
  // No validated name: "unknown".
  dns_.clear_queries();
  EXPECT_EQ(verdict("192.0.2.6", "a@p.example"), Verdict::fail);
  EXPECT_EQ(dns_.queries().back(), "A unknown.allowed.p.example");
}

}  // namespace
}  // namespace heron::mailauth::spf
