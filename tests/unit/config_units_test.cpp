#include <gtest/gtest.h>

#include <limits>

#include "config/units.hpp"

namespace heron::config {
namespace {

using namespace std::chrono_literals;

TEST(ConfigUnits, Sizes) {
  EXPECT_EQ(parse_size("0"), 0u);
  EXPECT_EQ(parse_size("1000"), 1000u);
  EXPECT_EQ(parse_size("1K"), 1024u);
  EXPECT_EQ(parse_size("1k"), 1024u);
  EXPECT_EQ(parse_size("50M"), 50u << 20);
  EXPECT_EQ(parse_size("50m"), 50u << 20);
  EXPECT_EQ(parse_size("2G"), 2ull << 30);
  EXPECT_EQ(parse_size("007K"), 7u * 1024);
  EXPECT_EQ(parse_size("18446744073709551615"), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(parse_size("17179869183G"), 17179869183ull << 30);
}

TEST(ConfigUnits, SizeGarbageAndOverflow) {
  for (std::string_view bad :
       {"", "K", "12X", "-5", "+5", " 5", "5 ", "5 M", "1.5G", "5KB", "5MM", "0x10",
        "18446744073709551616", "17179869184G", "99999999999999999999999999", "5T"}) {
    EXPECT_FALSE(parse_size(bad)) << bad;
  }
  EXPECT_FALSE(parse_size(std::string_view("5\0", 2)));
}

TEST(ConfigUnits, Durations) {
  EXPECT_EQ(parse_duration("0"), 0s);
  EXPECT_EQ(parse_duration("90"), 90s);
  EXPECT_EQ(parse_duration("90s"), 90s);
  EXPECT_EQ(parse_duration("5m"), 5min);
  EXPECT_EQ(parse_duration("2h"), 2h);
  EXPECT_EQ(parse_duration("7d"), std::chrono::days(7));
  EXPECT_EQ(parse_duration("9223372036854775807"), std::chrono::seconds::max());
}

TEST(ConfigUnits, DurationGarbageAndOverflow) {
  for (std::string_view bad : {"", "s", "12X", "-5", "-5s", "5M", "5H", "5D", "1h30m", "1.5h",
                               "5 m", "9223372036854775808", "106751991167301d"}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
  }
}

TEST(ConfigUnits, FormatPicksTheLargestExactUnit) {
  EXPECT_EQ(format_size(0), "0");
  EXPECT_EQ(format_size(1000), "1000");
  EXPECT_EQ(format_size(1024), "1K");
  EXPECT_EQ(format_size(3 * 512), "1536");
  EXPECT_EQ(format_size(50u << 20), "50M");
  EXPECT_EQ(format_size(1025u << 20), "1025M");
  EXPECT_EQ(format_size(4ull << 30), "4G");
  EXPECT_EQ(format_duration(0s), "0s");
  EXPECT_EQ(format_duration(90s), "90s");
  EXPECT_EQ(format_duration(5min), "5m");
  EXPECT_EQ(format_duration(90min), "90m");
  EXPECT_EQ(format_duration(2h), "2h");
  EXPECT_EQ(format_duration(std::chrono::days(365)), "365d");
}

TEST(ConfigUnits, FormatThenParseIsIdentity) {
  for (uint64_t n : std::initializer_list<uint64_t>{1, 1000, 1024, 1536, 50ull << 20, 3ull << 30,
                                                    std::numeric_limits<uint64_t>::max()}) {
    EXPECT_EQ(parse_size(format_size(n)), n) << n;
  }
  for (auto d : {1s, 59s, 60s, 3599s, 3600s, 86400s, 86401s}) {
    EXPECT_EQ(parse_duration(format_duration(d)), d) << d.count();
  }
}

}  // namespace
}  // namespace heron::config
