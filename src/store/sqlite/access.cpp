// SqliteStore's message access for IMAP and POP3: APPEND, flag changes, expunge, copy/move,
// and the \Recent watermark. Each write is one committer job (group commit): it runs inside
// the batch's transaction under its own SAVEPOINT and the call returns after the COMMIT.
//
// Modseq (RFC 7162 3.1): one operation bumps the mailbox's HIGHESTMODSEQ once and gives every
// message it changed that value; an operation that changes nothing bumps nothing.

#include <algorithm>
#include <cerrno>

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "base/strings.hpp"
#include "store/sqlite/committer.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace heron::store::sqlite {
namespace {

struct Row {
  int64_t id = 0;
  uint32_t uid = 0;
  uint64_t modseq = 0;
  std::vector<std::string> flags;
};

// The messages of `uids` (sorted or not) present in the mailbox, in UID order.
Result<std::vector<Row>> select_rows(Db& db, int64_t mailbox_id, std::vector<uint32_t> uids) {
  std::vector<Row> out;
  if (uids.empty()) return out;
  std::sort(uids.begin(), uids.end());
  auto st = db.stmt(
      "SELECT id, uid, modseq, flags FROM messages WHERE mailbox_id = ? AND uid BETWEEN ? AND ? "
      "ORDER BY uid");
  if (!st) return st.error();
  (*st)->bind(1, mailbox_id).bind(2, int64_t{uids.front()}).bind(3, int64_t{uids.back()});
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    const auto uid = static_cast<uint32_t>((*st)->column_int(1));
    if (!std::binary_search(uids.begin(), uids.end(), uid)) continue;
    out.push_back(Row{(*st)->column_int(0), uid, static_cast<uint64_t>((*st)->column_int(2)),
                      split_flags((*st)->column_text(3))});
  }
  return out;
}

Result<int64_t> account_of(Db& db, int64_t mailbox_id) {
  auto st = db.stmt("SELECT account_id FROM mailboxes WHERE id = ?");
  if (!st) return st.error();
  (*st)->bind(1, mailbox_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return make_error("no such mailbox " + std::to_string(mailbox_id), ENOENT);
  return (*st)->column_int(0);
}

// System flags in their canonical spelling (RFC 9051 2.3.2: flag names are case-insensitive);
// keywords as given.
std::string canonical_flag(std::string_view flag) {
  for (const char* system : {"\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft"}) {
    if (str::iequals(flag, system)) return system;
  }
  return std::string(flag);
}

bool has_flag(const std::vector<std::string>& flags, std::string_view flag) {
  return std::any_of(flags.begin(), flags.end(),
                     [&](const std::string& f) { return str::iequals(f, flag); });
}

std::vector<std::string> combine_flags(const std::vector<std::string>& current, FlagMode mode,
                                       const std::vector<std::string>& given) {
  std::vector<std::string> out;
  if (mode != FlagMode::replace) out = current;
  for (const std::string& raw : given) {
    const std::string flag = canonical_flag(raw);
    if (str::iequals(flag, "\\Recent")) continue;  // a session's, never stored
    if (mode == FlagMode::remove) {
      std::erase_if(out, [&](const std::string& f) { return str::iequals(f, flag); });
    } else if (!has_flag(out, flag)) {
      out.push_back(flag);
    }
  }
  return out;
}

bool same_flags(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  return std::all_of(a.begin(), a.end(), [&](const std::string& f) { return has_flag(b, f); });
}

// Deletes the rows and records their UIDs as expunged at `modseq`.
Result<void> remove_rows(Db& db, int64_t mailbox_id, const std::vector<Row>& rows,
                         uint64_t modseq) {
  for (const Row& r : rows) {
    auto del = db.stmt("DELETE FROM messages WHERE id = ?");
    if (!del) return del.error();
    (*del)->bind(1, r.id);
    if (auto x = (*del)->run(); !x) return x;
    auto rec = db.stmt(
        "INSERT INTO expunged(mailbox_id, uid, modseq) VALUES (?, ?, ?) "
        "ON CONFLICT(mailbox_id, uid) DO UPDATE SET modseq = excluded.modseq");
    if (!rec) return rec.error();
    (*rec)->bind(1, mailbox_id).bind(2, int64_t{r.uid}).bind(3, static_cast<int64_t>(modseq));
    if (auto x = (*rec)->run(); !x) return x;
  }
  return {};
}

}  // namespace

Result<Delivered> SqliteStore::append(int64_t mailbox_id, std::string body,
                                      std::vector<std::string> flags, int64_t internal_date) {
  auto mailbox = get_mailbox(mailbox_id);
  if (!mailbox) return mailbox.error();
  if (!*mailbox) return make_error("no such mailbox " + std::to_string(mailbox_id), ENOENT);
  for (std::string& f : flags) f = canonical_flag(f);
  Delivery delivery;
  delivery.body = std::move(body);
  delivery.internal_date = internal_date;
  DeliveryTarget target;
  target.account_id = (*mailbox)->account_id;
  target.mailbox_id = mailbox_id;
  target.flags = std::move(flags);
  delivery.targets.push_back(std::move(target));
  auto delivered = deliver(std::move(delivery));
  if (!delivered) return delivered.error();
  return delivered->front();
}

Result<FlagUpdate> SqliteStore::update_flags(int64_t mailbox_id, const std::vector<uint32_t>& uids,
                                             FlagMode mode, const std::vector<std::string>& flags,
                                             uint64_t unchanged_since) {
  FlagUpdate update;
  auto r = write([&](Db& db, int64_t, Effects& effects) -> Result<void> {
    update = FlagUpdate{};
    auto account = account_of(db, mailbox_id);
    if (!account) return account.error();
    auto rows = select_rows(db, mailbox_id, uids);
    if (!rows) return rows.error();
    std::vector<std::pair<const Row*, std::vector<std::string>>> changes;
    for (const Row& row : *rows) {
      // RFC 7162 3.1.3: a message modified since the client's UNCHANGEDSINCE fails the test.
      if (unchanged_since != 0 && row.modseq > unchanged_since) {
        update.failed.push_back(row.uid);
        continue;
      }
      auto next = combine_flags(row.flags, mode, flags);
      if (!same_flags(next, row.flags)) changes.emplace_back(&row, std::move(next));
    }
    if (changes.empty()) return {};
    auto modseq = bump_modseq(db, mailbox_id);
    if (!modseq) return modseq.error();
    for (auto& [row, next] : changes) {
      auto st = db.stmt("UPDATE messages SET flags = ?, modseq = ? WHERE id = ?");
      if (!st) return st.error();
      (*st)->bind(1, join_flags(next)).bind(2, static_cast<int64_t>(*modseq)).bind(3, row->id);
      if (auto x = (*st)->run(); !x) return x;
      update.changed.push_back(
          FlagUpdate::Changed{row->uid, *modseq, split_flags(join_flags(next))});
    }
    effects.changed.emplace_back(*account, mailbox_id);
    return {};
  });
  if (!r) return r.error();
  return update;
}

Result<std::vector<uint32_t>> SqliteStore::expunge(int64_t mailbox_id,
                                                   const std::vector<uint32_t>& uids,
                                                   bool only_deleted) {
  std::vector<uint32_t> removed;
  auto r = write([&](Db& db, int64_t, Effects& effects) -> Result<void> {
    removed.clear();
    auto account = account_of(db, mailbox_id);
    if (!account) return account.error();
    auto rows = select_rows(db, mailbox_id, uids);
    if (!rows) return rows.error();
    if (only_deleted) {
      std::erase_if(*rows, [](const Row& row) { return !has_flag(row.flags, "\\Deleted"); });
    }
    if (rows->empty()) return {};
    auto modseq = bump_modseq(db, mailbox_id);
    if (!modseq) return modseq.error();
    if (auto x = remove_rows(db, mailbox_id, *rows, *modseq); !x) return x;
    auto blobs = collect_unreferenced_blobs(db);
    if (!blobs) return blobs.error();
    effects.released_blobs = std::move(*blobs);
    effects.changed.emplace_back(*account, mailbox_id);
    for (const Row& row : *rows) removed.push_back(row.uid);
    return {};
  });
  if (!r) return r.error();
  if (!removed.empty()) {
    log::debug("store.expunge", {{"mailbox", mailbox_id}, {"messages", removed.size()}});
  }
  return removed;
}

Result<CopyResult> SqliteStore::copy_messages(int64_t from_mailbox_id,
                                              const std::vector<uint32_t>& uids,
                                              int64_t to_mailbox_id, bool move) {
  CopyResult result;
  auto r = write([&](Db& db, int64_t, Effects& effects) -> Result<void> {
    result = CopyResult{};
    auto from_account = account_of(db, from_mailbox_id);
    if (!from_account) return from_account.error();
    auto to_account = account_of(db, to_mailbox_id);
    if (!to_account) return to_account.error();
    if (*to_account != *from_account) {
      return make_error("copy between accounts is not allowed", EPERM);
    }
    auto rows = select_rows(db, from_mailbox_id, uids);
    if (!rows) return rows.error();
    {
      auto st = db.stmt("SELECT uidvalidity FROM mailboxes WHERE id = ?");
      if (!st) return st.error();
      (*st)->bind(1, to_mailbox_id);
      auto row = (*st)->step();
      if (!row) return row.error();
      if (!*row) return make_error("no such mailbox", ENOENT);
      result.uidvalidity = static_cast<uint32_t>((*st)->column_int(0));
    }
    if (rows->empty()) return {};
    // All new rows share one modseq; UIDs are taken in source UID order (RFC 4315 COPYUID
    // pairs them in that order).
    auto modseq = bump_modseq(db, to_mailbox_id);
    if (!modseq) return modseq.error();
    for (const Row& row : *rows) {
      auto take =
          db.stmt("UPDATE mailboxes SET uidnext = uidnext + 1 WHERE id = ? RETURNING uidnext - 1");
      if (!take) return take.error();
      (*take)->bind(1, to_mailbox_id);
      auto stepped = (*take)->step();
      if (!stepped) return stepped.error();
      const auto new_uid = static_cast<uint32_t>((*take)->column_int(0));
      if (auto x = (*take)->run(); !x) return x;
      auto ins = db.stmt(
          "INSERT INTO messages(mailbox_id, uid, modseq, flags, internal_date, size, blob_id, "
          "header_prefix) SELECT ?, ?, ?, flags, internal_date, size, blob_id, header_prefix "
          "FROM messages WHERE id = ?");
      if (!ins) return ins.error();
      (*ins)
          ->bind(1, to_mailbox_id)
          .bind(2, int64_t{new_uid})
          .bind(3, static_cast<int64_t>(*modseq))
          .bind(4, row.id);
      if (auto x = (*ins)->run(); !x) return x;
      result.uids.emplace_back(row.uid, new_uid);
    }
    effects.changed.emplace_back(*to_account, to_mailbox_id);
    if (move) {
      // RFC 6851 3.3: the source messages are expunged in the same transaction.
      auto source_modseq = bump_modseq(db, from_mailbox_id);
      if (!source_modseq) return source_modseq.error();
      if (auto x = remove_rows(db, from_mailbox_id, *rows, *source_modseq); !x) return x;
      effects.changed.emplace_back(*from_account, from_mailbox_id);
    }
    return {};
  });
  if (!r) return r.error();
  return result;
}

Result<uint32_t> SqliteStore::claim_recent(int64_t mailbox_id) {
  uint32_t previous = 0;
  auto r = write([&](Db& db, int64_t, Effects&) -> Result<void> {
    auto st = db.stmt("SELECT recent_uid, uidnext FROM mailboxes WHERE id = ?");
    if (!st) return st.error();
    (*st)->bind(1, mailbox_id);
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) return make_error("no such mailbox " + std::to_string(mailbox_id), ENOENT);
    previous = static_cast<uint32_t>((*st)->column_int(0));
    const int64_t uidnext = (*st)->column_int(1);
    if (auto x = (*st)->run(); !x) return x;
    if (uidnext == previous) return {};
    auto up = db.stmt("UPDATE mailboxes SET recent_uid = ? WHERE id = ?");
    if (!up) return up.error();
    (*up)->bind(1, uidnext).bind(2, mailbox_id);
    return (*up)->run();
  });
  if (!r) return r.error();
  return previous;
}

}  // namespace heron::store::sqlite
