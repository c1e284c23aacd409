// The SMTP client machine's AUTH (RFC 4954) for smarthost relaying: PLAIN with an initial
// response, LOGIN when PLAIN is not offered, never without TLS, refusals end the session.

#include <gtest/gtest.h>

#include <string>

#include "base/base64.hpp"
#include "proto/smtp/client_machine.hpp"

namespace heron::smtp {
namespace {

using Event = ClientMachine::Event;

struct Client {
  ClientMachine m;
  Event last = Event::need_input;
  explicit Client(ClientPolicy p) : m(std::move(p)) {}
  std::string server(std::string_view bytes) {
    m.feed(bytes);
    last = m.next();
    return m.take_output();
  }
  // Greeting, EHLO, STARTTLS and the handshake, then the EHLO after TLS.
  std::string through_tls(std::string_view ehlo_after_tls) {
    server("220 relay\r\n");
    EXPECT_EQ(server("250-relay\r\n250 STARTTLS\r\n"), "STARTTLS\r\n");
    server("220 go\r\n");
    EXPECT_EQ(last, Event::start_tls);
    m.tls_started();
    last = m.next();
    EXPECT_EQ(m.take_output(), "EHLO heron.example.org\r\n");
    return server(ehlo_after_tls);
  }
};

ClientPolicy relay_policy() {
  ClientPolicy p;
  p.helo_name = "heron.example.org";
  p.tls_available = true;
  p.require_tls = true;
  p.auth_username = "relayuser";
  p.auth_password = "s3cret";
  return p;
}

TEST(SmtpClientAuth, PlainWithInitialResponseAfterTls) {
  Client c(relay_policy());
  const std::string sent = c.through_tls("250-relay\r\n250-AUTH LOGIN PLAIN\r\n250 8BITMIME\r\n");
  EXPECT_EQ(sent, "AUTH PLAIN " + base64::encode(std::string("\0relayuser\0s3cret", 17)) + "\r\n");
  EXPECT_EQ(c.last, Event::need_input);
  EXPECT_TRUE(c.m.capabilities().auth_plain);
  EXPECT_TRUE(c.m.capabilities().auth_login);
  EXPECT_EQ(c.server("235 2.7.0 Authentication successful\r\n"), "");
  EXPECT_EQ(c.last, Event::ready);
  EXPECT_TRUE(c.m.authenticated());
}

TEST(SmtpClientAuth, LoginWhenPlainIsNotOffered) {
  Client c(relay_policy());
  EXPECT_EQ(c.through_tls("250-relay\r\n250 AUTH=LOGIN\r\n"), "AUTH LOGIN\r\n");
  EXPECT_EQ(c.server("334 VXNlcm5hbWU6\r\n"), base64::encode("relayuser") + "\r\n");
  EXPECT_EQ(c.server("334 UGFzc3dvcmQ6\r\n"), base64::encode("s3cret") + "\r\n");
  EXPECT_EQ(c.server("235 2.7.0 ok\r\n"), "");
  EXPECT_EQ(c.last, Event::ready);
}

TEST(SmtpClientAuth, RefusedCredentialsEndTheSession) {
  Client c(relay_policy());
  c.through_tls("250-relay\r\n250 AUTH PLAIN\r\n");
  EXPECT_EQ(c.server("535 5.7.8 Authentication credentials invalid\r\n"), "QUIT\r\n");
  ASSERT_TRUE(c.m.error());
  EXPECT_EQ(c.m.error()->stage, "auth");
  EXPECT_EQ(c.m.error()->reply.code, 535);
  EXPECT_TRUE(c.m.error()->from_peer);
  EXPECT_FALSE(c.m.authenticated());
}

TEST(SmtpClientAuth, NoUsableMechanism) {
  Client c(relay_policy());
  EXPECT_EQ(c.through_tls("250-relay\r\n250 AUTH CRAM-MD5 SCRAM-SHA-256\r\n"), "QUIT\r\n");
  ASSERT_TRUE(c.m.error());
  EXPECT_EQ(c.m.error()->stage, "auth");
  EXPECT_FALSE(c.m.error()->from_peer);
}

TEST(SmtpClientAuth, NeverWithoutTls) {
  ClientPolicy p = relay_policy();
  p.require_tls = false;  // even when TLS is not required, the password needs it
  p.tls_available = false;
  Client c(p);
  c.server("220 relay\r\n");
  EXPECT_EQ(c.server("250-relay\r\n250 AUTH PLAIN LOGIN\r\n"), "QUIT\r\n");
  ASSERT_TRUE(c.m.error());
  EXPECT_EQ(c.m.error()->stage, "auth");
  EXPECT_EQ(c.m.error()->reply.enhanced, "5.7.0");
}

TEST(SmtpClientAuth, ServerAskingForMoreIsCancelled) {
  Client c(relay_policy());
  c.through_tls("250-relay\r\n250 AUTH PLAIN\r\n");
  EXPECT_EQ(c.server("334 \r\n"), "*\r\n");
  EXPECT_EQ(c.server("501 5.7.0 cancelled\r\n"), "QUIT\r\n");
  EXPECT_EQ(c.m.error()->stage, "auth");
}

TEST(SmtpClientAuth, NoAuthWithoutCredentials) {
  ClientPolicy p = relay_policy();
  p.auth_username.clear();
  Client c(p);
  EXPECT_EQ(c.through_tls("250-relay\r\n250 AUTH PLAIN\r\n"), "");
  EXPECT_EQ(c.last, Event::ready);
}

}  // namespace
}  // namespace heron::smtp
