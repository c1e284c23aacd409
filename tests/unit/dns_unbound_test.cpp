// UnboundResolver end to end against a tiny DNS responder on 127.0.0.1 (a thread with a UDP
// socket, in this file): the libunbound context, the pipe watched by Asio, timeouts, the
// cache, and many queries at once from several strands. The integration tests do the same
// against a real authoritative server (tests/integration/test_dns.py).

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "base/metrics.hpp"
#include "dns/unbound_resolver.hpp"

namespace heron::dns {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using namespace std::string_literals;

struct Query {
  std::string name;  // lowercase text, no trailing dot
  int type = 0;
};

struct Reply {
  int rcode = 0;
  std::vector<std::string> rdata;  // answers of the query's type, owner = the query name
  uint32_t ttl = 300;
};

// Answers UDP queries with whatever `answer` says; nullopt means stay silent.
class Responder {
 public:
  using Answer = std::function<std::optional<Reply>(const Query&)>;

  explicit Responder(Answer answer) : answer_(std::move(answer)) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    timeval tv{0, 20000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    thread_ = std::thread([this] { run(); });
  }
  ~Responder() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }

  std::string forwarder() const { return "127.0.0.1@" + std::to_string(port_); }
  int queries() const { return queries_; }

 private:
  void run() {
    char buf[4096];
    while (!stop_) {
      sockaddr_in from{};
      socklen_t len = sizeof from;
      const ssize_t n =
          ::recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 12) continue;
      const std::string query(buf, static_cast<size_t>(n));
      size_t pos = 12;
      Query q;
      while (pos < query.size() && query[pos] != 0) {
        const size_t l = static_cast<unsigned char>(query[pos]);
        if (!q.name.empty()) q.name += '.';
        for (char c : query.substr(pos + 1, l)) q.name += static_cast<char>(std::tolower(c));
        pos += 1 + l;
      }
      if (pos + 5 > query.size()) continue;
      q.type = static_cast<unsigned char>(query[pos + 1]) << 8 |
               static_cast<unsigned char>(query[pos + 2]);
      ++queries_;
      auto reply = answer_(q);
      if (!reply) continue;
      const std::string question = query.substr(12, pos + 5 - 12);
      std::string out = query.substr(0, 2);  // ID
      const auto rd = static_cast<unsigned char>(query[2]) & 0x01;
      out += static_cast<char>(0x84 | rd);            // QR, AA
      out += static_cast<char>(0x80 | reply->rcode);  // RA
      out += "\x00\x01"s;
      out += static_cast<char>(reply->rdata.size() >> 8);
      out += static_cast<char>(reply->rdata.size() & 0xff);
      out += "\x00\x00\x00\x00"s;
      out += question;
      for (const auto& rdata : reply->rdata) {
        out += "\xc0\x0c"s;               // the question's name
        out += query.substr(pos + 1, 4);  // type and class as asked
        for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>(reply->ttl >> shift);
        out += static_cast<char>(rdata.size() >> 8);
        out += static_cast<char>(rdata.size() & 0xff);
        out += rdata;
      }
      ::sendto(fd_, out.data(), out.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
    }
  }

  Answer answer_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> queries_{0};
  std::thread thread_;
};

std::unique_ptr<UnboundResolver> make_resolver(asio::io_context& io, const Responder& r,
                                               std::chrono::milliseconds timeout = 3s) {
  UnboundResolver::Options options;
  options.forwarders = {r.forwarder()};
  options.timeout = timeout;
  auto created = UnboundResolver::create(io.get_executor(), options);
  EXPECT_TRUE(created) << created.error().message;
  return std::move(*created);
}

// Runs one coroutine on io until it and everything it started are done.
template <class F>
void run(asio::io_context& io, F body) {
  bool done = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await body();
        done = true;
      },
      asio::detached);
  io.run();
  EXPECT_TRUE(done);
}

// "127.0.0.N" for a name "hN.test".
std::optional<Reply> hosts(const Query& q) {
  if (q.type == 1 && q.name.rfind("h", 0) == 0 && q.name.size() > 6) {
    const int n = std::stoi(q.name.substr(1, q.name.size() - 6));
    return Reply{0, {"\x7f\x00\x00"s + static_cast<char>(n)}};
  }
  if (q.type == 15 && q.name == "mx.test")
    return Reply{0, {"\x00\x0a\x02mx\x04test\x00"s, "\x00\x00\x00"s}};
  if (q.type == 12 && q.name == "2.0.0.127.in-addr.arpa") return Reply{0, {"\x02mx\x04test\x00"s}};
  if (q.name == "nodata.test") return Reply{0, {}};
  if (q.name == "servfail.test") return Reply{2, {}};
  if (q.name == "silent.test") return std::nullopt;
  return Reply{3, {}};
}

TEST(DnsUnbound, AnswersFromTheForwarder) {
  Responder responder(hosts);
  asio::io_context io;
  auto resolver = make_resolver(io, responder);
  ASSERT_TRUE(resolver);
  EXPECT_NE(resolver->mode().find("forwarders " + responder.forwarder()), std::string::npos);
  run(io, [&]() -> asio::awaitable<void> {
    auto mx = co_await resolver->mx("MX.test.");
    EXPECT_EQ(mx.status, Status::ok) << mx.error;
    EXPECT_FALSE(mx.secure);
    EXPECT_EQ(mx.ttl, 300u);
    // libunbound rotates the order of an RRset; callers sort MX by preference.
    std::sort(mx.records.begin(), mx.records.end(),
              [](const MxRecord& x, const MxRecord& y) { return x.preference < y.preference; });
    EXPECT_EQ(mx.records, (std::vector<MxRecord>{{0, ""}, {10, "mx.test"}}));

    auto a = co_await resolver->a("h7.test");
    EXPECT_EQ(a.records.size(), 1u);
    if (!a.records.empty()) {
      EXPECT_EQ(a.records[0].to_string(), "127.0.0.7");
    }

    auto ptr = co_await resolver->ptr(asio::ip::make_address("127.0.0.2"));
    EXPECT_EQ(ptr.status, Status::ok) << ptr.error;
    EXPECT_EQ(ptr.records, std::vector<std::string>{"mx.test"});
  });
}

TEST(DnsUnbound, NegativeAnswers) {
  Responder responder(hosts);
  asio::io_context io;
  auto resolver = make_resolver(io, responder);
  run(io, [&]() -> asio::awaitable<void> {
    EXPECT_EQ((co_await resolver->txt("missing.test")).status, Status::nxdomain);
    EXPECT_EQ((co_await resolver->txt("nodata.test")).status, Status::nodata);
    auto servfail = co_await resolver->txt("servfail.test");
    EXPECT_EQ(servfail.status, Status::temp_fail);
    EXPECT_EQ(servfail.error, "SERVFAIL");
  });
}

TEST(DnsUnbound, RepeatedLookupIsCached) {
  Responder responder(hosts);
  asio::io_context io;
  auto resolver = make_resolver(io, responder);
  run(io, [&]() -> asio::awaitable<void> {
    EXPECT_EQ((co_await resolver->mx("mx.test")).status, Status::ok);
    const int after_first = responder.queries();
    EXPECT_GE(after_first, 1);
    auto again = co_await resolver->mx("mx.test");
    EXPECT_EQ(again.status, Status::ok);
    EXPECT_EQ(again.records.size(), 2u);
    EXPECT_EQ(responder.queries(), after_first);  // from libunbound's cache
  });
}

TEST(DnsUnbound, SilentServerTimesOutAndTheResolverCarriesOn) {
  Responder responder(hosts);
  asio::io_context io;
  auto resolver = make_resolver(io, responder, 300ms);
  run(io, [&]() -> asio::awaitable<void> {
    const auto start = std::chrono::steady_clock::now();
    auto silent = co_await resolver->a("silent.test");
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(silent.status, Status::temp_fail);
    EXPECT_EQ(silent.error, "timed out");
    EXPECT_GE(took, 300ms);
    EXPECT_LT(took, 3s);
    auto after = co_await resolver->a("h9.test");
    EXPECT_EQ(after.status, Status::ok) << after.error;
  });
}

TEST(DnsUnbound, MalformedNameIsNeverSent) {
  Responder responder(hosts);
  asio::io_context io;
  auto resolver = make_resolver(io, responder);
  const auto before = metrics::get("heron_dns_queries_total", "status", "perm_fail");
  run(io, [&]() -> asio::awaitable<void> {
    for (const std::string& bad :
         std::vector<std::string>{"", "a..test", std::string(64, 'x') + ".test", "a b.test"}) {
      auto answer = co_await resolver->mx(bad);
      EXPECT_EQ(answer.status, Status::perm_fail) << bad;
    }
  });
  EXPECT_EQ(responder.queries(), 0);
  EXPECT_EQ(metrics::get("heron_dns_queries_total", "status", "perm_fail"), before + 4);
}

TEST(DnsUnbound, ManyQueriesFromManyStrands) {
  Responder responder(hosts);
  asio::io_context io;
  auto resolver = make_resolver(io, responder);
  constexpr int kQueries = 60;
  std::atomic<int> right{0};
  for (int i = 1; i <= kQueries; ++i) {
    asio::co_spawn(
        asio::make_strand(io),
        [&, i]() -> asio::awaitable<void> {
          auto a = co_await resolver->a("h" + std::to_string(i) + ".test");
          if (a.status == Status::ok && a.records.size() == 1 &&
              a.records[0].to_string() == "127.0.0." + std::to_string(i))
            ++right;
        },
        asio::detached);
  }
  std::thread second([&io] { io.run(); });
  io.run();
  second.join();
  EXPECT_EQ(right, kQueries);
}

TEST(DnsUnbound, BadOptionsAreErrors) {
  asio::io_context io;
  UnboundResolver::Options options;
  options.forwarders = {"not an address"};
  auto r = UnboundResolver::create(io.get_executor(), options);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("not an address"), std::string::npos);

  options.forwarders = {"127.0.0.1@53"};
  options.trust_anchor_file = "/nonexistent/root.key";
  r = UnboundResolver::create(io.get_executor(), options);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("/nonexistent/root.key"), std::string::npos);
}

}  // namespace
}  // namespace heron::dns
