// The queue's life cycle with a fake clock: attempt results (outcome.hpp), the retry
// schedule, give-up after max_age, and the notices (notify.hpp) that go back through the
// queue: failure, delay, success, NOTIFY honoured, and never a notice to the null sender.

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "base/clock.hpp"
#include "base/fs.hpp"
#include "mime/header.hpp"
#include "proto/smtp/dsn_params.hpp"
#include "queue/notify.hpp"
#include "queue/outcome.hpp"
#include "queue/submit.hpp"
#include "store/sqlite/queue_store.hpp"

namespace heron::queue {
namespace {

using Kind = DeliveryResult::Kind;
constexpr int64_t kT0 = 1'700'000'000;

class QueueNotify : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("heron-queue-notify-" + fs::random_hex(8));
    auto q = store::sqlite::SqliteQueue::open(dir_);
    ASSERT_TRUE(q);
    store_ = std::move(*q);
    settings_.hostname = "mx.example.org";
    settings_.policy = RetryPolicy::from(config::Queue{});
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  int64_t submit_one(std::string sender, std::vector<Recipient> rcpts,
                     store::DsnRet ret = store::DsnRet::unspecified) {
    Submission s;
    s.sender = std::move(sender);
    s.recipients = std::move(rcpts);
    s.ret = ret;
    s.envid = "ENV-" + std::to_string(++submitted_);
    s.origin = "test";
    s.body = "From: alice@example.org\r\nSubject: test " + std::to_string(submitted_) +
             "\r\n\r\nbody text\r\n";
    auto id = submit(*store_, std::move(s), clock_);
    EXPECT_TRUE(id) << (id ? "" : id.error().message);
    return id ? *id : 0;
  }
  static Recipient rcpt(std::string address, uint8_t notify = 0, std::string orcpt = {}) {
    return Recipient{std::move(address), std::move(orcpt), notify};
  }

  // Claims everything due now and reports `kind` for every recipient of message `id`
  // (others are given back). Returns how many recipients were reported.
  size_t attempt(int64_t id, Kind kind, int code, std::string enhanced, std::string text,
                 std::string host = "mx.example.net", bool relayed = false) {
    store::ClaimRequest req;
    req.now = clock_.now();
    auto claims = store_->claim_due(req);
    if (!claims) {
      ADD_FAILURE() << claims.error().message;
      return 0;
    }
    size_t n = 0;
    for (const store::Claim& c : *claims) {
      std::vector<DeliveryResult> results;
      std::vector<int64_t> other;
      for (const auto& r : c.message.recipients) {
        if (c.message.id != id) {
          other.push_back(r.id);
          continue;
        }
        results.push_back(DeliveryResult{r.id, kind, code, enhanced, text, host, relayed});
      }
      if (!other.empty()) {
        EXPECT_TRUE(store_->unclaim(other));
      }
      if (!results.empty()) {
        EXPECT_TRUE(report(*store_, c.message, results, settings_.policy, clock_));
        n += results.size();
      }
    }
    return n;
  }
  NoticeCounts notices() {
    auto n = send_notices(*store_, settings_, clock_);
    EXPECT_TRUE(n) << (n ? "" : n.error().message);
    return n ? *n : NoticeCounts{};
  }
  std::vector<store::QueuedMessage> by_origin(std::string_view origin) {
    auto list = store_->list();
    EXPECT_TRUE(list);
    std::vector<store::QueuedMessage> out;
    for (auto& m : *list) {
      if (m.origin == origin) out.push_back(m);
    }
    return out;
  }
  std::optional<store::QueuedMessage> get(int64_t id) {
    auto m = store_->get(id);
    EXPECT_TRUE(m);
    return m ? *m : std::nullopt;
  }
  std::string body(const store::QueuedMessage& m) {
    auto b = store_->read_body(m);
    EXPECT_TRUE(b);
    return b ? *b : std::string();
  }
  // The value of `name` in the delivery-status part of a notice (first occurrence after the
  // per-message block when per_recipient).
  static std::string status_field(const std::string& notice, std::string_view name) {
    const size_t part = notice.find("Content-Type: message/delivery-status\r\n\r\n");
    if (part == std::string::npos) return "<no status part>";
    const std::string rest = "\r\n" + notice.substr(part + 41);
    const size_t needle = rest.find(std::string("\r\n") + std::string(name) + ": ");
    if (needle == std::string::npos) return "<absent>";
    auto v = mime::header_value(std::string_view(rest).substr(needle + 2), name);
    return v ? *v : "<absent>";
  }

  std::filesystem::path dir_;
  ManualClock clock_{kT0};
  std::unique_ptr<store::sqlite::SqliteQueue> store_;
  NotifierSettings settings_;
  int submitted_ = 0;
};

TEST_F(QueueNotify, PermanentFailureBouncesOnceThroughTheQueue) {
  const int64_t id =
      submit_one("alice@example.org",
                 {rcpt("bob@example.net", 0, "rfc822;Bob@example.net"), rcpt("carol@example.net")});
  clock_.advance(30);
  // bob fails for good, carol is delivered (no notice wanted for her).
  store::ClaimRequest req;
  req.now = clock_.now();
  auto claims = store_->claim_due(req);
  ASSERT_TRUE(claims);
  ASSERT_EQ(claims->size(), 1u);
  const auto& rs = (*claims)[0].message.recipients;
  ASSERT_TRUE(report(
      *store_, (*claims)[0].message,
      {DeliveryResult{rs[0].id, Kind::permanent, 550, "5.1.1", "no such user", "mx.example.net",
                      false},
       DeliveryResult{rs[1].id, Kind::delivered, 250, "2.0.0", "ok", "mx.example.net", false}},
      settings_.policy, clock_));
  auto original = get(id);
  ASSERT_TRUE(original);  // kept until its notice is enqueued
  EXPECT_EQ(original->recipients[0].state, store::RecipientState::failed);
  EXPECT_EQ(original->recipients[0].dsn, store::DsnState::pending);
  EXPECT_EQ(original->recipients[1].state, store::RecipientState::delivered);
  EXPECT_EQ(original->recipients[1].dsn, store::DsnState::none);

  const NoticeCounts n = notices();
  EXPECT_EQ(n.failure, 1u);
  EXPECT_FALSE(get(id).has_value());  // settled in the notice's commit, then removed
  auto dsns = by_origin("dsn");
  ASSERT_EQ(dsns.size(), 1u);
  const store::QueuedMessage& d = dsns[0];
  EXPECT_EQ(d.sender, "");  // the null reverse-path
  ASSERT_EQ(d.recipients.size(), 1u);
  EXPECT_EQ(d.recipients[0].address, "alice@example.org");
  EXPECT_EQ(d.recipients[0].notify, smtp::notify::kNever);
  const std::string text = body(d);
  EXPECT_EQ(mime::header_value(text, "Auto-Submitted"), "auto-replied");
  EXPECT_EQ(mime::header_value(text, "To"), "<alice@example.org>");
  EXPECT_EQ(status_field(text, "Reporting-MTA"), "dns; mx.example.org");
  EXPECT_EQ(status_field(text, "Original-Envelope-Id"), "ENV-1");
  EXPECT_EQ(status_field(text, "Arrival-Date"), rfc5322_date(kT0));
  EXPECT_EQ(status_field(text, "Original-Recipient"), "rfc822; Bob@example.net");
  EXPECT_EQ(status_field(text, "Final-Recipient"), "rfc822; bob@example.net");
  EXPECT_EQ(status_field(text, "Action"), "failed");
  EXPECT_EQ(status_field(text, "Status"), "5.1.1");
  EXPECT_EQ(status_field(text, "Remote-MTA"), "dns; mx.example.net");
  EXPECT_EQ(status_field(text, "Diagnostic-Code"), "smtp; 550 5.1.1 no such user");
  EXPECT_EQ(status_field(text, "Last-Attempt-Date"), rfc5322_date(kT0 + 30));
  EXPECT_EQ(text.find("carol@example.net"), std::string::npos);  // not reported on
  EXPECT_NE(text.find("Content-Type: text/rfc822-headers"), std::string::npos);
  EXPECT_NE(text.find("Subject: test 1\r\n"), std::string::npos);
  EXPECT_EQ(text.find("body text"), std::string::npos);

  // Nothing more to say: a second pass sends nothing.
  const NoticeCounts again = notices();
  EXPECT_EQ(again.failure + again.delay + again.success, 0u);
  EXPECT_EQ(by_origin("dsn").size(), 1u);
}

TEST_F(QueueNotify, RetFullReturnsTheBody) {
  const int64_t id =
      submit_one("alice@example.org", {rcpt("bob@example.net")}, store::DsnRet::full);
  ASSERT_EQ(attempt(id, Kind::permanent, 554, "5.7.1", "rejected"), 1u);
  notices();
  auto dsns = by_origin("dsn");
  ASSERT_EQ(dsns.size(), 1u);
  const std::string text = body(dsns[0]);
  EXPECT_NE(text.find("Content-Type: message/rfc822"), std::string::npos);
  EXPECT_NE(text.find("body text"), std::string::npos);
}

TEST_F(QueueNotify, NullSenderIsNeverNotified) {
  // A failing bounce (null sender) is dropped: no notice, and it leaves the queue.
  const int64_t id = submit_one("", {rcpt("gone@example.net")});
  ASSERT_EQ(attempt(id, Kind::permanent, 550, "5.1.1", "no such user"), 1u);
  EXPECT_FALSE(get(id).has_value());
  notices();
  EXPECT_TRUE(by_origin("dsn").empty());
  // Nor a delay notice, however long it waits.
  const int64_t slow = submit_one("", {rcpt("slow@example.net")});
  ASSERT_EQ(attempt(slow, Kind::transient, 451, "4.3.0", "later"), 1u);
  clock_.advance(5 * 3600);
  const NoticeCounts n = notices();
  EXPECT_EQ(n.delay, 0u);
  EXPECT_EQ(n.settled_silently, 1u);
  EXPECT_TRUE(by_origin("dsn").empty());
  EXPECT_TRUE(get(slow)->recipients[0].delay_notified);
}

TEST_F(QueueNotify, NotifyNeverAndFailureOnlyAreHonoured) {
  const int64_t never =
      submit_one("alice@example.org", {rcpt("a@example.net", smtp::notify::kNever)});
  ASSERT_EQ(attempt(never, Kind::permanent, 550, "5.1.1", "no"), 1u);
  EXPECT_FALSE(get(never).has_value());  // failed, nothing owed, gone
  const int64_t success_only =
      submit_one("alice@example.org", {rcpt("b@example.net", smtp::notify::kSuccess)});
  ASSERT_EQ(attempt(success_only, Kind::permanent, 550, "5.1.1", "no"), 1u);
  EXPECT_FALSE(get(success_only).has_value());
  notices();
  EXPECT_TRUE(by_origin("dsn").empty());

  // FAILURE only: no delay notice after 4 hours, but the failure is reported.
  const int64_t failure_only =
      submit_one("alice@example.org", {rcpt("c@example.net", smtp::notify::kFailure)});
  ASSERT_EQ(attempt(failure_only, Kind::transient, 451, "4.3.0", "later"), 1u);
  clock_.advance(4 * 3600 + 1);
  NoticeCounts n = notices();
  EXPECT_EQ(n.delay, 0u);
  EXPECT_EQ(n.settled_silently, 1u);
  clock_.set(get(failure_only)->recipients[0].next_attempt);
  ASSERT_EQ(attempt(failure_only, Kind::permanent, 550, "5.2.1", "disabled"), 1u);
  n = notices();
  EXPECT_EQ(n.failure, 1u);
  EXPECT_EQ(by_origin("dsn").size(), 1u);
}

TEST_F(QueueNotify, SuccessNoticesWhenAskedAndNotRelayedOn) {
  const uint8_t success = smtp::notify::kSuccess | smtp::notify::kFailure;
  // Delivered by a peer that took the NOTIFY over: the peer reports, not us.
  const int64_t relayed_on = submit_one("alice@example.org", {rcpt("a@example.net", success)});
  ASSERT_EQ(attempt(relayed_on, Kind::delivered, 250, "2.0.0", "ok", "mx.example.net", true), 1u);
  EXPECT_FALSE(get(relayed_on).has_value());
  // Delivered to a peer without DSN: "relayed".
  const int64_t relayed = submit_one("alice@example.org", {rcpt("b@example.net", success)});
  ASSERT_EQ(attempt(relayed, Kind::delivered, 250, "2.0.0", "ok", "mx.example.net", false), 1u);
  // Delivered locally (no remote host): "delivered".
  const int64_t local = submit_one("alice@example.org", {rcpt("c@example.org", success)});
  ASSERT_EQ(attempt(local, Kind::delivered, 250, "2.0.0", "delivered", "", false), 1u);
  const NoticeCounts n = notices();
  EXPECT_EQ(n.success, 2u);
  auto dsns = by_origin("dsn");
  ASSERT_EQ(dsns.size(), 2u);
  std::set<std::string> actions;
  for (const auto& d : dsns) {
    const std::string text = body(d);
    EXPECT_EQ(mime::header_value(text, "Subject"), "Successful Mail Delivery Report");
    actions.insert(status_field(text, "Action"));
  }
  EXPECT_EQ(actions, (std::set<std::string>{"relayed", "delivered"}));
}

TEST_F(QueueNotify, DelayNoticeOnceAfterFourHoursThenGiveUpAfterFiveDays) {
  const int64_t id = submit_one("alice@example.org", {rcpt("bob@example.net")});
  std::vector<int64_t> attempt_times;
  bool delay_seen = false;
  while (true) {
    attempt_times.push_back(clock_.now());
    ASSERT_EQ(attempt(id, Kind::transient, 451, "4.7.1", "greylisted, try again"), 1u);
    const NoticeCounts n = notices();
    if (n.delay > 0) {
      EXPECT_FALSE(delay_seen) << "a second delay notice";
      delay_seen = true;
      EXPECT_GE(clock_.now(), kT0 + 4 * 3600);
      EXPECT_LT(clock_.now(), kT0 + 5 * 3600);  // at the first attempt past four hours
    }
    auto m = get(id);
    if (!m) break;  // failed, notified, and removed
    const store::QueuedRecipient& r = m->recipients[0];
    ASSERT_EQ(r.state, store::RecipientState::queued);
    EXPECT_EQ(r.attempts, attempt_times.size());
    EXPECT_EQ(r.status, "4.7.1");
    EXPECT_EQ(r.diagnostic, "smtp; 451 4.7.1 greylisted, try again");
    // Nothing of this message is due before next_attempt (its notices may be).
    clock_.set(r.next_attempt - 1);
    store::ClaimRequest early;
    early.now = clock_.now();
    auto claimed = store_->claim_due(early);
    ASSERT_TRUE(claimed) << claimed.error().message;
    for (const store::Claim& c : *claimed) {
      EXPECT_NE(c.message.id, id);
      std::vector<int64_t> ids;
      for (const auto& cr : c.message.recipients) ids.push_back(cr.id);
      ASSERT_TRUE(store_->unclaim(ids));
    }
    clock_.set(r.next_attempt);
    ASSERT_LT(attempt_times.size(), 200u);
  }
  EXPECT_TRUE(delay_seen);
  // 5, 10, 20, 40 minutes, then hourly, and the last attempt exactly at five days.
  ASSERT_GE(attempt_times.size(), 6u);
  EXPECT_EQ(attempt_times[1] - attempt_times[0], 300);
  EXPECT_EQ(attempt_times[2] - attempt_times[1], 600);
  EXPECT_EQ(attempt_times[3] - attempt_times[2], 1200);
  EXPECT_EQ(attempt_times[4] - attempt_times[3], 2400);
  EXPECT_EQ(attempt_times[5] - attempt_times[4], 3600);
  EXPECT_EQ(attempt_times.back(), kT0 + 5 * 86400);
  EXPECT_EQ(attempt_times.size(), 124u);

  // The give-up bounced with the last error; delay notice first, failure notice second.
  auto dsns = by_origin("dsn");
  ASSERT_EQ(dsns.size(), 2u);
  const std::string delay = body(dsns[0]);
  EXPECT_EQ(mime::header_value(delay, "Subject"), "Delayed Mail (still being retried)");
  EXPECT_EQ(status_field(delay, "Action"), "delayed");
  EXPECT_EQ(status_field(delay, "Status"), "4.7.1");
  EXPECT_EQ(status_field(delay, "Will-Retry-Until"), rfc5322_date(kT0 + 5 * 86400));
  const std::string failure = body(dsns[1]);
  EXPECT_EQ(mime::header_value(failure, "Subject"), "Undelivered Mail Returned to Sender");
  EXPECT_EQ(status_field(failure, "Action"), "failed");
  EXPECT_EQ(status_field(failure, "Status"), "4.7.1");
  EXPECT_EQ(status_field(failure, "Diagnostic-Code"), "smtp; 451 4.7.1 greylisted, try again");
  EXPECT_EQ(status_field(failure, "Last-Attempt-Date"), rfc5322_date(kT0 + 5 * 86400));
  EXPECT_FALSE(get(id).has_value());
}

TEST_F(QueueNotify, ConnectionFailuresRecordALocalDiagnostic) {
  const int64_t id = submit_one("alice@example.org", {rcpt("bob@example.net")});
  ASSERT_EQ(
      attempt(id, Kind::transient, 0, "", "connect to mx.example.net: Connection refused", ""), 1u);
  const auto r = get(id)->recipients[0];
  EXPECT_EQ(r.status, "4.4.0");
  EXPECT_EQ(r.diagnostic, "X-Heron; connect to mx.example.net: Connection refused");
  EXPECT_EQ(r.remote_mta, "");
  EXPECT_EQ(r.next_attempt, kT0 + 300);
}

TEST_F(QueueNotify, AFailedNoticeIsNeverNoticed) {
  const int64_t id = submit_one("alice@example.org", {rcpt("bob@example.net")});
  ASSERT_EQ(attempt(id, Kind::permanent, 550, "5.1.1", "no"), 1u);
  notices();
  auto dsns = by_origin("dsn");
  ASSERT_EQ(dsns.size(), 1u);
  // The notice cannot be delivered either: it goes, and nothing is sent about it.
  ASSERT_EQ(attempt(dsns[0].id, Kind::permanent, 550, "5.1.1", "alice left"), 1u);
  notices();
  auto list = store_->list();
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->empty());
}

}  // namespace
}  // namespace heron::queue
