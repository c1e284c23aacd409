// SqliteQueue's reads, all on the query_only reader connection: listings for the CLI, the
// scheduler's next_due(), the notifier's notice_work(), and message bodies.

#include <cerrno>
#include <set>

#include "store/sqlite/db.hpp"
#include "store/sqlite/queue_rows.hpp"
#include "store/sqlite/queue_store.hpp"

namespace heron::store::sqlite {

using namespace queue_rows;

Result<std::vector<QueuedMessage>> SqliteQueue::list() {
  std::lock_guard lk(reader_mutex_);
  // One read transaction, so the two queries see the same snapshot.
  auto tx = Transaction::begin(*reader_, "BEGIN");
  if (!tx) return tx.error();
  std::vector<QueuedMessage> out;
  {
    auto st =
        reader_->stmt(std::string("SELECT ") + kMessageColumns + " FROM messages ORDER BY id");
    if (!st) return st.error();
    while (true) {
      auto row = (*st)->step();
      if (!row) return row.error();
      if (!*row) break;
      out.push_back(message_from_row(**st));
    }
  }
  if (auto r = attach_recipients(
          *reader_,
          std::string("SELECT ") + kRecipientColumns + " FROM recipients ORDER BY message_id, id",
          out);
      !r) {
    return r.error();
  }
  return out;
}

Result<std::optional<QueuedMessage>> SqliteQueue::get(int64_t id) {
  std::lock_guard lk(reader_mutex_);
  auto tx = Transaction::begin(*reader_, "BEGIN");
  if (!tx) return tx.error();
  auto loaded = load_messages(*reader_, {id});
  if (!loaded) return loaded.error();
  if (loaded->empty()) return std::optional<QueuedMessage>();
  if (auto r = attach_recipients(*reader_,
                                 std::string("SELECT ") + kRecipientColumns +
                                     " FROM recipients WHERE message_id = ? ORDER BY id",
                                 *loaded, {id});
      !r) {
    return r.error();
  }
  return std::optional<QueuedMessage>(std::move(loaded->front()));
}

Result<std::string> SqliteQueue::read_body(const QueuedMessage& message) {
  if (message.quarantined) {
    return make_error(
        "queue message " + std::to_string(message.id) + " is quarantined: its body file is missing",
        ENOENT);
  }
  return blobs_.read(message.blob_id);
}

Result<std::optional<int64_t>> SqliteQueue::next_due() {
  std::lock_guard lk(reader_mutex_);
  auto st = reader_->stmt(
      "SELECT min(max(r.next_attempt, r.lease_until)) FROM recipients r JOIN messages m ON "
      "m.id = r.message_id WHERE r.state = 'queued' AND m.held = 0 AND m.quarantined = 0");
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row || (*st)->column_is_null(0)) return std::optional<int64_t>();
  return std::optional<int64_t>((*st)->column_int(0));
}

Result<std::vector<QueuedMessage>> SqliteQueue::notice_work(int64_t delay_cutoff) {
  std::lock_guard lk(reader_mutex_);
  auto tx = Transaction::begin(*reader_, "BEGIN");
  if (!tx) return tx.error();
  static const std::string kWhere =
      " FROM recipients WHERE dsn = 'pending' OR (state = 'queued' AND delay_notified = 0 AND "
      "message_id IN (SELECT id FROM messages WHERE arrival <= ?1))";
  std::set<int64_t> ids;
  {
    auto st = reader_->stmt("SELECT DISTINCT message_id" + kWhere);
    if (!st) return st.error();
    (*st)->bind(1, delay_cutoff);
    while (true) {
      auto row = (*st)->step();
      if (!row) return row.error();
      if (!*row) break;
      ids.insert((*st)->column_int(0));
    }
  }
  auto messages = load_messages(*reader_, ids);
  if (!messages) return messages.error();
  if (auto r = attach_recipients(
          *reader_,
          std::string("SELECT ") + kRecipientColumns + kWhere + " ORDER BY message_id, id",
          *messages, {delay_cutoff});
      !r) {
    return r.error();
  }
  return messages;
}

}  // namespace heron::store::sqlite
