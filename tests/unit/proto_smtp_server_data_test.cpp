// ServerMachine: DATA, BDAT (RFC 3030) and STARTTLS (RFC 3207), with the smuggling and
// command-injection defences. Commands and limits are in proto_smtp_server_machine_test.cpp.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proto/smtp/server_machine.hpp"
#include "support/smtp_server_driver.hpp"

namespace heron::smtp {
namespace {

using Event = ServerMachine::Event;

using test_support::Driver;
using test_support::test_policy;

const std::string k354 = "354 End data with <CR><LF>.<CR><LF>\r\n";
const std::string kQueued = "250 2.0.0 Ok: queued\r\n";
const std::string kTransaction = "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\n";
const std::string kTransactionReplies = "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n";

// ---- DATA ----

TEST(SmtpServerData, DotStuffedMessage) {
  Driver d;
  d.greeted();
  EXPECT_EQ(d.run(kTransaction + "DATA\r\n..\r\n...\r\n..x\r\nend\r\n.\r\n"),
            kTransactionReplies + k354 + kQueued);
  ASSERT_EQ(d.messages.size(), 1u);
  EXPECT_EQ(d.messages[0], ".\r\n..\r\n.x\r\nend\r\n");
}

TEST(SmtpServerData, CommandsPipelinedAfterTheEndAreProcessed) {
  Driver d;
  d.greeted();
  EXPECT_EQ(d.run(kTransaction + "DATA\r\nx\r\n.\r\nNOOP\r\n"),
            kTransactionReplies + k354 + kQueued + "250 2.0.0 Ok\r\n");
}

TEST(SmtpServerData, BodyArrivingInPieces) {
  Driver d;
  d.greeted();
  EXPECT_EQ(d.run(kTransaction + "DATA\r\n"), kTransactionReplies + k354);
  EXPECT_EQ(d.run("Subject: a\r\n\r\nline one\r"), "");
  EXPECT_EQ(d.run("\nline two\r\n."), "");
  EXPECT_EQ(d.run("\r"), "");
  EXPECT_EQ(d.run("\n"), kQueued);
  EXPECT_EQ(d.messages.at(0), "Subject: a\r\n\r\nline one\r\nline two\r\n");
}

TEST(SmtpServerData, TooBigIs552AndTheSessionGoesOn) {
  ServerPolicy p = test_policy();
  p.max_message_size = 100;
  Driver d(p);
  d.greeted();
  std::string body;
  for (int i = 0; i < 20; ++i) body += "0123456789\r\n";
  EXPECT_EQ(d.run(kTransaction + "DATA\r\n" + body + ".\r\n"),
            kTransactionReplies + k354 + "552 5.3.4 Message too big\r\n");
  EXPECT_TRUE(d.messages.empty());
  EXPECT_TRUE(d.m.envelope().recipients.empty());  // the transaction is over
  EXPECT_EQ(d.run(kTransaction + "DATA\r\nsmall\r\n.\r\n"), kTransactionReplies + k354 + kQueued);
}

TEST(SmtpServerData, ConsecutiveMessagesDoNotShareBytes) {
  Driver d;
  d.greeted();
  d.run(kTransaction + "DATA\r\n" + std::string(500, 'L') + "\r\n.\r\n");
  d.run(kTransaction + "DATA\r\nshort\r\n.\r\n");
  d.run(kTransaction + "BDAT 3 LAST\r\nabc");
  d.run(kTransaction + "DATA\r\n.\r\n");
  ASSERT_EQ(d.messages.size(), 4u);
  EXPECT_EQ(d.messages[0], std::string(500, 'L') + "\r\n");
  EXPECT_EQ(d.messages[1], "short\r\n");
  EXPECT_EQ(d.messages[2], "abc");
  EXPECT_EQ(d.messages[3], "");
}

TEST(SmtpServerData, DriverMayTakeTheMessageAway) {
  ServerMachine m(test_policy());
  m.feed("EHLO c\r\n" + kTransaction);
  ASSERT_EQ(m.next(), Event::check_recipient);
  m.answer_recipient(true, Reply{250, "2.1.5", "Ok"});
  m.feed("DATA\r\nfirst\r\n.\r\n");
  ASSERT_EQ(m.next(), Event::message_ready);
  const std::string taken = std::move(m.message());
  EXPECT_EQ(taken, "first\r\n");
  m.answer_message(Reply{250, "2.0.0", "Ok"});
  m.feed(kTransaction);
  ASSERT_EQ(m.next(), Event::check_recipient);
  m.answer_recipient(true, Reply{250, "2.1.5", "Ok"});
  m.feed("DATA\r\nsecond\r\n.\r\n");
  ASSERT_EQ(m.next(), Event::message_ready);
  EXPECT_EQ(m.message(), "second\r\n");
}

const char* const kSmuggling[] = {"\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r"};

TEST(SmtpServerData, SmuggledEndsAreRejectedAfterTheRealEnd) {
  for (const char* trick : kSmuggling) {
    SCOPED_TRACE(testing::PrintToString(std::string(trick)));
    Driver d;
    d.greeted();
    const std::string smuggled = std::string("Subject: x\r\n\r\nhi") + trick +
                                 "MAIL FROM:<evil@example.com>\r\nRCPT TO:<v@example.net>\r\n"
                                 "DATA\r\nforged\r\n.\r\n";
    // Nothing of the smuggled transaction is acted upon: one 554 after the real end.
    EXPECT_EQ(d.run(kTransaction + "DATA\r\n" + smuggled + "NOOP\r\n"),
              kTransactionReplies + k354 +
                  "554 5.6.0 Message contains bare CR or LF (SMTP smuggling protection)\r\n"
                  "250 2.0.0 Ok\r\n");
    EXPECT_TRUE(d.messages.empty());
    EXPECT_TRUE(d.m.envelope().recipients.empty());
  }
}

TEST(SmtpServerData, SmuggledEndsAreContentInNormalizeMode) {
  ServerPolicy p = test_policy();
  p.bare_line_ends = BareLineEnds::normalize;
  for (const char* trick : kSmuggling) {
    SCOPED_TRACE(testing::PrintToString(std::string(trick)));
    Driver d(p);
    d.greeted();
    const std::string smuggled =
        std::string("hi") + trick + "MAIL FROM:<evil@example.com>\r\n.\r\n";
    EXPECT_EQ(d.run(kTransaction + "DATA\r\n" + smuggled), kTransactionReplies + k354 + kQueued);
    ASSERT_EQ(d.messages.size(), 1u);
    EXPECT_NE(d.messages[0].find("MAIL FROM:<evil@example.com>\r\n"), std::string::npos);
    EXPECT_EQ(d.messages[0].find('\n'), d.messages[0].find("\r\n") + 1);
  }
}

TEST(SmtpServerData, NormalizeModeBody) {
  ServerPolicy p = test_policy();
  p.bare_line_ends = BareLineEnds::normalize;
  Driver d(p);
  d.greeted();
  d.run(kTransaction + "DATA\r\nSubject: x\n\nline\n.\nmore\r\n.\r\n");
  ASSERT_EQ(d.messages.size(), 1u);
  EXPECT_EQ(d.messages[0], "Subject: x\r\n\r\nline\r\n.\r\nmore\r\n");
}

// The same session, whole and one byte per feed, must give the same bytes and messages.
TEST(SmtpServerData, ByteAtATimeEqualsWhole) {
  const std::string session = "EHLO client.example\r\n" + kTransaction +
                              "DATA\r\nSubject: x\r\n\r\n..dot\r\nbare\nlf\r\n.\r\n" +
                              kTransaction + "DATA\r\nclean\r\n.\r\n" + kTransaction +
                              "BDAT 7\r\nab\r\n.\r\nBDAT 0 LAST\r\n" + "NOOP " +
                              std::string(1200, 'z') + "\r\nRSET\r\nQUIT\r\n";
  for (BareLineEnds mode : {BareLineEnds::reject, BareLineEnds::normalize}) {
    ServerPolicy p = test_policy();
    p.bare_line_ends = mode;
    Driver whole(p);
    const std::string whole_out = whole.m.take_output() + whole.run(session);
    Driver bytes(p);
    std::string bytes_out = bytes.m.take_output();
    for (char c : session) bytes_out += bytes.run(std::string_view(&c, 1));
    EXPECT_EQ(bytes_out, whole_out);
    EXPECT_EQ(bytes.messages, whole.messages);
    EXPECT_TRUE(whole.closed);
    EXPECT_TRUE(bytes.closed);
    EXPECT_EQ(whole.messages.size(), mode == BareLineEnds::reject ? 2u : 3u);
  }
}

// ---- BDAT (RFC 3030) ----

TEST(SmtpServerBdat, ChunksAreRawAndConcatenated) {
  Driver d;
  d.greeted();
  EXPECT_EQ(d.run(kTransaction + "BDAT 6\r\nHello "),
            kTransactionReplies + "250 2.0.0 6 octets received\r\n");
  // A chunk holding "<CRLF>.<CRLF>" ends nothing, and its dots stay.
  EXPECT_EQ(d.run("BDAT 11\r\nw\r\n.\r\n..\r\nx"), "250 2.0.0 11 octets received\r\n");
  EXPECT_EQ(d.run("BDAT 2 LAST\r\n\r\n"), kQueued);
  ASSERT_EQ(d.messages.size(), 1u);
  EXPECT_EQ(d.messages[0], "Hello w\r\n.\r\n..\r\nx\r\n");
  EXPECT_TRUE(d.chunked[0]);
}

TEST(SmtpServerBdat, ZeroLast) {
  Driver d;
  d.greeted();
  EXPECT_EQ(d.run(kTransaction + "BDAT 0 LAST\r\n"), kTransactionReplies + kQueued);
  ASSERT_EQ(d.messages.size(), 1u);
  EXPECT_EQ(d.messages[0], "");
  EXPECT_EQ(d.run(kTransaction + "BDAT 3\r\nabcBDAT 0\r\nBDAT 0 LAST\r\n"),
            kTransactionReplies + "250 2.0.0 3 octets received\r\n250 2.0.0 0 octets received\r\n" +
                kQueued);
  EXPECT_EQ(d.messages.at(1), "abc");
}

TEST(SmtpServerBdat, ChunkBytesLookingLikeCommandsAreData) {
  Driver d;
  d.greeted();
  const std::string chunk = "QUIT\r\nRSET\r\n";
  EXPECT_EQ(d.run(kTransaction + "BDAT " + std::to_string(chunk.size()) + " LAST\r\n" + chunk),
            kTransactionReplies + kQueued);
  EXPECT_EQ(d.messages.at(0), chunk);
  EXPECT_FALSE(d.closed);
}

TEST(SmtpServerBdat, ChunkSplitAcrossFeeds) {
  ServerMachine m(test_policy());
  m.feed("EHLO c\r\n" + kTransaction);
  ASSERT_EQ(m.next(), Event::check_recipient);
  m.answer_recipient(true, Reply{250, "2.1.5", "Ok"});
  m.take_output();
  m.feed("BDAT 10 LAST\r\n0123");
  EXPECT_EQ(m.next(), Event::need_input);
  EXPECT_FALSE(m.has_output());
  m.feed("456789NOOP\r\n");
  ASSERT_EQ(m.next(), Event::message_ready);
  EXPECT_EQ(m.message(), "0123456789");
  m.answer_message(Reply{250, "2.0.0", "Ok"});
  EXPECT_EQ(m.next(), Event::need_input);
  EXPECT_EQ(m.take_output(), "250 2.0.0 Ok\r\n250 2.0.0 Ok\r\n");
}

TEST(SmtpServerBdat, TooBigIsReadDroppedAndRefused) {
  ServerPolicy p = test_policy();
  p.max_message_size = 10;
  Driver d(p);
  d.greeted();
  EXPECT_EQ(d.run(kTransaction + "BDAT 8\r\n12345678"),
            kTransactionReplies + "250 2.0.0 8 octets received\r\n");
  // The chunk that goes over gets 552; the pipelined rest is read and refused.
  EXPECT_EQ(d.run("BDAT 8\r\n12345678BDAT 4 LAST\r\nabcdNOOP\r\n"),
            "552 5.3.4 Message too big\r\n503 5.5.1 Need MAIL command\r\n250 2.0.0 Ok\r\n");
  EXPECT_TRUE(d.messages.empty());
  // A huge declared chunk is consumed as it comes, without being stored.
  EXPECT_EQ(d.run(kTransaction + "BDAT 100000 LAST\r\n"), kTransactionReplies);
  for (int i = 0; i < 99; ++i) EXPECT_EQ(d.run(std::string(1000, 'q')), "");
  EXPECT_EQ(d.run(std::string(1000, 'q') + "NOOP\r\n"),
            "552 5.3.4 Message too big\r\n250 2.0.0 Ok\r\n");
  EXPECT_FALSE(d.closed);
}

TEST(SmtpServerBdat, RefusedChunksAreStillConsumed) {
  Driver d;
  d.greeted();
  // Without MAIL: 503, and "QUIT\r\n" inside the chunk is not a command.
  EXPECT_EQ(d.run("BDAT 6\r\nQUIT\r\nNOOP\r\n"), "503 5.5.1 Need MAIL command\r\n250 2.0.0 Ok\r\n");
  EXPECT_FALSE(d.closed);
  EXPECT_EQ(d.run("MAIL FROM:<a@example.org>\r\nBDAT 3 LAST\r\nxyz"),
            "250 2.1.0 Ok\r\n503 5.5.1 Need RCPT command\r\n");
}

TEST(SmtpServerBdat, NoValidRecipientsStillConsumesTheChunk) {
  ServerMachine m(test_policy());
  m.feed(
      "EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<x@example.org>\r\n"
      "BDAT 6 LAST\r\nQUIT\r\nNOOP\r\n");
  ASSERT_EQ(m.next(), Event::check_recipient);
  m.answer_recipient(false, Reply{550, "5.1.1", "No such user"});
  EXPECT_EQ(m.next(), Event::need_input);
  const std::string out = m.take_output();
  EXPECT_EQ(out.substr(out.find("550")),
            "550 5.1.1 No such user\r\n554 5.5.1 No valid recipients\r\n250 2.0.0 Ok\r\n");
}

TEST(SmtpServerBdat, BdatNeedsEhlo) {
  Driver d;
  d.m.take_output();
  d.run("HELO c\r\n");
  EXPECT_EQ(d.run(kTransaction + "BDAT 2 LAST\r\nhiNOOP\r\n"),
            kTransactionReplies + "503 5.5.1 Send EHLO first\r\n250 2.0.0 Ok\r\n");
}

TEST(SmtpServerBdat, DataAfterBdatIs503) {
  Driver d;
  d.greeted();
  EXPECT_EQ(d.run(kTransaction + "BDAT 2\r\nhiDATA\r\nRCPT TO:<c@example.net>\r\n"),
            kTransactionReplies +
                "250 2.0.0 2 octets received\r\n503 5.5.1 DATA after BDAT\r\n"
                "503 5.5.1 RCPT after BDAT\r\n");
  EXPECT_EQ(d.run("BDAT 1 LAST\r\n!"), kQueued);
  EXPECT_EQ(d.messages.at(0), "hi!");
}

TEST(SmtpServerBdat, BinarymimeOnlyWithBdat) {
  Driver d;
  d.greeted();
  const std::string mail =
      "MAIL FROM:<a@example.org> BODY=BINARYMIME\r\nRCPT TO:<b@example.net>\r\n";
  EXPECT_EQ(d.run(mail + "DATA\r\n"),
            kTransactionReplies + "503 5.5.1 BODY=BINARYMIME requires BDAT\r\n");
  EXPECT_EQ(d.run("BDAT 3 LAST\r\n" + std::string("\x00\xff\n", 3)), kQueued);
  EXPECT_EQ(d.messages.at(0), std::string("\x00\xff\n", 3));
}

TEST(SmtpServerBdat, BadSyntaxClosesTheSession) {
  Driver d;
  d.greeted();
  EXPECT_EQ(d.run(kTransaction + "BDAT lots\r\nwhatever\r\n"),
            kTransactionReplies + "501 5.5.4 Syntax: BDAT <size> [LAST]\r\n");
  EXPECT_TRUE(d.closed);
}

// ---- STARTTLS (RFC 3207) ----

TEST(SmtpServerTls, StarttlsThenEhloAgain) {
  Driver d;
  d.greeted();
  EXPECT_EQ(d.run("STARTTLS\r\n"), "220 2.0.0 Ready to start TLS\r\n");
  EXPECT_TRUE(d.tls);
  EXPECT_EQ(d.m.next(), ServerMachine::Event::start_tls);  // repeats until tls_started()
  d.m.tls_started();
  EXPECT_TRUE(d.m.policy().tls_active);
  EXPECT_EQ(d.m.envelope().helo, "");
  EXPECT_EQ(d.run("MAIL FROM:<a@example.org>\r\n"), "503 5.5.1 Send EHLO/HELO first\r\n");
  EXPECT_EQ(d.run("EHLO client.example\r\n"),
            "250-mx.example\r\n250-PIPELINING\r\n250-SIZE 10000\r\n250-8BITMIME\r\n"
            "250-SMTPUTF8\r\n250-ENHANCEDSTATUSCODES\r\n250 CHUNKING\r\n");
  EXPECT_EQ(d.m.received_protocol(), "ESMTPS");
  EXPECT_EQ(d.run("STARTTLS\r\n"), "503 5.5.1 Already running TLS\r\n");
  EXPECT_EQ(d.run(kTransaction + "DATA\r\nx\r\n.\r\n"), kTransactionReplies + k354 + kQueued);
}

TEST(SmtpServerTls, PipelinedCommandsBehindStarttlsAreDiscarded) {
  // CVE-2011-0411: plaintext commands injected behind STARTTLS must not run inside TLS.
  ServerMachine m(test_policy());
  m.take_output();
  m.feed("EHLO c\r\nSTARTTLS\r\nMAIL FROM:<evil@example.com>\r\nRCPT TO:<x@example.net>\r\n");
  ASSERT_EQ(m.next(), Event::start_tls);
  const std::string out = m.take_output();
  EXPECT_EQ(out.substr(out.find("220")), "220 2.0.0 Ready to start TLS\r\n");
  m.tls_started();
  EXPECT_EQ(m.next(), Event::need_input);
  EXPECT_FALSE(m.has_output());
  m.feed("EHLO c\r\nMAIL FROM:<good@example.org>\r\n");
  EXPECT_EQ(m.next(), Event::need_input);
  const std::string after = m.take_output();
  EXPECT_EQ(after.substr(after.find("250 2.1.0")), "250 2.1.0 Ok\r\n");
  EXPECT_EQ(m.envelope().mail_from.local, "good");
}

TEST(SmtpServerTls, StarttlsRefusals) {
  ServerPolicy off = test_policy();
  off.starttls = false;
  Driver a(off);
  a.greeted();
  EXPECT_EQ(a.run("STARTTLS\r\n"), "502 5.5.1 STARTTLS not available\r\n");
  Driver b;
  b.greeted();
  EXPECT_EQ(b.run("STARTTLS now\r\n"), "501 5.5.4 Syntax: no parameters allowed\r\n");
  EXPECT_EQ(b.run("MAIL FROM:<a@example.org>\r\nSTARTTLS\r\n"),
            "250 2.1.0 Ok\r\n503 5.5.1 MAIL transaction in progress\r\n");
  EXPECT_FALSE(b.tls);
}

}  // namespace
}  // namespace heron::smtp
