#pragma once
// Plain records the store hands out. No behaviour here: the role interfaces in directory.hpp
// and mail_store.hpp say what can be done with them.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace heron::store {

struct Domain {
  int64_t id = 0;
  std::string name;  // lowercase, A-label or U-label as added
};

struct Account {
  int64_t id = 0;
  std::string address;        // canonical lowercase local@domain
  std::string password_hash;  // PHC string, $argon2id$...
  int64_t created = 0;        // unix seconds
  // SCRAM-SHA-256 keys (RFC 5803 form, store/password.hpp); empty when the password was set
  // before Heron kept them (SCRAM then fails until the password is set again).
  std::string scram_sha256;
  // Submission: MAIL FROM and From: must be the account's own addresses (docs/submission.md);
  // false lets the account send as anyone.
  bool sender_check = true;
};

struct Alias {
  int64_t id = 0;
  std::string source;  // local@domain, or @domain for a catch-all
  std::string target;  // any address; one row per target
};

struct Mailbox {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string name;         // UTF-8, hierarchy delimiter '/'; INBOX is always "INBOX"
  std::string special_use;  // "\\Sent", "\\Drafts", ... or empty
  uint32_t uidvalidity = 0;
  uint32_t uidnext = 1;
  uint64_t highestmodseq = 0;
  bool subscribed = true;
  uint32_t messages = 0;    // count, filled by list_mailboxes
  uint64_t total_size = 0;  // bytes, filled by list_mailboxes
  uint32_t recent_uid = 1;  // UIDs from here on are \Recent for the next session (claim_recent)
};

struct Message {
  int64_t id = 0;
  int64_t mailbox_id = 0;
  uint32_t uid = 0;
  uint64_t modseq = 0;
  std::vector<std::string> flags;  // "\\Seen", "$Label1", ...
  int64_t internal_date = 0;       // unix seconds
  uint64_t size = 0;               // header_prefix + blob, in octets
  std::string blob_id;
  std::string header_prefix;  // per-recipient lines (Return-Path, Delivered-To) before the blob
};

// MailStore::mailbox_changes(): a mailbox and its changes, as of mailbox.highestmodseq.
struct MailboxChanges {
  Mailbox mailbox;
  std::vector<Message> changed;
  std::vector<uint32_t> expunged;
};

// What an envelope recipient resolves to (aliases, catch-all and plus-addressing applied).
struct Resolution {
  enum class Status { local, unknown_user, not_local_domain };
  Status status = Status::not_local_domain;
  std::vector<Account> accounts;      // distinct local accounts to deliver to
  std::vector<std::string> forwards;  // non-local alias targets (need the outbound queue)
};

// One message filed into one mailbox of one account.
struct DeliveryTarget {
  int64_t account_id = 0;
  std::string mailbox = "INBOX";  // falls back to INBOX if the account has no such mailbox
  std::string header_prefix;      // e.g. "Return-Path: <a@b>\r\nDelivered-To: c@d\r\n"
  std::vector<std::string> flags;
  // When non-zero, the exact mailbox (APPEND): no fallback, ENOENT if it is gone.
  int64_t mailbox_id = 0;
};

// One message body shared by every target: written once as an immutable blob.
struct Delivery {
  std::string body;           // the full message as received, CRLF line ends
  int64_t internal_date = 0;  // unix seconds; 0 means now
  std::vector<DeliveryTarget> targets;
};

struct Delivered {
  int64_t account_id = 0;
  int64_t mailbox_id = 0;
  int64_t message_id = 0;
  uint32_t uid = 0;
};

// How update_flags() combines the given flags with a message's own (RFC 9051 6.4.6).
enum class FlagMode { replace, add, remove };

struct FlagUpdate {
  struct Changed {
    uint32_t uid = 0;
    uint64_t modseq = 0;
    std::vector<std::string> flags;  // the message's flags after the change
  };
  std::vector<Changed> changed;  // messages whose flags changed
  std::vector<uint32_t> failed;  // RFC 7162 3.1.3: modseq > unchanged_since; left alone
};

struct CopyResult {
  uint32_t uidvalidity = 0;                         // of the destination, for COPYUID
  std::vector<std::pair<uint32_t, uint32_t>> uids;  // (source UID, destination UID)
};

struct ReconcileReport {
  uint64_t orphan_blobs_removed = 0;       // blob files with no row, older than the grace period
  uint64_t missing_blobs_quarantined = 0;  // rows whose blob file is gone
  uint64_t temp_files_removed = 0;
};

}  // namespace heron::store
