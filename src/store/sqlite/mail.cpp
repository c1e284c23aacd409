// SqliteStore's MailStore reads (mailboxes, messages, bodies) and the start-up reconcile().

#include <cerrno>
#include <ctime>
#include <unordered_map>
#include <unordered_set>

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "base/strings.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace heron::store::sqlite {

namespace {

// The reads below, without the reader lock: the caller holds it.

Result<std::vector<Message>> messages_since(Db& db, int64_t mailbox_id, uint64_t modseq) {
  auto st =
      db.stmt(std::string(kMessageSelect) + " WHERE mailbox_id = ? AND modseq > ? ORDER BY uid");
  if (!st) return st.error();
  (*st)->bind(1, mailbox_id).bind(2, static_cast<int64_t>(modseq));
  std::vector<Message> out;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(message_from_row(**st));
  }
  return out;
}

Result<std::optional<Mailbox>> mailbox_by_id(Db& db, int64_t mailbox_id) {
  auto st = db.stmt(std::string(kMailboxSelect) + " WHERE m.id = ?");
  if (!st) return st.error();
  (*st)->bind(1, mailbox_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<Mailbox>();
  return std::optional<Mailbox>(mailbox_from_row(**st));
}

Result<std::vector<uint32_t>> uids_expunged_since(Db& db, int64_t mailbox_id, uint64_t since) {
  auto st = db.stmt("SELECT uid FROM expunged WHERE mailbox_id = ? AND modseq > ? ORDER BY uid");
  if (!st) return st.error();
  (*st)->bind(1, mailbox_id).bind(2, static_cast<int64_t>(since));
  std::vector<uint32_t> out;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(static_cast<uint32_t>((*st)->column_int(0)));
  }
  return out;
}

}  // namespace

Result<std::vector<Mailbox>> SqliteStore::list_mailboxes(int64_t account_id) {
  std::lock_guard lk(reader_mutex_);
  auto st = reader_->stmt(std::string(kMailboxSelect) + " WHERE m.account_id = ? ORDER BY m.id");
  if (!st) return st.error();
  (*st)->bind(1, account_id);
  std::vector<Mailbox> out;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(mailbox_from_row(**st));
  }
  return out;
}

Result<std::optional<Mailbox>> SqliteStore::find_mailbox(int64_t account_id,
                                                         std::string_view name) {
  // RFC 9051 5.1: INBOX is case-insensitive; every other name is exact.
  auto normalized = normalize_mailbox_name(name);
  if (!normalized) return std::optional<Mailbox>();  // no mailbox has an invalid name
  const std::string& key = *normalized;
  std::lock_guard lk(reader_mutex_);
  auto st = reader_->stmt(std::string(kMailboxSelect) + " WHERE m.account_id = ? AND m.name = ?");
  if (!st) return st.error();
  (*st)->bind(1, account_id).bind(2, key);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<Mailbox>();
  return std::optional<Mailbox>(mailbox_from_row(**st));
}

Result<std::vector<Message>> SqliteStore::list_messages(int64_t mailbox_id) {
  return list_messages_since(mailbox_id, 0);
}

Result<std::vector<Message>> SqliteStore::list_messages_since(int64_t mailbox_id, uint64_t modseq) {
  std::lock_guard lk(reader_mutex_);
  return messages_since(*reader_, mailbox_id, modseq);
}

Result<std::optional<Mailbox>> SqliteStore::get_mailbox(int64_t mailbox_id) {
  std::lock_guard lk(reader_mutex_);
  return mailbox_by_id(*reader_, mailbox_id);
}

Result<std::optional<MailboxChanges>> SqliteStore::mailbox_changes(int64_t mailbox_id,
                                                                   uint64_t since) {
  std::lock_guard lk(reader_mutex_);
  // One read transaction: WAL gives it one snapshot of the database, so the row's
  // HIGHESTMODSEQ and the lists agree (every change bumps it in the change's transaction).
  auto tx = Transaction::begin(*reader_, "BEGIN DEFERRED");
  if (!tx) return tx.error();
  auto mailbox = mailbox_by_id(*reader_, mailbox_id);
  if (!mailbox) return mailbox.error();
  if (!*mailbox) return std::optional<MailboxChanges>();
  MailboxChanges out;
  out.mailbox = std::move(**mailbox);
  auto changed = messages_since(*reader_, mailbox_id, since);
  if (!changed) return changed.error();
  out.changed = std::move(*changed);
  if (since > 0) {
    auto expunged = uids_expunged_since(*reader_, mailbox_id, since);
    if (!expunged) return expunged.error();
    out.expunged = std::move(*expunged);
  }
  auto done = tx->commit();
  if (!done) return done.error();
  return std::optional<MailboxChanges>(std::move(out));
}

Result<std::vector<uint32_t>> SqliteStore::expunged_since(int64_t mailbox_id, uint64_t since) {
  std::lock_guard lk(reader_mutex_);
  return uids_expunged_since(*reader_, mailbox_id, since);
}

Result<std::vector<std::string>> SqliteStore::list_subscriptions(int64_t account_id) {
  std::lock_guard lk(reader_mutex_);
  auto st = reader_->stmt("SELECT name FROM subscriptions WHERE account_id = ? ORDER BY name");
  if (!st) return st.error();
  (*st)->bind(1, account_id);
  std::vector<std::string> out;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back((*st)->column_text(0));
  }
  return out;
}

Result<std::string> SqliteStore::read_message(const Message& message) {
  // The blob file is immutable and named by the row, so no lock is needed to read it.
  auto body = blobs_.read(message.blob_id);
  if (!body) {
    log::warn(
        "store.read.missing_blob",
        {{"message", message.id}, {"blob", message.blob_id}, {"error", body.error().message}});
    metrics::inc("heron_store_read_failures_total");
    return body.error();
  }
  std::string out;
  out.reserve(message.header_prefix.size() + body->size());
  out += message.header_prefix;
  out += *body;
  if (message.size != 0 && out.size() != message.size) {
    log::warn("store.read.size_mismatch", {{"message", message.id},
                                           {"blob", message.blob_id},
                                           {"expected", message.size},
                                           {"found", out.size()}});
    metrics::inc("heron_store_read_failures_total");
    return make_error("message " + std::to_string(message.id) + " has the wrong size", EIO);
  }
  return out;
}

// Start-up check of blob files against blob rows (DESIGN.md, "The durability rule"):
//  - *.tmp.* files are writes that never reached their rename: removed (nothing names them);
//  - a blob file with no row is a delivery that crashed before its commit (or an unlink a
//    crash undid): removed once older than orphan_grace_seconds, so a blob written moments ago
//    by a delivery still in flight is never touched;
//  - a row whose file is missing is data loss from outside (disk, operator): its message
//    rows are marked quarantined and logged, never deleted, so an operator can restore the
//    file; a quarantined row whose file is back is released.
// Holds the writer mutex throughout, so no batch runs meanwhile. Memory: one set of ids.
Result<ReconcileReport> SqliteStore::reconcile() {
  ReconcileReport report;
  std::lock_guard lk(writer_mutex_);
  auto entries = blobs_.scan();
  if (!entries) return entries.error();

  std::unordered_set<std::string> rows;
  {
    auto st = writer_->stmt("SELECT id FROM blobs");
    if (!st) return st.error();
    while (true) {
      auto row = (*st)->step();
      if (!row) return row.error();
      if (!*row) break;
      rows.insert((*st)->column_text(0));
    }
  }

  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  std::unordered_set<std::string> files;
  for (const BlobFiles::Entry& e : *entries) {
    if (e.is_temp) {
      std::error_code ec;
      if (std::filesystem::remove(e.path, ec)) ++report.temp_files_removed;
      continue;
    }
    if (!BlobFiles::valid_id(e.name) ||
        e.name.compare(0, 2, e.path.parent_path().filename()) != 0) {
      log::warn("store.reconcile.unknown_file", {{"path", e.path.string()}});
      continue;
    }
    files.insert(e.name);
    if (rows.count(e.name) != 0) continue;
    if (now - e.mtime < options_.orphan_grace_seconds) continue;
    if (auto r = blobs_.remove(e.name); !r) {
      log::warn("store.reconcile.remove_failed", {{"blob", e.name}, {"error", r.error().message}});
      continue;
    }
    log::info("store.reconcile.orphan_blob", {{"blob", e.name}, {"age", now - e.mtime}});
    ++report.orphan_blobs_removed;
  }

  auto tx = Transaction::begin(*writer_);
  if (!tx) return tx.error();
  for (const std::string& id : rows) {
    const bool present = files.count(id) != 0;
    auto st =
        writer_->stmt("UPDATE messages SET quarantined = ? WHERE blob_id = ? AND quarantined = ?");
    if (!st) return st.error();
    (*st)->bind(1, present ? 0 : 1).bind(2, id).bind(3, present ? 1 : 0);
    if (auto r = (*st)->run(); !r) return r.error();
    const int64_t changed = writer_->changes();
    if (changed == 0) continue;
    if (present) {
      log::info("store.reconcile.blob_restored", {{"blob", id}, {"messages", changed}});
    } else {
      log::warn("store.reconcile.missing_blob",
                {{"blob", id}, {"path", blobs_.path_of(id).string()}, {"messages", changed}});
      metrics::inc("heron_store_missing_blobs_total", {}, {}, static_cast<uint64_t>(changed));
      report.missing_blobs_quarantined += static_cast<uint64_t>(changed);
    }
  }
  if (auto r = tx->commit(); !r) return r.error();
  log::info("store.reconcile", {{"orphan_blobs_removed", report.orphan_blobs_removed},
                                {"missing_blobs_quarantined", report.missing_blobs_quarantined},
                                {"temp_files_removed", report.temp_files_removed}});
  return report;
}

}  // namespace heron::store::sqlite
