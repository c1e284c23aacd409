#include <gtest/gtest.h>

#include "proto/smtp/reply.hpp"

namespace heron::smtp {
namespace {

TEST(SmtpReply, SingleLineWithEnhancedCode) {
  EXPECT_EQ((Reply{250, "2.1.0", "Ok"}).format(), "250 2.1.0 Ok\r\n");
}

TEST(SmtpReply, SingleLineWithoutEnhancedCode) {
  EXPECT_EQ((Reply{220, "", "mx.example ESMTP Heron"}).format(), "220 mx.example ESMTP Heron\r\n");
}

TEST(SmtpReply, MultiLineUsesDashesAndRepeatsEnhancedCode) {
  EXPECT_EQ((Reply{250, "", "mx.example\nPIPELINING\nCHUNKING"}).format(),
            "250-mx.example\r\n250-PIPELINING\r\n250 CHUNKING\r\n");
  EXPECT_EQ((Reply{550, "5.7.1", "first\nsecond"}).format(),
            "550-5.7.1 first\r\n550 5.7.1 second\r\n");
}

TEST(SmtpReply, EmptyTextAndTrailingNewline) {
  EXPECT_EQ((Reply{250, "", ""}).format(), "250\r\n");
  EXPECT_EQ((Reply{250, "2.0.0", ""}).format(), "250 2.0.0\r\n");
  EXPECT_EQ((Reply{250, "2.0.0", "Ok\n"}).format(), "250 2.0.0 Ok\r\n");
}

TEST(SmtpReply, StrayCarriageReturnCannotEndALine) {
  EXPECT_EQ((Reply{550, "5.1.1", "a\rb"}).format(), "550 5.1.1 ab\r\n");
}

TEST(SmtpReply, Classes) {
  EXPECT_TRUE((Reply{250, "", ""}).positive());
  EXPECT_TRUE((Reply{354, "", ""}).positive());
  EXPECT_TRUE((Reply{452, "", ""}).transient());
  EXPECT_TRUE((Reply{554, "", ""}).permanent());
  EXPECT_FALSE((Reply{421, "", ""}).permanent());
}

}  // namespace
}  // namespace heron::smtp
