// The SQLite queue store: enqueue durability layout, claims and leases, attempt results,
// notice settlement, operator actions, reconcile.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <thread>

#include "base/fs.hpp"
#include "proto/smtp/dsn_params.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/queue_store.hpp"

namespace heron::store::sqlite {
namespace {

constexpr int64_t kT0 = 1'700'000'000;

class StoreQueue : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("heron-store-queue-" + fs::random_hex(8));
    queue_ = open_queue();
    ASSERT_TRUE(queue_);
  }
  void TearDown() override {
    queue_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<SqliteQueue> open_queue(QueueOptions options = {}) {
    auto q = SqliteQueue::open(dir_, options);
    EXPECT_TRUE(q) << (q ? "" : q.error().message);
    return q ? std::move(*q) : nullptr;
  }
  static NewQueueMessage message(std::vector<std::string> rcpts, std::string body = "",
                                 int64_t arrival = kT0) {
    NewQueueMessage m;
    m.sender = "alice@example.org";
    for (auto& r : rcpts) m.recipients.push_back(NewQueueRecipient{r, "", 0});
    m.arrival = arrival;
    m.origin = "test";
    m.body = body.empty() ? "Subject: hi\r\n\r\nhello\r\n" : body;
    return m;
  }
  int64_t enqueue(NewQueueMessage m) {
    auto id = queue_->enqueue(std::move(m));
    EXPECT_TRUE(id) << (id ? "" : id.error().message);
    return id ? *id : 0;
  }
  QueuedMessage get(int64_t id) {
    auto m = queue_->get(id);
    EXPECT_TRUE(m && *m) << "no message " << id;
    return m && *m ? **m : QueuedMessage{};
  }
  size_t body_files() {
    auto entries = queue_->blob_files().scan();
    EXPECT_TRUE(entries);
    size_t n = 0;
    for (const auto& e : *entries) n += e.is_temp ? 0 : 1;
    return n;
  }
  std::vector<Claim> claim(int64_t now, size_t max_claims = 100, std::string domain = {}) {
    ClaimRequest req;
    req.now = now;
    req.lease_seconds = 600;
    req.max_claims = max_claims;
    req.domain = std::move(domain);
    auto c = queue_->claim_due(req);
    EXPECT_TRUE(c) << (c ? "" : c.error().message);
    return c ? *c : std::vector<Claim>{};
  }
  static AttemptRecord result(int64_t rcpt, RecipientState state, int64_t at, int64_t next = 0,
                              DsnState dsn = DsnState::none) {
    AttemptRecord a;
    a.recipient_id = rcpt;
    a.state = state;
    a.attempted_at = at;
    a.next_attempt = next;
    a.status = state == RecipientState::delivered ? "2.0.0"
               : state == RecipientState::failed  ? "5.1.1"
                                                  : "4.4.1";
    a.diagnostic = "smtp; test";
    a.remote_mta = "dns; mx.example.net";
    a.dsn = dsn;
    return a;
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteQueue> queue_;
};

TEST_F(StoreQueue, EnqueueKeepsTheWholeEnvelopeAndTheBody) {
  NewQueueMessage m =
      message({"bob@Example.NET", "carol@example.com"}, "Subject: x\r\n\r\nbody\r\n");
  m.ret = DsnRet::full;
  m.envid = "QQ314159";
  m.smtputf8 = true;
  m.eightbit = true;
  m.recipients[0].orcpt = "rfc822;bob@example.net";
  m.recipients[0].notify = smtp::notify::kSuccess | smtp::notify::kFailure;
  m.recipients[1].notify = smtp::notify::kNever;
  const int64_t id = enqueue(std::move(m));
  ASSERT_GT(id, 0);

  QueuedMessage q = get(id);
  EXPECT_EQ(q.id, id);
  EXPECT_EQ(q.sender, "alice@example.org");
  EXPECT_EQ(q.ret, DsnRet::full);
  EXPECT_EQ(q.envid, "QQ314159");
  EXPECT_TRUE(q.smtputf8);
  EXPECT_TRUE(q.eightbit);
  EXPECT_EQ(q.arrival, kT0);
  EXPECT_EQ(q.size, 20u);
  EXPECT_EQ(q.origin, "test");
  EXPECT_FALSE(q.held);
  EXPECT_FALSE(q.quarantined);
  ASSERT_EQ(q.recipients.size(), 2u);
  const QueuedRecipient& bob = q.recipients[0];
  EXPECT_EQ(bob.address, "bob@Example.NET");
  EXPECT_EQ(bob.domain, "example.net");
  EXPECT_EQ(bob.orcpt, "rfc822;bob@example.net");
  EXPECT_EQ(bob.notify, smtp::notify::kSuccess | smtp::notify::kFailure);
  EXPECT_EQ(bob.state, RecipientState::queued);
  EXPECT_EQ(bob.attempts, 0u);
  EXPECT_EQ(bob.next_attempt, kT0);  // first attempt due at arrival
  EXPECT_EQ(bob.dsn, DsnState::none);
  EXPECT_EQ(q.recipients[1].notify, smtp::notify::kNever);

  auto body = queue_->read_body(q);
  ASSERT_TRUE(body);
  EXPECT_EQ(*body, "Subject: x\r\n\r\nbody\r\n");
  // One immutable file per message, in its shard directory.
  EXPECT_TRUE(std::filesystem::exists(dir_ / "queue" / q.blob_id.substr(0, 2) / q.blob_id));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "queue.db"));
  EXPECT_EQ(body_files(), 1u);
}

TEST_F(StoreQueue, IdsIncreaseAndSurviveReopen) {
  const int64_t a = enqueue(message({"x@a.example"}));
  const int64_t b = enqueue(message({"x@b.example"}));
  EXPECT_LT(a, b);
  queue_ = open_queue();
  auto list = queue_->list();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, a);
  EXPECT_EQ((*list)[1].id, b);
  EXPECT_EQ((*list)[1].recipients.at(0).address, "x@b.example");
  // A removed id is never handed out again (AUTOINCREMENT).
  ASSERT_TRUE(queue_->remove(b));
  EXPECT_GT(enqueue(message({"x@c.example"})), b);
}

TEST_F(StoreQueue, EnqueueWithoutRecipientsIsRefused) {
  auto r = queue_->enqueue(message({}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, EINVAL);
  EXPECT_EQ(body_files(), 0u);
}

TEST_F(StoreQueue, FirstAttemptCanBeLaterThanArrival) {
  NewQueueMessage m = message({"x@a.example"});
  m.first_attempt = kT0 + 300;
  const int64_t id = enqueue(std::move(m));
  EXPECT_EQ(get(id).recipients[0].next_attempt, kT0 + 300);
  EXPECT_TRUE(claim(kT0 + 299).empty());
  EXPECT_EQ(claim(kT0 + 300).size(), 1u);
}

TEST_F(StoreQueue, ClaimsGroupByMessageAndDomainAndLease) {
  const int64_t id = enqueue(message({"a1@a.example", "b1@b.example", "a2@A.example"}));
  auto claims = claim(kT0);
  ASSERT_EQ(claims.size(), 2u);
  std::sort(claims.begin(), claims.end(),
            [](const Claim& x, const Claim& y) { return x.domain < y.domain; });
  EXPECT_EQ(claims[0].domain, "a.example");
  EXPECT_EQ(claims[0].message.id, id);
  EXPECT_EQ(claims[0].message.sender, "alice@example.org");
  ASSERT_EQ(claims[0].message.recipients.size(), 2u);
  EXPECT_EQ(claims[0].message.recipients[0].address, "a1@a.example");
  EXPECT_EQ(claims[0].message.recipients[1].address, "a2@A.example");
  EXPECT_EQ(claims[0].lease_until, kT0 + 600);
  EXPECT_EQ(claims[0].message.recipients[0].lease_until, kT0 + 600);
  EXPECT_EQ(claims[1].domain, "b.example");
  ASSERT_EQ(claims[1].message.recipients.size(), 1u);

  // Leased: nobody else gets them until the lease runs out.
  EXPECT_TRUE(claim(kT0).empty());
  EXPECT_TRUE(claim(kT0 + 599).empty());
  EXPECT_EQ(claim(kT0 + 600).size(), 2u);
}

TEST_F(StoreQueue, UnclaimGivesRecipientsBack) {
  enqueue(message({"a@a.example"}));
  auto claims = claim(kT0);
  ASSERT_EQ(claims.size(), 1u);
  ASSERT_TRUE(queue_->unclaim({claims[0].message.recipients[0].id}));
  EXPECT_EQ(claim(kT0).size(), 1u);
}

TEST_F(StoreQueue, ClaimLimitsAndDomainFilter) {
  for (int i = 0; i < 3; ++i) enqueue(message({"x@a.example", "y@b.example"}));
  // Most overdue first, then by message: the first message's two domains.
  auto first_two = claim(kT0, 2);
  ASSERT_EQ(first_two.size(), 2u);
  EXPECT_EQ(first_two[0].message.id, first_two[1].message.id);
  EXPECT_EQ(claim(kT0, 100, "b.example").size(), 2u);
  auto rest = claim(kT0);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].domain, "a.example");
  EXPECT_EQ(rest[1].domain, "a.example");

  // At most max_recipients per claim; the rest stay for the next claim.
  std::vector<std::string> many;
  for (int i = 0; i < 5; ++i) many.push_back("r" + std::to_string(i) + "@c.example");
  enqueue(message(many));
  ClaimRequest req;
  req.now = kT0;
  req.max_recipients = 3;
  auto first = queue_->claim_due(req);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].message.recipients.size(), 3u);
  auto second = queue_->claim_due(req);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].message.recipients.size(), 2u);
}

TEST_F(StoreQueue, ConcurrentClaimersNeverShareARecipient) {
  for (int i = 0; i < 40; ++i) enqueue(message({"x@a.example", "y@b.example", "z@c.example"}));
  std::vector<std::vector<int64_t>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      while (true) {
        ClaimRequest req;
        req.now = kT0;
        req.max_claims = 3;
        auto c = queue_->claim_due(req);
        if (!c || c->empty()) return;
        for (const Claim& cl : *c) {
          for (const auto& r : cl.message.recipients) got[t].push_back(r.id);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<int64_t> all;
  size_t total = 0;
  for (const auto& v : got) {
    total += v.size();
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(total, 120u);
  EXPECT_EQ(all.size(), 120u);  // no recipient claimed twice
}

TEST_F(StoreQueue, HeldMessagesAreNotClaimedUntilReleased) {
  const int64_t id = enqueue(message({"x@a.example"}));
  auto held = queue_->hold(id);
  ASSERT_TRUE(held);
  EXPECT_TRUE(*held);
  EXPECT_TRUE(get(id).held);
  EXPECT_TRUE(claim(kT0 + 10).empty());
  auto next = queue_->next_due();
  ASSERT_TRUE(next);
  EXPECT_FALSE(next->has_value());
  ASSERT_TRUE(queue_->release(id));
  EXPECT_FALSE(get(id).held);
  EXPECT_EQ(claim(kT0 + 10).size(), 1u);
  // Unknown ids say so.
  auto none = queue_->hold(id + 100);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  none = queue_->release(id + 100);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST_F(StoreQueue, DeferredRecordsCountAttemptsAndReschedule) {
  const int64_t id = enqueue(message({"x@a.example"}));
  auto claims = claim(kT0);
  ASSERT_EQ(claims.size(), 1u);
  const int64_t rid = claims[0].message.recipients[0].id;
  ASSERT_TRUE(queue_->record({result(rid, RecipientState::queued, kT0 + 5, kT0 + 305)}));
  QueuedRecipient r = get(id).recipients[0];
  EXPECT_EQ(r.state, RecipientState::queued);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.last_attempt, kT0 + 5);
  EXPECT_EQ(r.next_attempt, kT0 + 305);
  EXPECT_EQ(r.status, "4.4.1");
  EXPECT_EQ(r.diagnostic, "smtp; test");
  EXPECT_EQ(r.remote_mta, "dns; mx.example.net");
  EXPECT_EQ(r.lease_until, 0);
  auto next = queue_->next_due();
  ASSERT_TRUE(next && next->has_value());
  EXPECT_EQ(**next, kT0 + 305);
  EXPECT_TRUE(claim(kT0 + 304).empty());
  EXPECT_EQ(claim(kT0 + 305).size(), 1u);

  // A result that tried nothing (say, a connection limit) moves the time only.
  AttemptRecord skip = result(rid, RecipientState::queued, kT0 + 400, kT0 + 500);
  skip.counts_as_attempt = false;
  ASSERT_TRUE(queue_->record({skip}));
  r = get(id).recipients[0];
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.last_attempt, kT0 + 5);
  EXPECT_EQ(r.next_attempt, kT0 + 500);
}

TEST_F(StoreQueue, RecordAsyncCallsBackAfterTheCommit) {
  const int64_t id = enqueue(message({"x@a.example"}));
  const int64_t rid = get(id).recipients[0].id;
  std::promise<Result<void>> done;
  queue_->record_async({result(rid, RecipientState::queued, kT0, kT0 + 60)},
                       [&done](Result<void> r) { done.set_value(std::move(r)); });
  ASSERT_TRUE(done.get_future().get());
  EXPECT_EQ(get(id).recipients[0].next_attempt, kT0 + 60);  // visible once called back
  std::promise<Result<void>> empty;
  queue_->record_async({}, [&empty](Result<void> r) { empty.set_value(std::move(r)); });
  EXPECT_TRUE(empty.get_future().get());
}

TEST_F(StoreQueue, MessageGoesWhenEveryRecipientIsDoneAndNoNoticeIsOwed) {
  const int64_t id = enqueue(message({"x@a.example", "y@b.example"}));
  QueuedMessage q = get(id);
  const std::string blob = q.blob_id;
  ASSERT_TRUE(queue_->record({result(q.recipients[0].id, RecipientState::delivered, kT0)}));
  EXPECT_EQ(get(id).recipients[0].state, RecipientState::delivered);
  EXPECT_EQ(body_files(), 1u);
  ASSERT_TRUE(queue_->record({result(q.recipients[1].id, RecipientState::failed, kT0)}));
  auto gone = queue_->get(id);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->has_value());
  EXPECT_EQ(body_files(), 0u);
  EXPECT_FALSE(std::filesystem::exists(queue_->blob_files().path_of(blob)));
}

TEST_F(StoreQueue, RecordsForFinishedOrDeletedRecipientsAreIgnored) {
  const int64_t id = enqueue(message({"x@a.example", "y@a.example"}));
  QueuedMessage q = get(id);
  ASSERT_TRUE(queue_->record({result(q.recipients[0].id, RecipientState::delivered, kT0)}));
  // A late "deferred" for the delivered one changes nothing.
  ASSERT_TRUE(queue_->record({result(q.recipients[0].id, RecipientState::queued, kT0, kT0 + 9)}));
  EXPECT_EQ(get(id).recipients[0].state, RecipientState::delivered);
  ASSERT_TRUE(queue_->remove(id));
  EXPECT_TRUE(queue_->record({result(q.recipients[1].id, RecipientState::failed, kT0)}));
}

TEST_F(StoreQueue, OwedNoticeKeepsTheMessageUntilTheNoticeIsEnqueued) {
  const int64_t id = enqueue(message({"x@a.example", "y@a.example"}));
  QueuedMessage q = get(id);
  ASSERT_TRUE(
      queue_->record({result(q.recipients[0].id, RecipientState::failed, kT0, 0, DsnState::pending),
                      result(q.recipients[1].id, RecipientState::delivered, kT0)}));
  QueuedMessage after = get(id);  // still there: a notice is owed
  EXPECT_EQ(after.recipients[0].dsn, DsnState::pending);
  EXPECT_EQ(after.recipients[1].dsn, DsnState::none);

  auto work = queue_->notice_work(kT0 - 1);
  ASSERT_TRUE(work);
  ASSERT_EQ(work->size(), 1u);
  EXPECT_EQ((*work)[0].id, id);
  ASSERT_EQ((*work)[0].recipients.size(), 1u);
  EXPECT_EQ((*work)[0].recipients[0].address, "x@a.example");

  // The notice settles the owed recipient in its own commit; the original then goes.
  NewQueueMessage notice = message({"alice@example.org"}, "Subject: bounce\r\n\r\nx\r\n");
  notice.sender = "";
  notice.settles = NoticeSettlement{NoticeSettlement::Kind::final, {q.recipients[0].id}};
  const int64_t dsn_id = enqueue(std::move(notice));
  auto gone = queue_->get(id);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->has_value());
  QueuedMessage bounce = get(dsn_id);
  EXPECT_EQ(bounce.sender, "");
  EXPECT_EQ(body_files(), 1u);
  work = queue_->notice_work(kT0 - 1);
  ASSERT_TRUE(work);
  EXPECT_TRUE(work->empty());
}

TEST_F(StoreQueue, DelayNoticeWorkAndSettlement) {
  const int64_t old_id = enqueue(message({"x@a.example"}, "", kT0));
  enqueue(message({"y@a.example"}, "", kT0 + 1000));
  auto work = queue_->notice_work(kT0 + 500);
  ASSERT_TRUE(work);
  ASSERT_EQ(work->size(), 1u);
  EXPECT_EQ((*work)[0].id, old_id);
  const int64_t rid = (*work)[0].recipients[0].id;
  ASSERT_TRUE(queue_->settle(NoticeSettlement{NoticeSettlement::Kind::delay, {rid}}));
  EXPECT_TRUE(get(old_id).recipients[0].delay_notified);
  work = queue_->notice_work(kT0 + 500);
  ASSERT_TRUE(work);
  EXPECT_TRUE(work->empty());
  // Still queued: a delay notice does not finish anything.
  EXPECT_EQ(get(old_id).recipients[0].state, RecipientState::queued);
}

TEST_F(StoreQueue, RetryNowAndRetryAll) {
  const int64_t a = enqueue(message({"x@a.example"}));
  const int64_t b = enqueue(message({"y@b.example"}));
  for (const Claim& c : claim(kT0)) {
    ASSERT_TRUE(queue_->record(
        {result(c.message.recipients[0].id, RecipientState::queued, kT0, kT0 + 3600)}));
  }
  auto r = queue_->retry_now(a, kT0 + 10);
  ASSERT_TRUE(r);
  EXPECT_TRUE(*r);
  EXPECT_EQ(get(a).recipients[0].next_attempt, kT0 + 10);
  EXPECT_EQ(get(b).recipients[0].next_attempt, kT0 + 3600);
  r = queue_->retry_now(b + 100, kT0);
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
  auto n = queue_->retry_all(kT0 + 20);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1u);  // b only: a is due already
  EXPECT_EQ(get(b).recipients[0].next_attempt, kT0 + 20);
}

TEST_F(StoreQueue, RemoveDeletesRowAndFile) {
  const int64_t id = enqueue(message({"x@a.example"}));
  const std::string blob = get(id).blob_id;
  auto r = queue_->remove(id);
  ASSERT_TRUE(r);
  EXPECT_TRUE(*r);
  EXPECT_FALSE(std::filesystem::exists(queue_->blob_files().path_of(blob)));
  r = queue_->remove(id);
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
}

TEST_F(StoreQueue, ConcurrentEnqueuesShareCommits) {
  constexpr int kThreads = 16;
  constexpr int kEach = 10;
  const uint64_t before = queue_->batches_committed();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto r = queue_->enqueue(
            message({"r@a.example"}, "Subject: " + std::to_string(t) + "\r\n\r\n" +
                                         std::string(2048, static_cast<char>('a' + t)) + "\r\n"));
        if (r) ok.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kThreads * kEach);
  const uint64_t batches = queue_->batches_committed() - before;
  EXPECT_GT(batches, 0u);
  EXPECT_LT(batches, static_cast<uint64_t>(kThreads * kEach));
  EXPECT_EQ(body_files(), static_cast<size_t>(kThreads * kEach));
}

TEST_F(StoreQueue, ReconcileRemovesOrphansAndTempsAndReleasesLeases) {
  const int64_t id = enqueue(message({"x@a.example"}));
  ASSERT_EQ(claim(kT0).size(), 1u);
  const BlobFiles blobs = queue_->blob_files();  // a copy: queue_ is reopened below
  const std::string orphan = BlobFiles::new_id();
  ASSERT_TRUE(blobs.write(orphan, "orphan"));
  const auto temp = blobs.shard_dir("ab") / "abcdef.tmp.123";
  std::ofstream(temp) << "partial";
  queue_ = open_queue(QueueOptions{.orphan_grace_seconds = 0});
  auto report = queue_->reconcile();
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->temp_files_removed, 1u);
  EXPECT_EQ(report->orphan_blobs_removed, 1u);
  EXPECT_EQ(report->missing_blobs_quarantined, 0u);
  EXPECT_EQ(report->leases_released, 1u);
  EXPECT_FALSE(std::filesystem::exists(blobs.path_of(orphan)));
  EXPECT_FALSE(std::filesystem::exists(temp));
  EXPECT_EQ(get(id).recipients[0].lease_until, 0);
  EXPECT_EQ(claim(kT0).size(), 1u);  // claimable at once, not after the old lease
}

TEST_F(StoreQueue, ReconcileKeepsYoungOrphans) {
  const std::string orphan = BlobFiles::new_id();
  ASSERT_TRUE(queue_->blob_files().write(orphan, "an enqueue about to commit"));
  auto report = queue_->reconcile();  // default grace: an hour
  ASSERT_TRUE(report);
  EXPECT_EQ(report->orphan_blobs_removed, 0u);
  EXPECT_TRUE(std::filesystem::exists(queue_->blob_files().path_of(orphan)));
}

TEST_F(StoreQueue, ReconcileQuarantinesMissingBodiesUntilRestored) {
  const int64_t id = enqueue(message({"x@a.example"}));
  const QueuedMessage q = get(id);
  const auto path = queue_->blob_files().path_of(q.blob_id);
  const auto saved = dir_ / "saved";
  std::filesystem::rename(path, saved);
  auto report = queue_->reconcile();
  ASSERT_TRUE(report);
  EXPECT_EQ(report->missing_blobs_quarantined, 1u);
  QueuedMessage after = get(id);
  EXPECT_TRUE(after.quarantined);
  EXPECT_TRUE(claim(kT0 + 1).empty());
  auto body = queue_->read_body(after);
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error().code, ENOENT);

  std::filesystem::rename(saved, path);
  report = queue_->reconcile();
  ASSERT_TRUE(report);
  EXPECT_EQ(report->blobs_restored, 1u);
  EXPECT_FALSE(get(id).quarantined);
  EXPECT_EQ(claim(kT0 + 1).size(), 1u);
}

TEST_F(StoreQueue, DatabaseIsWalAndVersioned) {
  queue_.reset();
  auto db = Db::open(dir_ / "queue.db", Db::Mode::read_only);
  ASSERT_TRUE(db);
  auto st = (*db)->stmt("PRAGMA journal_mode");
  ASSERT_TRUE(st);
  ASSERT_TRUE((*st)->step());
  EXPECT_EQ((*st)->column_text(0), "wal");
  auto v = (*db)->stmt("PRAGMA user_version");
  ASSERT_TRUE(v);
  ASSERT_TRUE((*v)->step());
  EXPECT_EQ((*v)->column_int(0), 1);
}

}  // namespace
}  // namespace heron::store::sqlite
