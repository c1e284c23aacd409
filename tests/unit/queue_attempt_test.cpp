// The glue the delivery loop will use: a claimed message becomes the SMTP client's input,
// and the client's outcome becomes the queue's records. One test runs the whole path in
// memory: submit, claim, the client machine against Heron's server machine, report.

#include <gtest/gtest.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <optional>
#include <thread>

#include "base/fs.hpp"
#include "proto/smtp/dsn_params.hpp"
#include "queue/async.hpp"
#include "queue/attempt.hpp"
#include "queue/notify.hpp"
#include "queue/submit.hpp"
#include "store/sqlite/queue_store.hpp"
#include "support/smtp_server_driver.hpp"

namespace heron::queue {
namespace {

using Kind = DeliveryResult::Kind;

store::QueuedMessage claimed() {
  store::QueuedMessage m;
  m.id = 9;
  m.sender = "alice@example.org";
  m.ret = store::DsnRet::full;
  m.envid = "E9";
  m.smtputf8 = true;
  m.eightbit = true;
  store::QueuedRecipient a;
  a.id = 101;
  a.address = "a@example.net";
  a.notify = smtp::notify::kSuccess;
  a.orcpt = "rfc822;A@example.net";
  store::QueuedRecipient b;
  b.id = 102;
  b.address = "b@example.net";
  m.recipients = {a, b};
  return m;
}

TEST(QueueAttempt, ClientMessageCarriesTheEnvelope) {
  const store::QueuedMessage m = claimed();
  const std::string body = "x\r\n";
  const smtp::ClientMessage c = client_message(m, body);
  EXPECT_EQ(c.sender, "alice@example.org");
  ASSERT_EQ(c.recipients.size(), 2u);
  EXPECT_EQ(c.recipients[0].address, "a@example.net");
  EXPECT_EQ(c.recipients[0].notify, smtp::notify::kSuccess);
  EXPECT_EQ(c.recipients[0].orcpt, "rfc822;A@example.net");
  EXPECT_EQ(c.body.data(), body.data());  // a view, not a copy
  EXPECT_TRUE(c.eightbit);
  EXPECT_TRUE(c.smtputf8);
  EXPECT_EQ(c.ret, smtp::Ret::full);
  EXPECT_EQ(c.envid, "E9");
}

TEST(QueueAttempt, ResultsPerRecipient) {
  const store::QueuedMessage m = claimed();
  smtp::MessageResult r;
  r.dsn_passed = true;
  r.recipients = {{smtp::Reply{250, "2.0.0", "ok"}, true},
                  {smtp::Reply{550, "5.1.1", "no such user"}, true}};
  auto out = results_of(m, r, "mx.example.net");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].recipient_id, 101);
  EXPECT_EQ(out[0].kind, Kind::delivered);
  EXPECT_TRUE(out[0].notify_relayed);  // NOTIFY went to a DSN-capable peer
  EXPECT_EQ(out[0].remote_host, "mx.example.net");
  EXPECT_EQ(out[1].kind, Kind::permanent);
  EXPECT_EQ(out[1].reply_code, 550);
  EXPECT_EQ(out[1].enhanced, "5.1.1");
  EXPECT_EQ(out[1].text, "no such user");
  EXPECT_FALSE(out[1].notify_relayed);  // no NOTIFY was given for b

  // A local refusal has no SMTP reply: its code goes into the text.
  r.recipients = {{smtp::Reply{553, "5.6.7", "no SMTPUTF8"}, false},
                  {smtp::Reply{451, "4.3.0", "later"}, true}};
  out = results_of(m, r, "mx.example.net");
  EXPECT_EQ(out[0].kind, Kind::permanent);
  EXPECT_EQ(out[0].reply_code, 0);
  EXPECT_EQ(out[0].text, "553 no SMTPUTF8");
  EXPECT_EQ(out[1].kind, Kind::transient);
}

TEST(QueueAttempt, SessionFailuresDeferEveryone) {
  const store::QueuedMessage m = claimed();
  auto out =
      session_failed(m, smtp::SessionError{smtp::Reply{554, "5.7.1", "go away"}, true, "greeting"},
                     "mx.example.net");
  ASSERT_EQ(out.size(), 2u);
  for (const DeliveryResult& d : out) {
    EXPECT_EQ(d.kind, Kind::transient);
    EXPECT_EQ(d.reply_code, 554);
    EXPECT_EQ(d.enhanced, "4.7.1");
    EXPECT_EQ(d.text, "go away (during greeting)");
  }
  out = not_attempted(m, true, "example.net has no mail service (null MX)");
  EXPECT_EQ(out[0].kind, Kind::permanent);
  EXPECT_EQ(out[0].enhanced, "5.1.2");
  out = not_attempted(m, false, "connect to mx.example.net[192.0.2.1]:25: Connection refused");
  EXPECT_EQ(out[1].kind, Kind::transient);
  EXPECT_EQ(out[1].reply_code, 0);
}

class QueueAttemptFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("heron-queue-attempt-" + fs::random_hex(8));
    auto q = store::sqlite::SqliteQueue::open(dir_);
    ASSERT_TRUE(q);
    store_ = std::move(*q);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  ManualClock clock_{1'700'000'000};
  std::unique_ptr<store::sqlite::SqliteQueue> store_;
};

// submit -> claim -> SMTP client <-> Heron's SMTP server (in memory) -> report.
TEST_F(QueueAttemptFlow, ClaimDeliverReport) {
  Submission s;
  s.sender = "alice@example.org";
  s.recipients = {{"bob@mx.example", "", 0}, {"nobody@mx.example", "", 0}};
  s.origin = "test";
  s.body = "Subject: end to end\r\n\r\n.dot line\r\n";
  auto id = submit(*store_, s, clock_);
  ASSERT_TRUE(id);

  store::ClaimRequest req;
  req.now = clock_.now();
  auto claims = store_->claim_due(req);
  ASSERT_TRUE(claims);
  ASSERT_EQ(claims->size(), 1u);
  const store::Claim& claim = (*claims)[0];
  auto body = store_->read_body(claim.message);
  ASSERT_TRUE(body);

  // A server that knows bob only.
  smtp::test_support::Driver server;
  smtp::ClientPolicy policy;
  policy.helo_name = "heron.example.org";
  smtp::ClientMachine client(policy);
  std::string to_client = server.m.take_output();
  bool sent = false;
  std::vector<DeliveryResult> results;
  for (int guard = 0; guard < 100 && results.empty(); ++guard) {
    client.feed(to_client);
    to_client.clear();
    const auto e = client.next();
    if (e == smtp::ClientMachine::Event::ready && !sent) {
      client.send(client_message(claim.message, *body));
      sent = true;
    } else if (e == smtp::ClientMachine::Event::message_done) {
      results = results_of(claim.message, client.result(), "mx.example");
    }
    const std::string to_server = client.take_output();
    if (to_server.empty()) continue;
    server.m.feed(to_server);
    while (true) {
      const auto se = server.m.next();
      if (se == smtp::ServerMachine::Event::check_recipient) {
        const bool known = server.m.pending_recipient().local == "bob";
        server.m.answer_recipient(known, known ? smtp::Reply{250, "2.1.5", "Ok"}
                                               : smtp::Reply{550, "5.1.1", "No such user"});
      } else if (se == smtp::ServerMachine::Event::message_ready) {
        server.messages.push_back(server.m.message());
        server.m.answer_message(smtp::Reply{250, "2.0.0", "Ok: queued as X1"});
      } else {
        break;
      }
    }
    to_client = server.m.take_output();
  }
  ASSERT_EQ(results.size(), 2u);
  ASSERT_EQ(server.messages.size(), 1u);
  EXPECT_EQ(server.messages[0], s.body);

  clock_.advance(2);
  ASSERT_TRUE(report(*store_, claim.message, results, RetryPolicy{}, clock_));
  auto m = store_->get(*id);
  ASSERT_TRUE(m && *m);  // a failure notice is owed for nobody@
  EXPECT_EQ((*m)->recipients[0].state, store::RecipientState::delivered);
  EXPECT_EQ((*m)->recipients[0].diagnostic, "smtp; 250 2.0.0 Ok: queued as X1");
  EXPECT_EQ((*m)->recipients[0].remote_mta, "dns; mx.example");
  EXPECT_EQ((*m)->recipients[1].state, store::RecipientState::failed);
  EXPECT_EQ((*m)->recipients[1].status, "5.1.1");
  EXPECT_EQ((*m)->recipients[1].dsn, store::DsnState::pending);
  auto n = send_notices(*store_, NotifierSettings{"heron.example.org", RetryPolicy{}}, clock_);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->failure, 1u);
  m = store_->get(*id);
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->has_value());
}

TEST_F(QueueAttemptFlow, AsyncSubmitCompletesOnTheCallersExecutor) {
  boost::asio::io_context io;
  Submission s;
  s.sender = "alice@example.org";
  s.recipients = {{"bob@example.net", "", 0}};
  s.body = "x\r\n";
  auto guard = boost::asio::make_work_guard(io);
  std::optional<Result<int64_t>> id;
  std::thread::id ran_on;
  async_submit(*store_, s,
               boost::asio::bind_executor(io,
                                          [&](Result<int64_t> r) {
                                            id = std::move(r);
                                            ran_on = std::this_thread::get_id();
                                          }),
               clock_);
  io.run_one();  // the completion is posted to io, after the commit
  ASSERT_TRUE(id && *id);
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  auto m = store_->get(**id);
  ASSERT_TRUE(m && *m);
}

}  // namespace
}  // namespace heron::queue
