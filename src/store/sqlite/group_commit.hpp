#pragma once
// Group commit: the single thread through which every durable write of one SQLite database
// and its blob directory reaches the disk. The mail store's deliveries (committer.hpp) and the
// outbound queue's enqueues and attempt results (queue_store.hpp) each run one.
//
// submit() queues a Job and returns. The thread repeatedly takes EVERYTHING queued so far as
// one batch and, holding the writer mutex:
//   1. picks one random shard for the batch and writes each job's blob there (fs::write_synced:
//      temp file, fdatasync, rename), spread over a few threads because fdatasync latency, not
//      CPU, is the cost;
//   2. fsyncs that shard directory once, making every rename of the batch durable;
//   3. runs ONE transaction (BEGIN IMMEDIATE ... COMMIT; the caller's connection is in WAL
//      mode with synchronous=FULL) in which each job's apply() runs under its own SAVEPOINT,
//      so one failing job fails alone without failing its batch;
//   4. after COMMIT returns, calls every job's done(); a failed step fails the jobs it covers,
//      and their blob files are unlinked (no row names them).
// No row can thus name a file a crash could take back. While a batch is on disk the next one
// accumulates, so under load one WAL fsync and one directory fsync serve many callers.
// Thread: submit() from any thread; apply() and done() run on the committer thread. done()
// must not wait for another job of the same committer (it would wait for its own thread).
// Failure: per job, through done(); the committer itself never stops. A throwing done() is a
// bug that is logged and counted.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/result.hpp"
#include "store/blob_files.hpp"
#include "store/sqlite/db.hpp"

namespace heron::store::sqlite {

class WorkerPool;

class GroupCommitter {
 public:
  struct Job {
    // Written as a new immutable blob before the transaction when with_blob is set.
    bool with_blob = false;
    std::string blob;
    // Inside the batch's transaction, under the job's SAVEPOINT. blob_id names the blob written
    // for this job (empty without one); now is the batch's wall-clock time. An error rolls
    // back this job's writes alone.
    std::function<Result<void>(Db& db, const std::string& blob_id, std::string_view blob,
                               int64_t now)>
        apply;
    // After the COMMIT returned, or once the job is known to have failed.
    std::function<void(Result<void>)> done;
  };

  // scope names the log events and metrics ("store": store.commit.failed,
  // heron_store_commit_failures_total); job names one job in them ("deliver":
  // store.deliver.failed, heron_store_deliver_failures_total).
  GroupCommitter(Db& writer, std::mutex& writer_mutex, const BlobFiles& blobs,
                 unsigned blob_write_threads, std::string scope, std::string job);
  // Commits (or fails) everything still queued, then joins the thread.
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // After the destructor has started, the job fails at once with ESHUTDOWN.
  void submit(Job job);
  uint64_t batches_committed() const { return batches_.load(std::memory_order_relaxed); }

 private:
  struct Work;

  void run();
  void process(std::vector<Job>& batch);

  Db& writer_;
  std::mutex& writer_mutex_;
  const BlobFiles& blobs_;
  const std::string scope_;
  const std::string job_;
  std::unique_ptr<WorkerPool> pool_;

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::vector<Job> queue_;
  bool stopping_ = false;
  std::atomic<uint64_t> batches_{0};
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace heron::store::sqlite
