// The message rules of submission (server/smtp/submission.hpp) and the Received: header of
// submitted mail (ESMTPSA, the authenticated user, the client left out on request).
#include <gtest/gtest.h>

#include "server/smtp/received.hpp"
#include "server/smtp/submission.hpp"

namespace heron::server::smtp {
namespace {

constexpr int64_t kNow = 1795378453;  // Sun, 22 Nov 2026 20:14:13 +0000

TEST(Submission, AddsDateAndMessageIdWhenMissing) {
  const auto h =
      inspect_submission("From: Alice <Alice@Example.ORG>\r\nSubject: hi\r\n\r\nbody\r\n",
                         "mx.example.org", kNow, "abc1");
  EXPECT_TRUE(h.has_from);
  ASSERT_EQ(h.from.size(), 1u);
  EXPECT_EQ(h.from[0], "Alice@example.org");
  EXPECT_EQ(h.added,
            "Date: Sun, 22 Nov 2026 20:14:13 +0000\r\n"
            "Message-ID: <abc1@mx.example.org>\r\n");
}

TEST(Submission, KeepsTheClientsDateAndMessageId) {
  const auto h = inspect_submission(
      "from: a@example.org\r\nDATE: Mon, 1 Jan 2024 00:00:00 +0000\r\nmessage-id: <x@y>\r\n\r\n",
      "mx", kNow, "id");
  EXPECT_TRUE(h.has_from);
  EXPECT_EQ(h.added, "");
}

TEST(Submission, NoFromOrNoAddressInIt) {
  EXPECT_FALSE(
      inspect_submission("Subject: x\r\n\r\nFrom: in@body.example\r\n", "mx", kNow, "i").has_from);
  EXPECT_FALSE(inspect_submission("From: Just A Name\r\n\r\n", "mx", kNow, "i").has_from);
  EXPECT_FALSE(inspect_submission("From: undisclosed:;\r\n\r\n", "mx", kNow, "i").has_from);
  EXPECT_FALSE(inspect_submission("", "mx", kNow, "i").has_from);
}

TEST(Submission, EveryFromAddressIsReturned) {
  const auto h = inspect_submission(
      "From: a@example.org,\r\n b@example.net\r\nFrom: c@example.com\r\n\r\n", "mx", kNow, "i");
  ASSERT_EQ(h.from.size(), 3u);
  EXPECT_EQ(h.from[1], "b@example.net");
  EXPECT_EQ(h.from[2], "c@example.com");
}

TEST(Submission, ReceivedNamesTheUserAndMayHideTheClient) {
  ReceivedInfo info;
  info.helo = "laptop";
  info.client_ip = "192.0.2.7";
  info.by_host = "mx.example.org";
  info.protocol = "ESMTPSA";
  info.id = "abc1";
  info.auth_user = "alice@example.org";
  info.unix_time = kNow;
  EXPECT_EQ(received_header(info),
            "Received: from laptop ([192.0.2.7])\r\n"
            "\tby mx.example.org (Heron) with ESMTPSA id abc1\r\n"
            "\t(Authenticated sender: alice@example.org);\r\n"
            "\tSun, 22 Nov 2026 20:14:13 +0000\r\n");
  info.hide_client = true;
  const std::string hidden = received_header(info);
  EXPECT_EQ(hidden,
            "Received: by mx.example.org (Heron) with ESMTPSA id abc1\r\n"
            "\t(Authenticated sender: alice@example.org);\r\n"
            "\tSun, 22 Nov 2026 20:14:13 +0000\r\n");
  EXPECT_EQ(hidden.find("192.0.2.7"), std::string::npos);
  EXPECT_EQ(hidden.find("laptop"), std::string::npos);
}

}  // namespace
}  // namespace heron::server::smtp
