// The DMARC check (RFC 7489 3.1, 6.6, appendix B.1) against an in-memory DNS.

#include <gtest/gtest.h>

#include "base/metrics.hpp"
#include "mailauth/dmarc/evaluate.hpp"
#include "support/fake_resolver.hpp"
#include "support/run_sync.hpp"

namespace heron::mailauth::dmarc {
namespace {

using Type = test::FakeResolver::Type;

constexpr std::string_view kList = R"(com
net
uk
co.uk
)";

dkim::SignatureResult signature(dkim::Status status, std::string domain) {
  dkim::SignatureResult r;
  r.status = status;
  r.domain = std::move(domain);
  return r;
}

class DmarcCheck : public ::testing::Test {
 protected:
  Outcome run(std::string from) {
    Input input;
    input.header_from = std::move(from);
    input.spf = spf_;
    input.spf_domain = spf_domain_;
    input.dkim = dkim_;
    input.random_percent = random_;
    return test::run_sync(check(dns_, std::move(input), psl_));
  }
  void spf(spf::Verdict verdict, std::string domain) {
    spf_ = verdict;
    spf_domain_ = std::move(domain);
  }

  test::FakeResolver dns_;
  PublicSuffixList psl_ = PublicSuffixList::parse(kList);
  spf::Verdict spf_ = spf::Verdict::none;
  std::string spf_domain_;
  std::vector<dkim::SignatureResult> dkim_;
  std::function<int()> random_;
};

std::string from_ok(std::string_view header) {
  auto r = from_domain(header);
  EXPECT_TRUE(r.ok()) << header << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : "";
}

TEST(DmarcFromDomain, SingleFromField) {
  EXPECT_EQ(from_ok("From: Joe <joe@Example.COM>\r\nTo: x@y.example\r\n\r\nbody"), "example.com");
  EXPECT_EQ(from_ok("Subject: hi\r\nfrom: joe@mail.example.org.\r\n"), "mail.example.org");
  // Folded, with a comment.
  EXPECT_EQ(from_ok("From: \"Joe\"\r\n <joe@example.net> (work)\r\n\r\n"), "example.net");
  // Several addresses of one domain: one domain to evaluate.
  EXPECT_EQ(from_ok("From: a@example.com, B <b@EXAMPLE.com>\r\n"), "example.com");
  // A From in the body is not a header field.
  EXPECT_EQ(from_ok("From: a@example.com\r\n\r\nFrom: b@example.org\r\n"), "example.com");
}

std::string from_error(std::string_view header) {
  auto r = from_domain(header);
  EXPECT_FALSE(r.ok()) << header;
  return r.ok() ? "" : r.error().message;
}

TEST(DmarcFromDomain, RefusesWhatRfc7489LeavesUndefined) {
  EXPECT_EQ(from_error("To: a@example.com\r\n\r\n"), "no From field");
  EXPECT_EQ(from_error("From: a@example.com\r\nFrom: b@example.com\r\n"),
            "more than one From field");
  EXPECT_EQ(from_error("From: a@example.com, b@example.org\r\n"),
            "From addresses in several domains");
  EXPECT_EQ(from_error("From: undisclosed\r\n"), "From address without a domain");
  EXPECT_EQ(from_error("From: a@[192.0.2.1]\r\n"), "From address with an address literal");
  EXPECT_EQ(from_error("From: \r\n"), "no address in the From field");
  EXPECT_EQ(from_error("From: a@" + std::string(64, 'x') + ".example\r\n"), "invalid From domain");
}

TEST_F(DmarcCheck, Alignment) {
  // RFC 7489 appendix B.1.1 (SPF) and B.1.2 (DKIM) identifiers against From example.com.
  EXPECT_TRUE(aligned("example.com", "example.com", Alignment::strict, psl_));
  EXPECT_TRUE(aligned("EXAMPLE.com.", "example.com", Alignment::strict, psl_));
  EXPECT_FALSE(aligned("child.example.com", "example.com", Alignment::strict, psl_));
  EXPECT_TRUE(aligned("child.example.com", "example.com", Alignment::relaxed, psl_));
  EXPECT_TRUE(aligned("example.com", "a.b.example.com", Alignment::relaxed, psl_));
  EXPECT_FALSE(aligned("example.net", "example.com", Alignment::relaxed, psl_));
  // Relaxed alignment is per Organizational Domain, not per common suffix.
  EXPECT_FALSE(aligned("other.co.uk", "example.co.uk", Alignment::relaxed, psl_));
  EXPECT_TRUE(aligned("mail.example.co.uk", "example.co.uk", Alignment::relaxed, psl_));
  EXPECT_FALSE(aligned("", "example.com", Alignment::relaxed, psl_));
}

TEST_F(DmarcCheck, NoRecordIsNone) {
  const Outcome out = run("example.com");
  EXPECT_EQ(out.verdict, Verdict::none);
  EXPECT_EQ(out.policy, Policy::none);
  EXPECT_EQ(out.record_domain, "");
  EXPECT_FALSE(out.record);
  // example.com is its own Organizational Domain: one query.
  EXPECT_EQ(dns_.queries(), std::vector<std::string>{"TXT _dmarc.example.com"});
  EXPECT_EQ(out.auth_results(), "dmarc=none header.from=example.com");
}

TEST_F(DmarcCheck, SpfAlignedPass) {
  dns_.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
  spf(spf::Verdict::pass, "example.com");
  const Outcome out = run("Example.COM");
  EXPECT_EQ(out.verdict, Verdict::pass);
  EXPECT_TRUE(out.spf_aligned);
  EXPECT_FALSE(out.dkim_aligned);
  EXPECT_EQ(out.policy, Policy::none);
  EXPECT_EQ(out.header_from, "example.com");
  EXPECT_EQ(out.record_domain, "example.com");
  EXPECT_EQ(out.auth_results(), "dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com");
}

TEST_F(DmarcCheck, SpfRelaxedAndStrict) {
  // B.1.1: MAIL FROM child.example.com, From example.com: aligned only in relaxed mode.
  dns_.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
  dns_.add_txt("_dmarc.strict.example", "v=DMARC1; p=reject; aspf=s");
  spf(spf::Verdict::pass, "child.example.com");
  EXPECT_EQ(run("example.com").verdict, Verdict::pass);
  spf(spf::Verdict::pass, "child.strict.example");
  const Outcome out = run("strict.example");
  EXPECT_EQ(out.verdict, Verdict::fail);
  EXPECT_FALSE(out.spf_aligned);
  EXPECT_EQ(out.policy, Policy::reject);
  // A different Organizational Domain never aligns.
  spf(spf::Verdict::pass, "example.net");
  EXPECT_EQ(run("example.com").verdict, Verdict::fail);
}

TEST_F(DmarcCheck, SpfCountsOnlyWhenItPassed) {
  dns_.add_txt("_dmarc.example.com", "v=DMARC1; p=quarantine");
  for (spf::Verdict v :
       {spf::Verdict::none, spf::Verdict::neutral, spf::Verdict::fail, spf::Verdict::softfail,
        spf::Verdict::temperror, spf::Verdict::permerror}) {
    spf(v, "example.com");
    const Outcome out = run("example.com");
    EXPECT_EQ(out.verdict, Verdict::fail) << spf::verdict_name(v);
    EXPECT_FALSE(out.spf_aligned);
    EXPECT_EQ(out.policy, Policy::quarantine);
  }
}

TEST_F(DmarcCheck, DkimRelaxedAndStrict) {
  // B.1.2: d=child.example.com aligns with From example.com only in relaxed mode.
  dns_.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
  dns_.add_txt("_dmarc.strict.example", "v=DMARC1; p=reject; adkim=s");
  dkim_ = {signature(dkim::Status::pass, "child.example.com")};
  Outcome out = run("example.com");
  EXPECT_EQ(out.verdict, Verdict::pass);
  EXPECT_TRUE(out.dkim_aligned);
  EXPECT_EQ(out.dkim_domain, "child.example.com");
  dkim_ = {signature(dkim::Status::pass, "child.strict.example")};
  out = run("strict.example");
  EXPECT_EQ(out.verdict, Verdict::fail);
  EXPECT_FALSE(out.dkim_aligned);
  dkim_ = {signature(dkim::Status::pass, "Strict.Example")};
  EXPECT_EQ(run("strict.example").verdict, Verdict::pass);
}

TEST_F(DmarcCheck, DkimCountsOnlyPassingSignatures) {
  dns_.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
  dkim_ = {signature(dkim::Status::fail, "example.com"),
           signature(dkim::Status::temperror, "example.com"),
           signature(dkim::Status::policy, "example.com"),
           signature(dkim::Status::pass, "example.net")};
  Outcome out = run("example.com");
  EXPECT_EQ(out.verdict, Verdict::fail);
  EXPECT_FALSE(out.dkim_aligned);
  // One aligned passing signature among others is enough.
  dkim_.push_back(signature(dkim::Status::pass, "mail.example.com"));
  out = run("example.com");
  EXPECT_EQ(out.verdict, Verdict::pass);
  EXPECT_EQ(out.dkim_domain, "mail.example.com");
}

TEST_F(DmarcCheck, BothIdentifiers) {
  // B.1.3: DKIM aligned, SPF not (MAIL FROM in another domain): pass.
  dns_.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
  spf(spf::Verdict::pass, "example.net");
  dkim_ = {signature(dkim::Status::pass, "example.com")};
  const Outcome out = run("example.com");
  EXPECT_EQ(out.verdict, Verdict::pass);
  EXPECT_FALSE(out.spf_aligned);
  EXPECT_TRUE(out.dkim_aligned);
}

TEST_F(DmarcCheck, FallsBackToTheOrganizationalDomain) {
  dns_.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine");
  const Outcome out = run("mail.sub.example.com");
  EXPECT_EQ(out.verdict, Verdict::fail);
  EXPECT_EQ(out.org_domain, "example.com");
  EXPECT_EQ(out.record_domain, "example.com");
  EXPECT_TRUE(out.subdomain);
  EXPECT_EQ(out.policy, Policy::quarantine);  // sp for a subdomain
  EXPECT_EQ(dns_.queries(), (std::vector<std::string>{"TXT _dmarc.mail.sub.example.com",
                                                      "TXT _dmarc.example.com"}));
  EXPECT_EQ(out.auth_results(),
            "dmarc=fail (p=REJECT sp=QUARANTINE dis=QUARANTINE) header.from=mail.sub.example.com");
}

TEST_F(DmarcCheck, SubdomainWithoutSpGetsP) {
  dns_.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
  const Outcome out = run("sub.example.com");
  EXPECT_EQ(out.policy, Policy::reject);
  EXPECT_TRUE(out.subdomain);
}

TEST_F(DmarcCheck, RecordAtTheFromDomainUsesP) {
  // sp is ignored for a record found at the From domain itself, even a subdomain's (6.3).
  dns_.add_txt("_dmarc.sub.example.com", "v=DMARC1; p=none; sp=reject");
  dns_.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; sp=reject");
  const Outcome out = run("sub.example.com");
  EXPECT_EQ(out.verdict, Verdict::fail);
  EXPECT_EQ(out.record_domain, "sub.example.com");
  EXPECT_FALSE(out.subdomain);
  EXPECT_EQ(out.policy, Policy::none);
  EXPECT_EQ(dns_.query_count(), 1u);
}

TEST_F(DmarcCheck, OtherTxtRecordsAreIgnored) {
  dns_.add_txt("_dmarc.sub.example.com", "google-site-verification=abc");
  dns_.add_txt("_dmarc.sub.example.com", "v=DMARC10; p=none");
  dns_.add_txt("_dmarc.example.com", "v=spf1 -all");
  dns_.add_txt("_dmarc.example.com", "v=DMARC1; p=quarantine");
  const Outcome out = run("sub.example.com");
  EXPECT_EQ(out.verdict, Verdict::fail);
  EXPECT_EQ(out.record_domain, "example.com");
  EXPECT_EQ(out.policy, Policy::quarantine);
}

TEST_F(DmarcCheck, MultipleRecordsGiveNone) {
  // 6.6.3 step 6: discovery ends; the Organizational Domain is not asked.
  dns_.add_txt("_dmarc.sub.example.com", "v=DMARC1; p=none");
  dns_.add_txt("_dmarc.sub.example.com", "v=DMARC1; p=reject");
  dns_.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
  Outcome out = run("sub.example.com");
  EXPECT_EQ(out.verdict, Verdict::none);
  EXPECT_EQ(out.policy, Policy::none);
  EXPECT_EQ(dns_.query_count(), 1u);
  EXPECT_EQ(out.reason, "more than one DMARC record at _dmarc.sub.example.com");
  // Two at the Organizational Domain: none as well.
  dns_.add_txt("_dmarc.example.com", "v=DMARC1; p=quarantine");
  out = run("other.example.com");
  EXPECT_EQ(out.verdict, Verdict::none);
  EXPECT_EQ(out.auth_results(),
            "dmarc=none (more than one DMARC record at _dmarc.example.com) "
            "header.from=other.example.com");
}

TEST_F(DmarcCheck, TemporaryDnsFailureIsTemperror) {
  dns_.fail("_dmarc.sub.example.com", Type::txt);
  dns_.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
  Outcome out = run("sub.example.com");
  EXPECT_EQ(out.verdict, Verdict::temperror);
  EXPECT_EQ(out.policy, Policy::none);
  EXPECT_EQ(dns_.query_count(), 1u);  // no fallback on a transient error
  EXPECT_TRUE(
      out.auth_results().starts_with("dmarc=temperror (DNS error looking up TXT "
                                     "_dmarc.sub.example.com"));
  EXPECT_TRUE(out.auth_results().ends_with(") header.from=sub.example.com"));
  // At the Organizational Domain too.
  dns_.fail("_dmarc.example.net", Type::txt);
  out = run("a.example.net");
  EXPECT_EQ(out.verdict, Verdict::temperror);
}

TEST_F(DmarcCheck, PermanentDnsFailureReadsAsNoRecord) {
  dns_.fail("_dmarc.sub.example.com", Type::txt, dns::Status::perm_fail);
  dns_.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
  const Outcome out = run("sub.example.com");
  EXPECT_EQ(out.verdict, Verdict::fail);
  EXPECT_EQ(out.record_domain, "example.com");
}

TEST_F(DmarcCheck, InvalidRecordIsPermerror) {
  dns_.add_txt("_dmarc.example.com", "v=DMARC1; p=block");
  spf(spf::Verdict::pass, "example.com");
  const Outcome out = run("example.com");
  EXPECT_EQ(out.verdict, Verdict::permerror);
  EXPECT_EQ(out.policy, Policy::none);
  EXPECT_EQ(out.auth_results(),
            "dmarc=permerror (DMARC record at _dmarc.example.com: invalid p= value) "
            "header.from=example.com");
}

TEST_F(DmarcCheck, InvalidPolicyWithRuaIsNone) {
  dns_.add_txt("_dmarc.example.com", "v=DMARC1; p=block; rua=mailto:d@example.com");
  const Outcome out = run("example.com");
  EXPECT_EQ(out.verdict, Verdict::fail);
  EXPECT_EQ(out.policy, Policy::none);
  ASSERT_TRUE(out.record);
  EXPECT_TRUE(out.record->policy_implied);
  EXPECT_EQ(out.record->aggregate_uris, std::vector<std::string>{"mailto:d@example.com"});
}

TEST_F(DmarcCheck, InvalidFromDomainIsPermerror) {
  for (std::string from : {"", "a..example", "[192.0.2.1]"}) {
    const Outcome out = run(from);
    EXPECT_EQ(out.verdict, Verdict::permerror) << from;
    EXPECT_EQ(out.reason, "invalid From domain");
  }
  EXPECT_EQ(dns_.query_count(), 0u);
  EXPECT_EQ(run("").auth_results(), "dmarc=permerror (invalid From domain)");
}

TEST_F(DmarcCheck, PercentSampling) {
  // B.2.4 style: pct=25. A roll below 25 is sampled and gets the policy.
  dns_.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; pct=25");
  dns_.add_txt("_dmarc.example.net", "v=DMARC1; p=quarantine; pct=25");
  random_ = [] { return 24; };
  Outcome out = run("example.com");
  EXPECT_TRUE(out.sampled);
  EXPECT_EQ(out.policy, Policy::reject);
  // Not sampled: the next milder policy (6.6.4).
  random_ = [] { return 25; };
  out = run("example.com");
  EXPECT_FALSE(out.sampled);
  EXPECT_EQ(out.policy, Policy::quarantine);
  EXPECT_EQ(out.auth_results(),
            "dmarc=fail (p=REJECT sp=REJECT dis=QUARANTINE) header.from=example.com");
  out = run("example.net");
  EXPECT_EQ(out.policy, Policy::none);
  random_ = [] { return 0; };
  EXPECT_EQ(run("example.net").policy, Policy::quarantine);
}

TEST_F(DmarcCheck, PercentBounds) {
  dns_.add_txt("_dmarc.zero.example", "v=DMARC1; p=reject; pct=0");
  dns_.add_txt("_dmarc.full.example", "v=DMARC1; p=reject; pct=100");
  random_ = [] { return 0; };
  EXPECT_EQ(run("zero.example").policy, Policy::quarantine);  // never sampled
  // pct=100 draws no number at all.
  int calls = 0;
  random_ = [&calls] {
    ++calls;
    return 99;
  };
  EXPECT_EQ(run("full.example").policy, Policy::reject);
  EXPECT_EQ(calls, 0);
  // Without a source the built-in generator is used; over many draws pct=50 splits.
  dns_.add_txt("_dmarc.half.example", "v=DMARC1; p=reject; pct=50");
  random_ = nullptr;
  int sampled = 0;
  for (int i = 0; i < 100; ++i) sampled += run("half.example").sampled ? 1 : 0;
  EXPECT_GT(sampled, 0);
  EXPECT_LT(sampled, 100);
}

TEST_F(DmarcCheck, PassIgnoresPct) {
  dns_.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; pct=10");
  random_ = [] { return 99; };
  dkim_ = {signature(dkim::Status::pass, "example.com")};
  const Outcome out = run("example.com");
  EXPECT_EQ(out.verdict, Verdict::pass);
  EXPECT_EQ(out.policy, Policy::none);
  EXPECT_TRUE(out.sampled);
}

TEST_F(DmarcCheck, CountsResults) {
  dns_.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
  dns_.fail("_dmarc.temp.example", Type::txt);
  const auto before = [](std::string_view r) {
    return metrics::get("heron_dmarc_results_total", "result", r);
  };
  const uint64_t fail = before("fail"), none = before("none"), temp = before("temperror");
  (void)run("example.com");
  (void)run("example.org");
  (void)run("temp.example");
  EXPECT_EQ(before("fail"), fail + 1);
  EXPECT_EQ(before("none"), none + 1);
  EXPECT_EQ(before("temperror"), temp + 1);
}

TEST_F(DmarcCheck, VerdictNames) {
  EXPECT_EQ(verdict_name(Verdict::none), "none");
  EXPECT_EQ(verdict_name(Verdict::pass), "pass");
  EXPECT_EQ(verdict_name(Verdict::fail), "fail");
  EXPECT_EQ(verdict_name(Verdict::temperror), "temperror");
  EXPECT_EQ(verdict_name(Verdict::permerror), "permerror");
}

TEST_F(DmarcCheck, CommentIsEscaped) {
  Outcome out;
  out.verdict = Verdict::temperror;
  out.header_from = "example.com";
  out.reason = "bad (x)\\y\r\n";
  EXPECT_EQ(out.auth_results(), "dmarc=temperror (bad \\(x\\)\\\\y) header.from=example.com");
  out.header_from = "exa mple.com";  // not printable as a pvalue: left out
  EXPECT_EQ(out.auth_results(), "dmarc=temperror (bad \\(x\\)\\\\y)");
}

}  // namespace
}  // namespace heron::mailauth::dmarc
