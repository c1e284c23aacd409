// The SMTP client machine against scripted peers: the bytes it sends for each reply, and the
// per-recipient results it reports.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "proto/smtp/client_machine.hpp"
#include "proto/smtp/dsn_params.hpp"

namespace heron::smtp {
namespace {

using Event = ClientMachine::Event;

const char* kEhloFull =
    "250-mx.example.net Hello\r\n"
    "250-PIPELINING\r\n"
    "250-SIZE 10240000\r\n"
    "250-8BITMIME\r\n"
    "250-SMTPUTF8\r\n"
    "250-DSN\r\n"
    "250 ENHANCEDSTATUSCODES\r\n";
const char* kEhloPlain = "250-mx.example.net\r\n250 8BITMIME\r\n";

// Drives a ClientMachine from scripted server bytes.
struct Client {
  ClientMachine m;
  std::vector<Event> events;

  explicit Client(ClientPolicy p = policy()) : m(std::move(p)) {}
  static ClientPolicy policy() {
    ClientPolicy p;
    p.helo_name = "heron.example.org";
    return p;
  }
  // Feeds the server's bytes, runs until the machine waits, returns what it sent.
  std::string server(std::string_view bytes) {
    m.feed(bytes);
    return pump();
  }
  std::string pump() {
    while (true) {
      const Event e = m.next();
      events.push_back(e);
      if (e == Event::message_done) continue;
      break;
    }
    return m.take_output();
  }
  Event last() const { return events.back(); }
  bool saw(Event e) const { return std::find(events.begin(), events.end(), e) != events.end(); }
  // Greeting and EHLO, ending ready.
  void open(const char* ehlo = kEhloFull) {
    EXPECT_EQ(server("220 mx.example.net ESMTP\r\n"), "EHLO heron.example.org\r\n");
    EXPECT_EQ(server(ehlo), "");
    EXPECT_EQ(last(), Event::ready);
  }
  std::string send(const ClientMessage& msg) {
    events.clear();
    m.send(msg);
    return pump();
  }
};

ClientMessage message(std::vector<std::string> rcpts, std::string_view body) {
  ClientMessage msg;
  msg.sender = "alice@example.org";
  for (auto& r : rcpts) msg.recipients.push_back(ClientRecipient{r, 0, ""});
  msg.body = body;
  return msg;
}

const std::string kBody = "Subject: hi\r\n\r\nhello\r\n";

TEST(SmtpClient, PipelinedTransactionWithDsnParameters) {
  Client c;
  c.open();
  const Capabilities& caps = c.m.capabilities();
  EXPECT_TRUE(caps.esmtp && caps.pipelining && caps.size && caps.eightbitmime && caps.smtputf8 &&
              caps.dsn && caps.enhanced_status_codes);
  EXPECT_FALSE(caps.chunking || caps.starttls);
  EXPECT_EQ(caps.size_limit, 10240000u);

  const std::string body = "Subject: caf\xc3\xa9\r\n\r\n.leading dot\r\nx\r\n";
  ClientMessage msg = message({"bob@example.net", "carol@example.net"}, body);
  msg.eightbit = true;
  msg.ret = Ret::headers;
  msg.envid = "ENV+1";
  msg.recipients[0].notify = notify::kSuccess | notify::kFailure;
  msg.recipients[0].orcpt = "rfc822;Bob@example.net";
  // One RFC 2920 group: MAIL, every RCPT and DATA in one write.
  EXPECT_EQ(c.send(msg),
            "MAIL FROM:<alice@example.org> SIZE=" + std::to_string(body.size()) +
                " BODY=8BITMIME RET=HDRS ENVID=ENV+2B1\r\n"
                "RCPT TO:<bob@example.net> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Bob@example.net\r\n"
                "RCPT TO:<carol@example.net>\r\n"
                "DATA\r\n");
  EXPECT_EQ(c.last(), Event::need_input);
  // The replies may arrive in pieces.
  EXPECT_EQ(c.server("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550-5.1.1 no such\r\n"), "");
  EXPECT_EQ(c.server("550 5.1.1 user\r\n354 go ahead\r\n"),
            "Subject: caf\xc3\xa9\r\n\r\n..leading dot\r\nx\r\n.\r\n");
  EXPECT_EQ(c.server("250 2.0.0 queued as 7\r\n"), "");
  EXPECT_TRUE(c.saw(Event::message_done));
  EXPECT_EQ(c.last(), Event::ready);
  const MessageResult& r = c.m.result();
  ASSERT_EQ(r.recipients.size(), 2u);
  EXPECT_TRUE(r.recipients[0].delivered());
  EXPECT_EQ(r.recipients[0].reply.code, 250);
  EXPECT_EQ(r.recipients[0].reply.enhanced, "2.0.0");
  EXPECT_EQ(r.recipients[0].reply.text, "queued as 7");
  EXPECT_TRUE(r.recipients[0].from_peer);
  EXPECT_TRUE(r.recipients[1].permanent());
  EXPECT_EQ(r.recipients[1].reply.enhanced, "5.1.1");
  EXPECT_EQ(r.recipients[1].reply.text, "no such\nuser");
  EXPECT_TRUE(r.dsn_passed);
  EXPECT_FALSE(r.tls);
  EXPECT_EQ(c.m.messages_sent(), 1u);

  c.events.clear();
  c.m.quit();
  EXPECT_EQ(c.pump(), "QUIT\r\n");
  EXPECT_EQ(c.server("221 2.0.0 Bye\r\n"), "");
  EXPECT_EQ(c.last(), Event::closed);
  EXPECT_FALSE(c.m.error());
}

TEST(SmtpClient, WithoutPipeliningOneCommandAtATime) {
  Client c;
  c.open(kEhloPlain);
  EXPECT_EQ(c.send(message({"a@example.net", "b@example.net"}, kBody)),
            "MAIL FROM:<alice@example.org>\r\n");
  EXPECT_EQ(c.server("250 ok\r\n"), "RCPT TO:<a@example.net>\r\n");
  EXPECT_EQ(c.server("250 ok\r\n"), "RCPT TO:<b@example.net>\r\n");
  EXPECT_EQ(c.server("450 4.2.0 busy\r\n"), "DATA\r\n");
  EXPECT_EQ(c.server("354 go\r\n"), kBody + ".\r\n");
  EXPECT_EQ(c.server("250 ok\r\n"), "");
  const MessageResult& r = c.m.result();
  EXPECT_TRUE(r.recipients[0].delivered());
  EXPECT_EQ(r.recipients[1].reply.code, 450);
  EXPECT_FALSE(r.recipients[1].permanent());
  EXPECT_FALSE(r.dsn_passed);
}

TEST(SmtpClient, NoDsnParametersWithoutDsn) {
  Client c;
  c.open(kEhloPlain);
  ClientMessage msg = message({"a@example.net"}, kBody);
  msg.ret = Ret::full;
  msg.envid = "X";
  msg.recipients[0].notify = notify::kNever;
  msg.recipients[0].orcpt = "rfc822;a@example.net";
  EXPECT_EQ(c.send(msg), "MAIL FROM:<alice@example.org>\r\n");
  EXPECT_EQ(c.server("250 ok\r\n"), "RCPT TO:<a@example.net>\r\n");
}

TEST(SmtpClient, SecondMessageStartsWithRset) {
  Client c;
  c.open();
  c.send(message({"a@example.net"}, kBody));
  c.server("250 ok\r\n250 ok\r\n354 go\r\n");
  c.server("250 ok\r\n");
  ASSERT_EQ(c.last(), Event::ready);
  EXPECT_EQ(c.send(message({"b@example.net"}, kBody)),
            "RSET\r\nMAIL FROM:<alice@example.org> SIZE=22\r\nRCPT TO:<b@example.net>\r\n"
            "DATA\r\n");
  EXPECT_EQ(c.server("250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n"), kBody + ".\r\n");
  c.server("250 ok\r\n");
  EXPECT_TRUE(c.m.result().recipients[0].delivered());
  EXPECT_EQ(c.m.messages_sent(), 2u);
}

TEST(SmtpClient, AllRecipientsRefusedButDataAcceptedSendsAnEmptyEnd) {
  Client c;
  c.open();
  c.send(message({"a@example.net", "b@example.net"}, kBody));
  // RFC 2920 3.1: a server may answer 354 to DATA even though no RCPT succeeded.
  EXPECT_EQ(c.server("250 ok\r\n550 5.1.1 no\r\n551 5.1.6 moved\r\n354 go\r\n"), ".\r\n");
  EXPECT_EQ(c.server("554 5.5.1 no valid recipients\r\n"), "");
  EXPECT_EQ(c.last(), Event::ready);
  const MessageResult& r = c.m.result();
  EXPECT_EQ(r.recipients[0].reply.code, 550);
  EXPECT_EQ(r.recipients[1].reply.code, 551);
  EXPECT_EQ(r.recipients[1].reply.text, "moved");
}

TEST(SmtpClient, MailRefusedDecidesEveryRecipient) {
  Client c;
  c.open();
  c.send(message({"a@example.net", "b@example.net"}, kBody));
  EXPECT_EQ(c.server("452 4.3.1 out of space\r\n503 5.5.1 need MAIL\r\n503 5.5.1 need MAIL\r\n"
                     "503 5.5.1 need MAIL\r\n"),
            "");
  EXPECT_EQ(c.last(), Event::ready);
  for (const RecipientResult& r : c.m.result().recipients) {
    EXPECT_EQ(r.reply.code, 452);
    EXPECT_EQ(r.reply.enhanced, "4.3.1");
  }
  // Without pipelining nothing more is sent after the refused MAIL.
  Client d;
  d.open(kEhloPlain);
  d.send(message({"a@example.net"}, kBody));
  EXPECT_EQ(d.server("550 5.7.1 go away\r\n"), "");
  EXPECT_EQ(d.last(), Event::ready);
  EXPECT_EQ(d.m.result().recipients[0].reply.code, 550);
}

TEST(SmtpClient, FinalReplyDecidesAcceptedRecipients) {
  Client c;
  c.open();
  c.send(message({"a@example.net", "b@example.net"}, kBody));
  c.server("250 ok\r\n250 ok\r\n550 no\r\n354 go\r\n");
  c.server("451 4.3.0 local error\r\n");
  const MessageResult& r = c.m.result();
  EXPECT_EQ(r.recipients[0].reply.code, 451);
  EXPECT_EQ(r.recipients[1].reply.code, 550);  // refused at RCPT: its own reply stays
}

TEST(SmtpClient, DataRefused) {
  Client c;
  c.open();
  c.send(message({"a@example.net"}, kBody));
  EXPECT_EQ(c.server("250 ok\r\n250 ok\r\n554 5.3.0 no data today\r\n"), "");
  EXPECT_EQ(c.m.result().recipients[0].reply.code, 554);
}

TEST(SmtpClient, ChunkingWithPipelining) {
  ClientPolicy p = Client::policy();
  p.chunk_size = 10;
  Client c(p);
  c.open("250-mx\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 8BITMIME\r\n");
  const std::string body = ".dot\r\nbare\nline and more text\r\n";  // 31 octets, sent raw
  // The RCPT replies come first: no body is sent to a server that took no recipient.
  EXPECT_EQ(c.send(message({"a@example.net"}, body)),
            "MAIL FROM:<alice@example.org>\r\nRCPT TO:<a@example.net>\r\n");
  EXPECT_EQ(c.server("250 ok\r\n250 ok\r\n"),
            "BDAT 10\r\n.dot\r\nbare"
            "BDAT 10\r\n\nline and "
            "BDAT 10\r\nmore text\r"
            "BDAT 1 LAST\r\n\n");
  EXPECT_EQ(c.server("250 2.0.0 10 octets\r\n250 2.0.0 20\r\n250 2.0.0 30\r\n"), "");
  EXPECT_EQ(c.last(), Event::need_input);
  EXPECT_EQ(c.server("250 2.0.0 queued\r\n"), "");
  EXPECT_EQ(c.last(), Event::ready);
  EXPECT_EQ(c.m.result().recipients[0].reply.text, "queued");
}

TEST(SmtpClient, ChunkingWithoutPipeliningWaitsForEachChunk) {
  ClientPolicy p = Client::policy();
  p.chunk_size = 16;
  Client c(p);
  c.open("250-mx\r\n250 CHUNKING\r\n");
  const std::string body(40, 'x');
  EXPECT_EQ(c.send(message({"a@example.net"}, body)), "MAIL FROM:<alice@example.org>\r\n");
  EXPECT_EQ(c.server("250 ok\r\n"), "RCPT TO:<a@example.net>\r\n");
  EXPECT_EQ(c.server("250 ok\r\n"), "BDAT 16\r\n" + std::string(16, 'x'));
  EXPECT_EQ(c.server("250 ok\r\n"), "BDAT 16\r\n" + std::string(16, 'x'));
  EXPECT_EQ(c.server("250 ok\r\n"), "BDAT 8 LAST\r\n" + std::string(8, 'x'));
  EXPECT_EQ(c.server("250 done\r\n"), "");
  EXPECT_TRUE(c.m.result().recipients[0].delivered());
}

TEST(SmtpClient, ChunkFailureStopsTheMessage) {
  ClientPolicy p = Client::policy();
  p.chunk_size = 16;
  Client c(p);
  c.open("250-mx\r\n250 CHUNKING\r\n");
  const std::string body(40, 'x');  // a message's body must outlive the transaction
  c.send(message({"a@example.net"}, body));
  c.server("250 ok\r\n");
  c.server("250 ok\r\n");
  EXPECT_EQ(c.server("552 5.3.4 too big\r\n"), "");  // no further chunk
  EXPECT_EQ(c.last(), Event::ready);
  EXPECT_EQ(c.m.result().recipients[0].reply.code, 552);
  // The next message resets the transaction first.
  EXPECT_EQ(c.send(message({"b@example.net"}, kBody)), "RSET\r\n");
}

TEST(SmtpClient, NoChunksWhenEveryRecipientIsRefused) {
  Client c;
  c.open("250-mx\r\n250-PIPELINING\r\n250 CHUNKING\r\n");
  c.send(message({"a@example.net"}, kBody));
  EXPECT_EQ(c.server("250 ok\r\n550 5.1.1 no\r\n"), "");
  EXPECT_EQ(c.last(), Event::ready);
  EXPECT_EQ(c.m.result().recipients[0].reply.code, 550);
}

TEST(SmtpClient, LocalRefusals) {
  Client c;
  c.open(kEhloPlain);  // no SMTPUTF8, no SIZE
  ClientMessage utf8 = message({"m\xc3\xbcller@example.net"}, kBody);
  utf8.smtputf8 = true;
  EXPECT_EQ(c.send(utf8), "");  // not a byte sent
  EXPECT_TRUE(c.saw(Event::message_done));
  EXPECT_EQ(c.last(), Event::ready);
  const RecipientResult& r = c.m.result().recipients[0];
  EXPECT_EQ(r.reply.code, 553);
  EXPECT_EQ(r.reply.enhanced, "5.6.7");
  EXPECT_FALSE(r.from_peer);

  Client d;
  d.open("250-mx\r\n250 SIZE 10\r\n");
  ClientMessage eight = message({"a@example.net"}, "caf\xc3\xa9\r\n");
  eight.eightbit = true;
  EXPECT_EQ(d.send(eight), "");
  EXPECT_EQ(d.m.result().recipients[0].reply.enhanced, "5.6.3");  // no 8BITMIME
  const std::string eleven(11, 'x');
  EXPECT_EQ(d.send(message({"a@example.net"}, eleven)), "");
  EXPECT_EQ(d.m.result().recipients[0].reply.code, 552);
  EXPECT_EQ(d.m.result().recipients[0].reply.enhanced, "5.3.4");
  // A refused message leaves the connection as it was: no RSET needed for the next one.
  EXPECT_EQ(d.send(message({"a@example.net"}, "x\r\n")),
            "MAIL FROM:<alice@example.org> SIZE=3\r\n");
}

TEST(SmtpClient, Smtputf8WhenOffered) {
  Client c;
  c.open();
  ClientMessage utf8 = message({"m\xc3\xbcller@example.net"}, kBody);
  utf8.smtputf8 = true;
  EXPECT_EQ(c.send(utf8),
            "MAIL FROM:<alice@example.org> SIZE=22 SMTPUTF8\r\n"
            "RCPT TO:<m\xc3\xbcller@example.net>\r\nDATA\r\n");
}

TEST(SmtpClient, HeloFallback) {
  Client c;
  EXPECT_EQ(c.server("220 old.example.net\r\n"), "EHLO heron.example.org\r\n");
  EXPECT_EQ(c.server("502 5.5.2 what?\r\n"), "HELO heron.example.org\r\n");
  EXPECT_EQ(c.server("250 old.example.net\r\n"), "");
  EXPECT_EQ(c.last(), Event::ready);
  EXPECT_FALSE(c.m.capabilities().esmtp);
  EXPECT_EQ(c.send(message({"a@example.net"}, kBody)), "MAIL FROM:<alice@example.org>\r\n");
}

TEST(SmtpClient, StartTlsWheneverOffered) {
  ClientPolicy p = Client::policy();
  p.tls_available = true;
  Client c(p);
  c.server("220 mx\r\n");
  EXPECT_EQ(c.server("250-mx\r\n250-STARTTLS\r\n250 PIPELINING\r\n"), "STARTTLS\r\n");
  // Bytes after the 220 arrive before the handshake: an injection, thrown away.
  EXPECT_EQ(c.server("220 2.0.0 go ahead\r\n250-injected\r\n250 CHUNKING\r\n"), "");
  EXPECT_EQ(c.last(), Event::start_tls);
  c.events.clear();
  c.m.tls_started();
  EXPECT_EQ(c.pump(), "EHLO heron.example.org\r\n");
  EXPECT_EQ(c.last(), Event::need_input);  // the injected lines were not taken as the reply
  EXPECT_FALSE(c.m.capabilities().chunking);
  EXPECT_EQ(c.server("250-mx\r\n250 DSN\r\n"), "");
  EXPECT_EQ(c.last(), Event::ready);
  EXPECT_TRUE(c.m.tls_active());
  EXPECT_TRUE(c.m.capabilities().dsn);
  EXPECT_FALSE(c.m.capabilities().pipelining);  // plaintext capabilities are forgotten
  c.send(message({"a@example.net"}, kBody));
  c.server("250 ok\r\n");
  c.server("250 ok\r\n");
  c.server("354 go\r\n");
  c.server("250 ok\r\n");
  EXPECT_TRUE(c.m.result().tls);
}

TEST(SmtpClient, StartTlsRefusedOrFailed) {
  ClientPolicy p = Client::policy();
  p.tls_available = true;
  Client c(p);
  c.server("220 mx\r\n");
  c.server("250-mx\r\n250 STARTTLS\r\n");
  EXPECT_EQ(c.server("454 4.7.0 TLS not available\r\n"), "");
  EXPECT_EQ(c.last(), Event::ready);  // opportunistic: carry on in plaintext
  EXPECT_FALSE(c.m.tls_active());

  Client d(p);
  d.server("220 mx\r\n");
  d.server("250-mx\r\n250 STARTTLS\r\n");
  d.server("220 go\r\n");
  d.m.tls_failed("certificate verify failed");
  d.events.clear();
  EXPECT_EQ(d.pump(), "");
  EXPECT_EQ(d.last(), Event::closed);
  ASSERT_TRUE(d.m.error());
  EXPECT_EQ(d.m.error()->stage, "tls");
  EXPECT_FALSE(d.m.error()->from_peer);
}

TEST(SmtpClient, RequireTls) {
  ClientPolicy p = Client::policy();
  p.tls_available = true;
  p.require_tls = true;
  Client c(p);
  c.server("220 mx\r\n");
  EXPECT_EQ(c.server("250 mx\r\n"), "QUIT\r\n");  // no STARTTLS offered
  ASSERT_TRUE(c.m.error());
  EXPECT_EQ(c.m.error()->reply.enhanced, "5.7.10");
  EXPECT_EQ(c.server("221 bye\r\n"), "");
  EXPECT_EQ(c.last(), Event::closed);

  Client d(p);
  d.server("220 mx\r\n");
  d.server("250-mx\r\n250 STARTTLS\r\n");
  EXPECT_EQ(d.server("454 4.7.0 no TLS\r\n"), "QUIT\r\n");
  EXPECT_EQ(d.m.error()->reply.code, 454);
}

TEST(SmtpClient, GreetingRefused) {
  Client c;
  EXPECT_EQ(c.server("554 5.7.1 no service for you\r\n"), "QUIT\r\n");
  EXPECT_EQ(c.server("221 bye\r\n"), "");
  EXPECT_EQ(c.last(), Event::closed);
  ASSERT_TRUE(c.m.error());
  EXPECT_EQ(c.m.error()->reply.code, 554);
  EXPECT_EQ(c.m.error()->stage, "greeting");
  EXPECT_TRUE(c.m.error()->from_peer);

  Client d;
  EXPECT_EQ(d.server("421 4.3.2 too busy\r\n"), "");  // 421: closing, no QUIT
  EXPECT_EQ(d.last(), Event::closed);
  EXPECT_EQ(d.m.error()->reply.code, 421);
}

TEST(SmtpClient, ServerClosingMidTransaction) {
  Client c;
  c.open();
  c.send(message({"a@example.net", "b@example.net"}, kBody));
  EXPECT_EQ(c.server("250 ok\r\n550 5.1.1 no\r\n421 4.4.2 timeout\r\n"), "");
  EXPECT_TRUE(c.saw(Event::message_done));
  EXPECT_EQ(c.last(), Event::closed);
  const MessageResult& r = c.m.result();
  EXPECT_EQ(r.recipients[0].reply.code, 550);  // already decided
  EXPECT_EQ(r.recipients[1].reply.code, 421);
  EXPECT_TRUE(r.recipients[1].from_peer);
  EXPECT_EQ(c.m.error()->reply.code, 421);
}

TEST(SmtpClient, ConnectionLostAfterTheDot) {
  Client c;
  c.open();
  c.send(message({"a@example.net"}, kBody));
  c.server("250 ok\r\n250 ok\r\n354 go\r\n");
  c.events.clear();
  c.m.eof();
  EXPECT_EQ(c.pump(), "");
  EXPECT_TRUE(c.saw(Event::message_done));
  EXPECT_EQ(c.last(), Event::closed);
  const RecipientResult& r = c.m.result().recipients[0];
  EXPECT_EQ(r.reply.code, 421);
  EXPECT_EQ(r.reply.enhanced, "4.4.2");
  EXPECT_FALSE(r.from_peer);
  EXPECT_FALSE(r.permanent());
}

TEST(SmtpClient, MalformedRepliesEndTheSession) {
  for (std::string bad :
       std::vector<std::string>{"hello\r\n", "2500 x\r\n", "250x\r\n", "650 x\r\n",
                                "250-a\r\n251 b\r\n", std::string(5000, '2')}) {
    Client c;
    c.open();
    c.send(message({"a@example.net"}, kBody));
    EXPECT_EQ(c.server(bad), "") << bad;
    EXPECT_EQ(c.last(), Event::closed) << bad;
    EXPECT_EQ(c.m.result().recipients[0].reply.enhanced, "4.5.0") << bad;
    ASSERT_TRUE(c.m.error());
    EXPECT_FALSE(c.m.error()->from_peer);
  }
  // Too many lines in one reply.
  Client c;
  std::string many;
  for (int i = 0; i < 300; ++i) many += "250-x\r\n";
  c.server("220 mx\r\n");
  EXPECT_EQ(c.server(many), "");
  EXPECT_EQ(c.last(), Event::closed);
}

TEST(SmtpClient, RepliesWithBareLfAndCodeOnlyLines) {
  Client c;
  EXPECT_EQ(c.server("220\n"), "EHLO heron.example.org\r\n");
  EXPECT_EQ(c.server("250-mx\n250 PIPELINING\n"), "");
  EXPECT_EQ(c.last(), Event::ready);
  EXPECT_TRUE(c.m.capabilities().pipelining);
}

TEST(SmtpClient, DotStuffingAndLineEnds) {
  Client c;
  c.open();
  const std::string body = ".\r\n..\r\nline\rbare cr\nbare lf\r\n.end";
  c.send(message({"a@example.net"}, body));
  EXPECT_EQ(c.server("250 ok\r\n250 ok\r\n354 go\r\n"),
            "..\r\n...\r\nline\r\nbare cr\r\nbare lf\r\n..end\r\n.\r\n");
}

TEST(SmtpClient, CommandsCannotBeSplitByStrayLineBreaks) {
  Client c;
  c.open();
  ClientMessage msg = message({"a@example.net>\r\nRSET\r\nRCPT TO:<evil@example.net"}, kBody);
  const std::string out = c.send(msg);
  EXPECT_EQ(out.find("\r\nRSET"), std::string::npos) << out;
  EXPECT_NE(out.find("RCPT TO:<a@example.net>RSETRCPT TO:<evil@example.net>\r\n"),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace heron::smtp
