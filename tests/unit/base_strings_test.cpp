#include <gtest/gtest.h>

#include "base/log.hpp"
#include "base/result.hpp"
#include "base/strings.hpp"

namespace heron {
namespace {

TEST(Strings, CaseInsensitiveAsciiOnly) {
  EXPECT_TRUE(str::iequals("MAIL FROM", "mail from"));
  EXPECT_FALSE(str::iequals("\xc3\x84", "\xc3\xa4"));  // no locale folding of UTF-8
  EXPECT_TRUE(str::istarts_with("Rcpt To:<a@b>", "RCPT TO:"));
}

TEST(Strings, Utf8Validation) {
  EXPECT_TRUE(str::is_valid_utf8("gr\xc3\xbc\xc3\x9f"));
  EXPECT_FALSE(str::is_valid_utf8("\xc0\xaf"));  // overlong '/'
  EXPECT_FALSE(str::is_valid_utf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(str::is_valid_utf8("\xe2\x82"));  // truncated
}

TEST(Result, CarriesValueOrError) {
  Result<int> good = 7;
  ASSERT_TRUE(good);
  EXPECT_EQ(*good, 7);
  Result<int> bad = make_error("nope", 5);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, 5);
}

TEST(Log, TextLineQuotesHostileValues) {
  std::string line = log::format_line(log::Format::text, log::Level::info, "smtp.rcpt",
                                      {{"rcpt", "a@b"}, {"helo", "evil\nlevel=error x"}});
  EXPECT_EQ(line, "smtp.rcpt rcpt=a@b helo=\"evil\\nlevel=error x\"");
}

TEST(Log, JsonLineEscapes) {
  std::string line = log::format_line(log::Format::json, log::Level::warn, "x.y",
                                      {{"k", "a\"b"}, {"n", 3}});
  EXPECT_EQ(line, "{\"level\":\"warn\",\"event\":\"x.y\",\"k\":\"a\\\"b\",\"n\":\"3\"}");
}

}  // namespace
}  // namespace heron
