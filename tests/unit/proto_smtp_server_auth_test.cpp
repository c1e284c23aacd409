// ServerMachine: AUTH (RFC 4954) with PLAIN and LOGIN, the MSA policy (AUTH only after TLS,
// MAIL only after AUTH), the sender check event, SCRAM rounds, and DSN parameters.
#include <gtest/gtest.h>

#include <string>

#include "proto/smtp/server_machine.hpp"
#include "support/smtp_server_driver.hpp"

namespace heron::smtp {
namespace {

using Event = ServerMachine::Event;
using test_support::Driver;
using test_support::test_policy;

constexpr std::string_view kPlainOk = "AGFsaWNlQGV4YW1wbGUub3JnAHNlY3JldA==";
constexpr std::string_view kPlainBad = "AGFsaWNlQGV4YW1wbGUub3JnAHdyb25n";

// The submission policy: AUTH required; TLS already up (implicit TLS, or after STARTTLS).
ServerPolicy msa(bool tls_active = true) {
  ServerPolicy p = test_policy();
  p.auth = true;
  p.require_auth = true;
  p.dsn = true;
  p.tls_active = tls_active;
  p.starttls = !tls_active;
  return p;
}

TEST(SmtpServerAuth, AdvertisedOnlyAfterTls) {
  Driver plain(msa(false));
  plain.m.take_output();
  const std::string before = plain.run("EHLO c\r\n");
  EXPECT_EQ(before.find("AUTH"), std::string::npos) << before;
  EXPECT_NE(before.find("250 STARTTLS\r\n"), std::string::npos) << before;
  EXPECT_EQ(plain.run("AUTH PLAIN " + std::string(kPlainOk) + "\r\n"),
            "530 5.7.0 Must issue a STARTTLS command first\r\n");
  EXPECT_EQ(plain.run("MAIL FROM:<alice@example.org>\r\n"),
            "530 5.7.0 Must issue a STARTTLS command first\r\n");
  EXPECT_TRUE(plain.auth_requests.empty());

  Driver tls(msa(true));
  tls.m.take_output();
  const std::string after = tls.run("EHLO c\r\n");
  EXPECT_NE(after.find("250-DSN\r\n"), std::string::npos) << after;
  EXPECT_NE(after.find("250 AUTH PLAIN LOGIN SCRAM-SHA-256\r\n"), std::string::npos) << after;
}

TEST(SmtpServerAuth, NotOfferedOnMxByDefault) {
  Driver d;  // test_policy(): auth off
  d.m.take_output();
  EXPECT_EQ(d.run("EHLO c\r\n").find("AUTH"), std::string::npos);
  EXPECT_EQ(d.run("AUTH PLAIN " + std::string(kPlainOk) + "\r\n"),
            "502 5.5.1 AUTH not available\r\n");
}

TEST(SmtpServerAuth, PlainWithInitialResponse) {
  Driver d(msa());
  d.greeted();
  EXPECT_EQ(d.run("MAIL FROM:<alice@example.org>\r\n"), "530 5.7.0 Authentication required\r\n");
  EXPECT_EQ(d.run("AUTH PLAIN " + std::string(kPlainOk) + "\r\n"),
            "235 2.7.0 Authentication successful\r\n");
  ASSERT_EQ(d.auth_requests.size(), 1u);
  EXPECT_EQ(d.auth_requests[0].mechanism, "PLAIN");
  EXPECT_EQ(d.auth_requests[0].authcid, "alice@example.org");
  EXPECT_EQ(d.m.auth_user(), "alice@example.org");
  EXPECT_TRUE(d.m.auth_request().password.empty());  // wiped once answered
  EXPECT_EQ(d.run("AUTH PLAIN " + std::string(kPlainOk) + "\r\n"),
            "503 5.5.1 Already authenticated\r\n");
  EXPECT_EQ(d.run("MAIL FROM:<alice@example.org> AUTH=<>\r\nRCPT TO:<x@remote.example>\r\n"),
            "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n");
  EXPECT_EQ(d.run("DATA\r\nFrom: alice@example.org\r\n\r\nhi\r\n.\r\n"),
            "354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Ok: queued\r\n");
  EXPECT_EQ(d.m.received_protocol(), "ESMTPSA");
}

TEST(SmtpServerAuth, PlainAfterEmptyChallenge) {
  Driver d(msa());
  d.greeted();
  EXPECT_EQ(d.run("AUTH PLAIN\r\n"), "334 \r\n");
  EXPECT_EQ(d.run(std::string(kPlainOk) + "\r\n"), "235 2.7.0 Authentication successful\r\n");
}

TEST(SmtpServerAuth, WrongPasswordIs535AndCounts) {
  ServerPolicy p = msa();
  p.max_errors = 2;
  Driver d(p);
  d.greeted();
  EXPECT_EQ(d.run("AUTH PLAIN " + std::string(kPlainBad) + "\r\n"),
            "535 5.7.8 Authentication credentials invalid\r\n");
  EXPECT_TRUE(d.m.auth_user().empty());
  EXPECT_EQ(d.run("AUTH PLAIN " + std::string(kPlainBad) + "\r\n"),
            "535 5.7.8 Authentication credentials invalid\r\n421 4.7.0 mx.example Too many "
            "errors\r\n");
  EXPECT_TRUE(d.closed);
}

TEST(SmtpServerAuth, Login) {
  Driver d(msa());
  d.greeted();
  EXPECT_EQ(d.run("AUTH LOGIN\r\n"), "334 VXNlcm5hbWU6\r\n");
  EXPECT_EQ(d.run("YWxpY2VAZXhhbXBsZS5vcmc=\r\n"), "334 UGFzc3dvcmQ6\r\n");
  EXPECT_EQ(d.run("c2VjcmV0\r\n"), "235 2.7.0 Authentication successful\r\n");
  ASSERT_EQ(d.auth_requests.size(), 1u);
  EXPECT_EQ(d.auth_requests[0].mechanism, "LOGIN");
  EXPECT_EQ(d.auth_requests[0].password, "secret");
}

TEST(SmtpServerAuth, LoginWithInitialUserName) {
  Driver d(msa());
  d.greeted();
  EXPECT_EQ(d.run("AUTH LOGIN YWxpY2VAZXhhbXBsZS5vcmc=\r\n"), "334 UGFzc3dvcmQ6\r\n");
  EXPECT_EQ(d.run("c2VjcmV0\r\n"), "235 2.7.0 Authentication successful\r\n");
}

TEST(SmtpServerAuth, CancelAndBadBase64AndUnknownMechanism) {
  Driver d(msa());
  d.greeted();
  EXPECT_EQ(d.run("AUTH LOGIN\r\n*\r\n"),
            "334 VXNlcm5hbWU6\r\n501 5.7.0 Authentication cancelled\r\n");
  EXPECT_EQ(d.run("AUTH PLAIN\r\nnot base64!\r\n"),
            "334 \r\n501 5.5.2 Cannot decode the response (base64)\r\n");
  EXPECT_EQ(d.run("AUTH CRAM-MD5\r\n"), "504 5.5.4 Unrecognized authentication type\r\n");
  EXPECT_EQ(d.run("AUTH\r\n"), "501 5.5.4 Syntax: AUTH mechanism\r\n");
  // authzid must be empty or the login name (no proxy authorization).
  EXPECT_EQ(d.run("AUTH PLAIN Ym9iQGV4YW1wbGUub3JnAGFsaWNlQGV4YW1wbGUub3JnAHNlY3JldA==\r\n"),
            "535 5.7.8 Authorization identity must be the login name\r\n");
  EXPECT_TRUE(d.auth_requests.empty());
  // Back to commands after each failure.
  EXPECT_EQ(d.run("NOOP\r\n"), "250 2.0.0 Ok\r\n");
}

TEST(SmtpServerAuth, NeedsEhloAndNotInATransaction) {
  ServerPolicy p = msa();
  p.require_auth = false;  // an MX with auth_on_mx
  Driver d(p);
  d.m.take_output();
  EXPECT_EQ(d.run("AUTH PLAIN " + std::string(kPlainOk) + "\r\n"), "503 5.5.1 Send EHLO first\r\n");
  d.run("EHLO c\r\n");
  EXPECT_EQ(d.run("MAIL FROM:<x@y.example>\r\n"), "250 2.1.0 Ok\r\n");
  EXPECT_EQ(d.run("AUTH PLAIN " + std::string(kPlainOk) + "\r\n"),
            "503 5.5.1 AUTH not permitted during a mail transaction\r\n");
}

TEST(SmtpServerAuth, SenderCheckEvent) {
  Driver d(msa());
  d.greeted();
  d.run("AUTH PLAIN " + std::string(kPlainOk) + "\r\n");
  EXPECT_EQ(d.run("MAIL FROM:<mallory@example.org>\r\n"), "553 5.7.1 Not yours\r\n");
  // Refused: no transaction is open.
  EXPECT_EQ(d.run("RCPT TO:<x@remote.example>\r\n"), "503 5.5.1 Need MAIL command\r\n");
  EXPECT_EQ(d.run("MAIL FROM:<alice@example.org>\r\n"), "250 2.1.0 Ok\r\n");
}

TEST(SmtpServerAuth, PipelinedCommandsWaitForTheAnswer) {
  Driver d(msa());
  d.greeted();
  EXPECT_EQ(d.run("AUTH PLAIN " + std::string(kPlainOk) +
                  "\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<x@remote.example>\r\n"),
            "235 2.7.0 Authentication successful\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n");
}

TEST(SmtpServerAuth, ScramRoundsGoToTheDriver) {
  ServerMachine m(msa());
  m.take_output();
  m.feed("EHLO c\r\nAUTH SCRAM-SHA-256 biwsbj1hbGljZSxyPWFiYw==\r\n");
  ASSERT_EQ(m.next(), Event::authenticate);
  EXPECT_EQ(m.auth_request().mechanism, "SCRAM-SHA-256");
  EXPECT_EQ(m.auth_request().round, 0u);
  EXPECT_EQ(m.auth_request().response, "n,,n=alice,r=abc");
  EXPECT_EQ(m.next(), Event::authenticate);  // repeated until answered
  m.auth_challenge("r=abcdef,s=c2FsdA==,i=4096");
  ASSERT_EQ(m.next(), Event::need_input);
  EXPECT_NE(m.take_output().find("334 cj1hYmNkZWYscz1jMkZzZEE9PSxpPTQwOTY=\r\n"),
            std::string::npos);
  m.feed("Yw==\r\n");
  ASSERT_EQ(m.next(), Event::authenticate);
  EXPECT_EQ(m.auth_request().round, 1u);
  EXPECT_EQ(m.auth_request().response, "c");
  m.auth_challenge("v=xyz");
  ASSERT_EQ(m.next(), Event::need_input);
  EXPECT_EQ(m.take_output(), "334 dj14eXo=\r\n");
  m.feed("\r\n");
  ASSERT_EQ(m.next(), Event::authenticate);
  EXPECT_EQ(m.auth_request().round, 2u);
  EXPECT_EQ(m.auth_request().response, "");
  m.answer_auth("alice@example.org", Reply{235, "2.7.0", "Authentication successful"});
  ASSERT_EQ(m.next(), Event::need_input);
  EXPECT_EQ(m.take_output(), "235 2.7.0 Authentication successful\r\n");
  EXPECT_EQ(m.auth_user(), "alice@example.org");
}

TEST(SmtpServerAuth, TlsStartedForgetsAuthentication) {
  ServerPolicy p = msa(false);
  p.auth_plaintext = true;  // loopback with plaintext_on_loopback
  Driver d(p);
  d.greeted();
  EXPECT_EQ(d.run("AUTH PLAIN " + std::string(kPlainOk) + "\r\n"),
            "235 2.7.0 Authentication successful\r\n");
  EXPECT_EQ(d.m.received_protocol(), "ESMTPA");
  d.run("STARTTLS\r\n");
  ASSERT_TRUE(d.tls);
  d.m.tls_started();
  EXPECT_TRUE(d.m.auth_user().empty());
}

TEST(SmtpServerAuth, DsnParametersOnlyWhereAdvertised) {
  Driver d(msa());
  d.greeted();
  d.run("AUTH PLAIN " + std::string(kPlainOk) + "\r\n");
  EXPECT_EQ(
      d.run("MAIL FROM:<alice@example.org> RET=HDRS ENVID=abc+2B1\r\n"
            "RCPT TO:<x@remote.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;x@remote.example\r\n"),
      "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n");
  EXPECT_EQ(d.run("RCPT TO:<y@remote.example> NOTIFY=SOMETIMES\r\n"),
            "501 5.5.4 Syntax: NOTIFY=NEVER or NOTIFY=SUCCESS,FAILURE,DELAY\r\n");

  Driver mx;  // DSN not advertised: RCPT takes no parameter (MAIL keeps RET/ENVID, unused)
  mx.greeted();
  EXPECT_EQ(mx.run("MAIL FROM:<a@b.example> RET=FULL\r\nRCPT TO:<b@c.example> NOTIFY=NEVER\r\n"),
            "250 2.1.0 Ok\r\n555 5.5.4 Unsupported parameter NOTIFY\r\n");
}

}  // namespace
}  // namespace heron::smtp
