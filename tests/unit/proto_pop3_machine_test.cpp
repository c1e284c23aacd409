// The sans-I/O POP3 session: every command in each state, with the driver's answers played
// by a small fake. Assertions are on the exact bytes a client would read.

#include <gtest/gtest.h>

#include <map>

#include "base/base64.hpp"
#include "proto/pop3/machine.hpp"

namespace heron::pop3 {
namespace {

using Event = Machine::Event;

// Plays the driver: a user "bob" with password "pw" and a maildrop of three messages.
struct Driver {
  explicit Driver(Policy policy = tls_policy()) : m(std::move(policy)) {}

  static Policy tls_policy() {
    Policy p;
    p.hostname = "pop.example.test";
    p.tls_active = true;
    p.max_errors = 5;
    return p;
  }

  // Feeds input, answers events until the machine needs input or closes; returns output.
  std::string send(std::string_view input) {
    m.feed(input);
    std::string out;
    while (true) {
      const Event e = m.next();
      out += m.take_output();
      if (e == Event::need_input) break;
      if (e == Event::close) {
        closed = true;
        break;
      }
      if (e == Event::authenticate) {
        ++logins;
        last = m.credentials();
        if (in_use) {
          m.login_refused("IN-USE", "Maildrop is locked");
        } else if (m.credentials().user == "bob" && m.credentials().password == "pw") {
          m.login_accepted(maildrop);
        } else {
          m.login_refused("AUTH", "Authentication failed");
        }
      } else if (e == Event::retrieve) {
        if (fail_read) {
          m.retrieve_failed();
        } else {
          m.answer_retrieve(bodies.at(m.pending_message().uid));
        }
      } else if (e == Event::update) {
        removed = m.deleted_uids();
        m.update_done(!fail_update);
      } else if (e == Event::start_tls) {
        out += m.take_output();
        ++handshakes;
        m.tls_started();
      }
    }
    return out;
  }

  std::string login() { return send("USER bob\r\nPASS pw\r\n"); }

  Machine m;
  std::vector<MaildropEntry> maildrop{{10, 24, "7-10"}, {11, 9, "7-11"}, {14, 30, "7-14"}};
  std::map<uint32_t, std::string> bodies{{10, "Subject: one\r\n\r\nHello\r\n"},
                                         {11, "A: b\r\n\r\n.\r\n"},
                                         {14, "Subject: three\r\n\r\nl1\r\nl2\r\nl3\r\n"}};
  Credentials last;
  std::vector<uint32_t> removed;
  int logins = 0;
  int handshakes = 0;
  bool in_use = false;
  bool fail_read = false;
  bool fail_update = false;
  bool closed = false;
};

TEST(Pop3Machine, Greeting) {
  Driver d;
  EXPECT_EQ(d.send(""), "+OK POP3 server ready\r\n");
}

TEST(Pop3Machine, UserPassLogin) {
  Driver d;
  d.send("");
  EXPECT_EQ(d.send("USER bob\r\n"), "+OK Send PASS\r\n");
  EXPECT_EQ(d.send("PASS pw\r\n"), "+OK Logged in, maildrop has 3 messages (63 octets)\r\n");
  EXPECT_EQ(d.m.state(), State::transaction);
  EXPECT_EQ(d.last.mechanism, "USER");
  EXPECT_EQ(d.last.user, "bob");
  EXPECT_EQ(d.m.credentials().password, "");  // not kept after the answer
}

TEST(Pop3Machine, WrongPasswordAndStartAgain) {
  Driver d;
  d.send("");
  EXPECT_EQ(d.send("USER bob\r\nPASS nope\r\n"),
            "+OK Send PASS\r\n-ERR [AUTH] Authentication failed\r\n");
  EXPECT_EQ(d.m.state(), State::authorization);
  // RFC 1939 7: the USER is forgotten after a failed PASS.
  EXPECT_EQ(d.send("PASS pw\r\n"), "-ERR Send USER first\r\n");
  EXPECT_EQ(d.send("PASS\r\n"), "-ERR Send USER first\r\n");
  EXPECT_EQ(d.send("USER bob\r\nPASS pw\r\n"),
            "+OK Send PASS\r\n+OK Logged in, maildrop has 3 messages (63 octets)\r\n");
  EXPECT_EQ(d.logins, 2);
}

TEST(Pop3Machine, InUse) {
  Driver d;
  d.in_use = true;
  d.send("");
  EXPECT_EQ(d.login(), "+OK Send PASS\r\n-ERR [IN-USE] Maildrop is locked\r\n");
  EXPECT_EQ(d.m.state(), State::authorization);
}

TEST(Pop3Machine, PasswordWithSpaces) {
  Driver d;
  d.send("USER bob\r\n");
  d.send("PASS my secret \r\n");
  EXPECT_EQ(d.last.password, "my secret ");
}

TEST(Pop3Machine, AuthPlainInitialResponse) {
  Driver d;
  d.send("");
  const std::string ir = base64::encode(std::string("\0bob\0pw", 7));
  EXPECT_EQ(d.send("AUTH PLAIN " + ir + "\r\n"),
            "+OK Logged in, maildrop has 3 messages (63 octets)\r\n");
  EXPECT_EQ(d.last.mechanism, "PLAIN");
  EXPECT_EQ(d.last.user, "bob");
}

TEST(Pop3Machine, AuthPlainContinuation) {
  Driver d;
  d.send("");
  EXPECT_EQ(d.send("auth plain\r\n"), "+ \r\n");
  const std::string r = base64::encode(std::string("bob\0bob\0pw", 10));
  EXPECT_EQ(d.send(r + "\r\n"), "+OK Logged in, maildrop has 3 messages (63 octets)\r\n");
}

TEST(Pop3Machine, AuthPlainCancelAndGarbage) {
  Driver d;
  d.send("");
  EXPECT_EQ(d.send("AUTH PLAIN\r\n*\r\n"), "+ \r\n-ERR Authentication cancelled\r\n");
  EXPECT_EQ(d.send("AUTH PLAIN\r\n!!!\r\n"),
            "+ \r\n-ERR Invalid base64 in the authentication response\r\n");
  EXPECT_EQ(d.send("AUTH PLAIN =\r\n"), "-ERR Malformed PLAIN response\r\n");
  const std::string other = base64::encode(std::string("alice\0bob\0pw", 12));
  EXPECT_EQ(d.send("AUTH PLAIN " + other + "\r\n"),
            "-ERR [AUTH] Authorization identity must be empty or the login name\r\n");
  EXPECT_EQ(d.send("AUTH CRAM-MD5\r\n"), "-ERR Unsupported authentication mechanism\r\n");
  EXPECT_EQ(d.logins, 0);
  EXPECT_EQ(d.m.state(), State::authorization);
}

TEST(Pop3Machine, AuthWithoutMechanismLists) {
  Driver d;
  d.send("");
  EXPECT_EQ(d.send("AUTH\r\n"), "+OK\r\nPLAIN\r\n.\r\n");
}

TEST(Pop3Machine, CapaBeforeAndAfterLogin) {
  Driver d;
  d.send("");
  EXPECT_EQ(d.send("CAPA\r\n"),
            "+OK Capability list follows\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n"
            "PIPELINING\r\nUSER\r\nSASL PLAIN\r\nUTF8 USER\r\nIMPLEMENTATION Heron\r\n.\r\n");
  d.login();
  EXPECT_EQ(d.send("CAPA\r\n"),
            "+OK Capability list follows\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n"
            "PIPELINING\r\nIMPLEMENTATION Heron\r\n.\r\n");
}

Policy plain_policy(bool stls, bool plaintext) {
  Policy p;
  p.stls = stls;
  p.plaintext_login = plaintext;
  return p;
}

TEST(Pop3Machine, PlaintextRefusedBeforeTls) {
  Driver d(plain_policy(true, false));
  d.send("");
  const std::string refused =
      "-ERR [AUTH] Plaintext authentication is not allowed without TLS: use STLS\r\n";
  EXPECT_EQ(d.send("USER bob\r\n"), refused);
  EXPECT_EQ(d.send("PASS pw\r\n"), refused);
  EXPECT_EQ(d.send("AUTH PLAIN AGJvYgBwdw==\r\n"), refused);
  EXPECT_EQ(d.send("AUTH\r\n"), "+OK\r\n.\r\n");
  EXPECT_EQ(d.logins, 0);
  // CAPA offers no login method, but STLS.
  EXPECT_EQ(d.send("CAPA\r\n"),
            "+OK Capability list follows\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n"
            "PIPELINING\r\nSTLS\r\nUTF8 USER\r\nIMPLEMENTATION Heron\r\n.\r\n");
}

TEST(Pop3Machine, PlaintextAllowedWhenTheDriverSaysSo) {
  Driver d(plain_policy(false, true));
  d.send("");
  EXPECT_EQ(d.login(), "+OK Send PASS\r\n+OK Logged in, maildrop has 3 messages (63 octets)\r\n");
}

TEST(Pop3Machine, StlsThenLogin) {
  Driver d(plain_policy(true, false));
  d.send("");
  EXPECT_EQ(d.send("STLS\r\n"), "+OK Begin TLS negotiation\r\n");
  EXPECT_EQ(d.handshakes, 1);
  EXPECT_TRUE(d.m.policy().tls_active);
  EXPECT_EQ(d.send("STLS\r\n"), "-ERR Already in TLS\r\n");
  EXPECT_EQ(d.login(), "+OK Send PASS\r\n+OK Logged in, maildrop has 3 messages (63 octets)\r\n");
}

TEST(Pop3Machine, StlsDropsPipelinedPlaintext) {
  Driver d(plain_policy(true, false));
  d.send("");
  // Bytes sent after STLS in the same packet must not be run after the handshake.
  EXPECT_EQ(d.send("STLS\r\nUSER bob\r\nPASS pw\r\n"), "+OK Begin TLS negotiation\r\n");
  EXPECT_EQ(d.logins, 0);
  EXPECT_EQ(d.send("PASS pw\r\n"), "-ERR Send USER first\r\n");
}

TEST(Pop3Machine, StlsUnavailable) {
  Driver d(plain_policy(false, false));
  d.send("");
  EXPECT_EQ(d.send("STLS\r\n"), "-ERR STLS is not available\r\n");
}

TEST(Pop3Machine, Utf8) {
  Driver d;
  d.send("");
  EXPECT_EQ(d.send("UTF8\r\n"), "+OK UTF8 enabled\r\n");
  EXPECT_TRUE(d.m.utf8());
  d.login();
  EXPECT_EQ(d.send("UTF8\r\n"), "-ERR Command not valid after login\r\n");
}

TEST(Pop3Machine, TransactionCommandsBeforeLogin) {
  Policy p = Driver::tls_policy();
  p.max_errors = 10;
  Driver d(p);
  d.send("");
  for (const char* c : {"STAT\r\n", "LIST\r\n", "RETR 1\r\n", "DELE 1\r\n", "NOOP\r\n"}) {
    EXPECT_EQ(d.send(c), "-ERR Command not valid before login\r\n") << c;
  }
  EXPECT_EQ(d.send("APOP bob 0123\r\n"), "-ERR APOP is not supported\r\n");
}

TEST(Pop3Machine, AuthorizationCommandsAfterLogin) {
  Driver d;
  d.login();
  EXPECT_EQ(d.send("USER bob\r\n"), "-ERR Command not valid after login\r\n");
  EXPECT_EQ(d.send("PASS pw\r\n"), "-ERR Command not valid after login\r\n");
  EXPECT_EQ(d.send("AUTH PLAIN\r\n"), "-ERR Command not valid after login\r\n");
  EXPECT_EQ(d.send("STLS\r\n"), "-ERR Command not valid after login\r\n");
}

TEST(Pop3Machine, StatListUidl) {
  Driver d;
  d.login();
  EXPECT_EQ(d.send("STAT\r\n"), "+OK 3 63\r\n");
  EXPECT_EQ(d.send("LIST\r\n"), "+OK Scan listing follows\r\n1 24\r\n2 9\r\n3 30\r\n.\r\n");
  EXPECT_EQ(d.send("LIST 2\r\n"), "+OK 2 9\r\n");
  EXPECT_EQ(d.send("LIST 4\r\n"), "-ERR No such message\r\n");
  EXPECT_EQ(d.send("LIST 0\r\n"), "-ERR Invalid message number\r\n");
  EXPECT_EQ(d.send("UIDL\r\n"),
            "+OK Unique-ID listing follows\r\n1 7-10\r\n2 7-11\r\n3 7-14\r\n.\r\n");
  EXPECT_EQ(d.send("UIDL 3\r\n"), "+OK 3 7-14\r\n");
  EXPECT_EQ(d.send("NOOP\r\n"), "+OK\r\n");
}

TEST(Pop3Machine, RetrAndTop) {
  Driver d;
  d.login();
  EXPECT_EQ(d.send("RETR 1\r\n"), "+OK 24 octets\r\nSubject: one\r\n\r\nHello\r\n.\r\n");
  EXPECT_EQ(d.send("RETR 2\r\n"), "+OK 9 octets\r\nA: b\r\n\r\n..\r\n.\r\n");  // stuffed
  EXPECT_EQ(d.send("TOP 3 1\r\n"), "+OK 30 octets\r\nSubject: three\r\n\r\nl1\r\n.\r\n");
  EXPECT_EQ(d.send("TOP 3 0\r\n"), "+OK 30 octets\r\nSubject: three\r\n\r\n.\r\n");
  EXPECT_EQ(d.send("TOP 3\r\n"), "-ERR TOP needs a message number and a line count\r\n");
  EXPECT_EQ(d.send("TOP 3 -1\r\n"), "-ERR Invalid line count\r\n");
  EXPECT_EQ(d.send("RETR\r\n"), "-ERR RETR needs a message number\r\n");
}

TEST(Pop3Machine, RetrReadFailure) {
  Driver d;
  d.login();
  d.fail_read = true;
  EXPECT_EQ(d.send("RETR 1\r\n"),
            "-ERR [SYS/TEMP] Cannot read the message now, try again later\r\n");
  EXPECT_EQ(d.m.state(), State::transaction);
}

TEST(Pop3Machine, DeleRsetAndDeletedMessagesVanish) {
  Driver d;
  d.login();
  EXPECT_EQ(d.send("DELE 2\r\n"), "+OK Message 2 deleted\r\n");
  EXPECT_EQ(d.send("DELE 2\r\n"), "-ERR Message 2 already deleted\r\n");
  EXPECT_EQ(d.send("DELE 9\r\n"), "-ERR No such message\r\n");
  EXPECT_EQ(d.send("STAT\r\n"), "+OK 2 54\r\n");
  EXPECT_EQ(d.send("LIST\r\n"), "+OK Scan listing follows\r\n1 24\r\n3 30\r\n.\r\n");
  EXPECT_EQ(d.send("UIDL\r\n"), "+OK Unique-ID listing follows\r\n1 7-10\r\n3 7-14\r\n.\r\n");
  EXPECT_EQ(d.send("RETR 2\r\n"), "-ERR No such message\r\n");
  EXPECT_EQ(d.send("LIST 2\r\n"), "-ERR No such message\r\n");
  EXPECT_EQ(d.send("RSET\r\n"), "+OK maildrop has 3 messages (63 octets)\r\n");
  EXPECT_EQ(d.send("STAT\r\n"), "+OK 3 63\r\n");
}

TEST(Pop3Machine, QuitInTransactionUpdates) {
  Driver d;
  d.login();
  d.send("DELE 3\r\nDELE 1\r\n");
  EXPECT_EQ(d.send("QUIT\r\n"), "+OK Logging out\r\n");
  EXPECT_EQ(d.removed, (std::vector<uint32_t>{10, 14}));
  EXPECT_TRUE(d.closed);
  EXPECT_EQ(d.m.state(), State::closed);
}

TEST(Pop3Machine, QuitWithFailedUpdate) {
  Driver d;
  d.login();
  d.send("DELE 1\r\n");
  d.fail_update = true;
  EXPECT_EQ(d.send("QUIT\r\n"), "-ERR [SYS/TEMP] Some deleted messages were not removed\r\n");
  EXPECT_TRUE(d.closed);
}

TEST(Pop3Machine, QuitBeforeLoginRemovesNothing) {
  Driver d;
  d.send("");
  EXPECT_EQ(d.send("QUIT\r\n"), "+OK Bye\r\n");
  EXPECT_TRUE(d.closed);
  EXPECT_TRUE(d.removed.empty());
}

TEST(Pop3Machine, TimeoutClosesSilentlyWithoutUpdate) {
  Driver d;
  d.login();
  d.send("DELE 1\r\n");
  d.m.timed_out();
  EXPECT_EQ(d.m.next(), Event::close);
  EXPECT_EQ(d.m.take_output(), "");
  EXPECT_TRUE(d.removed.empty());
}

TEST(Pop3Machine, PipelinedCommandsAnsweredInOrder) {
  Driver d;
  d.send("");
  EXPECT_EQ(d.send("USER bob\r\nPASS pw\r\nSTAT\r\nDELE 1\r\nLIST\r\nQUIT\r\n"),
            "+OK Send PASS\r\n+OK Logged in, maildrop has 3 messages (63 octets)\r\n"
            "+OK 3 63\r\n+OK Message 1 deleted\r\n+OK Scan listing follows\r\n2 9\r\n3 30\r\n"
            ".\r\n+OK Logging out\r\n");
  EXPECT_EQ(d.removed, std::vector<uint32_t>{10});
}

TEST(Pop3Machine, InputSplitAnywhere) {
  Driver d;
  d.send("");
  const std::string script = "USER bob\r\nPASS pw\r\nLIST 1\r\nQUIT\r\n";
  std::string out;
  for (char c : script) out += d.send(std::string(1, c));
  EXPECT_EQ(out,
            "+OK Send PASS\r\n+OK Logged in, maildrop has 3 messages (63 octets)\r\n"
            "+OK 1 24\r\n+OK Logging out\r\n");
}

TEST(Pop3Machine, BareLfCommandsAccepted) {
  Driver d;
  d.send("");
  EXPECT_EQ(d.send("CAPA\n").substr(0, 4), "+OK ");
  EXPECT_EQ(d.send("user bob\npass pw\n"),
            "+OK Send PASS\r\n+OK Logged in, maildrop has 3 messages (63 octets)\r\n");
}

TEST(Pop3Machine, LongLinesAreRefusedAndSkipped) {
  Driver d;
  d.send("");
  EXPECT_EQ(d.send("USER " + std::string(600, 'a') + "\r\nNOOP\r\n"),
            "-ERR Line too long\r\n-ERR Command not valid before login\r\n");
  // Arriving in pieces, with no LF for a while: the buffer does not grow past the limit.
  EXPECT_EQ(d.send("USER " + std::string(400, 'a')), "");
  EXPECT_EQ(d.send(std::string(400, 'a')), "");
  EXPECT_EQ(d.send(std::string(400, 'a') + "\r\nQUIT\r\n"), "-ERR Line too long\r\n+OK Bye\r\n");
}

TEST(Pop3Machine, ErrorLimitCloses) {
  Driver d;  // max_errors 5
  d.send("");
  std::string out = d.send("A\r\nB\r\nC\r\nD\r\nE\r\nNOOP\r\n");
  EXPECT_EQ(out,
            "-ERR Unknown command\r\n-ERR Unknown command\r\n-ERR Unknown command\r\n"
            "-ERR Unknown command\r\n-ERR Unknown command\r\n"
            "-ERR Too many errors, closing connection\r\n");
  EXPECT_TRUE(d.closed);
}

TEST(Pop3Machine, ErrorLimitInTransactionRemovesNothing) {
  Driver d;
  d.login();
  d.send("DELE 1\r\n");
  d.send("X\r\nX\r\nX\r\nX\r\nX\r\n");
  EXPECT_TRUE(d.closed);
  EXPECT_TRUE(d.removed.empty());
}

TEST(Pop3Machine, UnansweredEventIsRepeated) {
  Machine m(Driver::tls_policy());
  m.feed("USER bob\r\nPASS pw\r\nSTAT\r\n");
  EXPECT_EQ(m.next(), Event::authenticate);
  EXPECT_EQ(m.next(), Event::authenticate);
  m.answer_retrieve("ignored");  // not the pending event: ignored
  m.update_done(true);
  EXPECT_EQ(m.next(), Event::authenticate);
  m.login_accepted({});
  EXPECT_EQ(m.next(), Event::need_input);
  EXPECT_EQ(m.take_output(),
            "+OK POP3 server ready\r\n+OK Send PASS\r\n+OK Logged in, maildrop has 0 messages "
            "(0 octets)\r\n+OK 0 0\r\n");
}

TEST(Pop3Machine, EmptyMaildropQuit) {
  Driver d;
  d.maildrop.clear();
  d.login();
  EXPECT_EQ(d.send("LIST\r\nQUIT\r\n"), "+OK Scan listing follows\r\n.\r\n+OK Logging out\r\n");
  EXPECT_TRUE(d.removed.empty());
}

}  // namespace
}  // namespace heron::pop3
