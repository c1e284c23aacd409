#include "store/sqlite/group_commit.hpp"

#include <cerrno>
#include <chrono>
#include <ctime>
#include <optional>
#include <utility>

#include "base/log.hpp"
#include "base/metrics.hpp"

namespace heron::store::sqlite {

// Runs fn(0..n-1) on the calling thread plus a few helpers and returns when all are done.
// Items are claimed under the mutex: the work items are fsyncs, so the lock is never the cost.
class WorkerPool {
 public:
  explicit WorkerPool(unsigned helpers) {
    for (unsigned i = 0; i < helpers; ++i) threads_.emplace_back([this] { loop(); });
  }
  ~WorkerPool() {
    {
      std::lock_guard lk(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void run_all(size_t n, const std::function<void(size_t)>& fn) {
    if (threads_.empty() || n <= 1) {
      for (size_t i = 0; i < n; ++i) fn(i);
      return;
    }
    std::unique_lock lk(mutex_);
    fn_ = &fn;
    n_ = n;
    next_ = 0;
    done_ = 0;
    cv_.notify_all();
    work(lk);
    done_cv_.wait(lk, [this] { return done_ == n_; });
    fn_ = nullptr;
  }

 private:
  void loop() {
    std::unique_lock lk(mutex_);
    while (true) {
      cv_.wait(lk, [this] { return stop_ || (fn_ != nullptr && next_ < n_); });
      if (stop_) return;
      work(lk);
    }
  }
  void work(std::unique_lock<std::mutex>& lk) {
    while (fn_ != nullptr && next_ < n_) {
      size_t i = next_++;
      const auto* fn = fn_;
      lk.unlock();
      (*fn)(i);
      lk.lock();
      if (++done_ == n_) done_cv_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  std::condition_variable done_cv_;
  const std::function<void(size_t)>* fn_ = nullptr;
  size_t n_ = 0;
  size_t next_ = 0;
  size_t done_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

// One job's progress through a batch.
struct GroupCommitter::Work {
  Job* job = nullptr;
  std::string blob_id;
  bool blob_written = false;
  std::optional<Error> error;
};

GroupCommitter::GroupCommitter(Db& writer, std::mutex& writer_mutex, const BlobFiles& blobs,
                               unsigned blob_write_threads, std::string scope, std::string job)
    : writer_(writer),
      writer_mutex_(writer_mutex),
      blobs_(blobs),
      scope_(std::move(scope)),
      job_(std::move(job)),
      pool_(std::make_unique<WorkerPool>(blob_write_threads > 1 ? blob_write_threads - 1 : 0)),
      thread_([this] { run(); }) {
  metrics::define_histogram("heron_store_commit_batch_size", {1, 2, 4, 8, 16, 32, 64, 128, 256});
  metrics::describe("heron_store_commit_seconds",
                    "Time to make one group-commit batch durable (blobs, fsync, COMMIT).");
  metrics::describe("heron_store_commit_batch_size", "Jobs committed together in one batch.");
}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard lk(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  thread_.join();
}

void GroupCommitter::submit(Job job) {
  {
    std::lock_guard lk(queue_mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(job));
      queue_cv_.notify_one();
      return;
    }
  }
  if (job.done) job.done(make_error(scope_ + " is shutting down", ESHUTDOWN));
}

void GroupCommitter::run() {
  std::vector<Job> batch;
  while (true) {
    {
      std::unique_lock lk(queue_mutex_);
      queue_cv_.wait(lk, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and drained
      batch.swap(queue_);
    }
    process(batch);
    batch.clear();
  }
}

void GroupCommitter::process(std::vector<Job>& batch) {
  std::vector<Work> work(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) work[i].job = &batch[i];
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  // Store latency for operators: blob writes, directory fsync and COMMIT of one batch, as
  // heron_store_commit_seconds{scope="store"|"queue"} (docs/admin.md).
  const auto started = std::chrono::steady_clock::now();
  bool committed = false;
  {
    std::lock_guard writer_lock(writer_mutex_);

    // 1. Blobs: one shard for the whole batch, so step 2 is a single directory fsync.
    const std::string shard = BlobFiles::new_shard();
    pool_->run_all(work.size(), [&](size_t i) {
      Work& w = work[i];
      if (!w.job->with_blob) return;
      w.blob_id = BlobFiles::new_id(shard);
      if (auto r = blobs_.write(w.blob_id, w.job->blob); !r) {
        w.error = r.error();
        return;
      }
      w.blob_written = true;
    });

    // 2. One directory fsync makes every rename above durable.
    bool any_written = false;
    for (const Work& w : work) any_written = any_written || w.blob_written;
    if (any_written) {
      if (auto r = blobs_.sync_shard(shard); !r) {
        for (Work& w : work) {
          if (w.blob_written && !w.error) w.error = r.error();
        }
      }
    }

    // 3. One transaction for every job of the batch, each under its own savepoint.
    auto tx = Transaction::begin(writer_);
    if (!tx) {
      for (Work& w : work) {
        if (!w.error) w.error = tx.error();
      }
    } else {
      for (Work& w : work) {
        if (w.error) continue;
        if (auto r = writer_.exec("SAVEPOINT job"); !r) {
          w.error = r.error();
          continue;
        }
        Result<void> applied = w.job->apply ? w.job->apply(writer_, w.blob_id, w.job->blob, now)
                                            : Result<void>(make_error("job without apply", EINVAL));
        if (!applied) {
          w.error = applied.error();
          (void)writer_.exec("ROLLBACK TO job");
        }
        (void)writer_.exec("RELEASE job");
      }
      if (auto r = tx->commit(); !r) {
        log::error(scope_ + ".commit.failed",
                   {{"jobs", batch.size()}, {"error", r.error().message}});
        metrics::inc("heron_" + scope_ + "_commit_failures_total");
        for (Work& w : work) {
          if (!w.error) w.error = r.error();
        }
      } else {
        committed = true;
      }
    }
  }
  if (committed) batches_.fetch_add(1, std::memory_order_relaxed);
  metrics::observe(
      "heron_store_commit_seconds",
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), "scope",
      scope_);
  metrics::observe("heron_store_commit_batch_size", static_cast<double>(batch.size()), "scope",
                   scope_);

  // 4. Failed jobs leave no row, so their files go (best effort: a start-up reconcile would
  //    remove them anyway). Then every caller learns its outcome, successes only after COMMIT.
  size_t failed = 0;
  for (Work& w : work) {
    if (!w.error) continue;
    ++failed;
    if (w.blob_written) (void)blobs_.remove(w.blob_id);
  }
  if (failed > 0) {
    log::warn(scope_ + "." + job_ + ".failed", {{"failed", failed}, {"batch", batch.size()}});
    metrics::inc("heron_" + scope_ + "_" + job_ + "_failures_total", {}, {}, failed);
  }
  log::debug(scope_ + ".commit", {{"jobs", batch.size()}, {"failed", failed}});
  for (Work& w : work) {
    auto& done = w.job->done;
    if (!done) continue;
    try {
      if (w.error) {
        done(*w.error);
      } else {
        done(Result<void>());
      }
    } catch (...) {
      // A throwing callback is a bug in the caller; it must not take the committer down.
      log::error(scope_ + "." + job_ + ".callback_threw");
      metrics::inc("heron_" + scope_ + "_bugs_total", "where", job_ + "_callback");
    }
  }
}

}  // namespace heron::store::sqlite
