#include <gtest/gtest.h>

#include <string>

#include "base/metrics.hpp"
#include "dns/answer.hpp"
#include "dns/rdata.hpp"

namespace heron::dns {
namespace {

using namespace std::string_literals;

RawAnswer with_rcode(int rcode) {
  RawAnswer raw;
  raw.rcode = rcode;
  raw.ttl = 60;
  return raw;
}

RawAnswer with_data(std::vector<std::string> rdata) {
  RawAnswer raw;
  raw.havedata = true;
  raw.rdata = std::move(rdata);
  raw.ttl = 300;
  return raw;
}

Status status_of(const RawAnswer& raw) {
  return classify<std::string>(raw).status;
}

TEST(DnsAnswer, StatusNames) {
  EXPECT_EQ(status_name(Status::ok), "ok");
  EXPECT_EQ(status_name(Status::nxdomain), "nxdomain");
  EXPECT_EQ(status_name(Status::nodata), "nodata");
  EXPECT_EQ(status_name(Status::temp_fail), "temp_fail");
  EXPECT_EQ(status_name(Status::perm_fail), "perm_fail");
}

TEST(DnsAnswer, RcodesMapToStatus) {
  EXPECT_EQ(status_of(with_rcode(0)), Status::nodata);  // NOERROR, no records
  EXPECT_EQ(status_of(with_rcode(1)), Status::perm_fail);
  EXPECT_EQ(status_of(with_rcode(2)), Status::temp_fail);
  EXPECT_EQ(status_of(with_rcode(3)), Status::nxdomain);
  EXPECT_EQ(status_of(with_rcode(4)), Status::perm_fail);
  EXPECT_EQ(status_of(with_rcode(5)), Status::perm_fail);
  EXPECT_EQ(status_of(with_rcode(9)), Status::temp_fail);
  EXPECT_EQ(classify<std::string>(with_rcode(2)).error, "SERVFAIL");
  EXPECT_EQ(classify<std::string>(with_rcode(2)).ttl, 0u);
  EXPECT_EQ(classify<std::string>(with_rcode(3)).ttl, 60u);
  EXPECT_EQ(classify<std::string>(with_rcode(0)).ttl, 60u);
}

TEST(DnsAnswer, NxdomainFlagWins) {
  RawAnswer raw;
  raw.nxdomain = true;
  raw.ttl = 60;
  auto a = classify<std::string>(raw);
  EXPECT_EQ(a.status, Status::nxdomain);
  EXPECT_EQ(a.ttl, 60u);  // RFC 2308 5: the negative TTL
}

TEST(DnsAnswer, LibraryErrorsAndTimeoutsAreTemporary) {
  RawAnswer err;
  err.ub_error = -4;
  err.error_text = "server fail";
  EXPECT_EQ(classify<std::string>(err).status, Status::temp_fail);
  EXPECT_EQ(classify<std::string>(err).error, "server fail");
  RawAnswer late =
      with_data({"\x03"
                 "abc"s});
  late.timed_out = true;
  EXPECT_EQ(classify<std::string>(late).status, Status::temp_fail);
  EXPECT_EQ(classify<std::string>(late).error, "timed out");
}

TEST(DnsAnswer, BogusIsTemporaryAndNeverSecure) {
  RawAnswer raw = with_data({"\x7f\x00\x00\x01"s});
  raw.bogus = true;
  raw.secure = true;  // libunbound never says both; make sure we would not pass it on
  raw.why_bogus = "signature expired";
  auto a = make_answer<boost::asio::ip::address>(raw, parse_a, "A x.test");
  EXPECT_EQ(a.status, Status::temp_fail);
  EXPECT_TRUE(a.bogus);
  EXPECT_FALSE(a.secure);
  EXPECT_TRUE(a.records.empty());
  EXPECT_EQ(a.error, "DNSSEC validation failed: signature expired");
  EXPECT_EQ(a.ttl, 0u);  // not the TTL of an answer we refuse
}

TEST(DnsAnswer, SecurePassesUpForDataAndDenials) {
  RawAnswer raw = with_data({"\x7f\x00\x00\x01"s});
  raw.secure = true;
  auto a = make_answer<boost::asio::ip::address>(raw, parse_a, "A x.test");
  EXPECT_EQ(a.status, Status::ok);
  EXPECT_TRUE(a.secure);
  EXPECT_EQ(a.ttl, 300u);
  ASSERT_EQ(a.records.size(), 1u);
  EXPECT_EQ(a.records[0].to_string(), "127.0.0.1");

  RawAnswer denial = with_rcode(3);
  denial.secure = true;
  EXPECT_TRUE(classify<std::string>(denial).secure);  // RFC 4035 5.4: authenticated denial
}

TEST(DnsAnswer, MalformedRecordsAreDroppedAndCounted) {
  const auto before = metrics::get("heron_dns_malformed_total");
  auto a = make_answer<MxRecord>(
      with_data({"\x00\x0a\x02mx\x00"s, "\x00\x14\x05short"s, "\x00\x00\x00"s}), parse_mx,
      "MX x.test");
  EXPECT_EQ(a.status, Status::ok);
  ASSERT_EQ(a.records.size(), 2u);
  EXPECT_EQ(a.records[0], (MxRecord{10, "mx"}));
  EXPECT_EQ(a.records[1], (MxRecord{0, ""}));
  EXPECT_EQ(metrics::get("heron_dns_malformed_total"), before + 1);
}

TEST(DnsAnswer, OnlyMalformedRecordsIsTemporary) {
  auto a = make_answer<std::string>(with_data({"\x09"
                                               "short"s}),
                                    parse_txt, "TXT x.test");
  EXPECT_EQ(a.status, Status::temp_fail);
  EXPECT_TRUE(a.records.empty());
  EXPECT_FALSE(a.error.empty());
}

TEST(DnsAnswer, HavedataWithoutRecordsIsNodata) {
  RawAnswer raw;
  raw.havedata = true;
  EXPECT_EQ(status_of(raw), Status::nodata);
}

}  // namespace
}  // namespace heron::dns
