#include "mailauth/iprev.hpp"

#include <gtest/gtest.h>

#include "support/fake_resolver.hpp"
#include "support/run_sync.hpp"

namespace heron::mailauth {
namespace {

namespace ip = boost::asio::ip;
using test::FakeResolver;
using test::run_sync;

Iprev check(FakeResolver& dns, const char* address) {
  return run_sync(check_iprev(dns, ip::make_address(address)));
}

TEST(MailauthIprev, PassesWhenANameResolvesBack) {
  FakeResolver dns;
  dns.add_ptr(ip::make_address("192.0.2.1"), "other.example.com");
  dns.add_ptr(ip::make_address("192.0.2.1"), "mail.example.com");
  dns.add_address("other.example.com", "192.0.2.99");
  dns.add_address("mail.example.com", "192.0.2.1");
  const Iprev r = check(dns, "192.0.2.1");
  EXPECT_EQ(r.result, IprevResult::pass);
  EXPECT_EQ(r.name, "mail.example.com");
  EXPECT_EQ(r.auth_results(), "iprev=pass policy.iprev=192.0.2.1 (mail.example.com)");
}

TEST(MailauthIprev, IPv6UsesAaaaAndMappedAddressesCountAsIPv4) {
  FakeResolver dns;
  dns.add_ptr(ip::make_address("2001:db8::25"), "mx6.example.com");
  dns.add_address("mx6.example.com", "2001:db8::25");
  EXPECT_EQ(check(dns, "2001:db8::25").result, IprevResult::pass);
  dns.add_ptr(ip::make_address("192.0.2.7"), "v4.example.com");
  dns.add_address("v4.example.com", "192.0.2.7");
  const Iprev mapped = check(dns, "::ffff:192.0.2.7");
  EXPECT_EQ(mapped.result, IprevResult::pass);
  EXPECT_EQ(mapped.address, "192.0.2.7");
}

TEST(MailauthIprev, FailsWhenNoNameResolvesBack) {
  FakeResolver dns;
  dns.add_ptr(ip::make_address("192.0.2.1"), "forged.example.com");
  dns.add_address("forged.example.com", "198.51.100.1");
  const Iprev r = check(dns, "192.0.2.1");
  EXPECT_EQ(r.result, IprevResult::fail);
  EXPECT_EQ(r.auth_results(), "iprev=fail policy.iprev=192.0.2.1 (forged.example.com)");
  // A PTR name that does not exist at all is a fail too (RFC 8601 2.7.3).
  FakeResolver dangling;
  dangling.add_ptr(ip::make_address("192.0.2.2"), "gone.example.com");
  EXPECT_EQ(check(dangling, "192.0.2.2").result, IprevResult::fail);
}

TEST(MailauthIprev, NoPtrIsPermerrorAndDnsFailureTemperror) {
  FakeResolver dns;
  EXPECT_EQ(check(dns, "192.0.2.1").result, IprevResult::permerror);
  dns.fail_all(FakeResolver::reverse_name(ip::make_address("192.0.2.3")));
  EXPECT_EQ(check(dns, "192.0.2.3").result, IprevResult::temperror);
  // The forward lookup failing temporarily cannot prove a fail.
  dns.add_ptr(ip::make_address("192.0.2.4"), "slow.example.com");
  dns.fail("slow.example.com", FakeResolver::Type::a);
  EXPECT_EQ(check(dns, "192.0.2.4").result, IprevResult::temperror);
}

TEST(MailauthIprev, LooksAtNoMoreThanTenNames) {
  FakeResolver dns;
  const auto address = ip::make_address("192.0.2.1");
  for (int i = 0; i < 12; ++i) {
    const std::string name = "h" + std::to_string(i) + ".example.com";
    dns.add_ptr(address, name);
    dns.add_address(name, i == 11 ? "192.0.2.1" : "198.51.100.1");
  }
  EXPECT_EQ(check(dns, "192.0.2.1").result, IprevResult::fail);
  EXPECT_EQ(dns.query_count(FakeResolver::Type::a), kMaxIprevNames);
}

}  // namespace
}  // namespace heron::mailauth
