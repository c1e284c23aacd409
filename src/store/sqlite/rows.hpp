#pragma once
// Row helpers shared by SqliteStore's files: reading mailbox and message rows, the flag
// column, UIDVALIDITY allocation, mailbox creation, and unreferenced blobs.
// Thread: the caller's, holding the connection it passes (the writer inside a transaction for
// anything that writes). Failure: Result errors (EINVAL bad name, otherwise SQLite's).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "store/sqlite/db.hpp"
#include "store/types.hpp"

namespace heron::store::sqlite {

// SELECT list for Mailbox rows ("... FROM mailboxes m"); append a WHERE on m.*.
extern const char* const kMailboxSelect;
Mailbox mailbox_from_row(const Stmt& st);

// SELECT list for Message rows ("... FROM messages"); append a WHERE and ORDER BY.
extern const char* const kMessageSelect;
Message message_from_row(const Stmt& st);

// The flags column: space-separated atoms. join_flags drops anything that is not an atom
// (logged), and \Recent, which is never stored (it belongs to a session).
std::string join_flags(const std::vector<std::string>& flags);
std::vector<std::string> split_flags(std::string_view text);

// RFC 3501 2.3.1.1: UIDVALIDITY must change whenever a mailbox name is reused with other
// UIDs. Seconds since the epoch, but strictly increasing per store (kept in meta), so two
// mailboxes created in the same second, or after the clock stepped back, still differ.
Result<uint32_t> next_uidvalidity(Db& db);

// A mailbox name as stored: valid UTF-8, no control characters, no LIST wildcards ('*', '%'),
// '/'-separated non-empty components, at most 512 octets; a first component equal to INBOX in
// any case is written "INBOX" (RFC 9051 5.1). EINVAL with the reason otherwise.
Result<std::string> normalize_mailbox_name(std::string_view name);

// Inserts a mailbox (fresh UIDVALIDITY, subscribed). Returns its id. The caller checked that
// the name is free and normalized.
Result<int64_t> insert_mailbox(Db& db, int64_t account_id, const std::string& name,
                               std::string_view special_use);

// Deletes blob rows whose refcount fell to zero and returns their ids: the caller unlinks the
// files after its transaction commits (before, a crash could leave rows naming lost files).
Result<std::vector<std::string>> collect_unreferenced_blobs(Db& db);

// Bumps a mailbox's HIGHESTMODSEQ and returns the new value (RFC 7162 3.1).
Result<uint64_t> bump_modseq(Db& db, int64_t mailbox_id);

}  // namespace heron::store::sqlite
