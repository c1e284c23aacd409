#pragma once
// The group committer: the single thread through which every delivery reaches the disk.
//
// submit() queues a delivery and returns. The committer thread repeatedly takes EVERYTHING
// queued so far as one batch and, holding the writer mutex:
//   1. picks one random shard for the batch and writes each body as a new blob there
//      (fs::write_synced: temp file, fdatasync, rename), spreading the blobs over a few
//      threads because fdatasync latency, not CPU, is the cost;
//   2. fsyncs that shard directory once, making every rename of the batch durable;
//   3. runs ONE transaction (BEGIN IMMEDIATE ... COMMIT, WAL, synchronous=FULL) inserting each
//      delivery's blob row and message rows, uid = the mailbox's uidnext (then bumped) and
//      modseq = ++highestmodseq. Each delivery runs under its own SAVEPOINT, so one with an
//      unknown account fails alone without failing its batch;
//   4. after COMMIT returns, calls every callback; a failed step fails the deliveries it
//      covers, and their blob files are unlinked (no row names them).
// While a batch is on disk the next one accumulates, so under load the fsync cost is shared
// by many deliveries (one WAL fsync and one directory fsync per batch).
// Thread: submit() from any thread; callbacks run on the committer thread and must not call
// SqliteStore::deliver() (it would wait for the thread it runs on); deliver_async() is fine.
// Failure: per delivery, reported through its callback; the committer itself never stops.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/blob_files.hpp"
#include "store/mail_store.hpp"
#include "store/sqlite/db.hpp"

namespace heron::store::sqlite {

class WorkerPool;

class Committer {
 public:
  Committer(Db& writer, std::mutex& writer_mutex, const BlobFiles& blobs,
            unsigned blob_write_threads);
  // Commits (or fails) everything still queued, then joins the thread.
  ~Committer();
  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;

  void submit(Delivery delivery, MailStore::DeliverCallback done);
  uint64_t batches_committed() const { return batches_.load(std::memory_order_relaxed); }

 private:
  struct Pending {
    Delivery delivery;
    MailStore::DeliverCallback done;
  };
  struct Work;

  void run();
  void process(std::vector<Pending>& batch);
  Result<std::vector<Delivered>> insert_rows(const Delivery& delivery, const std::string& blob_id,
                                             int64_t now);

  Db& writer_;
  std::mutex& writer_mutex_;
  const BlobFiles& blobs_;
  std::unique_ptr<WorkerPool> pool_;

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::vector<Pending> queue_;
  bool stopping_ = false;
  std::atomic<uint64_t> batches_{0};
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace heron::store::sqlite
