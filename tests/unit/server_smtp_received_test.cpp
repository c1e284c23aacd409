#include <gtest/gtest.h>

#include "server/smtp/received.hpp"

namespace heron::server::smtp {
namespace {

TEST(Received, Rfc5321Layout) {
  ReceivedInfo info;
  info.helo = "client.example";
  info.client_ip = "192.0.2.1";
  info.by_host = "mx.example.org";
  info.protocol = "ESMTPS";
  info.id = "abc1";
  info.tls = "TLSv1.3 TLS_AES_256_GCM_SHA384";
  info.for_recipient = "bob@example.org";
  info.unix_time = 1795378453;  // 2026-11-22T20:14:13Z
  EXPECT_EQ(received_header(info),
            "Received: from client.example ([192.0.2.1])\r\n"
            "\tby mx.example.org (Heron) with ESMTPS id abc1\r\n"
            "\t(TLSv1.3 TLS_AES_256_GCM_SHA384)\r\n"
            "\tfor <bob@example.org>;\r\n"
            "\tSun, 22 Nov 2026 20:14:13 +0000\r\n");
}

TEST(Received, HostileHeloCannotBreakTheHeader) {
  ReceivedInfo info;
  info.helo = "evil)\r\nX-Injected: yes (";
  info.client_ip = "192.0.2.1";
  info.by_host = "mx";
  info.protocol = "SMTP";
  info.id = "x";
  std::string h = received_header(info);
  EXPECT_EQ(h.find("X-Injected: yes"), std::string::npos);
  EXPECT_EQ(h.rfind("Received: from evil___X-Injected:_yes__ ([192.0.2.1])\r\n", 0), 0u) << h;
}

TEST(Received, NoForWithoutSingleRecipientAndEmptyHelo) {
  ReceivedInfo info;
  info.client_ip = "::1";
  info.by_host = "mx";
  info.protocol = "ESMTP";
  info.id = "y";
  std::string h = received_header(info);
  EXPECT_EQ(h.find("for <"), std::string::npos);
  EXPECT_EQ(h.rfind("Received: from unknown ([::1])", 0), 0u);
}

TEST(Received, DateFormat) {
  EXPECT_EQ(rfc5322_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
}

}  // namespace
}  // namespace heron::server::smtp
