// The operations keys of heron.toml: [http], [server] shutdown_timeout, [log] output.

#include <gtest/gtest.h>

#include <string>

#include "config/config.hpp"
#include "support/config_error.hpp"

namespace heron::config {
namespace {

using namespace std::chrono_literals;

TEST(ConfigOps, HttpIsOffWithoutATable) {
  auto r = parse("", "heron.toml");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->http.enabled);
  EXPECT_EQ(r->server.shutdown_timeout, 30s);
  EXPECT_EQ(r->log.output, "stderr");
}

TEST(ConfigOps, HttpTableTurnsItOnOnLoopbackByDefault) {
  auto r = parse("[http]\nport = 9100\n", "heron.toml");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->http.enabled);
  EXPECT_EQ(r->http.address, "127.0.0.1");
  EXPECT_EQ(r->http.port, 9100);
  EXPECT_EQ(r->http.max_connections, 16u);
  EXPECT_EQ(r->http.idle_timeout, 30s);
  auto off = parse("[http]\nenabled = false\naddress = \"::1\"\n", "heron.toml");
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_FALSE(off->http.enabled);
  EXPECT_EQ(off->http.address, "::1");
}

TEST(ConfigOps, HttpErrorsNameTheKeyAndPosition) {
  EXPECT_NE(error_of("[http]\naddress = \"localhost\"\n").find("heron.toml:2:11: http.address"),
            std::string::npos);
  EXPECT_NE(error_of("[http]\nport = 0\n").find("http.port"), std::string::npos);
  EXPECT_NE(error_of("[http]\nport = 70000\n").find("http.port"), std::string::npos);
  EXPECT_NE(error_of("[http]\nlisten = \"x\"\n").find("listen"), std::string::npos);
  EXPECT_NE(error_of("[http]\nidle_timeout = \"0s\"\n").find("http.idle_timeout"),
            std::string::npos);
}

TEST(ConfigOps, ShutdownTimeoutAndLogOutput) {
  auto r =
      parse("[server]\nshutdown_timeout = \"2m\"\n[log]\noutput = \"journald\"\n", "heron.toml");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->server.shutdown_timeout, 120s);
  EXPECT_EQ(r->log.output, "journald");
  EXPECT_NE(error_of("[log]\noutput = \"syslog\"\n").find("log.output"), std::string::npos);
  EXPECT_NE(error_of("[server]\nshutdown_timeout = \"0s\"\n").find("server.shutdown_timeout"),
            std::string::npos);
  EXPECT_NE(error_of("[server]\nworkers = 3\n").find("workers"), std::string::npos);
}

TEST(ConfigOps, RenderRoundTrips) {
  for (const char* text :
       {"", "[http]\nport = 9100\naddress = \"::1\"\n", "[http]\nenabled = false\nport = 9100\n",
        "[server]\nshutdown_timeout = \"5s\"\n[log]\noutput = \"journald\"\n"}) {
    auto r = parse(text, "heron.toml");
    ASSERT_TRUE(r) << r.error().message;
    auto again = parse(to_toml(*r), "again.toml");
    ASSERT_TRUE(again) << again.error().message << "\n" << to_toml(*r);
    again->source = r->source;
    EXPECT_EQ(*again, *r) << text;
  }
}

}  // namespace
}  // namespace heron::config
