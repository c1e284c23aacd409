// The [imap] section of heron.toml: defaults, values, range errors with positions, rendering.

#include <gtest/gtest.h>

#include <string>

#include "config/config.hpp"
#include "support/config_error.hpp"

namespace heron::config {
namespace {

using namespace std::chrono_literals;

TEST(ConfigImap, DefaultsFollowRfc9051) {
  auto r = parse("", "heron.toml");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->imap.max_line_length, 64u * 1024);
  EXPECT_EQ(r->imap.max_mailboxes, 1000u);
  EXPECT_EQ(r->imap.idle_timeout, 30min);
  EXPECT_EQ(r->imap.summary_cache, 64u * 1024 * 1024);
}

TEST(ConfigImap, SummaryCacheTakesASizeOrZero) {
  auto r = parse("[imap]\nsummary_cache = \"256M\"\n", "heron.toml");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->imap.summary_cache, 256u * 1024 * 1024);
  auto off = parse("[imap]\nsummary_cache = 0\n", "heron.toml");
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_EQ(off->imap.summary_cache, 0u);
  auto again = parse(to_toml(*off), "again.toml");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->imap.summary_cache, 0u);
  EXPECT_NE(error_of("[imap]\nsummary_cache = \"lots\"\n").find("imap.summary_cache"),
            std::string::npos);
}

TEST(ConfigImap, ValuesAndRoundTrip) {
  auto r = parse("[imap]\nmax_line_length = \"8K\"\nmax_mailboxes = 50\nidle_timeout = \"45m\"\n",
                 "heron.toml");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->imap.max_line_length, 8u * 1024);
  EXPECT_EQ(r->imap.max_mailboxes, 50u);
  EXPECT_EQ(r->imap.idle_timeout, 45min);
  auto again = parse(to_toml(*r), "again.toml");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->imap, r->imap);
}

TEST(ConfigImap, OutOfRangeIsRefusedWithPosition) {
  EXPECT_EQ(error_of("[imap]\nmax_line_length = 100\n"),
            "heron.toml:2:19: imap.max_line_length: expected a size from 1K to 16M, got 100");
  EXPECT_EQ(error_of("[imap]\nmax_mailboxes = 3\n"),
            "heron.toml:2:17: imap.max_mailboxes: expected at least 10, got 3");
  EXPECT_EQ(error_of("[imap]\nidle_timeout = \"10s\"\n"),
            "heron.toml:2:16: imap.idle_timeout: expected a duration of at least 1m (RFC 9051: "
            "30m), got \"10s\"");
  EXPECT_EQ(error_of("[imap]\nmax_literal = 5\n"),
            "heron.toml:2:1: imap: unknown key 'max_literal'");
}

}  // namespace
}  // namespace heron::config
