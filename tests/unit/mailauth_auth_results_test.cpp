#include "mailauth/auth_results.hpp"

#include <gtest/gtest.h>

namespace heron::mailauth {
namespace {

TEST(MailauthAuthResults, ValuesAreTokensAddressesOrQuotedStrings) {
  EXPECT_EQ(ptype_value("example.com"), "example.com");
  EXPECT_EQ(ptype_value("alice@example.com"), "alice@example.com");
  EXPECT_EQ(ptype_value("@example.com"), "@example.com");
  // RFC 6008: header.b holds base64, whose "/" and "+"... "/" is a tspecial.
  EXPECT_EQ(ptype_value("ab/cd+ef"), "\"ab/cd+ef\"");
  EXPECT_EQ(ptype_value("a b"), "\"a b\"");
  EXPECT_EQ(ptype_value("say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"");
  EXPECT_EQ(ptype_value("x\r\ny"), "\"xy\"");  // no line break can be injected
  EXPECT_EQ(ptype_value(""), "\"\"");
}

TEST(MailauthAuthResults, CommentsEscapeParentheses) {
  EXPECT_EQ(comment("mail.example.com"), "(mail.example.com)");
  EXPECT_EQ(comment("a (b) \\c"), "(a \\(b\\) \\\\c)");
  EXPECT_EQ(comment("line\r\nbreak"), "(linebreak)");
}

TEST(MailauthAuthResults, FieldFoldsOneResultPerLine) {
  EXPECT_EQ(results_field("mx.example.org", {"spf=pass smtp.mailfrom=a@b.example", "dkim=none"}),
            "Authentication-Results: mx.example.org;\r\n\tspf=pass "
            "smtp.mailfrom=a@b.example;\r\n\tdkim=none\r\n");
  EXPECT_EQ(results_field("mx.example.org", {}),
            "Authentication-Results: mx.example.org; none\r\n");
}

TEST(MailauthAuthResults, AuthservIdIsTheFirstToken) {
  EXPECT_EQ(authserv_id_of(" MX.Example.ORG; spf=pass"), "mx.example.org");
  EXPECT_EQ(authserv_id_of(" (comment) mx.example.org 1; none"), "mx.example.org");
  EXPECT_EQ(authserv_id_of("\r\n\tmx.example.org;\r\n\tdkim=pass"), "mx.example.org");
  EXPECT_EQ(authserv_id_of("  ; none"), "");
  // A comment cut short by a trailing backslash (found by auth_results_fuzz): no id, no throw.
  EXPECT_EQ(authserv_id_of("((\x17\x17\x17\\\x10\\\x10\\"), "");
  EXPECT_EQ(authserv_id_of("(a\\"), "");
}

TEST(MailauthAuthResults, RemovesOnlyOurOwnFieldsFromTheHeader) {
  const std::string message =
      "Authentication-Results: mx.example.org; spf=pass\r\n"
      "Received: from a by b\r\n"
      "Authentication-Results: other.example.net;\r\n\tdkim=pass header.d=x.example\r\n"
      "authentication-results: MX.EXAMPLE.ORG;\r\n\tdmarc=pass\r\n"
      "Subject: hi\r\n"
      "\r\n"
      "Authentication-Results: mx.example.org; in the body stays\r\n";
  size_t removed = 0;
  const std::string out = remove_own(message, "mx.example.org", removed);
  EXPECT_EQ(removed, 2u);
  EXPECT_EQ(out,
            "Received: from a by b\r\n"
            "Authentication-Results: other.example.net;\r\n\tdkim=pass header.d=x.example\r\n"
            "Subject: hi\r\n"
            "\r\n"
            "Authentication-Results: mx.example.org; in the body stays\r\n");
  // A longer name that merely starts with ours is someone else's.
  const std::string lookalike = "Authentication-Results: mx.example.org.evil; none\r\n\r\nx";
  EXPECT_EQ(remove_own(lookalike, "mx.example.org", removed), lookalike);
  EXPECT_EQ(removed, 0u);
}

}  // namespace
}  // namespace heron::mailauth
