// RFC 3461 parameter syntax: xtext, NOTIFY, ORCPT, ENVID.

#include <gtest/gtest.h>

#include "proto/smtp/dsn_params.hpp"

namespace heron::smtp {
namespace {

TEST(SmtpDsnParams, XtextEncodesPlusEqualsAndNonPrintables) {
  EXPECT_EQ(xtext_encode("bob@example.org"), "bob@example.org");
  EXPECT_EQ(xtext_encode("a+b=c d"), "a+2Bb+3Dc+20d");
  EXPECT_EQ(xtext_encode(std::string("\x01\x7f\xc3\xa9", 4)), "+01+7F+C3+A9");
  EXPECT_EQ(xtext_encode(""), "");
}

TEST(SmtpDsnParams, XtextDecodes) {
  EXPECT_EQ(xtext_decode("a+2Bb+3Dc+20d"), "a+b=c d");
  EXPECT_EQ(xtext_decode("+C3+A9"), "\xc3\xa9");
  EXPECT_EQ(xtext_decode(""), "");
  EXPECT_FALSE(xtext_decode("a+2"));  // truncated hexchar
  EXPECT_FALSE(xtext_decode("a+"));
  EXPECT_FALSE(xtext_decode("+2b"));  // RFC 3461 4: uppercase hex only
  EXPECT_FALSE(xtext_decode("a=b"));  // '=' must be encoded
  EXPECT_FALSE(xtext_decode("a b"));  // space is not an xchar
  EXPECT_FALSE(xtext_decode("\xc3\xa9"));
  for (std::string s : {std::string("x"), std::string("+=\x00\xff", 4), std::string(300, '+')}) {
    EXPECT_EQ(xtext_decode(xtext_encode(s)), s);
  }
}

TEST(SmtpDsnParams, Notify) {
  EXPECT_EQ(parse_notify("NEVER"), notify::kNever);
  EXPECT_EQ(parse_notify("never"), notify::kNever);
  EXPECT_EQ(parse_notify("SUCCESS"), notify::kSuccess);
  EXPECT_EQ(parse_notify("failure,Delay"), notify::kFailure | notify::kDelay);
  EXPECT_EQ(parse_notify("DELAY,SUCCESS,FAILURE"),
            notify::kSuccess | notify::kFailure | notify::kDelay);
  EXPECT_FALSE(parse_notify(""));
  EXPECT_FALSE(parse_notify("NEVER,SUCCESS"));  // RFC 3461 4.1: NEVER stands alone
  EXPECT_FALSE(parse_notify("SUCCESS,SUCCESS"));
  EXPECT_FALSE(parse_notify("SUCCESS,"));
  EXPECT_FALSE(parse_notify("SOMETIMES"));
  EXPECT_EQ(format_notify(notify::kNever), "NEVER");
  EXPECT_EQ(format_notify(notify::kDelay | notify::kSuccess), "SUCCESS,DELAY");
  EXPECT_EQ(format_notify(0), "");
}

TEST(SmtpDsnParams, Orcpt) {
  EXPECT_EQ(parse_orcpt("rfc822;bob@example.org"), "rfc822;bob@example.org");
  EXPECT_EQ(parse_orcpt("rfc822;b+2Bob@example.org"), "rfc822;b+ob@example.org");
  EXPECT_EQ(parse_orcpt("x-local;joe"), "x-local;joe");
  EXPECT_FALSE(parse_orcpt("bob@example.org"));  // no type
  EXPECT_FALSE(parse_orcpt(";bob@example.org"));
  EXPECT_FALSE(parse_orcpt("rfc822;"));
  EXPECT_FALSE(parse_orcpt("rfc 822;bob@example.org"));
  EXPECT_FALSE(parse_orcpt("rfc822;bob@example.org+"));
  EXPECT_FALSE(parse_orcpt("rfc822;" + std::string(500, 'a')));
  EXPECT_EQ(format_orcpt("rfc822;b+ob=x@example.org"), "rfc822;b+2Bob+3Dx@example.org");
  EXPECT_EQ(format_orcpt("bob@example.org"), "rfc822;bob@example.org");
  EXPECT_EQ(parse_orcpt(format_orcpt("rfc822;\xc3\xa9@example.org")),
            "rfc822;\xc3\xa9@example.org");
}

TEST(SmtpDsnParams, Envid) {
  EXPECT_EQ(parse_envid("QQ314159"), "QQ314159");
  EXPECT_EQ(parse_envid("a+2Bb"), "a+b");
  EXPECT_FALSE(parse_envid(""));
  EXPECT_FALSE(parse_envid(std::string(101, 'a')));
  EXPECT_TRUE(parse_envid(std::string(100, 'a')));
  EXPECT_FALSE(parse_envid("a b"));
}

}  // namespace
}  // namespace heron::smtp
