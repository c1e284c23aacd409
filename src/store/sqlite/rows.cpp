#include "store/sqlite/rows.hpp"

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "base/log.hpp"
#include "base/strings.hpp"

namespace heron::store::sqlite {

const char* const kMailboxSelect =
    "SELECT m.id, m.account_id, m.name, m.special_use, m.uidvalidity, m.uidnext, "
    "m.highestmodseq, "
    "EXISTS (SELECT 1 FROM subscriptions s WHERE s.account_id = m.account_id AND s.name = m.name), "
    "(SELECT count(*) FROM messages WHERE mailbox_id = m.id), "
    "(SELECT coalesce(sum(size), 0) FROM messages WHERE mailbox_id = m.id), m.recent_uid "
    "FROM mailboxes m";

Mailbox mailbox_from_row(const Stmt& st) {
  Mailbox m;
  m.id = st.column_int(0);
  m.account_id = st.column_int(1);
  m.name = st.column_text(2);
  m.special_use = st.column_text(3);
  m.uidvalidity = static_cast<uint32_t>(st.column_int(4));
  m.uidnext = static_cast<uint32_t>(st.column_int(5));
  m.highestmodseq = static_cast<uint64_t>(st.column_int(6));
  m.subscribed = st.column_int(7) != 0;
  m.messages = static_cast<uint32_t>(st.column_int(8));
  m.total_size = static_cast<uint64_t>(st.column_int(9));
  m.recent_uid = static_cast<uint32_t>(st.column_int(10));
  return m;
}

const char* const kMessageSelect =
    "SELECT id, mailbox_id, uid, modseq, flags, internal_date, size, blob_id, header_prefix "
    "FROM messages";

Message message_from_row(const Stmt& st) {
  Message m;
  m.id = st.column_int(0);
  m.mailbox_id = st.column_int(1);
  m.uid = static_cast<uint32_t>(st.column_int(2));
  m.modseq = static_cast<uint64_t>(st.column_int(3));
  m.flags = split_flags(st.column_text(4));
  m.internal_date = st.column_int(5);
  m.size = static_cast<uint64_t>(st.column_int(6));
  m.blob_id = st.column_text(7);
  m.header_prefix = st.column_blob(8);
  return m;
}

std::string join_flags(const std::vector<std::string>& flags) {
  std::string out;
  for (const std::string& f : flags) {
    // A flag is an IMAP atom (RFC 9051 flag-keyword / "\" atom): no spaces, so the
    // space-joined column splits back exactly. Anything else is dropped, never stored.
    if (f.empty() || f.find_first_of(" \t\r\n()\"{%*]") != std::string::npos) {
      log::warn("store.flags.bad_flag", {{"flag", f}});
      continue;
    }
    if (str::iequals(f, "\\Recent")) continue;
    if (!out.empty()) out += ' ';
    out += f;
  }
  return out;
}

std::vector<std::string> split_flags(std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view f : str::split(text, ' ')) {
    if (!f.empty()) out.emplace_back(f);
  }
  return out;
}

Result<uint32_t> next_uidvalidity(Db& db) {
  int64_t last = 0;
  {
    auto st = db.stmt("SELECT value FROM meta WHERE key = 'uidvalidity'");
    if (!st) return st.error();
    auto row = (*st)->step();
    if (!row) return row.error();
    if (*row) last = (*st)->column_int(0);
  }
  int64_t next = std::max(static_cast<int64_t>(std::time(nullptr)), last + 1);
  if (next > 0xffffffffLL) next = 1;  // after 2106; still never 0
  auto st = db.stmt(
      "INSERT INTO meta(key, value) VALUES ('uidvalidity', ?) "
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (!st) return st.error();
  (*st)->bind(1, next);
  if (auto r = (*st)->run(); !r) return r.error();
  return static_cast<uint32_t>(next);
}

Result<std::string> normalize_mailbox_name(std::string_view name) {
  auto bad = [&](std::string_view why) {
    return make_error("invalid mailbox name (" + std::string(why) + "): " + std::string(name),
                      EINVAL);
  };
  if (name.empty()) return bad("empty");
  if (name.size() > 512) return bad("longer than 512 octets");
  if (!str::is_valid_utf8(name)) return bad("not UTF-8");
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return bad("control character");
    if (c == '*' || c == '%') return bad("wildcard character");
  }
  std::string out;
  for (std::string_view part : str::split(name, '/')) {
    if (part.empty()) return bad("empty hierarchy level");
    if (!out.empty()) out += '/';
    if (out.empty() && str::iequals(part, "INBOX")) {
      out += "INBOX";
    } else {
      out += part;
    }
  }
  return out;
}

Result<int64_t> insert_mailbox(Db& db, int64_t account_id, const std::string& name,
                               std::string_view special_use) {
  auto uidvalidity = next_uidvalidity(db);
  if (!uidvalidity) return uidvalidity.error();
  {
    auto st = db.stmt(
        "INSERT INTO mailboxes(account_id, name, special_use, uidvalidity, uidnext, "
        "highestmodseq, recent_uid) VALUES (?, ?, ?, ?, 1, 1, 1)");
    if (!st) return st.error();
    (*st)
        ->bind(1, account_id)
        .bind(2, name)
        .bind(3, std::string(special_use))
        .bind(4, *uidvalidity);
    if (auto r = (*st)->run(); !r) return r.error();
  }
  const int64_t id = db.last_insert_rowid();
  auto st = db.stmt("INSERT OR IGNORE INTO subscriptions(account_id, name) VALUES (?, ?)");
  if (!st) return st.error();
  (*st)->bind(1, account_id).bind(2, name);
  if (auto r = (*st)->run(); !r) return r.error();
  return id;
}

Result<std::vector<std::string>> collect_unreferenced_blobs(Db& db) {
  std::vector<std::string> ids;
  auto st = db.stmt("DELETE FROM blobs WHERE refcount <= 0 RETURNING id");
  if (!st) return st.error();
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    ids.push_back((*st)->column_text(0));
  }
  return ids;
}

Result<uint64_t> bump_modseq(Db& db, int64_t mailbox_id) {
  auto st = db.stmt(
      "UPDATE mailboxes SET highestmodseq = highestmodseq + 1 WHERE id = ? RETURNING "
      "highestmodseq");
  if (!st) return st.error();
  (*st)->bind(1, mailbox_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return make_error("no such mailbox " + std::to_string(mailbox_id), ENOENT);
  const auto modseq = static_cast<uint64_t>((*st)->column_int(0));
  if (auto r = (*st)->run(); !r) return r.error();  // finish the statement
  return modseq;
}

}  // namespace heron::store::sqlite
