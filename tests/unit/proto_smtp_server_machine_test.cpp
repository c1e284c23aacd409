// ServerMachine: commands, sequence rules, limits and replies. DATA, BDAT and STARTTLS are in
// proto_smtp_server_data_test.cpp.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/metrics.hpp"
#include "proto/smtp/server_machine.hpp"
#include "support/smtp_server_driver.hpp"

namespace heron::smtp {
namespace {

using Event = ServerMachine::Event;

using test_support::Driver;
using test_support::test_policy;

const std::string kEhlo =
    "250-mx.example\r\n250-PIPELINING\r\n250-SIZE 10000\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
    "250-ENHANCEDSTATUSCODES\r\n250-CHUNKING\r\n250 STARTTLS\r\n";

TEST(SmtpServer, Greeting) {
  ServerMachine m(test_policy());
  EXPECT_TRUE(m.has_output());
  EXPECT_EQ(m.take_output(), "220 mx.example ESMTP Heron\r\n");
  EXPECT_FALSE(m.has_output());
  EXPECT_EQ(m.next(), Event::need_input);
}

TEST(SmtpServer, EhloAdvertisesExtensions) {
  Driver d;
  d.m.take_output();
  EXPECT_EQ(d.run("EHLO client.example\r\n"), kEhlo);
  EXPECT_EQ(d.m.envelope().helo, "client.example");
  EXPECT_TRUE(d.m.envelope().esmtp);
  EXPECT_EQ(d.m.received_protocol(), "ESMTP");
}

TEST(SmtpServer, EhloWithoutStarttlsWhenNotConfiguredOrActive) {
  const std::string plain =
      "250-mx.example\r\n250-PIPELINING\r\n250-SIZE 10000\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
      "250-ENHANCEDSTATUSCODES\r\n250 CHUNKING\r\n";
  ServerPolicy off = test_policy();
  off.starttls = false;
  Driver a(off);
  a.m.take_output();
  EXPECT_EQ(a.run("EHLO c\r\n"), plain);
  ServerPolicy active = test_policy();
  active.tls_active = true;
  Driver b(active);
  b.m.take_output();
  EXPECT_EQ(b.run("EHLO c\r\n"), plain);
  EXPECT_EQ(b.m.received_protocol(), "ESMTPS");
}

TEST(SmtpServer, Helo) {
  Driver d;
  d.m.take_output();
  EXPECT_EQ(d.run("HELO client.example\r\n"), "250 mx.example\r\n");
  EXPECT_FALSE(d.m.envelope().esmtp);
  EXPECT_EQ(d.m.received_protocol(), "SMTP");
  EXPECT_EQ(d.run("MAIL FROM:<a@example.org>\r\n"), "250 2.1.0 Ok\r\n");
  // Extensions need EHLO (RFC 5321 4.1.1.11).
  EXPECT_EQ(d.run("RSET\r\nMAIL FROM:<a@example.org> SIZE=10\r\n"),
            "250 2.0.0 Ok\r\n555 5.5.4 Parameters need EHLO\r\n");
}

TEST(SmtpServer, WholeTransaction) {
  Driver d;
  d.greeted();
  EXPECT_EQ(d.run("MAIL FROM:<alice@example.org> BODY=8BITMIME\r\n"), "250 2.1.0 Ok\r\n");
  EXPECT_EQ(d.run("RCPT TO:<bob@example.net>\r\n"), "250 2.1.5 Ok\r\n");
  EXPECT_EQ(d.run("DATA\r\n"), "354 End data with <CR><LF>.<CR><LF>\r\n");
  EXPECT_EQ(d.run("Subject: hi\r\n\r\nHello\r\n.\r\n"), "250 2.0.0 Ok: queued\r\n");
  ASSERT_EQ(d.messages.size(), 1u);
  EXPECT_EQ(d.messages[0], "Subject: hi\r\n\r\nHello\r\n");
  EXPECT_EQ(d.run("QUIT\r\n"), "221 2.0.0 mx.example closing\r\n");
  EXPECT_TRUE(d.closed);
}

TEST(SmtpServer, EnvelopeIsFilledWhenMessageIsReady) {
  ServerMachine m(test_policy());
  m.feed(
      "EHLO c.example\r\nMAIL FROM:<a@example.org> SIZE=20 BODY=7BIT\r\nRCPT TO:<b@x.example>\r\n");
  ASSERT_EQ(m.next(), Event::check_recipient);
  m.answer_recipient(true, Reply{250, "2.1.5", "Ok"});
  m.feed("DATA\r\nhi\r\n.\r\n");
  ASSERT_EQ(m.next(), Event::message_ready);
  const Envelope& env = m.envelope();
  EXPECT_EQ(env.helo, "c.example");
  EXPECT_TRUE(env.esmtp);
  EXPECT_EQ(env.mail_from.address(), "a@example.org");
  ASSERT_EQ(env.mail_params.size(), 2u);
  EXPECT_EQ(env.mail_params[1].keyword, "BODY");
  ASSERT_EQ(env.recipients.size(), 1u);
  EXPECT_EQ(env.recipients[0].address(), "b@x.example");
  EXPECT_FALSE(env.chunked);
  EXPECT_FALSE(env.smtputf8);
  EXPECT_EQ(m.message(), "hi\r\n");
  // Until the driver answers, the event repeats and nothing else happens.
  EXPECT_EQ(m.next(), Event::message_ready);
  m.answer_message(Reply{250, "2.0.0", "Ok"});
  EXPECT_EQ(m.next(), Event::need_input);
  EXPECT_TRUE(m.envelope().recipients.empty());
  EXPECT_TRUE(m.message().empty());
  EXPECT_EQ(m.envelope().helo, "c.example");  // the session survives the transaction
}

TEST(SmtpServer, PipelinedBatchRepliesOnlyAsDecisionsCome) {
  ServerMachine m(test_policy());
  m.take_output();
  m.feed(
      "EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\n"
      "RCPT TO:<nobody@example.net>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n");
  ASSERT_EQ(m.next(), Event::check_recipient);
  EXPECT_EQ(m.pending_recipient().address(), "b@example.net");
  EXPECT_TRUE(m.pending_recipient_params().empty());
  EXPECT_EQ(m.take_output(), kEhlo + "250 2.1.0 Ok\r\n");
  EXPECT_EQ(m.next(), Event::check_recipient);  // still waiting, nothing more processed
  EXPECT_FALSE(m.has_output());
  m.answer_recipient(true, Reply{250, "2.1.5", "Ok"});
  ASSERT_EQ(m.next(), Event::check_recipient);
  EXPECT_EQ(m.pending_recipient().address(), "nobody@example.net");
  EXPECT_EQ(m.take_output(), "250 2.1.5 Ok\r\n");
  m.answer_recipient(false, Reply{550, "5.1.1", "No such user"});
  ASSERT_EQ(m.next(), Event::message_ready);
  EXPECT_EQ(m.take_output(), "550 5.1.1 No such user\r\n354 End data with <CR><LF>.<CR><LF>\r\n");
  EXPECT_EQ(m.envelope().recipients.size(), 1u);
  EXPECT_EQ(m.message(), "Subject: x\r\n\r\nbody\r\n");
  m.answer_message(Reply{250, "2.0.0", "Ok: queued as 1"});
  EXPECT_EQ(m.next(), Event::close);
  EXPECT_EQ(m.take_output(), "250 2.0.0 Ok: queued as 1\r\n221 2.0.0 mx.example closing\r\n");
}

TEST(SmtpServer, OutputAccumulatesAcrossCommands) {
  Driver d;
  d.greeted();
  EXPECT_EQ(d.run("NOOP\r\nNOOP\r\nRSET\r\n"), "250 2.0.0 Ok\r\n250 2.0.0 Ok\r\n250 2.0.0 Ok\r\n");
}

TEST(SmtpServer, OutOfSequence) {
  Driver d;
  d.m.take_output();
  EXPECT_EQ(d.run("MAIL FROM:<a@example.org>\r\n"), "503 5.5.1 Send EHLO/HELO first\r\n");
  EXPECT_EQ(d.run("RCPT TO:<b@example.org>\r\n"), "503 5.5.1 Need MAIL command\r\n");
  EXPECT_EQ(d.run("DATA\r\n"), "503 5.5.1 Need MAIL command\r\n");
  d.run("EHLO c\r\n");
  EXPECT_EQ(d.run("MAIL FROM:<a@example.org>\r\n"), "250 2.1.0 Ok\r\n");
  EXPECT_EQ(d.run("DATA\r\n"), "503 5.5.1 Need RCPT command\r\n");
  EXPECT_EQ(d.run("MAIL FROM:<a@example.org>\r\n"), "503 5.5.1 Nested MAIL command\r\n");
}

TEST(SmtpServer, DataWithNoValidRecipients) {
  ServerMachine m(test_policy());
  m.feed("EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<x@example.org>\r\nDATA\r\n");
  ASSERT_EQ(m.next(), Event::check_recipient);
  m.answer_recipient(false, Reply{550, "5.1.1", "No such user"});
  EXPECT_EQ(m.next(), Event::need_input);
  const std::string out = m.take_output();
  EXPECT_EQ(out.substr(out.find("550")),
            "550 5.1.1 No such user\r\n554 5.5.1 No valid recipients\r\n");
}

TEST(SmtpServer, HundredAndFirstRecipientIs452) {
  Driver d;
  d.greeted();
  d.run("MAIL FROM:<a@example.org>\r\n");
  std::string batch;
  for (int i = 0; i < 100; ++i) batch += "RCPT TO:<r" + std::to_string(i) + "@example.net>\r\n";
  std::string expected;
  for (int i = 0; i < 100; ++i) expected += "250 2.1.5 Ok\r\n";
  EXPECT_EQ(d.run(batch), expected);
  EXPECT_EQ(d.run("RCPT TO:<r100@example.net>\r\n"), "452 4.5.3 Too many recipients\r\n");
  EXPECT_EQ(d.m.envelope().recipients.size(), 100u);
  // Not a protocol error: the session goes on and the message is accepted.
  EXPECT_EQ(d.run("DATA\r\nx\r\n.\r\n"),
            "354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Ok: queued\r\n");
}

TEST(SmtpServer, RejectedRecipientsDoNotCountTowardTheLimit) {
  ServerPolicy p = test_policy();
  p.max_recipients = 1;
  ServerMachine m(p);
  m.feed(
      "EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<x@example.org>\r\nRCPT TO:<y@example.org>\r\n"
      "RCPT TO:<z@example.org>\r\n");
  ASSERT_EQ(m.next(), Event::check_recipient);
  m.answer_recipient(false, Reply{550, "5.1.1", "No"});
  ASSERT_EQ(m.next(), Event::check_recipient);
  m.answer_recipient(true, Reply{250, "2.1.5", "Ok"});
  EXPECT_EQ(m.next(), Event::need_input);
  const std::string out = m.take_output();
  EXPECT_EQ(out.substr(out.find("550")),
            "550 5.1.1 No\r\n250 2.1.5 Ok\r\n452 4.5.3 Too many recipients\r\n");
}

TEST(SmtpServer, RsetClearsTransactionKeepsHelo) {
  Driver d;
  d.greeted();
  d.run("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n");
  EXPECT_EQ(d.m.envelope().recipients.size(), 1u);
  EXPECT_EQ(d.run("RSET\r\n"), "250 2.0.0 Ok\r\n");
  EXPECT_TRUE(d.m.envelope().recipients.empty());
  EXPECT_TRUE(d.m.envelope().mail_from.local.empty());
  EXPECT_EQ(d.m.envelope().helo, "client.example");
  EXPECT_EQ(d.run("RCPT TO:<b@example.org>\r\n"), "503 5.5.1 Need MAIL command\r\n");
  EXPECT_EQ(d.run("MAIL FROM:<a@example.org>\r\n"), "250 2.1.0 Ok\r\n");
}

TEST(SmtpServer, EhloAgainResetsTransaction) {
  Driver d;
  d.greeted();
  d.run("MAIL FROM:<a@example.org> SMTPUTF8\r\nRCPT TO:<b@example.org>\r\n");
  EXPECT_EQ(d.m.received_protocol(), "UTF8SMTP");
  EXPECT_EQ(d.run("EHLO other.example\r\n"), kEhlo);
  EXPECT_TRUE(d.m.envelope().recipients.empty());
  EXPECT_EQ(d.m.envelope().helo, "other.example");
  EXPECT_EQ(d.m.received_protocol(), "ESMTP");
  EXPECT_EQ(d.run("HELO third.example\r\n"), "250 mx.example\r\n");
  EXPECT_EQ(d.m.received_protocol(), "SMTP");
  EXPECT_EQ(d.run("MAIL FROM:<a@example.org>\r\n"), "250 2.1.0 Ok\r\n");
}

TEST(SmtpServer, InformationalCommands) {
  Driver d;
  d.greeted();
  EXPECT_EQ(d.run("NOOP\r\n"), "250 2.0.0 Ok\r\n");
  EXPECT_EQ(d.run("NOOP with text\r\n"), "250 2.0.0 Ok\r\n");
  EXPECT_EQ(d.run("HELP\r\n"),
            "214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT HELP VRFY "
            "STARTTLS\r\n");
  EXPECT_EQ(d.run("VRFY alice\r\n"),
            "252 2.1.5 Cannot VRFY user, but will accept message and attempt delivery\r\n");
  EXPECT_EQ(d.run("EXPN staff\r\n"), "502 5.5.1 EXPN not available\r\n");
  EXPECT_EQ(d.run("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n"), "502 5.5.1 AUTH not available\r\n");
  EXPECT_EQ(d.run("VRFY\r\n"), "501 5.5.4 Syntax: argument required\r\n");
  // None of these needs EHLO.
  Driver fresh;
  fresh.m.take_output();
  EXPECT_EQ(fresh.run("NOOP\r\n"), "250 2.0.0 Ok\r\n");
}

TEST(SmtpServer, QuitClosesAndIgnoresTheRest) {
  Driver d;
  d.greeted();
  EXPECT_EQ(d.run("QUIT\r\nNOOP\r\n"), "221 2.0.0 mx.example closing\r\n");
  EXPECT_TRUE(d.closed);
  EXPECT_EQ(d.m.next(), Event::close);
  d.m.feed("NOOP\r\n");
  EXPECT_EQ(d.m.next(), Event::close);
  EXPECT_FALSE(d.m.has_output());
}

TEST(SmtpServer, UnknownCommandAndSyntaxErrors) {
  Driver d;
  d.greeted();
  EXPECT_EQ(d.run("XYZZY\r\n"), "500 5.5.1 Command unrecognized\r\n");
  EXPECT_EQ(d.run("\r\n"), "500 5.5.1 Command unrecognized\r\n");
  EXPECT_EQ(d.run("MAIL FROM:nobracket@example.org\r\n"),
            "501 5.5.4 Syntax: path must start with '<'\r\n");
  EXPECT_EQ(d.run("MAIL FROM:<a@example.org> FOO=BAR\r\n"),
            "555 5.5.4 Unsupported parameter FOO\r\n");
  EXPECT_EQ(d.run("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org> NOTIFY=NEVER\r\n"),
            "250 2.1.0 Ok\r\n555 5.5.4 Unsupported parameter NOTIFY\r\n");
  EXPECT_EQ(d.run("RCPT TO:<b@example.org>\r\n"), "250 2.1.5 Ok\r\n");
}

TEST(SmtpServer, BareLfEndsACommandLine) {
  Driver d;
  d.m.take_output();
  EXPECT_EQ(d.run("EHLO c\nNOOP\n"), kEhlo + "250 2.0.0 Ok\r\n");
}

TEST(SmtpServer, LineTooLongThenAGoodCommandStillWorks) {
  Driver d;
  d.greeted();
  const std::string long_line = "NOOP " + std::string(2000, 'x') + "\r\n";
  EXPECT_EQ(d.run(long_line + "NOOP\r\n"), "500 5.5.2 Line too long\r\n250 2.0.0 Ok\r\n");
}

TEST(SmtpServer, LineTooLongFedInPiecesIsDiscardedAsItComes) {
  Driver d;
  d.greeted();
  EXPECT_EQ(d.run(std::string(999, 'x')), "");  // could still end in time
  EXPECT_EQ(d.run("x"), "500 5.5.2 Line too long\r\n");
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(d.run(std::string(1024, 'y')), "");
  EXPECT_EQ(d.run("yyy\r\nNOOP\r\n"), "250 2.0.0 Ok\r\n");
  EXPECT_EQ(d.run("NOOP\r\n"), "250 2.0.0 Ok\r\n");
}

TEST(SmtpServer, MaxLineCountsTheCrlf) {
  ServerPolicy p = test_policy();
  p.max_line = 12;
  Driver d(p);
  d.greeted();
  EXPECT_EQ(d.run("NOOP 12345\r\n"), "250 2.0.0 Ok\r\n");              // 12 octets
  EXPECT_EQ(d.run("NOOP 123456\r\n"), "500 5.5.2 Line too long\r\n");  // 13
  EXPECT_EQ(d.run("NOOP 123456\n"), "250 2.0.0 Ok\r\n");               // 12 with a bare LF
}

TEST(SmtpServer, TooManyErrorsCloses) {
  ServerPolicy p = test_policy();
  p.max_errors = 3;
  Driver d(p);
  d.m.take_output();
  EXPECT_EQ(d.run("FOO\r\nBAR\r\n"),
            "500 5.5.1 Command unrecognized\r\n500 5.5.1 Command unrecognized\r\n");
  EXPECT_FALSE(d.closed);
  EXPECT_EQ(d.run("MAIL FROM:<a@example.org>\r\nNOOP\r\n"),
            "503 5.5.1 Send EHLO/HELO first\r\n421 4.7.0 mx.example Too many errors\r\n");
  EXPECT_TRUE(d.closed);
  EXPECT_EQ(d.m.next(), Event::close);
}

TEST(SmtpServer, OverlongLinesCountAsErrors) {
  ServerPolicy p = test_policy();
  p.max_errors = 2;
  p.max_line = 10;
  Driver d(p);
  d.m.take_output();
  EXPECT_EQ(d.run(std::string(50, 'a') + "\r\n" + std::string(50, 'b') + "\r\nNOOP\r\n"),
            "500 5.5.2 Line too long\r\n500 5.5.2 Line too long\r\n"
            "421 4.7.0 mx.example Too many errors\r\n");
  EXPECT_TRUE(d.closed);
}

TEST(SmtpServer, SizeParameter) {
  Driver d;
  d.greeted();
  EXPECT_EQ(d.run("MAIL FROM:<a@example.org> SIZE=10001\r\n"),
            "552 5.3.4 Message size exceeds fixed maximum message size\r\n");
  EXPECT_EQ(d.run("MAIL FROM:<a@example.org> SIZE=18446744073709551615\r\n"),
            "552 5.3.4 Message size exceeds fixed maximum message size\r\n");
  EXPECT_EQ(d.run("MAIL FROM:<a@example.org> SIZE=10000\r\n"), "250 2.1.0 Ok\r\n");
  EXPECT_EQ(d.m.envelope().mail_params[0].value, "10000");
}

TEST(SmtpServer, KeepsDsnParametersForLater) {
  Driver d;
  d.greeted();
  EXPECT_EQ(d.run("MAIL FROM:<a@example.org> RET=HDRS ENVID=abc123\r\n"), "250 2.1.0 Ok\r\n");
  ASSERT_EQ(d.m.envelope().mail_params.size(), 2u);
  EXPECT_EQ(d.m.envelope().mail_params[0].keyword, "RET");
  EXPECT_EQ(d.m.envelope().mail_params[1].value, "abc123");
}

TEST(SmtpServer, Smtputf8) {
  Driver d;
  d.greeted();
  EXPECT_EQ(d.run("MAIL FROM:<j\xc3\xb6rg@example.org>\r\n"),
            "553 5.6.7 Non-ASCII address needs SMTPUTF8\r\n");
  EXPECT_EQ(d.run("MAIL FROM:<alice@example.org>\r\nRCPT TO:<m\xc3\xbcller@example.net>\r\n"),
            "250 2.1.0 Ok\r\n553 5.6.7 Non-ASCII address needs SMTPUTF8\r\n");
  d.run("RSET\r\n");
  EXPECT_EQ(d.run("MAIL FROM:<j\xc3\xb6rg@example.org> SMTPUTF8\r\n"
                  "RCPT TO:<m\xc3\xbcller@b\xc3\xbc"
                  "cher.example>\r\n"),
            "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n");
  EXPECT_TRUE(d.m.envelope().smtputf8);
  EXPECT_EQ(d.m.envelope().recipients[0].local, "m\xc3\xbcller");
  EXPECT_TRUE(d.m.envelope().recipients[0].utf8);
  EXPECT_EQ(d.m.received_protocol(), "UTF8SMTP");
  d.run(
      "DATA\r\nSubject: gr\xc3\xbc\xc3\x9f"
      "e\r\n\r\nx\r\n.\r\n");
  ASSERT_EQ(d.messages.size(), 1u);
  // The transaction is over: a new one without SMTPUTF8 gets 553 again.
  EXPECT_EQ(d.run("MAIL FROM:<a@example.org>\r\nRCPT TO:<m\xc3\xbcller@example.net>\r\n"),
            "250 2.1.0 Ok\r\n553 5.6.7 Non-ASCII address needs SMTPUTF8\r\n");
}

TEST(SmtpServer, Utf8ProtocolOverTls) {
  ServerPolicy p = test_policy();
  p.tls_active = true;
  Driver d(p);
  d.greeted();
  d.run("MAIL FROM:<a@example.org> SMTPUTF8\r\n");
  EXPECT_EQ(d.m.received_protocol(), "UTF8SMTPS");
  Driver h(p);
  h.greeted("HELO c\r\n");
  EXPECT_EQ(h.m.received_protocol(), "SMTP");
}

TEST(SmtpServer, TimedOut) {
  Driver d;
  d.greeted();
  d.m.timed_out();
  EXPECT_EQ(d.m.next(), Event::close);
  EXPECT_EQ(d.m.take_output(), "421 4.4.2 mx.example Timeout exceeded, closing\r\n");
  d.m.timed_out();  // once is enough
  EXPECT_FALSE(d.m.has_output());
}

TEST(SmtpServer, ShutdownWhileWaitingForTheDriver) {
  ServerMachine m(test_policy());
  m.feed("EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n");
  ASSERT_EQ(m.next(), Event::check_recipient);
  m.take_output();
  m.shutdown(Reply{421, "4.3.2", "mx.example Service shutting down"});
  EXPECT_EQ(m.next(), Event::close);
  m.answer_recipient(true, Reply{250, "2.1.5", "Ok"});  // too late: ignored
  EXPECT_EQ(m.take_output(), "421 4.3.2 mx.example Service shutting down\r\n");
}

TEST(SmtpServer, AnswersWithoutAQuestionAreIgnored) {
  Driver d;
  d.greeted();
  d.m.answer_recipient(true, Reply{250, "2.1.5", "Ok"});
  d.m.answer_message(Reply{250, "2.0.0", "Ok"});
  EXPECT_FALSE(d.m.has_output());
  EXPECT_TRUE(d.m.envelope().recipients.empty());
  EXPECT_EQ(d.run("NOOP\r\n"), "250 2.0.0 Ok\r\n");
}

TEST(SmtpServer, RejectsAreCounted) {
  const uint64_t unknown = metrics::get("heron_smtp_rejects_total", "reason", "500");
  const uint64_t size = metrics::get("heron_smtp_rejects_total", "reason", "size");
  Driver d;
  d.greeted();
  d.run("XYZZY\r\nMAIL FROM:<a@example.org> SIZE=999999\r\n");
  EXPECT_EQ(metrics::get("heron_smtp_rejects_total", "reason", "500"), unknown + 1);
  EXPECT_EQ(metrics::get("heron_smtp_rejects_total", "reason", "size"), size + 1);
}

TEST(SmtpServer, PolicyIsExposed) {
  ServerMachine m(test_policy());
  EXPECT_EQ(m.policy().hostname, "mx.example");
  EXPECT_EQ(m.policy().max_recipients, 100u);
}

}  // namespace
}  // namespace heron::smtp
