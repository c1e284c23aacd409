// SqliteQueue::reconcile(): the start-up check of queue.db against the body files under
// <data_dir>/queue/ (docs/queue.md, "Start-up reconcile").
//
// Rows are read BEFORE the files are scanned: a message that another process (heron queue
// inject) commits in between then has a file the scan sees but a row this pass does not, and
// that file is young, so the grace period keeps it. The other order could quarantine it.

#include <ctime>
#include <unordered_map>
#include <unordered_set>

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/queue_store.hpp"

namespace heron::store::sqlite {

Result<QueueReconcileReport> SqliteQueue::reconcile() {
  QueueReconcileReport report;
  std::vector<std::string> finished_blobs;
  {
    std::lock_guard lk(writer_mutex_);
    auto tx = Transaction::begin(*writer_);
    if (!tx) return tx.error();

    // Body file name -> whether its message is quarantined now.
    std::unordered_map<std::string, bool> rows;
    {
      auto st = writer_->stmt("SELECT blob_id, quarantined FROM messages");
      if (!st) return st.error();
      while (true) {
        auto row = (*st)->step();
        if (!row) return row.error();
        if (!*row) break;
        rows[(*st)->column_text(0)] = (*st)->column_int(1) != 0;
      }
    }
    auto entries = blobs_.scan();
    if (!entries) return entries.error();

    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    std::unordered_set<std::string> files;
    for (const BlobFiles::Entry& e : *entries) {
      if (e.is_temp) {
        // A write cut short by a crash (or an enqueue in flight in another process, which
        // then fails and was never acknowledged).
        std::error_code ec;
        if (std::filesystem::remove(e.path, ec)) ++report.temp_files_removed;
        continue;
      }
      if (!BlobFiles::valid_id(e.name) ||
          e.name.compare(0, 2, e.path.parent_path().filename()) != 0) {
        log::warn("queue.reconcile.unknown_file", {{"path", e.path.string()}});
        continue;
      }
      files.insert(e.name);
      if (rows.count(e.name) != 0) continue;
      if (now - e.mtime < options_.orphan_grace_seconds) continue;
      if (auto r = blobs_.remove(e.name); !r) {
        log::warn("queue.reconcile.remove_failed",
                  {{"blob", e.name}, {"error", r.error().message}});
        continue;
      }
      log::info("queue.reconcile.orphan_blob", {{"blob", e.name}, {"age", now - e.mtime}});
      ++report.orphan_blobs_removed;
    }

    // A row without its file cannot be delivered: quarantined (never claimed, listed as such)
    // until the file is restored from a backup, rather than bounced or dropped.
    for (const auto& [blob, quarantined] : rows) {
      const bool present = files.count(blob) != 0;
      if (present != quarantined) continue;  // nothing to change
      auto st = writer_->stmt("UPDATE messages SET quarantined = ? WHERE blob_id = ?");
      if (!st) return st.error();
      (*st)->bind(1, int64_t{!present}).bind(2, blob);
      if (auto r = (*st)->run(); !r) return r.error();
      if (present) {
        log::info("queue.reconcile.blob_restored", {{"blob", blob}});
        ++report.blobs_restored;
      } else {
        log::warn("queue.reconcile.missing_blob",
                  {{"blob", blob}, {"path", blobs_.path_of(blob).string()}});
        metrics::inc("heron_queue_missing_blobs_total");
        ++report.missing_blobs_quarantined;
      }
    }

    // No worker runs yet: every lease belongs to a process that is gone.
    {
      auto st = writer_->stmt("UPDATE recipients SET lease_until = 0 WHERE lease_until != 0");
      if (!st) return st.error();
      if (auto r = (*st)->run(); !r) return r.error();
      report.leases_released = static_cast<uint64_t>(writer_->changes());
    }

    // Messages with nothing left to do (none should exist: the commit that finishes a message
    // deletes it; this is a safety net).
    {
      auto st = writer_->stmt(
          "DELETE FROM messages WHERE NOT EXISTS (SELECT 1 FROM recipients r WHERE "
          "r.message_id = messages.id AND (r.state = 'queued' OR r.dsn = 'pending')) "
          "RETURNING blob_id");
      if (!st) return st.error();
      while (true) {
        auto row = (*st)->step();
        if (!row) return row.error();
        if (!*row) break;
        finished_blobs.push_back((*st)->column_text(0));
      }
      report.finished_messages_removed = finished_blobs.size();
    }
    if (auto r = tx->commit(); !r) return r.error();
  }
  remove_blob_files(finished_blobs);
  log::info("queue.reconcile", {{"temp_files_removed", report.temp_files_removed},
                                {"orphan_blobs_removed", report.orphan_blobs_removed},
                                {"missing_blobs_quarantined", report.missing_blobs_quarantined},
                                {"blobs_restored", report.blobs_restored},
                                {"leases_released", report.leases_released},
                                {"finished_messages_removed", report.finished_messages_removed}});
  return report;
}

}  // namespace heron::store::sqlite
