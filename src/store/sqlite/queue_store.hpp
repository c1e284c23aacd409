#pragma once
// The outbound queue on SQLite: <data_dir>/queue.db (WAL) for envelopes and recipient state,
// and one immutable file per message body under <data_dir>/queue/ (BlobFiles: 256 shards).
//
// Durability (DESIGN.md, "The durability rule"; docs/queue.md). enqueue() returns success
// only after, in this order: the body was written to a temporary file, fdatasynced and
// renamed to its blob name; the shard directory was fsynced; ONE transaction inserting the
// message row and every recipient row (and settling the notices it carries, see
// NoticeSettlement) was committed on a connection with journal_mode=WAL and
// synchronous=FULL. A crash before the commit leaves an orphan file and no row: the caller
// never got its queue id and answered no 250; reconcile() removes the file after the grace
// period. A crash after the commit leaves both. kill -9 at any instant loses nothing that
// was acknowledged, and tests/unit/store_queue_crash_test.cpp checks it.
//
// Group commit: enqueues and attempt results go through one GroupCommitter
// (group_commit.hpp): every job queued while the previous batch was on disk shares its
// directory fsync and its WAL commit. A removed message's body file is unlinked after the
// commit that deleted its row; a crash in between leaves an orphan that reconcile() removes.
//
// Claims (claim_due) and operator actions run their own short transaction on the writer
// connection under the writer mutex; BEGIN IMMEDIATE serialises them with the committer and
// with other processes (the CLI), so two claimers never lease the same recipient.
// Thread: any. Reads use a separate query_only connection behind its own mutex, so `heron
// queue list` or a scheduler's next_due() never waits for an fsync. Failure: see
// store/queue_store.hpp.

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "store/blob_files.hpp"
#include "store/queue_store.hpp"

namespace heron::store::sqlite {

class Db;
class GroupCommitter;

struct QueueOptions {
  // Body files with no row are removed by reconcile() only when older than this, so an
  // enqueue (in this process or in `heron queue inject`) that wrote its file but has not yet
  // committed is never touched.
  int64_t orphan_grace_seconds = 3600;
  // Threads (the committer included) writing and fdatasyncing the bodies of one batch.
  unsigned blob_write_threads = 4;
};

class SqliteQueue final : public QueueStore {
 public:
  static Result<std::unique_ptr<SqliteQueue>> open(const std::filesystem::path& data_dir,
                                                   QueueOptions options = {});
  // Waits for every queued job to be committed (or failed) and its callback to run.
  ~SqliteQueue() override;
  SqliteQueue(const SqliteQueue&) = delete;
  SqliteQueue& operator=(const SqliteQueue&) = delete;

  Result<int64_t> enqueue(NewQueueMessage message) override;
  void enqueue_async(NewQueueMessage message, EnqueueCallback done) override;
  Result<std::vector<QueuedMessage>> list() override;
  Result<std::optional<QueuedMessage>> get(int64_t id) override;
  // Fails with ENOENT for a quarantined message until its file is restored.
  Result<std::string> read_body(const QueuedMessage& message) override;
  Result<std::vector<Claim>> claim_due(const ClaimRequest& request) override;
  Result<void> unclaim(const std::vector<int64_t>& recipient_ids) override;
  Result<std::optional<int64_t>> next_due() override;
  Result<void> record(std::vector<AttemptRecord> records) override;
  void record_async(std::vector<AttemptRecord> records, RecordCallback done) override;
  Result<std::vector<QueuedMessage>> notice_work(int64_t delay_cutoff) override;
  Result<void> settle(const NoticeSettlement& settlement) override;
  Result<bool> hold(int64_t id) override;
  Result<bool> release(int64_t id) override;
  Result<bool> retry_now(int64_t id, int64_t now) override;
  Result<uint64_t> retry_all(int64_t now) override;
  Result<bool> remove(int64_t id) override;
  // Holds the writer for its whole run; call before any worker claims.
  Result<QueueReconcileReport> reconcile() override;

  // For tests and metrics.
  uint64_t batches_committed() const;
  const BlobFiles& blob_files() const { return blobs_; }
  const std::filesystem::path& data_dir() const { return dir_; }

 private:
  SqliteQueue(std::filesystem::path dir, QueueOptions options);
  Result<void> init();
  // Runs apply inside one job of the group committer; done gets the outcome after the
  // commit, once the body files of the messages apply removed are unlinked.
  void commit_job_async(std::function<Result<void>(Db&, std::vector<std::string>&)> apply,
                        std::function<void(Result<void>)> done);
  // The same, waiting for the commit.
  Result<void> commit_job(std::function<Result<void>(Db&, std::vector<std::string>&)> apply);
  void remove_blob_files(const std::vector<std::string>& ids);
  Result<bool> set_held(int64_t id, bool held);

  std::filesystem::path dir_;
  QueueOptions options_;
  BlobFiles blobs_;

  std::mutex writer_mutex_;  // the writer connection, shared by claims, admin and committer
  std::unique_ptr<Db> writer_;
  std::mutex reader_mutex_;
  std::unique_ptr<Db> reader_;
  // Declared last: destroyed first, draining its queue while both connections still exist.
  std::unique_ptr<GroupCommitter> committer_;
};

}  // namespace heron::store::sqlite
