// The [auth] section of heron.toml: defaults, values, errors with positions, rendering.

#include <gtest/gtest.h>

#include <string>

#include "config/config.hpp"
#include "support/config_error.hpp"

namespace heron::config {
namespace {

using namespace std::chrono_literals;

TEST(ConfigAuth, Defaults) {
  auto r = parse("", "heron.toml");
  ASSERT_TRUE(r);
  const Auth& a = r->auth;
  EXPECT_FALSE(a.plaintext_on_loopback);
  EXPECT_EQ(a.max_failures, 10u);
  EXPECT_EQ(a.failure_window, 15min);
  EXPECT_EQ(a.lockout, 15min);
  EXPECT_EQ(a.failure_delay, 2s);
  EXPECT_EQ(a.max_delay, 15s);
}

TEST(ConfigAuth, Values) {
  auto r = parse(R"([auth]
plaintext_on_loopback = true
max_failures = 3
failure_window = "1h"
lockout = 600
failure_delay = "0s"
max_delay = "1m"
)",
                 "heron.toml");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->auth.plaintext_on_loopback);
  EXPECT_EQ(r->auth.max_failures, 3u);
  EXPECT_EQ(r->auth.failure_window, 1h);
  EXPECT_EQ(r->auth.lockout, 10min);
  EXPECT_EQ(r->auth.failure_delay, 0s);  // 0 switches the delay off
  EXPECT_EQ(r->auth.max_delay, 1min);
}

TEST(ConfigAuth, Errors) {
  EXPECT_EQ(error_of("[auth]\nplaintext_on_loopback = \"yes\"\n"),
            "heron.toml:2:25: auth.plaintext_on_loopback: expected true or false, got \"yes\"");
  EXPECT_EQ(error_of("[auth]\nmax_failures = 0\n"),
            "heron.toml:2:16: auth.max_failures: expected an integer from 1 to 4294967295, got 0");
  // Only failure_delay may be zero; the lockout may not.
  EXPECT_EQ(error_of("[auth]\nlockout = 0\n"),
            "heron.toml:2:11: auth.lockout: expected a duration from 1s to 365d: seconds, or a "
            "string with an s, m, h or d suffix such as \"5m\", got 0");
  EXPECT_EQ(error_of("[auth]\nfailure_delay = -1\n"),
            "heron.toml:2:17: auth.failure_delay: expected a duration from 0s to 365d: seconds, "
            "or a string with an s, m, h or d suffix such as \"2s\", got -1");
  EXPECT_EQ(error_of("[auth]\nplaintext = true\n"),
            "heron.toml:2:1: auth: unknown key 'plaintext'");
}

TEST(ConfigAuth, RendersAndRoundTrips) {
  Config c;
  c.auth.plaintext_on_loopback = true;
  c.auth.failure_delay = 0s;
  const std::string text = to_toml(c);
  EXPECT_NE(text.find("\n[auth]\nplaintext_on_loopback = true\nmax_failures = 10\n"
                      "failure_window = \"15m\"\nlockout = \"15m\"\nfailure_delay = \"0s\"\n"
                      "max_delay = \"15s\"\n"),
            std::string::npos)
      << text;
  auto r = parse(text, "rendered.toml");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->auth, c.auth);
}

}  // namespace
}  // namespace heron::config
