// The SMTP client machine against Heron's own server machine, in memory: whatever the client
// chooses (PIPELINING or not, DATA or BDAT, STARTTLS), the server receives the body byte
// for byte and the client reports every recipient delivered.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proto/smtp/client_machine.hpp"
#include "support/smtp_server_driver.hpp"

namespace heron::smtp {
namespace {

using Event = ClientMachine::Event;

// Runs a client against a server until the client is closed; sends `bodies` one after the
// other on the same connection, then QUIT.
struct Link {
  ClientMachine client;
  test_support::Driver server;
  std::vector<MessageResult> results;
  size_t tls_handshakes = 0;

  Link(ClientPolicy cp, ServerPolicy sp) : client(std::move(cp)), server(std::move(sp)) {}

  void run(const std::vector<ClientMessage>& messages) {
    size_t next_message = 0;
    client.feed(server.m.take_output());  // the greeting
    for (int guard = 0; guard < 10000; ++guard) {
      const Event e = client.next();
      const std::string to_server = client.take_output();
      std::string to_client;
      if (!to_server.empty()) to_client = server.run(to_server);
      switch (e) {
        case Event::need_input:
          ASSERT_FALSE(to_server.empty() && to_client.empty()) << "both sides wait";
          client.feed(to_client);
          break;
        case Event::start_tls:
          ++tls_handshakes;
          ASSERT_TRUE(server.tls);
          server.tls = false;
          server.m.tls_started();
          client.tls_started();
          break;
        case Event::ready:
          client.feed(to_client);
          if (next_message < messages.size()) {
            client.send(messages[next_message++]);
          } else {
            client.quit();
          }
          break;
        case Event::message_done:
          client.feed(to_client);
          results.push_back(client.result());
          break;
        case Event::closed:
          return;
      }
    }
    FAIL() << "the session did not end";
  }
};

ClientMessage message(std::string_view body, bool eightbit = false) {
  ClientMessage m;
  m.sender = "alice@example.org";
  m.recipients = {{"bob@mx.example", 0, ""}, {"carol@mx.example", 0, ""}};
  m.body = body;
  m.eightbit = eightbit;
  return m;
}

struct Variant {
  bool pipelining;
  bool chunking;
  size_t chunk_size;
  bool tls;
};

class SmtpClientServer : public ::testing::TestWithParam<Variant> {};

TEST_P(SmtpClientServer, BodiesArriveByteForByte) {
  const Variant v = GetParam();
  ClientPolicy cp;
  cp.helo_name = "heron.example.org";
  cp.use_pipelining = v.pipelining;
  cp.use_chunking = v.chunking;
  cp.chunk_size = v.chunk_size;
  cp.tls_available = v.tls;
  ServerPolicy sp = test_support::test_policy();
  sp.starttls = v.tls;
  sp.max_message_size = 1 << 20;
  Link link(cp, sp);

  const std::vector<std::string> bodies = {
      "Subject: one\r\n\r\nhello\r\n",
      "Subject: dots\r\n\r\n.\r\n..\r\n.leading\r\nmiddle.\r\n.\r\nend\r\n",
      "Subject: caf\xc3\xa9\r\n\r\n8-bit body \xe2\x82\xac\r\n",
      "Subject: big\r\n\r\n" + std::string(5000, 'x') + "\r\n" + std::string(3000, '.') + "\r\n",
  };
  std::vector<ClientMessage> messages;
  for (const std::string& b : bodies)
    messages.push_back(
        message(b, b.find('\xc3') != std::string::npos || b.find('\xe2') != std::string::npos));
  link.run(messages);

  EXPECT_EQ(link.tls_handshakes, v.tls ? 1u : 0u);
  ASSERT_EQ(link.server.messages.size(), bodies.size());
  for (size_t i = 0; i < bodies.size(); ++i) {
    EXPECT_EQ(link.server.messages[i], bodies[i]) << "message " << i;
    EXPECT_EQ(link.server.chunked[i], v.chunking) << "message " << i;
  }
  ASSERT_EQ(link.results.size(), bodies.size());
  for (const MessageResult& r : link.results) {
    ASSERT_EQ(r.recipients.size(), 2u);
    for (const RecipientResult& rr : r.recipients) {
      EXPECT_TRUE(rr.delivered()) << rr.reply.code << " " << rr.reply.text;
      EXPECT_EQ(rr.reply.text, "Ok: queued");
    }
    EXPECT_EQ(r.tls, v.tls);
  }
  EXPECT_FALSE(link.client.error()) << link.client.error()->reply.text;
  EXPECT_TRUE(link.server.closed);  // after QUIT
}

INSTANTIATE_TEST_SUITE_P(
    Variants, SmtpClientServer,
    ::testing::Values(Variant{true, false, 0, false}, Variant{false, false, 0, false},
                      Variant{true, true, 1000, false}, Variant{false, true, 777, false},
                      Variant{true, true, 1 << 20, true}, Variant{true, false, 0, true}));

TEST(SmtpClientServerLimits, ServerSizeLimitIsRespectedBeforeSending) {
  ClientPolicy cp;
  ServerPolicy sp = test_support::test_policy();  // SIZE 10000
  Link link(cp, sp);
  const std::string big = "Subject: big\r\n\r\n" + std::string(20000, 'x') + "\r\n";
  link.run({message(big)});
  ASSERT_EQ(link.results.size(), 1u);
  EXPECT_EQ(link.results[0].recipients[0].reply.code, 552);
  EXPECT_FALSE(link.results[0].recipients[0].from_peer);
  EXPECT_TRUE(link.server.messages.empty());
}

}  // namespace
}  // namespace heron::smtp
