#pragma once
// Private to the SQLite queue (queue_*.cpp): the mapping between queue.db rows and the
// QueueStore records, and the few statements several operations share. The state words are
// the ones stored in the database (queue_schema.cpp).
// Thread: whoever holds the connection's mutex. Failure: Result errors from SQLite.

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "store/queue_store.hpp"
#include "store/sqlite/db.hpp"

namespace heron::store::sqlite::queue_rows {

std::string_view state_name(RecipientState state);
RecipientState parse_state(std::string_view text);
std::string_view dsn_name(DsnState state);
DsnState parse_dsn(std::string_view text);
std::string_view ret_name(DsnRet ret);
DsnRet parse_ret(std::string_view text);

// SELECT lists matching message_from_row() and recipient_from_row().
inline constexpr const char* kMessageColumns =
    "id, sender, ret, envid, smtputf8, eightbit, arrival, size, origin, held, quarantined, "
    "blob_id";
inline constexpr const char* kRecipientColumns =
    "id, message_id, address, domain, orcpt, notify, state, attempts, next_attempt, "
    "last_attempt, status, diagnostic, remote_mta, dsn, delay_notified, lease_until";

QueuedMessage message_from_row(const Stmt& st);
QueuedRecipient recipient_from_row(const Stmt& st);

// The message rows with these ids (any order in, id order out), without recipients.
Result<std::vector<QueuedMessage>> load_messages(Db& db, const std::set<int64_t>& ids);
// Runs a recipients query (kRecipientColumns) and files each row under its message, dropping
// rows whose message is not in `messages`.
Result<void> attach_recipients(Db& db, std::string_view sql, std::vector<QueuedMessage>& messages,
                               const std::vector<int64_t>& binds = {});

// Deletes each of these messages that has no queued recipient and no notice owed (its
// recipients go by cascade). Appends the removed messages' blob ids, to unlink after COMMIT.
Result<void> remove_finished(Db& db, const std::set<int64_t>& message_ids,
                             std::vector<std::string>& removed_blobs);

// Marks the settlement's notices done; adds the messages touched to `messages`.
Result<void> apply_settlement(Db& db, const NoticeSettlement& settlement,
                              std::set<int64_t>& messages);

// The lowercase domain of an address: what follows its last '@' (ASCII case folded only).
std::string domain_of(std::string_view address);

}  // namespace heron::store::sqlite::queue_rows
