// SqliteQueue: opening, the durable writes (enqueue, record, settle) through the group
// committer, claims, and the operator actions. Reads are in queue_read.cpp, the start-up
// reconcile in queue_reconcile.cpp, row mapping in queue_rows.cpp.

#include "store/sqlite/queue_store.hpp"

#include <cerrno>
#include <future>
#include <map>
#include <set>
#include <utility>

#include "base/fs.hpp"
#include "base/log.hpp"
#include "base/metrics.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/group_commit.hpp"
#include "store/sqlite/queue_rows.hpp"
#include "store/sqlite/queue_schema.hpp"
#include "store/sqlite/wal.hpp"

namespace heron::store::sqlite {

using namespace queue_rows;

SqliteQueue::SqliteQueue(std::filesystem::path dir, QueueOptions options)
    : dir_(std::move(dir)), options_(options), blobs_(dir_ / "queue") {}

SqliteQueue::~SqliteQueue() {
  committer_.reset();  // drains the queue; every callback has run when this returns
}

Result<std::unique_ptr<SqliteQueue>> SqliteQueue::open(const std::filesystem::path& data_dir,
                                                       QueueOptions options) {
  std::unique_ptr<SqliteQueue> queue(new SqliteQueue(data_dir, options));
  if (auto r = queue->init(); !r) {
    log::error("queue.open.failed", {{"dir", data_dir.string()}, {"error", r.error().message}});
    metrics::inc("heron_queue_open_failures_total");
    return r.error();
  }
  return queue;
}

Result<void> SqliteQueue::init() {
  if (auto r = fs::ensure_dir(dir_); !r) return r;
  // The shard directories exist before the first enqueue, so that path never mkdirs.
  if (auto r = blobs_.prepare(); !r) return r;
  const auto db_path = dir_ / "queue.db";
  auto writer = open_writer(db_path);
  if (!writer) return writer.error();
  writer_ = std::move(*writer);
  auto from = migrate_queue(*writer_);
  if (!from) return from.error();
  auto reader = open_reader(db_path);
  if (!reader) return reader.error();
  reader_ = std::move(*reader);
  committer_ = std::make_unique<GroupCommitter>(*writer_, writer_mutex_, blobs_,
                                                options_.blob_write_threads, "queue", "commit");
  log::info("queue.open",
            {{"dir", dir_.string()}, {"schema_from", *from}, {"schema", queue_schema_version()}});
  return {};
}

uint64_t SqliteQueue::batches_committed() const {
  return committer_ ? committer_->batches_committed() : 0;
}

void SqliteQueue::remove_blob_files(const std::vector<std::string>& ids) {
  // No directory fsync: if a crash undoes an unlink, the file is an orphan with no row, and
  // reconcile() removes it after the grace period.
  for (const std::string& id : ids) {
    if (auto r = blobs_.remove(id); !r) {
      log::warn("queue.blob.remove_failed", {{"blob", id}, {"error", r.error().message}});
      metrics::inc("heron_queue_blob_remove_failures_total");
    }
  }
}

// --- enqueue -----------------------------------------------------------------------------

void SqliteQueue::enqueue_async(NewQueueMessage message, EnqueueCallback done) {
  if (message.recipients.empty()) {
    done(make_error("queue: a message needs at least one recipient", EINVAL));
    return;
  }
  struct Outcome {
    int64_t id = 0;
    std::vector<std::string> removed_blobs;  // messages a settlement finished
  };
  auto outcome = std::make_shared<Outcome>();
  GroupCommitter::Job job;
  job.with_blob = true;
  job.blob = std::move(message.body);
  message.body.clear();
  job.apply = [m = std::move(message), outcome](Db& db, const std::string& blob_id,
                                                std::string_view blob,
                                                int64_t /*now*/) -> Result<void> {
    {
      auto st = db.stmt(
          "INSERT INTO messages(blob_id, size, sender, ret, envid, smtputf8, eightbit, origin, "
          "arrival) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
      if (!st) return st.error();
      (*st)
          ->bind(1, blob_id)
          .bind(2, static_cast<int64_t>(blob.size()))
          .bind(3, m.sender)
          .bind(4, ret_name(m.ret))
          .bind(5, m.envid)
          .bind(6, int64_t{m.smtputf8})
          .bind(7, int64_t{m.eightbit})
          .bind(8, m.origin)
          .bind(9, m.arrival);
      if (auto r = (*st)->run(); !r) return r.error();
    }
    const int64_t id = db.last_insert_rowid();
    const int64_t first = m.first_attempt != 0 ? m.first_attempt : m.arrival;
    for (const NewQueueRecipient& rcpt : m.recipients) {
      auto st = db.stmt(
          "INSERT INTO recipients(message_id, address, domain, orcpt, notify, next_attempt) "
          "VALUES (?, ?, ?, ?, ?, ?)");
      if (!st) return st.error();
      (*st)
          ->bind(1, id)
          .bind(2, rcpt.address)
          .bind(3, domain_of(rcpt.address))
          .bind(4, rcpt.orcpt)
          .bind(5, int64_t{rcpt.notify})
          .bind(6, first);
      if (auto r = (*st)->run(); !r) return r.error();
    }
    if (m.settles) {
      std::set<int64_t> touched;
      if (auto r = apply_settlement(db, *m.settles, touched); !r) return r;
      if (auto r = remove_finished(db, touched, outcome->removed_blobs); !r) return r;
    }
    outcome->id = id;
    return {};
  };
  job.done = [this, outcome, done = std::move(done)](Result<void> result) {
    if (!result) {
      done(result.error());
      return;
    }
    remove_blob_files(outcome->removed_blobs);
    done(outcome->id);
  };
  committer_->submit(std::move(job));
}

Result<int64_t> SqliteQueue::enqueue(NewQueueMessage message) {
  std::promise<Result<int64_t>> promise;
  auto future = promise.get_future();
  enqueue_async(std::move(message),
                [&promise](Result<int64_t> result) { promise.set_value(std::move(result)); });
  return future.get();
}

void SqliteQueue::commit_job_async(
    std::function<Result<void>(Db&, std::vector<std::string>&)> apply,
    std::function<void(Result<void>)> done) {
  auto removed = std::make_shared<std::vector<std::string>>();
  GroupCommitter::Job job;
  job.apply = [apply = std::move(apply), removed](Db& db, const std::string&, std::string_view,
                                                  int64_t) { return apply(db, *removed); };
  job.done = [this, removed, done = std::move(done)](Result<void> result) {
    if (result) remove_blob_files(*removed);
    if (done) done(std::move(result));
  };
  committer_->submit(std::move(job));
}

Result<void> SqliteQueue::commit_job(
    std::function<Result<void>(Db&, std::vector<std::string>&)> apply) {
  std::promise<Result<void>> promise;
  auto future = promise.get_future();
  commit_job_async(std::move(apply),
                   [&promise](Result<void> result) { promise.set_value(std::move(result)); });
  return future.get();
}

// --- attempt results and notices -----------------------------------------------------------

Result<void> SqliteQueue::record(std::vector<AttemptRecord> records) {
  std::promise<Result<void>> promise;
  auto future = promise.get_future();
  record_async(std::move(records),
               [&promise](Result<void> result) { promise.set_value(std::move(result)); });
  return future.get();
}

void SqliteQueue::record_async(std::vector<AttemptRecord> records, RecordCallback done) {
  if (records.empty()) {
    done(Result<void>());
    return;
  }
  commit_job_async(
      [records = std::move(records)](Db& db, std::vector<std::string>& removed) -> Result<void> {
        std::set<int64_t> touched;
        for (const AttemptRecord& a : records) {
          const bool deferred = a.state == RecipientState::queued;
          // Only a recipient still queued takes a result: one that an operator deleted, or that
          // another worker finished after this worker's lease ran out, is left alone.
          auto st = db.stmt(
              "UPDATE recipients SET state = ?, attempts = attempts + ?, "
              "last_attempt = CASE WHEN ? THEN ? ELSE last_attempt END, next_attempt = ?, "
              "status = ?, diagnostic = ?, remote_mta = ?, dsn = ?, lease_until = 0 "
              "WHERE id = ? AND state = 'queued' RETURNING message_id");
          if (!st) return st.error();
          (*st)
              ->bind(1, state_name(a.state))
              .bind(2, int64_t{a.counts_as_attempt})
              .bind(3, int64_t{a.counts_as_attempt})
              .bind(4, a.attempted_at)
              .bind(5, deferred ? a.next_attempt : int64_t{0})
              .bind(6, a.status)
              .bind(7, a.diagnostic)
              .bind(8, a.remote_mta)
              .bind(9, dsn_name(deferred ? DsnState::none : a.dsn))
              .bind(10, a.recipient_id);
          auto row = (*st)->step();
          if (!row) return row.error();
          if (!*row) {
            log::info("queue.record.stale", {{"recipient", a.recipient_id}});
            continue;
          }
          touched.insert((*st)->column_int(0));
          if (auto r = (*st)->run(); !r) return r.error();
        }
        return remove_finished(db, touched, removed);
      },
      std::move(done));
}

Result<void> SqliteQueue::settle(const NoticeSettlement& settlement) {
  if (settlement.recipient_ids.empty()) return {};
  return commit_job([settlement](Db& db, std::vector<std::string>& removed) -> Result<void> {
    std::set<int64_t> touched;
    if (auto r = apply_settlement(db, settlement, touched); !r) return r;
    return remove_finished(db, touched, removed);
  });
}

// --- claims --------------------------------------------------------------------------------

Result<std::vector<Claim>> SqliteQueue::claim_due(const ClaimRequest& request) {
  if (request.max_claims == 0 || request.max_recipients == 0) return std::vector<Claim>{};
  std::lock_guard lk(writer_mutex_);
  auto tx = Transaction::begin(*writer_);
  if (!tx) return tx.error();

  // Due, unleased recipients of messages that are neither held nor quarantined, most overdue
  // first; grouped below by (message, domain) in that order.
  struct Group {
    int64_t message_id;
    std::string domain;
    std::vector<int64_t> ids;
  };
  std::vector<Group> groups;
  std::map<std::pair<int64_t, std::string>, size_t> index;
  {
    std::string sql =
        "SELECT r.id, r.message_id, r.domain FROM recipients r JOIN messages m ON "
        "m.id = r.message_id WHERE r.state = 'queued' AND r.next_attempt <= ?1 AND "
        "r.lease_until <= ?1 AND m.held = 0 AND m.quarantined = 0";
    if (!request.domain.empty()) sql += " AND r.domain = ?2";
    sql += " ORDER BY r.next_attempt, r.message_id, r.id";
    auto st = writer_->stmt(sql);
    if (!st) return st.error();
    (*st)->bind(1, request.now);
    if (!request.domain.empty()) (*st)->bind(2, request.domain);
    while (true) {
      auto row = (*st)->step();
      if (!row) return row.error();
      if (!*row) break;
      const int64_t id = (*st)->column_int(0);
      auto key = std::make_pair((*st)->column_int(1), (*st)->column_text(2));
      auto it = index.find(key);
      if (it == index.end()) {
        if (groups.size() == request.max_claims) continue;
        it = index.emplace(key, groups.size()).first;
        groups.push_back(Group{key.first, key.second, {}});
      }
      Group& g = groups[it->second];
      if (g.ids.size() < request.max_recipients) g.ids.push_back(id);
    }
  }

  const int64_t lease_until = request.now + request.lease_seconds;
  std::vector<Claim> claims;
  claims.reserve(groups.size());
  for (const Group& g : groups) {
    auto loaded = load_messages(*writer_, {g.message_id});
    if (!loaded) return loaded.error();
    if (loaded->empty()) continue;
    Claim c;
    c.message = std::move(loaded->front());
    c.domain = g.domain;
    c.lease_until = lease_until;
    for (int64_t id : g.ids) {
      auto st = writer_->stmt(std::string("UPDATE recipients SET lease_until = ? WHERE id = ? ") +
                              "RETURNING " + kRecipientColumns);
      if (!st) return st.error();
      (*st)->bind(1, lease_until).bind(2, id);
      auto row = (*st)->step();
      if (!row) return row.error();
      if (!*row) continue;
      c.message.recipients.push_back(recipient_from_row(**st));
      if (auto r = (*st)->run(); !r) return r.error();
    }
    claims.push_back(std::move(c));
  }
  if (auto r = tx->commit(); !r) return r.error();
  return claims;
}

Result<void> SqliteQueue::unclaim(const std::vector<int64_t>& recipient_ids) {
  std::lock_guard lk(writer_mutex_);
  auto tx = Transaction::begin(*writer_);
  if (!tx) return tx.error();
  for (int64_t id : recipient_ids) {
    auto st = writer_->stmt("UPDATE recipients SET lease_until = 0 WHERE id = ?");
    if (!st) return st.error();
    (*st)->bind(1, id);
    if (auto r = (*st)->run(); !r) return r;
  }
  return tx->commit();
}

// --- operator actions ----------------------------------------------------------------------

Result<bool> SqliteQueue::set_held(int64_t id, bool held) {
  std::lock_guard lk(writer_mutex_);
  auto st = writer_->stmt("UPDATE messages SET held = ? WHERE id = ? RETURNING id");
  if (!st) return st.error();
  (*st)->bind(1, int64_t{held}).bind(2, id);
  auto row = (*st)->step();
  if (!row) return row.error();
  const bool found = *row;
  if (found) {
    if (auto r = (*st)->run(); !r) return r.error();
    log::info(held ? "queue.hold" : "queue.release", {{"id", id}});
  }
  return found;
}

Result<bool> SqliteQueue::hold(int64_t id) {
  return set_held(id, true);
}

Result<bool> SqliteQueue::release(int64_t id) {
  return set_held(id, false);
}

Result<bool> SqliteQueue::retry_now(int64_t id, int64_t now) {
  std::lock_guard lk(writer_mutex_);
  auto tx = Transaction::begin(*writer_);
  if (!tx) return tx.error();
  {
    auto st = writer_->stmt("SELECT 1 FROM messages WHERE id = ?");
    if (!st) return st.error();
    (*st)->bind(1, id);
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) return false;
  }
  auto st = writer_->stmt(
      "UPDATE recipients SET next_attempt = ? WHERE message_id = ? AND state = 'queued'");
  if (!st) return st.error();
  (*st)->bind(1, now).bind(2, id);
  if (auto r = (*st)->run(); !r) return r.error();
  if (auto r = tx->commit(); !r) return r.error();
  log::info("queue.retry", {{"id", id}});
  return true;
}

Result<uint64_t> SqliteQueue::retry_all(int64_t now) {
  std::lock_guard lk(writer_mutex_);
  auto st = writer_->stmt(
      "UPDATE recipients SET next_attempt = ? WHERE state = 'queued' AND next_attempt > ?");
  if (!st) return st.error();
  (*st)->bind(1, now).bind(2, now);
  if (auto r = (*st)->run(); !r) return r.error();
  const auto changed = static_cast<uint64_t>(writer_->changes());
  log::info("queue.retry_all", {{"recipients", changed}});
  return changed;
}

Result<bool> SqliteQueue::remove(int64_t id) {
  std::string blob;
  {
    std::lock_guard lk(writer_mutex_);
    auto st = writer_->stmt("DELETE FROM messages WHERE id = ? RETURNING blob_id");
    if (!st) return st.error();
    (*st)->bind(1, id);
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) return false;
    blob = (*st)->column_text(0);
    if (auto r = (*st)->run(); !r) return r.error();
  }
  // The row is gone (autocommit), so the file can go.
  remove_blob_files({blob});
  log::info("queue.delete", {{"id", id}});
  return true;
}

}  // namespace heron::store::sqlite
