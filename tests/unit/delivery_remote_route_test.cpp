// Routing for the delivery loop (delivery/remote/route.hpp) against a fake dns::Resolver:
// MX preference order, randomisation among equal preferences, implicit MX, null MX (RFC
// 7505), and which DNS failures defer and which are final.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "delivery/remote/loop.hpp"
#include "delivery/remote/route.hpp"

namespace heron::delivery::remote {
namespace {

namespace asio = boost::asio;
using dns::Answer;
using dns::MxRecord;
using dns::Status;
using Address = asio::ip::address;

// Answers from maps; a name it does not know is NXDOMAIN.
class FakeResolver final : public dns::Resolver {
 public:
  std::map<std::string, Answer<MxRecord>> mx_answers;
  std::map<std::string, Answer<Address>> a_answers;
  std::map<std::string, Answer<Address>> aaaa_answers;
  std::vector<std::string> asked;

  template <class T>
  static Answer<T> nx() {
    Answer<T> a;
    a.status = Status::nxdomain;
    return a;
  }

  asio::awaitable<Answer<MxRecord>> mx(std::string name) override {
    asked.push_back("MX " + name);
    auto it = mx_answers.find(name);
    co_return it == mx_answers.end() ? nx<MxRecord>() : it->second;
  }
  asio::awaitable<Answer<Address>> a(std::string name) override {
    asked.push_back("A " + name);
    auto it = a_answers.find(name);
    co_return it == a_answers.end() ? nx<Address>() : it->second;
  }
  asio::awaitable<Answer<Address>> aaaa(std::string name) override {
    asked.push_back("AAAA " + name);
    auto it = aaaa_answers.find(name);
    co_return it == aaaa_answers.end() ? nx<Address>() : it->second;
  }
  asio::awaitable<Answer<std::string>> txt(std::string) override { co_return nx<std::string>(); }
  asio::awaitable<Answer<std::string>> ptr(Address) override { co_return nx<std::string>(); }
  asio::awaitable<Answer<dns::TlsaRecord>> tlsa(std::string) override {
    co_return nx<dns::TlsaRecord>();
  }
  asio::awaitable<Answer<std::string>> cname(std::string) override { co_return nx<std::string>(); }
};

Answer<MxRecord> mx_ok(std::vector<MxRecord> records) {
  Answer<MxRecord> a;
  a.status = Status::ok;
  a.records = std::move(records);
  return a;
}

template <class T>
Answer<T> status(Status s) {
  Answer<T> a;
  a.status = s;
  a.error = "test";
  return a;
}

Answer<Address> addrs(std::vector<std::string> list) {
  Answer<Address> a;
  a.status = Status::ok;
  for (const auto& s : list) a.records.push_back(asio::ip::make_address(s));
  return a;
}

Route run_route(FakeResolver& resolver, const std::string& domain, std::mt19937& rng) {
  asio::io_context io;
  auto f = asio::co_spawn(io, route(resolver, domain, rng), asio::use_future);
  io.run();
  return f.get();
}

Addresses run_addresses(FakeResolver& resolver, const std::string& host) {
  asio::io_context io;
  auto f = asio::co_spawn(io, addresses(resolver, host), asio::use_future);
  io.run();
  return f.get();
}

std::vector<std::string> hosts(const Route& r) {
  std::vector<std::string> out;
  for (const auto& h : r.hops) out.push_back(h.host);
  return out;
}

TEST(DeliveryRoute, MxInPreferenceOrder) {
  FakeResolver dns;
  dns.mx_answers["b.test"] = mx_ok({{30, "mx3.b.test"}, {10, "mx1.b.test"}, {20, "mx2.b.test"}});
  std::mt19937 rng(1);
  const Route r = run_route(dns, "b.test", rng);
  ASSERT_EQ(r.status, Route::Status::ok);
  EXPECT_FALSE(r.implicit);
  EXPECT_EQ(hosts(r), (std::vector<std::string>{"mx1.b.test", "mx2.b.test", "mx3.b.test"}));
  EXPECT_EQ(r.hops[0].preference, 10);
  EXPECT_EQ(r.hops[2].preference, 30);
}

TEST(DeliveryRoute, EqualPreferencesAreShuffledButStayInTheirRank) {
  const std::vector<MxRecord> records{
      {20, "backup.b.test"}, {10, "x.b.test"}, {10, "y.b.test"}, {10, "z.b.test"}};
  std::set<std::string> firsts;
  std::map<std::string, int> first_count;
  for (unsigned seed = 0; seed < 300; ++seed) {
    std::mt19937 rng(seed);
    const std::vector<Hop> hops = order_mx(records, rng);
    ASSERT_EQ(hops.size(), 4u);
    EXPECT_EQ(hops[3].host, "backup.b.test");  // never ahead of a better preference
    std::set<std::string> top{hops[0].host, hops[1].host, hops[2].host};
    EXPECT_EQ(top, (std::set<std::string>{"x.b.test", "y.b.test", "z.b.test"}));
    ++first_count[hops[0].host];
  }
  // Each of the three comes first about a third of the time (300 draws: far from 0 or 300).
  ASSERT_EQ(first_count.size(), 3u);
  for (const auto& [host, n] : first_count) {
    EXPECT_GT(n, 50) << host;
    EXPECT_LT(n, 150) << host;
  }
}

TEST(DeliveryRoute, DuplicateExchangeTriedOnce) {
  std::mt19937 rng(7);
  const auto hops = order_mx({{10, "mx.b.test"}, {20, "mx.b.test"}, {30, "other.b.test"}}, rng);
  ASSERT_EQ(hops.size(), 2u);
  EXPECT_EQ(hops[0], (Hop{"mx.b.test", 10}));
  EXPECT_EQ(hops[1], (Hop{"other.b.test", 30}));
}

TEST(DeliveryRoute, NoMxMeansImplicitMx) {
  FakeResolver dns;
  dns.mx_answers["c.test"] = status<MxRecord>(Status::nodata);
  std::mt19937 rng(1);
  const Route r = run_route(dns, "c.test", rng);
  ASSERT_EQ(r.status, Route::Status::ok);
  EXPECT_TRUE(r.implicit);
  EXPECT_EQ(hosts(r), (std::vector<std::string>{"c.test"}));
}

TEST(DeliveryRoute, NullMxIsFinalWithoutFurtherLookups) {
  FakeResolver dns;
  dns.mx_answers["null.test"] = mx_ok({{0, ""}});
  std::mt19937 rng(1);
  const Route r = run_route(dns, "null.test", rng);
  EXPECT_EQ(r.status, Route::Status::null_mx);
  EXPECT_TRUE(r.hops.empty());
  EXPECT_NE(r.error.find("null MX"), std::string::npos);
  EXPECT_EQ(dns.asked, (std::vector<std::string>{"MX null.test"}));
}

TEST(DeliveryRoute, DotAmongRealMxRecordsIsSkipped) {
  FakeResolver dns;
  dns.mx_answers["odd.test"] = mx_ok({{0, ""}, {10, "mx.odd.test"}});
  std::mt19937 rng(1);
  const Route r = run_route(dns, "odd.test", rng);
  ASSERT_EQ(r.status, Route::Status::ok);
  EXPECT_EQ(hosts(r), (std::vector<std::string>{"mx.odd.test"}));
}

TEST(DeliveryRoute, DnsFailures) {
  FakeResolver dns;
  dns.mx_answers["servfail.test"] = status<MxRecord>(Status::temp_fail);
  dns.mx_answers["refused.test"] = status<MxRecord>(Status::perm_fail);
  std::mt19937 rng(1);
  EXPECT_EQ(run_route(dns, "servfail.test", rng).status, Route::Status::temp_fail);
  EXPECT_EQ(run_route(dns, "refused.test", rng).status, Route::Status::perm_fail);
  const Route nx = run_route(dns, "nowhere.test", rng);
  EXPECT_EQ(nx.status, Route::Status::no_domain);
  EXPECT_NE(nx.error.find("does not exist"), std::string::npos);
}

TEST(DeliveryRoute, AddressesIpv4ThenIpv6) {
  FakeResolver dns;
  dns.a_answers["mx.b.test"] = addrs({"127.0.0.3", "127.0.0.33"});
  dns.aaaa_answers["mx.b.test"] = addrs({"::1"});
  const Addresses a = run_addresses(dns, "mx.b.test");
  ASSERT_EQ(a.status, Addresses::Status::ok);
  ASSERT_EQ(a.addresses.size(), 3u);
  EXPECT_EQ(a.addresses[0].to_string(), "127.0.0.3");
  EXPECT_EQ(a.addresses[1].to_string(), "127.0.0.33");
  EXPECT_EQ(a.addresses[2].to_string(), "::1");
}

TEST(DeliveryRoute, AddressesNoneOrTemporary) {
  FakeResolver dns;
  dns.a_answers["v6less.test"] = status<Address>(Status::nodata);
  dns.aaaa_answers["v6less.test"] = status<Address>(Status::nodata);
  EXPECT_EQ(run_addresses(dns, "v6less.test").status, Addresses::Status::none);
  EXPECT_EQ(run_addresses(dns, "missing.test").status, Addresses::Status::none);
  dns.a_answers["flaky.test"] = status<Address>(Status::temp_fail);
  dns.aaaa_answers["flaky.test"] = status<Address>(Status::nodata);
  EXPECT_EQ(run_addresses(dns, "flaky.test").status, Addresses::Status::temp_fail);
  // One family answering is enough.
  dns.a_answers["half.test"] = status<Address>(Status::temp_fail);
  dns.aaaa_answers["half.test"] = addrs({"::1"});
  EXPECT_EQ(run_addresses(dns, "half.test").status, Addresses::Status::ok);
}

TEST(DeliveryRoute, RelayForDomain) {
  std::vector<config::Relay> relays(3);
  relays[0].domains = {"*"};
  relays[0].host = "global";
  relays[1].domains = {"special.test", "other.test"};
  relays[1].host = "special";
  EXPECT_EQ(relay_for(relays, "special.test")->host, "special");  // named wins over "*"
  EXPECT_EQ(relay_for(relays, "other.test")->host, "special");
  EXPECT_EQ(relay_for(relays, "b.test")->host, "global");
  EXPECT_EQ(relay_for({relays[1]}, "b.test"), nullptr);  // no "*": direct delivery
  EXPECT_EQ(relay_for({}, "b.test"), nullptr);
}

}  // namespace
}  // namespace heron::delivery::remote
