#include "store/sqlite/queue_rows.hpp"

#include <map>

#include "base/strings.hpp"

namespace heron::store::sqlite::queue_rows {

std::string_view state_name(RecipientState state) {
  switch (state) {
    case RecipientState::queued:
      return "queued";
    case RecipientState::delivered:
      return "delivered";
    case RecipientState::failed:
      return "failed";
  }
  return "queued";
}

RecipientState parse_state(std::string_view text) {
  if (text == "delivered") return RecipientState::delivered;
  if (text == "failed") return RecipientState::failed;
  return RecipientState::queued;
}

std::string_view dsn_name(DsnState state) {
  switch (state) {
    case DsnState::none:
      return "none";
    case DsnState::pending:
      return "pending";
    case DsnState::sent:
      return "sent";
  }
  return "none";
}

DsnState parse_dsn(std::string_view text) {
  if (text == "pending") return DsnState::pending;
  if (text == "sent") return DsnState::sent;
  return DsnState::none;
}

std::string_view ret_name(DsnRet ret) {
  switch (ret) {
    case DsnRet::unspecified:
      return "";
    case DsnRet::full:
      return "full";
    case DsnRet::headers:
      return "hdrs";
  }
  return "";
}

DsnRet parse_ret(std::string_view text) {
  if (text == "full") return DsnRet::full;
  if (text == "hdrs") return DsnRet::headers;
  return DsnRet::unspecified;
}

QueuedMessage message_from_row(const Stmt& st) {
  QueuedMessage m;
  m.id = st.column_int(0);
  m.sender = st.column_text(1);
  m.ret = parse_ret(st.column_text(2));
  m.envid = st.column_text(3);
  m.smtputf8 = st.column_int(4) != 0;
  m.eightbit = st.column_int(5) != 0;
  m.arrival = st.column_int(6);
  m.size = static_cast<uint64_t>(st.column_int(7));
  m.origin = st.column_text(8);
  m.held = st.column_int(9) != 0;
  m.quarantined = st.column_int(10) != 0;
  m.blob_id = st.column_text(11);
  return m;
}

QueuedRecipient recipient_from_row(const Stmt& st) {
  QueuedRecipient r;
  r.id = st.column_int(0);
  r.message_id = st.column_int(1);
  r.address = st.column_text(2);
  r.domain = st.column_text(3);
  r.orcpt = st.column_text(4);
  r.notify = static_cast<uint8_t>(st.column_int(5));
  r.state = parse_state(st.column_text(6));
  r.attempts = static_cast<uint32_t>(st.column_int(7));
  r.next_attempt = st.column_int(8);
  r.last_attempt = st.column_int(9);
  r.status = st.column_text(10);
  r.diagnostic = st.column_text(11);
  r.remote_mta = st.column_text(12);
  r.dsn = parse_dsn(st.column_text(13));
  r.delay_notified = st.column_int(14) != 0;
  r.lease_until = st.column_int(15);
  return r;
}

Result<std::vector<QueuedMessage>> load_messages(Db& db, const std::set<int64_t>& ids) {
  std::vector<QueuedMessage> out;
  out.reserve(ids.size());
  for (int64_t id : ids) {
    auto st = db.stmt(std::string("SELECT ") + kMessageColumns + " FROM messages WHERE id = ?");
    if (!st) return st.error();
    (*st)->bind(1, id);
    auto row = (*st)->step();
    if (!row) return row.error();
    if (*row) out.push_back(message_from_row(**st));
  }
  return out;
}

Result<void> attach_recipients(Db& db, std::string_view sql, std::vector<QueuedMessage>& messages,
                               const std::vector<int64_t>& binds) {
  std::map<int64_t, QueuedMessage*> by_id;
  for (QueuedMessage& m : messages) by_id[m.id] = &m;
  auto st = db.stmt(sql);
  if (!st) return st.error();
  for (size_t i = 0; i < binds.size(); ++i) (*st)->bind(static_cast<int>(i + 1), binds[i]);
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    QueuedRecipient r = recipient_from_row(**st);
    auto it = by_id.find(r.message_id);
    if (it != by_id.end()) it->second->recipients.push_back(std::move(r));
  }
  return {};
}

Result<void> remove_finished(Db& db, const std::set<int64_t>& message_ids,
                             std::vector<std::string>& removed_blobs) {
  for (int64_t id : message_ids) {
    auto st = db.stmt(
        "DELETE FROM messages WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM recipients "
        "WHERE message_id = ?1 AND (state = 'queued' OR dsn = 'pending')) RETURNING blob_id");
    if (!st) return st.error();
    (*st)->bind(1, id);
    auto row = (*st)->step();
    if (!row) return row.error();
    if (*row) {
      removed_blobs.push_back((*st)->column_text(0));
      if (auto r = (*st)->run(); !r) return r.error();  // finish the statement
    }
  }
  return {};
}

Result<void> apply_settlement(Db& db, const NoticeSettlement& settlement,
                              std::set<int64_t>& messages) {
  const char* sql = settlement.kind == NoticeSettlement::Kind::final
                        ? "UPDATE recipients SET dsn = 'sent' WHERE id = ? AND dsn = 'pending' "
                          "RETURNING message_id"
                        : "UPDATE recipients SET delay_notified = 1 WHERE id = ? RETURNING "
                          "message_id";
  for (int64_t id : settlement.recipient_ids) {
    auto st = db.stmt(sql);
    if (!st) return st.error();
    (*st)->bind(1, id);
    auto row = (*st)->step();
    if (!row) return row.error();
    if (*row) {
      messages.insert((*st)->column_int(0));
      if (auto r = (*st)->run(); !r) return r.error();
    }
  }
  return {};
}

std::string domain_of(std::string_view address) {
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos) return {};
  return str::to_lower(address.substr(at + 1));
}

}  // namespace heron::store::sqlite::queue_rows
