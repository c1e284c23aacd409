// The [queue] section of heron.toml: defaults, values, errors with positions, rendering.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "config/config.hpp"
#include "support/config_error.hpp"

namespace heron::config {
namespace {

using namespace std::chrono_literals;

TEST(ConfigQueue, DefaultsAreTheDocumentedSchedule) {
  auto r = parse("", "heron.toml");
  ASSERT_TRUE(r);
  const Queue& q = r->queue;
  const std::vector<std::chrono::seconds> expected{5min, 10min, 20min, 40min, 1h};
  EXPECT_EQ(q.retry_intervals, expected);
  EXPECT_EQ(q.max_age, std::chrono::days(5));
  EXPECT_EQ(q.delay_warning, 4h);
  EXPECT_EQ(q.max_connections, 100u);
  EXPECT_EQ(q.max_connections_per_destination, 10u);
}

TEST(ConfigQueue, Values) {
  auto r = parse(R"([queue]
retry_intervals = ["1m", 90, "2h"]
max_age = "3d"
delay_warning = "30m"
max_connections = 20
max_connections_per_destination = 20
)",
                 "heron.toml");
  ASSERT_TRUE(r) << r.error().message;
  const std::vector<std::chrono::seconds> expected{1min, 90s, 2h};
  EXPECT_EQ(r->queue.retry_intervals, expected);
  EXPECT_EQ(r->queue.max_age, std::chrono::days(3));
  EXPECT_EQ(r->queue.delay_warning, 30min);
  EXPECT_EQ(r->queue.max_connections, 20u);
  EXPECT_EQ(r->queue.max_connections_per_destination, 20u);
}

TEST(ConfigQueue, RetryIntervalsErrors) {
  EXPECT_EQ(error_of("[queue]\nretry_intervals = []\n"),
            "heron.toml:2:19: queue.retry_intervals: expected a non-empty array of at most 100 "
            "durations, such as [\"5m\", \"10m\", \"1h\"], got an array");
  EXPECT_EQ(error_of("[queue]\nretry_intervals = \"5m\"\n"),
            "heron.toml:2:19: queue.retry_intervals: expected a non-empty array of at most 100 "
            "durations, such as [\"5m\", \"10m\", \"1h\"], got \"5m\"");
  // Each element is checked, and named by its index.
  EXPECT_EQ(error_of("[queue]\nretry_intervals = [\"5m\", \"soon\", 0]\n"),
            "heron.toml:2:26: queue.retry_intervals[1]: expected a duration from 1s to 365d: "
            "seconds, or a string with an s, m, h or d suffix such as \"5m\", got \"soon\"\n"
            "heron.toml:2:34: queue.retry_intervals[2]: expected a duration from 1s to 365d: "
            "seconds, or a string with an s, m, h or d suffix such as \"5m\", got 0");
  std::string many = "[queue]\nretry_intervals = [";
  for (int i = 0; i < 101; ++i) many += i ? ", 60" : "60";
  many += "]\n";
  EXPECT_NE(error_of(many).find("queue.retry_intervals: expected a non-empty array of at most 100"),
            std::string::npos);
}

TEST(ConfigQueue, ScalarErrors) {
  EXPECT_EQ(error_of("[queue]\nmax_age = \"5 days\"\n"),
            "heron.toml:2:11: queue.max_age: expected a duration from 1s to 365d: seconds, or a "
            "string with an s, m, h or d suffix such as \"5m\", got \"5 days\"");
  EXPECT_EQ(error_of("[queue]\ndelay_warning = 0\n"),
            "heron.toml:2:17: queue.delay_warning: expected a duration from 1s to 365d: seconds, "
            "or a string with an s, m, h or d suffix such as \"5m\", got 0");
  EXPECT_EQ(error_of("[queue]\nmax_connections = 0\n"),
            "heron.toml:2:19: queue.max_connections: expected an integer from 1 to 4294967295, "
            "got 0");
  EXPECT_EQ(error_of("[queue]\nmax_conections = 5\n"),
            "heron.toml:2:1: queue: unknown key 'max_conections' (did you mean "
            "'max_connections'?)");
  EXPECT_EQ(error_of("queue = 5\n"), "heron.toml:1:9: queue: expected a table, got 5");
}

TEST(ConfigQueue, PerDestinationCannotExceedTheTotal) {
  EXPECT_EQ(error_of("[queue]\nmax_connections = 5\nmax_connections_per_destination = 6\n"),
            "heron.toml:3:35: queue.max_connections_per_destination: expected at most "
            "queue.max_connections (5), got 6");
  // Against the default total, pointing at the table when the key is the default.
  EXPECT_EQ(error_of("[queue]\nmax_connections = 4\n"),
            "heron.toml:1:1: queue.max_connections_per_destination: expected at most "
            "queue.max_connections (4), got 10");
}

TEST(ConfigQueue, RendersAndRoundTrips) {
  Config c;
  c.queue.retry_intervals = {90s, 2h, std::chrono::days(1)};
  c.queue.max_age = std::chrono::days(7);
  c.queue.delay_warning = 61s;
  c.queue.max_connections = 7;
  c.queue.max_connections_per_destination = 3;
  const std::string text = to_toml(c);
  EXPECT_NE(text.find("[queue]\nretry_intervals = [\"90s\", \"2h\", \"1d\"]\nmax_age = \"7d\"\n"
                      "delay_warning = \"61s\"\nmax_connections = 7\n"
                      "max_connections_per_destination = 3\n"),
            std::string::npos)
      << text;
  auto r = parse(text, "rendered.toml");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->queue, c.queue);
  auto defaults = parse(to_toml(Config{}), "rendered.toml");
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->queue, Queue{});
}

// The shipped example spells the defaults out; so does docs/config.md.
TEST(ConfigQueue, PackagedAndDocumentedExamplesUseTheDefaults) {
  const auto source = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  auto packaged = load(source / "packaging" / "heron.toml");
  ASSERT_TRUE(packaged) << packaged.error().message;
  EXPECT_EQ(packaged->queue, Queue{});
  std::ifstream in(source / "docs" / "config.md");
  const std::string doc((std::istreambuf_iterator<char>(in)), {});
  const size_t begin = doc.find("```toml\n", doc.find("## Complete example")) + 8;
  auto documented =
      parse(std::string_view(doc).substr(begin, doc.find("```", begin) - begin), "config.md");
  ASSERT_TRUE(documented) << documented.error().message;
  EXPECT_EQ(documented->queue, Queue{});
  EXPECT_NE(doc.find("[queue]\nretry_intervals"), std::string::npos);
}

}  // namespace
}  // namespace heron::config

namespace heron::config {
namespace {

TEST(ConfigQueue, DeliveryLoopKeys) {
  auto d = parse("", "heron.toml");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->queue.smtp_port, 25u);
  EXPECT_TRUE(d->queue.plaintext_fallback);
  EXPECT_EQ(d->queue.connect_timeout, 30s);
  EXPECT_EQ(d->queue.command_timeout, 5min);
  EXPECT_EQ(d->queue.connection_cache_time, 2s);
  auto r = parse(R"([queue]
smtp_port = 2525
plaintext_fallback = false
connect_timeout = "5s"
command_timeout = "1m"
connection_cache_time = 0
)",
                 "heron.toml");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->queue.smtp_port, 2525u);
  EXPECT_FALSE(r->queue.plaintext_fallback);
  EXPECT_EQ(r->queue.connect_timeout, 5s);
  EXPECT_EQ(r->queue.command_timeout, 1min);
  EXPECT_EQ(r->queue.connection_cache_time, 0s);
  auto again = parse(to_toml(*r), "rendered.toml");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->queue, r->queue);
  EXPECT_NE(error_of("[queue]\nsmtp_port = 70000\n").find("queue.smtp_port"), std::string::npos);
  EXPECT_NE(error_of("[queue]\nconnect_timeout = 0\n").find("queue.connect_timeout"),
            std::string::npos);
}

TEST(ConfigQueue, Relays) {
  auto r = parse(R"(
[[relay]]
domains = ["Example.NET.", "other.test"]
host = "smtp.provider.test"
port = 2525
username = "u"
password = "p"

[[relay]]
domains = ["*"]
host = "127.0.0.5"
)",
                 "heron.toml");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->relays.size(), 2u);
  EXPECT_EQ(r->relays[0].domains, (std::vector<std::string>{"example.net", "other.test"}));
  EXPECT_EQ(r->relays[0].host, "smtp.provider.test");
  EXPECT_EQ(r->relays[0].port, 2525u);
  EXPECT_EQ(r->relays[0].username, "u");
  EXPECT_EQ(r->relays[0].password, "p");
  EXPECT_EQ(r->relays[1].port, 587u);
  EXPECT_TRUE(r->relays[1].username.empty());
  // The password is never rendered.
  const std::string text = to_toml(*r);
  EXPECT_NE(text.find("[[relay]]\ndomains = [\"example.net\", \"other.test\"]"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("\"p\""), std::string::npos) << text;

  EXPECT_NE(error_of("[[relay]]\nhost = \"x\"\n").find("relay[0].domains"), std::string::npos);
  EXPECT_NE(error_of("[[relay]]\ndomains = [\"*\"]\n").find("relay[0].host"), std::string::npos);
  EXPECT_NE(error_of("[[relay]]\ndomains = []\nhost = \"x\"\n").find("relay[0].domains"),
            std::string::npos);
  EXPECT_NE(error_of("[[relay]]\ndomains = [\"*\"]\nhost = \"x\"\nfoo = 1\n").find("foo"),
            std::string::npos);
}

}  // namespace
}  // namespace heron::config
