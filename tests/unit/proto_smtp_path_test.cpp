#include <gtest/gtest.h>

#include <string>

#include "proto/smtp/path.hpp"

namespace heron::smtp {
namespace {

Path ok(std::string_view text, bool allow_null = false, bool utf8 = false,
        bool postmaster = false) {
  PathParse r = parse_path(text, allow_null, utf8, postmaster);
  EXPECT_TRUE(r.path.has_value()) << text << ": " << r.error;
  return r.path.value_or(Path{});
}

bool bad(std::string_view text, bool allow_null = false, bool utf8 = false,
         bool postmaster = false) {
  PathParse r = parse_path(text, allow_null, utf8, postmaster);
  return !r.path && !r.error.empty();
}

TEST(SmtpPath, PlainMailbox) {
  Path p = ok("<john.doe@example.com>");
  EXPECT_FALSE(p.null);
  EXPECT_EQ(p.local, "john.doe");
  EXPECT_EQ(p.domain, "example.com");
  EXPECT_FALSE(p.utf8);
  EXPECT_EQ(p.address(), "john.doe@example.com");
}

TEST(SmtpPath, RestKeepsParametersAndLeadingSpace) {
  PathParse r = parse_path("<a@b.example> SIZE=100 BODY=8BITMIME", false, false);
  ASSERT_TRUE(r.path);
  EXPECT_EQ(r.rest, " SIZE=100 BODY=8BITMIME");
}

TEST(SmtpPath, NullPathOnlyWhenAllowed) {
  EXPECT_TRUE(ok("<>", true).null);
  EXPECT_EQ(ok("<>", true).address(), "");
  EXPECT_TRUE(bad("<>", false));
}

TEST(SmtpPath, PostmasterOnlyWhenAllowed) {
  Path p = ok("<Postmaster>", false, false, true);
  EXPECT_EQ(p.local, "Postmaster");
  EXPECT_EQ(p.domain, "");
  EXPECT_EQ(p.address(), "Postmaster");
  EXPECT_EQ(ok("<postmaster>", false, false, true).local, "postmaster");
  EXPECT_TRUE(bad("<Postmaster>"));
  EXPECT_EQ(ok("<postmaster@example.org>").domain, "example.org");
}

TEST(SmtpPath, QuotedLocalPartIsUnquotedAndRequotedOnlyWhenNeeded) {
  Path p = ok("<\"john doe\"@example.com>");
  EXPECT_EQ(p.local, "john doe");
  EXPECT_EQ(p.address(), "\"john doe\"@example.com");

  Path plain = ok("<\"john.doe\"@example.com>");
  EXPECT_EQ(plain.local, "john.doe");
  EXPECT_EQ(plain.address(), "john.doe@example.com");

  Path pair = ok("<\"a\\\"b\\\\c\"@example.com>");
  EXPECT_EQ(pair.local, "a\"b\\c");
  EXPECT_EQ(pair.address(), "\"a\\\"b\\\\c\"@example.com");

  Path gt = ok("<\"a>b\"@example.com> SIZE=1");
  EXPECT_EQ(gt.local, "a>b");
}

TEST(SmtpPath, QuotedAtSignIsNotRouting) {
  PathParse r = parse_path("<\"user@evil.example\"@example.com>", false, false);
  ASSERT_TRUE(r.path);
  EXPECT_EQ(r.path->local, "user@evil.example");
  EXPECT_EQ(r.path->domain, "example.com");
  EXPECT_EQ(r.path->address(), "\"user@evil.example\"@example.com");
}

TEST(SmtpPath, PercentAndBangAreKeptVerbatim) {
  Path percent = ok("<user%evil.example@example.com>");
  EXPECT_EQ(percent.local, "user%evil.example");
  EXPECT_EQ(percent.domain, "example.com");
  Path bang = ok("<evil.example!user@example.com>");
  EXPECT_EQ(bang.local, "evil.example!user");
  EXPECT_EQ(bang.domain, "example.com");
  EXPECT_EQ(bang.address(), "evil.example!user@example.com");
}

TEST(SmtpPath, SourceRouteIsAcceptedAndIgnored) {
  Path p = ok("<@relay1.example,@relay2.example:user@example.com>");
  EXPECT_EQ(p.local, "user");
  EXPECT_EQ(p.domain, "example.com");
  EXPECT_TRUE(bad("<@relay1.example:>"));
  EXPECT_TRUE(bad("<@:user@example.com>"));
  EXPECT_TRUE(bad("<@relay1.example user@example.com>"));
  EXPECT_TRUE(bad("<@bad..example:user@example.com>"));
}

TEST(SmtpPath, AddressLiterals) {
  EXPECT_EQ(ok("<user@[192.0.2.1]>").domain, "[192.0.2.1]");
  EXPECT_EQ(ok("<user@[IPv6:2001:db8::1]>").domain, "[IPv6:2001:db8::1]");
  EXPECT_EQ(ok("<user@[ipv6:::1]>").domain, "[ipv6:::1]");
  EXPECT_TRUE(bad("<user@[192.0.2.256]>"));
  EXPECT_TRUE(bad("<user@[192.0.2]>"));
  EXPECT_TRUE(bad("<user@[2001:db8::1]>"));  // IPv6 needs its tag
  EXPECT_TRUE(bad("<user@[IPv6:192.0.2.1x]>"));
  EXPECT_TRUE(bad("<user@[x-tag:foo]>"));
  EXPECT_TRUE(bad("<user@[]>"));
}

TEST(SmtpPath, RejectsMalformed) {
  EXPECT_TRUE(bad(""));
  EXPECT_TRUE(bad("user@example.com"));
  EXPECT_TRUE(bad("<user@example.com"));
  EXPECT_TRUE(bad("<@example.com>"));
  EXPECT_TRUE(bad("<userexample.com>"));
  EXPECT_TRUE(bad("<user@>"));
  EXPECT_TRUE(bad("<\"\"@example.com>"));  // empty local part
  EXPECT_TRUE(bad("<.user@example.com>"));
  EXPECT_TRUE(bad("<user.@example.com>"));
  EXPECT_TRUE(bad("<us..er@example.com>"));
  EXPECT_TRUE(bad("<us er@example.com>"));
  EXPECT_TRUE(bad("< user@example.com>"));
  EXPECT_TRUE(bad("<user @example.com>"));
  EXPECT_TRUE(bad("<user@ example.com>"));
  EXPECT_TRUE(bad("<user@example..com>"));
  EXPECT_TRUE(bad("<user@example.com.>"));
  EXPECT_TRUE(bad("<user@-example.com>"));
  EXPECT_TRUE(bad("<user@example-.com>"));
  EXPECT_TRUE(bad("<user@exa_mple.com>"));
  EXPECT_TRUE(bad("<a@b@example.com>"));
  EXPECT_TRUE(bad("<\"unterminated@example.com>"));
  EXPECT_TRUE(bad("<\"a\"b@example.com>"));
  EXPECT_TRUE(bad(std::string("<a\0b@example.com>", 18)));
  EXPECT_TRUE(bad("<\"a\tb\"@example.com>"));
  EXPECT_TRUE(bad("<user@example.com\r>"));
}

TEST(SmtpPath, LabelAndDomainLengths) {
  const std::string label63(63, 'a');
  EXPECT_EQ(ok("<u@" + label63 + ".example>").domain, label63 + ".example");
  EXPECT_TRUE(bad("<u@" + label63 + "a.example>"));
  EXPECT_EQ(ok("<u@a-b.c-d.example>").domain, "a-b.c-d.example");
  EXPECT_EQ(ok("<u@localhost>").domain, "localhost");
}

TEST(SmtpPath, MaximumPathLengthIs256OctetsWithBrackets) {
  // RFC 5321 4.5.3.1.3: "<" + 242 + "@" + 11 + ">" = 256 octets.
  const std::string domain = "example.org";  // 11
  std::string local(242, 'x');
  std::string text = "<" + local + "@" + domain + ">";
  ASSERT_EQ(text.size(), 256u);
  EXPECT_EQ(ok(text).local, local);
  text = "<" + local + "x@" + domain + ">";
  EXPECT_TRUE(bad(text));
  EXPECT_EQ(parse_path(text, false, false).error, "path too long");
  EXPECT_TRUE(bad("<" + std::string(5000, 'x')));
}

TEST(SmtpPath, Utf8NeedsPermission) {
  const std::string addr =
      "<j\xc3\xb6rg@b\xc3\xbc"
      "cher.example>";
  EXPECT_TRUE(bad(addr, false, false));
  Path p = ok(addr, false, true);
  EXPECT_TRUE(p.utf8);
  EXPECT_EQ(p.local, "j\xc3\xb6rg");
  EXPECT_EQ(p.domain,
            "b\xc3\xbc"
            "cher.example");
  EXPECT_EQ(p.address(),
            "j\xc3\xb6rg@b\xc3\xbc"
            "cher.example");
  EXPECT_TRUE(ok("<\"j\xc3\xb6 rg\"@example.com>", false, true).utf8);
  // Broken UTF-8 never passes.
  EXPECT_TRUE(bad("<j\xc3rg@example.com>", false, true));
  EXPECT_TRUE(bad("<j\xed\xa0\x80@example.com>", false, true));
}

TEST(SmtpPath, AddressQuotesWhatIsNotADotString) {
  Path p;
  p.local = "a..b";
  p.domain = "example.com";
  EXPECT_EQ(p.address(), "\"a..b\"@example.com");
  p.local = ".a";
  EXPECT_EQ(p.address(), "\".a\"@example.com");
  p.local = "a(b)";
  EXPECT_EQ(p.address(), "\"a(b)\"@example.com");
  p.local = "a+tag";
  EXPECT_EQ(p.address(), "a+tag@example.com");
}

TEST(SmtpPath, QuotedRoundTrip) {
  for (std::string_view local : {"a b", "a\"b", "a\\b", "x@y", "..", "a,b", "a:b"}) {
    Path p;
    p.local = std::string(local);
    p.domain = "example.com";
    Path back = ok("<" + p.address() + ">");
    EXPECT_EQ(back.local, local);
    EXPECT_EQ(back.domain, "example.com");
  }
}

}  // namespace
}  // namespace heron::smtp
