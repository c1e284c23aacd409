// SqliteStore: opening, connections, and the delivery entry points. The Directory methods are
// in directory.cpp, the mailbox and message reads and reconcile() in mail.cpp, the group
// commit in committer.cpp.

#include "store/sqlite/sqlite_store.hpp"

#include <future>

#include "base/fs.hpp"
#include "base/log.hpp"
#include "base/metrics.hpp"
#include "store/sqlite/committer.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/schema.hpp"
#include "store/sqlite/wal.hpp"

namespace heron::store::sqlite {

SqliteStore::SqliteStore(std::filesystem::path dir, Options options)
    : dir_(std::move(dir)), options_(options), blobs_(dir_ / "blobs") {}

SqliteStore::~SqliteStore() {
  committer_.reset();  // drains the queue; every callback has run when this returns
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::filesystem::path& data_dir,
                                                       Options options) {
  std::unique_ptr<SqliteStore> store(new SqliteStore(data_dir, options));
  if (auto r = store->init(); !r) {
    log::error("store.open.failed", {{"dir", data_dir.string()}, {"error", r.error().message}});
    metrics::inc("heron_store_open_failures_total");
    return r.error();
  }
  return store;
}

Result<void> SqliteStore::init() {
  if (auto r = fs::ensure_dir(dir_); !r) return r;
  // The 256 shard directories exist before the first delivery, so the delivery path never
  // creates a directory (whose own entry would need yet another fsync).
  if (auto r = blobs_.prepare(); !r) return r;

  const auto db_path = dir_ / "heron.db";
  // WAL and synchronous=FULL: a committed delivery is on disk (wal.hpp).
  auto writer = open_writer(db_path);
  if (!writer) return writer.error();
  writer_ = std::move(*writer);
  auto from = migrate(*writer_);
  if (!from) return from.error();

  auto reader = open_reader(db_path);
  if (!reader) return reader.error();
  reader_ = std::move(*reader);

  committer_ =
      std::make_unique<Committer>(*writer_, writer_mutex_, blobs_, options_.blob_write_threads);
  log::info("store.open", {{"dir", dir_.string()},
                           {"schema_from", *from},
                           {"schema", schema_version()},
                           {"blob_write_threads", options_.blob_write_threads}});
  return {};
}

uint64_t SqliteStore::batches_committed() const {
  return committer_ ? committer_->batches_committed() : 0;
}

void SqliteStore::deliver_async(Delivery delivery, DeliverCallback done) {
  committer_->submit(std::move(delivery),
                     [this, done = std::move(done)](Result<std::vector<Delivered>> result) {
                       if (result) {
                         for (const Delivered& d : *result) {
                           watchers_.notify(d.account_id, d.mailbox_id);
                         }
                       }
                       if (done) done(std::move(result));
                     });
}

Result<std::vector<Delivered>> SqliteStore::deliver(Delivery delivery) {
  std::promise<Result<std::vector<Delivered>>> promise;
  auto future = promise.get_future();
  deliver_async(std::move(delivery), [&promise](Result<std::vector<Delivered>> result) {
    promise.set_value(std::move(result));
  });
  return future.get();
}

Result<void> SqliteStore::write(Write apply) {
  auto effects = std::make_shared<Effects>();
  std::promise<Result<void>> promise;
  auto future = promise.get_future();
  committer_->submit_write(
      [apply = std::move(apply), effects](Db& db, int64_t now) {
        *effects = Effects{};  // a retried job starts clean
        return apply(db, now, *effects);
      },
      [&promise](Result<void> result) { promise.set_value(std::move(result)); });
  auto result = future.get();
  if (result) after_commit(*effects);
  return result;
}

void SqliteStore::after_commit(const Effects& effects) {
  remove_blob_files(effects.released_blobs);
  for (const auto& [account, mailbox] : effects.changed) watchers_.notify(account, mailbox);
}

Watch SqliteStore::watch(int64_t account_id, std::function<void(int64_t mailbox_id)> changed) {
  return watchers_.add(account_id, std::move(changed));
}

void SqliteStore::remove_blob_files(const std::vector<std::string>& ids) {
  // No directory fsync: if a crash undoes an unlink, the file is an orphan with no row, and
  // reconcile() removes it after the grace period.
  for (const std::string& id : ids) {
    if (auto r = blobs_.remove(id); !r) {
      log::warn("store.blob.remove_failed", {{"blob", id}, {"error", r.error().message}});
      metrics::inc("heron_store_blob_remove_failures_total");
    }
  }
}

}  // namespace heron::store::sqlite
