// DMARC record parsing (RFC 7489 6.3, 6.4, 6.6.3, appendix B.2).

#include <gtest/gtest.h>

#include "mailauth/dmarc/record.hpp"

namespace heron::mailauth::dmarc {
namespace {

Record parse_ok(std::string_view text) {
  auto r = parse_record(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Record{};
}

std::string parse_error(std::string_view text) {
  auto r = parse_record(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.error().message;
}

TEST(DmarcRecord, RecognisesVersion) {
  EXPECT_TRUE(is_dmarc_record("v=DMARC1"));
  EXPECT_TRUE(is_dmarc_record("v=DMARC1;"));
  EXPECT_TRUE(is_dmarc_record("v=DMARC1; p=none"));
  EXPECT_TRUE(is_dmarc_record("v = DMARC1 ;p=none"));  // 6.4: *WSP around "=" and ";"
  EXPECT_TRUE(is_dmarc_record("V=DMARC1; p=none"));    // tag names are case-insensitive
  EXPECT_TRUE(is_dmarc_record(" v=DMARC1; p=none"));
  EXPECT_FALSE(is_dmarc_record("v=dmarc1; p=none"));  // %x44 %x4d ...: case-sensitive
  EXPECT_FALSE(is_dmarc_record("v=DMARC10; p=none"));
  EXPECT_FALSE(is_dmarc_record("v=DMARC1 p=none"));   // no separator
  EXPECT_FALSE(is_dmarc_record("p=none; v=DMARC1"));  // 6.3: v must come first
  EXPECT_FALSE(is_dmarc_record("v=spf1 -all"));
  EXPECT_FALSE(is_dmarc_record("DMARC1"));
  EXPECT_FALSE(is_dmarc_record(""));
  EXPECT_FALSE(parse_record("v=spf1 -all").ok());
}

TEST(DmarcRecord, Defaults) {
  const Record r = parse_ok("v=DMARC1; p=none");
  EXPECT_EQ(r.policy, Policy::none);
  EXPECT_FALSE(r.subdomain_policy);
  EXPECT_EQ(r.dkim_alignment, Alignment::relaxed);
  EXPECT_EQ(r.spf_alignment, Alignment::relaxed);
  EXPECT_EQ(r.percent, 100);
  EXPECT_TRUE(r.aggregate_uris.empty());
  EXPECT_TRUE(r.failure_uris.empty());
  EXPECT_EQ(r.failure_options, std::vector<std::string>{"0"});
  EXPECT_EQ(r.report_formats, std::vector<std::string>{"afrf"});
  EXPECT_EQ(r.report_interval, 86400u);
  EXPECT_FALSE(r.policy_implied);
}

TEST(DmarcRecord, EveryTag) {
  const Record r = parse_ok(
      "v=DMARC1; p=reject; sp=quarantine; adkim=s; aspf=s; pct=50; "
      "rua=mailto:agg@example.com,mailto:agg@example.net!10m; ruf=mailto:fail@example.com; "
      "fo=1:d:s; rf=afrf:iodef; ri=3600");
  EXPECT_EQ(r.policy, Policy::reject);
  EXPECT_EQ(r.subdomain_policy, Policy::quarantine);
  EXPECT_EQ(r.dkim_alignment, Alignment::strict);
  EXPECT_EQ(r.spf_alignment, Alignment::strict);
  EXPECT_EQ(r.percent, 50);
  EXPECT_EQ(r.aggregate_uris,
            (std::vector<std::string>{"mailto:agg@example.com", "mailto:agg@example.net!10m"}));
  EXPECT_EQ(r.failure_uris, std::vector<std::string>{"mailto:fail@example.com"});
  EXPECT_EQ(r.failure_options, (std::vector<std::string>{"1", "d", "s"}));
  EXPECT_EQ(r.report_formats, (std::vector<std::string>{"afrf", "iodef"}));
  EXPECT_EQ(r.report_interval, 3600u);
}

TEST(DmarcRecord, EachPolicyValue) {
  EXPECT_EQ(parse_ok("v=DMARC1; p=none").policy, Policy::none);
  EXPECT_EQ(parse_ok("v=DMARC1; p=quarantine").policy, Policy::quarantine);
  EXPECT_EQ(parse_ok("v=DMARC1; p=reject").policy, Policy::reject);
  EXPECT_EQ(parse_ok("v=DMARC1; p=none; sp=none").subdomain_policy, Policy::none);
  EXPECT_EQ(parse_ok("v=DMARC1; p=none; sp=reject").subdomain_policy, Policy::reject);
  EXPECT_EQ(parse_ok("v=DMARC1; p=reject; adkim=r").dkim_alignment, Alignment::relaxed);
  EXPECT_EQ(parse_ok("v=DMARC1; p=reject; aspf=r").spf_alignment, Alignment::relaxed);
  EXPECT_EQ(policy_name(Policy::none), "none");
  EXPECT_EQ(policy_name(Policy::quarantine), "quarantine");
  EXPECT_EQ(policy_name(Policy::reject), "reject");
}

TEST(DmarcRecord, NamesAndKeywordsAreCaseInsensitive) {
  const Record r = parse_ok("v=DMARC1; P=Reject; SP=NONE; ADKIM=S; Aspf=s; PCT=10; FO=D; RF=AFRF");
  EXPECT_EQ(r.policy, Policy::reject);
  EXPECT_EQ(r.subdomain_policy, Policy::none);
  EXPECT_EQ(r.dkim_alignment, Alignment::strict);
  EXPECT_EQ(r.spf_alignment, Alignment::strict);
  EXPECT_EQ(r.percent, 10);
  EXPECT_EQ(r.failure_options, std::vector<std::string>{"d"});
  EXPECT_EQ(r.report_formats, std::vector<std::string>{"afrf"});
}

TEST(DmarcRecord, BlanksAroundTagsAndValues) {
  const Record r = parse_ok("v=DMARC1;\tp = quarantine ;pct= 20 ;  rua = mailto:a@example.com ;");
  EXPECT_EQ(r.policy, Policy::quarantine);
  EXPECT_EQ(r.percent, 20);
  EXPECT_EQ(r.aggregate_uris, std::vector<std::string>{"mailto:a@example.com"});
}

TEST(DmarcRecord, MalformedTagsTakeTheirDefaults) {
  // RFC 7489 6.3: syntax errors are discarded in favour of the defaults.
  const Record r = parse_ok(
      "v=DMARC1; p=reject; adkim=x; aspf=relaxed; pct=abc; fo=2; rf=a_b; ri=soon; sp=reject");
  EXPECT_EQ(r.dkim_alignment, Alignment::relaxed);
  EXPECT_EQ(r.spf_alignment, Alignment::relaxed);
  EXPECT_EQ(r.percent, 100);
  EXPECT_EQ(r.failure_options, std::vector<std::string>{"0"});
  EXPECT_EQ(r.report_formats, std::vector<std::string>{"afrf"});
  EXPECT_EQ(r.report_interval, 86400u);
  // A strict value after a malformed one does not help: the first adkim counted.
  EXPECT_EQ(parse_ok("v=DMARC1; p=none; adkim=x; adkim=s").dkim_alignment, Alignment::relaxed);
}

TEST(DmarcRecord, PercentRange) {
  EXPECT_EQ(parse_ok("v=DMARC1; p=reject; pct=0").percent, 0);
  EXPECT_EQ(parse_ok("v=DMARC1; p=reject; pct=100").percent, 100);
  EXPECT_EQ(parse_ok("v=DMARC1; p=reject; pct=007").percent, 7);  // 1*3DIGIT
  EXPECT_EQ(parse_ok("v=DMARC1; p=reject; pct=101").percent, 100);
  EXPECT_EQ(parse_ok("v=DMARC1; p=reject; pct=1000").percent, 100);
  EXPECT_EQ(parse_ok("v=DMARC1; p=reject; pct=-1").percent, 100);
  EXPECT_EQ(parse_ok("v=DMARC1; p=reject; pct=").percent, 100);
  EXPECT_EQ(parse_ok("v=DMARC1; p=reject; pct=5 0").percent, 100);
}

TEST(DmarcRecord, ReportInterval) {
  EXPECT_EQ(parse_ok("v=DMARC1; p=none; ri=0").report_interval, 0u);
  EXPECT_EQ(parse_ok("v=DMARC1; p=none; ri=4294967295").report_interval, 4294967295u);
  EXPECT_EQ(parse_ok("v=DMARC1; p=none; ri=4294967296").report_interval, 86400u);
  EXPECT_EQ(parse_ok("v=DMARC1; p=none; ri=-5").report_interval, 86400u);
}

TEST(DmarcRecord, FailureOptionsAndFormats) {
  EXPECT_EQ(parse_ok("v=DMARC1; p=none; fo=0:1").failure_options,
            (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(parse_ok("v=DMARC1; p=none; fo=1 : s").failure_options,
            (std::vector<std::string>{"1", "s"}));
  EXPECT_EQ(parse_ok("v=DMARC1; p=none; fo=1:x").failure_options, std::vector<std::string>{"0"});
  EXPECT_EQ(parse_ok("v=DMARC1; p=none; fo=").failure_options, std::vector<std::string>{"0"});
  EXPECT_EQ(parse_ok("v=DMARC1; p=none; rf=iodef").report_formats,
            std::vector<std::string>{"iodef"});
  EXPECT_EQ(parse_ok("v=DMARC1; p=none; rf=afrf-").report_formats,
            std::vector<std::string>{"afrf"});
}

TEST(DmarcRecord, UnknownTagsAndJunkAreIgnored) {
  const Record r = parse_ok("v=DMARC1; p=quarantine; np=reject; t=y; junk; ;; x=1=2;");
  EXPECT_EQ(r.policy, Policy::quarantine);
  EXPECT_EQ(r, parse_ok("v=DMARC1; p=quarantine"));
}

TEST(DmarcRecord, RepeatedTagFirstCounts) {
  const Record r = parse_ok("v=DMARC1; p=reject; p=none; pct=10; pct=90");
  EXPECT_EQ(r.policy, Policy::reject);
  EXPECT_EQ(r.percent, 10);
  // A second v= is an ordinary repeated tag.
  EXPECT_EQ(parse_ok("v=DMARC1; v=DMARC2; p=none").policy, Policy::none);
}

TEST(DmarcRecord, ReportUris) {
  const Record r = parse_ok(
      "v=DMARC1; p=none; rua=mailto:a@example.com , bogus, https://r.example/x, :x, "
      "mailto:b@example.com!50k");
  EXPECT_EQ(r.aggregate_uris,
            (std::vector<std::string>{"mailto:a@example.com", "https://r.example/x",
                                      "mailto:b@example.com!50k"}));
  EXPECT_TRUE(is_report_uri("mailto:dmarc@example.com"));
  EXPECT_TRUE(is_report_uri("mailto:dmarc@example.com!10m"));
  EXPECT_TRUE(is_report_uri("https://example.com/report"));
  EXPECT_TRUE(is_report_uri("x-y.z+w:1"));
  EXPECT_FALSE(is_report_uri("mailto:"));
  EXPECT_FALSE(is_report_uri("dmarc@example.com"));
  EXPECT_FALSE(is_report_uri("1mailto:a@b"));
  EXPECT_FALSE(is_report_uri("mai lto:a@b"));
  EXPECT_FALSE(is_report_uri("mailto:a b@c"));
  EXPECT_FALSE(is_report_uri(""));
}

TEST(DmarcRecord, MissingOrBadPolicyWithRuaIsNone) {
  // RFC 7489 6.6.3 step 7.1: act as if p=none was published.
  Record r = parse_ok("v=DMARC1; rua=mailto:a@example.com");
  EXPECT_EQ(r.policy, Policy::none);
  EXPECT_TRUE(r.policy_implied);
  r = parse_ok("v=DMARC1; p=block; rua=mailto:a@example.com");
  EXPECT_EQ(r.policy, Policy::none);
  EXPECT_TRUE(r.policy_implied);
  // An invalid sp makes the whole record p=none, sp included.
  r = parse_ok("v=DMARC1; p=reject; sp=maybe; rua=mailto:a@example.com");
  EXPECT_EQ(r.policy, Policy::none);
  EXPECT_FALSE(r.subdomain_policy);
  EXPECT_TRUE(r.policy_implied);
}

TEST(DmarcRecord, MissingOrBadPolicyWithoutRuaIsAnError) {
  // RFC 7489 6.6.3 step 7.2: no DMARC processing.
  EXPECT_EQ(parse_error("v=DMARC1"), "no p= tag");
  EXPECT_EQ(parse_error("v=DMARC1; p=block"), "invalid p= value");
  EXPECT_EQ(parse_error("v=DMARC1; p="), "invalid p= value");
  EXPECT_EQ(parse_error("v=DMARC1; p=reject; sp=maybe"), "invalid sp= value");
  EXPECT_EQ(parse_error("v=DMARC1; sp=reject; ruf=mailto:a@example.com"), "no p= tag");
  EXPECT_EQ(parse_error("v=DMARC1; rua=bogus"), "no p= tag");  // no valid URI
}

TEST(DmarcRecord, PolicyFor) {
  const Record with_sp = parse_ok("v=DMARC1; p=reject; sp=none");
  EXPECT_EQ(with_sp.policy_for(false), Policy::reject);
  EXPECT_EQ(with_sp.policy_for(true), Policy::none);
  const Record without = parse_ok("v=DMARC1; p=quarantine");
  EXPECT_EQ(without.policy_for(true), Policy::quarantine);
}

TEST(DmarcRecord, AppendixBExamples) {
  // B.2.1: monitoring, aggregate reports.
  Record r = parse_ok("v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com");
  EXPECT_EQ(r.policy, Policy::none);
  EXPECT_EQ(r.aggregate_uris, std::vector<std::string>{"mailto:dmarc-feedback@example.com"});
  // B.2.2: failure reports to a third party too.
  r = parse_ok(
      "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com; "
      "ruf=mailto:auth-reports@thirdparty.example.net");
  EXPECT_EQ(r.failure_uris, std::vector<std::string>{"mailto:auth-reports@thirdparty.example.net"});
  // B.2.4: quarantine a quarter of failing mail, a size limit on one URI.
  r = parse_ok(
      "v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com,"
      "mailto:tld-test@thirdparty.example.net!10m; pct=25");
  EXPECT_EQ(r.policy, Policy::quarantine);
  EXPECT_EQ(r.percent, 25);
  EXPECT_EQ(r.aggregate_uris,
            (std::vector<std::string>{"mailto:dmarc-feedback@example.com",
                                      "mailto:tld-test@thirdparty.example.net!10m"}));
  // B.2.3: the third party's authorisation record is "v=DMARC1" alone: a DMARC record, but
  // not a policy record.
  EXPECT_TRUE(is_dmarc_record("v=DMARC1"));
  EXPECT_FALSE(parse_record("v=DMARC1").ok());
}

}  // namespace
}  // namespace heron::mailauth::dmarc
