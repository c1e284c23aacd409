// SqliteStore's mailbox management for IMAP: CREATE, DELETE, RENAME, SUBSCRIBE (RFC 9051
// 6.3.4-6.3.8). Names are normalized by normalize_mailbox_name() (rows.hpp); '/' is the
// hierarchy delimiter. Each call is one committer job and returns after its COMMIT.

#include <cerrno>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace heron::store::sqlite {
namespace {

Result<int64_t> mailbox_id(Db& db, int64_t account_id, const std::string& name) {
  auto st = db.stmt("SELECT id FROM mailboxes WHERE account_id = ? AND name = ?");
  if (!st) return st.error();
  (*st)->bind(1, account_id).bind(2, name);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return int64_t{0};
  return (*st)->column_int(0);
}

// RFC 9051 6.3.4: the server SHOULD create the superior names a new name needs.
Result<void> create_parents(Db& db, int64_t account_id, const std::string& name,
                            std::vector<int64_t>& created) {
  for (size_t slash = name.find('/'); slash != std::string::npos;
       slash = name.find('/', slash + 1)) {
    const std::string parent = name.substr(0, slash);
    auto id = mailbox_id(db, account_id, parent);
    if (!id) return id.error();
    if (*id != 0) continue;
    auto made = insert_mailbox(db, account_id, parent, {});
    if (!made) return made.error();
    created.push_back(*made);
  }
  return {};
}

Result<void> check_account(Db& db, int64_t account_id) {
  auto st = db.stmt("SELECT 1 FROM accounts WHERE id = ?");
  if (!st) return st.error();
  (*st)->bind(1, account_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return make_error("no such account " + std::to_string(account_id), ENOENT);
  return (*st)->run();
}

bool valid_special_use(std::string_view use) {
  if (use.empty()) return true;
  for (const char* known :
       {"\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash"}) {
    if (str::iequals(use, known)) return true;
  }
  return false;
}

}  // namespace

Result<Mailbox> SqliteStore::create_mailbox(int64_t account_id, std::string_view raw_name,
                                            std::string_view special_use) {
  auto name = normalize_mailbox_name(raw_name);
  if (!name) return name.error();
  // RFC 6154 5.1: an unknown use is refused (the server says NO [USEATTR]).
  if (!valid_special_use(special_use)) {
    return make_error("unsupported special use " + std::string(special_use), EOPNOTSUPP);
  }
  auto r = write([&](Db& db, int64_t, Effects& effects) -> Result<void> {
    if (auto ok = check_account(db, account_id); !ok) return ok;
    auto existing = mailbox_id(db, account_id, *name);
    if (!existing) return existing.error();
    if (*existing != 0) return make_error("mailbox exists: " + *name, EEXIST);
    std::vector<int64_t> created;
    if (auto x = create_parents(db, account_id, *name, created); !x) return x;
    auto id = insert_mailbox(db, account_id, *name, special_use);
    if (!id) return id.error();
    created.push_back(*id);
    for (int64_t m : created) effects.changed.emplace_back(account_id, m);
    return {};
  });
  if (!r) return r.error();
  log::info("store.mailbox.created", {{"account", account_id}, {"mailbox", *name}});
  auto made = find_mailbox(account_id, *name);
  if (!made) return made.error();
  if (!*made) return make_error("mailbox vanished after create: " + *name, ENOENT);
  return **made;
}

Result<void> SqliteStore::delete_mailbox(int64_t account_id, std::string_view raw_name) {
  auto name = normalize_mailbox_name(raw_name);
  if (!name) return name.error();
  if (*name == "INBOX") return make_error("INBOX cannot be deleted", EPERM);
  auto r = write([&](Db& db, int64_t, Effects& effects) -> Result<void> {
    auto id = mailbox_id(db, account_id, *name);
    if (!id) return id.error();
    if (*id == 0) return make_error("no such mailbox: " + *name, ENOENT);
    // Messages first and explicitly, so the refcount trigger runs for each row; the
    // subscription stays (RFC 9051 6.3.9: never removed unilaterally). Children stay too.
    for (const char* sql :
         {"DELETE FROM messages WHERE mailbox_id = ?", "DELETE FROM expunged WHERE mailbox_id = ?",
          "DELETE FROM mailboxes WHERE id = ?"}) {
      auto st = db.stmt(sql);
      if (!st) return st.error();
      (*st)->bind(1, *id);
      if (auto x = (*st)->run(); !x) return x;
    }
    auto blobs = collect_unreferenced_blobs(db);
    if (!blobs) return blobs.error();
    effects.released_blobs = std::move(*blobs);
    effects.changed.emplace_back(account_id, *id);
    return {};
  });
  if (!r) return r;
  log::info("store.mailbox.deleted", {{"account", account_id}, {"mailbox", *name}});
  return {};
}

Result<void> SqliteStore::rename_mailbox(int64_t account_id, std::string_view raw_from,
                                         std::string_view raw_to) {
  auto from = normalize_mailbox_name(raw_from);
  if (!from) return from.error();
  auto to = normalize_mailbox_name(raw_to);
  if (!to) return to.error();
  if (*to == "INBOX") return make_error("mailbox exists: INBOX", EEXIST);
  if (str::istarts_with(*to, *from + "/") || *to == *from) {
    return make_error("cannot rename a mailbox into itself", EINVAL);
  }
  auto r = write([&](Db& db, int64_t, Effects& effects) -> Result<void> {
    auto from_id = mailbox_id(db, account_id, *from);
    if (!from_id) return from_id.error();
    if (*from_id == 0) return make_error("no such mailbox: " + *from, ENOENT);
    auto to_id = mailbox_id(db, account_id, *to);
    if (!to_id) return to_id.error();
    if (*to_id != 0) return make_error("mailbox exists: " + *to, EEXIST);
    std::vector<int64_t> created;
    if (auto x = create_parents(db, account_id, *to, created); !x) return x;
    for (int64_t m : created) effects.changed.emplace_back(account_id, m);

    if (*from == "INBOX") {
      // RFC 9051 6.3.6: renaming INBOX moves its messages to a new mailbox and leaves INBOX
      // empty; INBOX's children are not renamed. The messages keep their UIDs in the new
      // mailbox (fresh UIDVALIDITY), and INBOX records them as expunged.
      auto id = insert_mailbox(db, account_id, *to, {});
      if (!id) return id.error();
      auto modseq = bump_modseq(db, *from_id);
      if (!modseq) return modseq.error();
      auto run = [&](const char* sql, auto&& bind) -> Result<void> {
        auto st = db.stmt(sql);
        if (!st) return st.error();
        bind(**st);
        return (*st)->run();
      };
      auto r1 = run(
          "INSERT INTO expunged(mailbox_id, uid, modseq) SELECT mailbox_id, uid, ? FROM messages "
          "WHERE mailbox_id = ? ON CONFLICT(mailbox_id, uid) DO UPDATE SET modseq = "
          "excluded.modseq",
          [&](Stmt& st) { st.bind(1, static_cast<int64_t>(*modseq)).bind(2, *from_id); });
      if (!r1) return r1;
      auto r2 =
          run("UPDATE mailboxes SET uidnext = (SELECT uidnext FROM mailboxes WHERE id = ?) "
              "WHERE id = ?",
              [&](Stmt& st) { st.bind(1, *from_id).bind(2, *id); });
      if (!r2) return r2;
      auto r3 = run("UPDATE messages SET mailbox_id = ? WHERE mailbox_id = ?",
                    [&](Stmt& st) { st.bind(1, *id).bind(2, *from_id); });
      if (!r3) return r3;
      effects.changed.emplace_back(account_id, *from_id);
      effects.changed.emplace_back(account_id, *id);
      return {};
    }
    // The mailbox and every child ("from/..."), keeping ids, UIDs and UIDVALIDITY; their
    // subscriptions move with them.
    for (const char* sql :
         {"UPDATE mailboxes SET name = ?3 || substr(name, length(?2) + 1) WHERE account_id = ?1 "
          "AND (name = ?2 OR substr(name, 1, length(?2) + 1) = ?2 || '/')",
          "UPDATE OR REPLACE subscriptions SET name = ?3 || substr(name, length(?2) + 1) WHERE "
          "account_id = ?1 AND (name = ?2 OR substr(name, 1, length(?2) + 1) = ?2 || '/')"}) {
      auto st = db.stmt(sql);
      if (!st) return st.error();
      (*st)->bind(1, account_id).bind(2, *from).bind(3, *to);
      if (auto x = (*st)->run(); !x) return x;
    }
    effects.changed.emplace_back(account_id, *from_id);
    return {};
  });
  if (!r) return r;
  log::info("store.mailbox.renamed", {{"account", account_id}, {"from", *from}, {"to", *to}});
  return {};
}

Result<void> SqliteStore::set_subscribed(int64_t account_id, std::string_view raw_name,
                                         bool subscribed) {
  auto name = normalize_mailbox_name(raw_name);
  if (!name) return name.error();
  return write([&](Db& db, int64_t, Effects&) -> Result<void> {
    if (auto ok = check_account(db, account_id); !ok) return ok;
    auto st =
        db.stmt(subscribed ? "INSERT OR IGNORE INTO subscriptions(account_id, name) VALUES (?, ?)"
                           : "DELETE FROM subscriptions WHERE account_id = ? AND name = ?");
    if (!st) return st.error();
    (*st)->bind(1, account_id).bind(2, *name);
    return (*st)->run();
  });
}

}  // namespace heron::store::sqlite
