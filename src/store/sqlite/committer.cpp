#include "store/sqlite/committer.hpp"

#include <cerrno>
#include <ctime>
#include <functional>
#include <optional>
#include <utility>

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "base/strings.hpp"

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

namespace {

std::string join_flags(const std::vector<std::string>& flags) {
  std::string out;
  for (const std::string& f : flags) {
    // A flag is an IMAP atom (RFC 9051 flag-keyword / "\" atom): no spaces, so the
    // space-joined column splits back exactly. Anything else is dropped, never stored.
    if (f.empty() || f.find_first_of(" \t\r\n()\"{%*]") != std::string::npos) {
      log::warn("store.deliver.bad_flag", {{"flag", f}});
      continue;
    }
    if (!out.empty()) out += ' ';
    out += f;
  }
  return out;
}

}  // namespace

// One delivery's progress through a batch.
struct Committer::Work {
  Pending* pending = nullptr;
  std::string blob_id;
  bool blob_written = false;
  std::optional<Error> error;
  std::vector<Delivered> delivered;
};

Committer::Committer(Db& writer, std::mutex& writer_mutex, const BlobFiles& blobs,
                     unsigned blob_write_threads)
    : writer_(writer),
      writer_mutex_(writer_mutex),
      blobs_(blobs),
      pool_(std::make_unique<WorkerPool>(blob_write_threads > 1 ? blob_write_threads - 1 : 0)),
      thread_([this] { run(); }) {}

Committer::~Committer() {
  {
    std::lock_guard lk(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  thread_.join();
}

void Committer::submit(Delivery delivery, MailStore::DeliverCallback done) {
  {
    std::lock_guard lk(queue_mutex_);
    if (!stopping_) {
      queue_.push_back(Pending{std::move(delivery), std::move(done)});
      queue_cv_.notify_one();
      return;
    }
  }
  done(make_error("store is shutting down", ESHUTDOWN));
}

void Committer::run() {
  std::vector<Pending> batch;
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

void Committer::process(std::vector<Pending>& batch) {
  std::vector<Work> work(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) work[i].pending = &batch[i];
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  bool committed = false;
  {
    std::lock_guard writer_lock(writer_mutex_);

    // 1. Blobs: one shard for the whole batch, so step 2 is a single directory fsync.
    const std::string shard = BlobFiles::new_shard();
    pool_->run_all(work.size(), [&](size_t i) {
      Work& w = work[i];
      if (w.pending->delivery.targets.empty()) {
        w.error = make_error("delivery has no targets", EINVAL);
        return;
      }
      w.blob_id = BlobFiles::new_id(shard);
      if (auto r = blobs_.write(w.blob_id, w.pending->delivery.body); !r) {
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

    // 3. One transaction for every row of the batch.
    auto tx = Transaction::begin(writer_);
    if (!tx) {
      for (Work& w : work) {
        if (!w.error) w.error = tx.error();
      }
    } else {
      for (Work& w : work) {
        if (w.error) continue;
        if (auto r = writer_.exec("SAVEPOINT delivery"); !r) {
          w.error = r.error();
          continue;
        }
        auto rows = insert_rows(w.pending->delivery, w.blob_id, now);
        if (!rows) {
          w.error = rows.error();
          (void)writer_.exec("ROLLBACK TO delivery");
        } else {
          w.delivered = std::move(*rows);
        }
        (void)writer_.exec("RELEASE delivery");
      }
      if (auto r = tx->commit(); !r) {
        log::error("store.commit.failed",
                   {{"deliveries", batch.size()}, {"error", r.error().message}});
        metrics::inc("heron_store_commit_failures_total");
        for (Work& w : work) {
          if (!w.error) w.error = r.error();
        }
      } else {
        committed = true;
      }
    }
  }
  if (committed) batches_.fetch_add(1, std::memory_order_relaxed);

  // 4. Failed deliveries leave no row, so their files go (best effort: reconcile() would
  //    remove them anyway). Then every caller learns its outcome, successes only after COMMIT.
  size_t failed = 0;
  for (Work& w : work) {
    if (!w.error) continue;
    ++failed;
    if (w.blob_written) (void)blobs_.remove(w.blob_id);
  }
  if (failed > 0) {
    log::warn("store.deliver.failed", {{"failed", failed}, {"batch", batch.size()}});
    metrics::inc("heron_store_delivery_failures_total", {}, {}, failed);
  }
  log::debug("store.commit", {{"deliveries", batch.size()}, {"failed", failed}});
  for (Work& w : work) {
    auto& done = w.pending->done;
    if (!done) continue;
    try {
      if (w.error) {
        done(*w.error);
      } else {
        done(std::move(w.delivered));
      }
    } catch (...) {
      // A throwing callback is a bug in the caller; it must not take the committer down.
      log::error("store.deliver.callback_threw");
      metrics::inc("heron_store_bugs_total", "where", "deliver_callback");
    }
  }
}

Result<std::vector<Delivered>> Committer::insert_rows(const Delivery& delivery,
                                                      const std::string& blob_id, int64_t now) {
  const int64_t internal_date = delivery.internal_date != 0 ? delivery.internal_date : now;
  {
    auto st = writer_.stmt("INSERT INTO blobs(id, size, refcount, created) VALUES (?, ?, 0, ?)");
    if (!st) return st.error();
    (*st)->bind(1, blob_id).bind(2, static_cast<int64_t>(delivery.body.size())).bind(3, now);
    if (auto r = (*st)->run(); !r) return r.error();
  }
  std::vector<Delivered> out;
  out.reserve(delivery.targets.size());
  for (const DeliveryTarget& target : delivery.targets) {
    // RETURNING gives the post-update values: the uid taken is uidnext - 1.
    static constexpr const char* kTake =
        "UPDATE mailboxes SET uidnext = uidnext + 1, highestmodseq = highestmodseq + 1 "
        "WHERE account_id = ? AND name = ? RETURNING id, uidnext - 1, highestmodseq";
    // RFC 9051 5.1: INBOX is case-insensitive.
    const std::string mailbox = str::iequals(target.mailbox, "INBOX") || target.mailbox.empty()
                                    ? std::string("INBOX")
                                    : target.mailbox;
    Delivered d;
    d.account_id = target.account_id;
    uint64_t modseq = 0;
    bool found = false;
    for (const std::string& name : {mailbox, std::string("INBOX")}) {
      auto st = writer_.stmt(kTake);
      if (!st) return st.error();
      (*st)->bind(1, target.account_id).bind(2, name);
      auto row = (*st)->step();
      if (!row) return row.error();
      if (*row) {
        d.mailbox_id = (*st)->column_int(0);
        d.uid = static_cast<uint32_t>((*st)->column_int(1));
        modseq = static_cast<uint64_t>((*st)->column_int(2));
        found = true;
        if (auto r = (*st)->run(); !r) return r.error();  // finish the statement
        break;
      }
    }
    if (!found) {
      return make_error("no such account " + std::to_string(target.account_id), ENOENT);
    }
    auto st = writer_.stmt(
        "INSERT INTO messages(mailbox_id, uid, modseq, flags, internal_date, size, blob_id, "
        "header_prefix) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st) return st.error();
    (*st)
        ->bind(1, d.mailbox_id)
        .bind(2, static_cast<int64_t>(d.uid))
        .bind(3, static_cast<int64_t>(modseq))
        .bind(4, join_flags(target.flags))
        .bind(5, internal_date)
        .bind(6, static_cast<int64_t>(target.header_prefix.size() + delivery.body.size()))
        .bind(7, blob_id)
        .bind_blob(8, target.header_prefix);
    if (auto r = (*st)->run(); !r) return r.error();
    d.message_id = writer_.last_insert_rowid();
    out.push_back(d);
  }
  return out;
}

}  // namespace heron::store::sqlite
