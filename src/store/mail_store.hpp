#pragma once
// MailStore role: mailboxes and messages, and durable delivery.
//
// deliver() is the durability point of the MX (DESIGN.md, "The durability rule"): when it
// returns success the body blob is fsynced and renamed into place, its directory fsynced, and
// one store transaction holding every target's row is committed. Concurrent callers share
// those fsyncs: a committer batches every delivery that arrives while the previous batch is
// being written (group commit).
// Thread: any; deliver() blocks its caller, deliver_async() calls back on the committer
// thread. Failure: an Error, and nothing of that delivery is visible.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "store/types.hpp"

namespace heron::store {

// A change subscription: the store unsubscribes when the last copy is dropped.
using Watch = std::shared_ptr<void>;

class MailStore {
 public:
  virtual ~MailStore() = default;

  virtual Result<std::vector<Mailbox>> list_mailboxes(int64_t account_id) = 0;
  virtual Result<std::optional<Mailbox>> find_mailbox(int64_t account_id,
                                                      std::string_view name) = 0;
  virtual Result<std::optional<Mailbox>> get_mailbox(int64_t mailbox_id) = 0;
  virtual Result<std::vector<Message>> list_messages(int64_t mailbox_id) = 0;
  // The messages whose modseq is above `modseq` (new and changed ones), in UID order.
  virtual Result<std::vector<Message>> list_messages_since(int64_t mailbox_id, uint64_t modseq) = 0;
  // The mailbox's row and what changed above `since`: the messages with a higher modseq (new
  // and changed ones, in UID order) and, when since > 0, the UIDs expunged above it. Read in
  // one transaction, so the result is exactly the mailbox as of mailbox.highestmodseq (IMAP
  // sessions share views keyed by it). since = 0: every message. nullopt: no such mailbox.
  virtual Result<std::optional<MailboxChanges>> mailbox_changes(int64_t mailbox_id,
                                                                uint64_t since) = 0;
  // header_prefix followed by the blob: the message exactly as a client must see it.
  virtual Result<std::string> read_message(const Message& message) = 0;

  // --- Access (IMAP, POP3). Every change below runs in one writer transaction, bumps the
  // mailbox's HIGHESTMODSEQ, gives each changed message modseq = the new HIGHESTMODSEQ, and is
  // committed (WAL, synchronous=FULL) before it returns. Errors: ENOENT no such mailbox or
  // account, EEXIST name taken, EINVAL bad name, EPERM INBOX (delete) or a special rule.

  // RFC 9051 6.3.4: creates name (and any missing parents); '/' is the hierarchy delimiter.
  virtual Result<Mailbox> create_mailbox(int64_t account_id, std::string_view name,
                                         std::string_view special_use = {}) = 0;
  // RFC 9051 6.3.5: deletes the mailbox and its messages; children are kept. INBOX: EPERM.
  virtual Result<void> delete_mailbox(int64_t account_id, std::string_view name) = 0;
  // RFC 9051 6.3.6: renames it and its children. Renaming INBOX moves its messages to a new
  // mailbox named `to` and leaves INBOX empty.
  virtual Result<void> rename_mailbox(int64_t account_id, std::string_view from,
                                      std::string_view to) = 0;
  // RFC 9051 6.3.7/6.3.8: a subscription is a name, which need not exist.
  virtual Result<void> set_subscribed(int64_t account_id, std::string_view name,
                                      bool subscribed) = 0;
  virtual Result<std::vector<std::string>> list_subscriptions(int64_t account_id) = 0;

  // RFC 9051 6.3.12 APPEND: durable as deliver() (blob, directory, commit) before it returns,
  // through the same group committer. The mailbox must exist (ENOENT -> TRYCREATE).
  virtual Result<Delivered> append(int64_t mailbox_id, std::string body,
                                   std::vector<std::string> flags, int64_t internal_date) = 0;

  // RFC 9051 6.4.6 STORE, RFC 7162 CONDSTORE. Applies to the given UIDs (absent ones are
  // skipped); messages whose modseq > unchanged_since (when non-zero) are left alone and
  // listed in `failed`. A message whose flags do not change keeps its modseq.
  virtual Result<FlagUpdate> update_flags(int64_t mailbox_id, const std::vector<uint32_t>& uids,
                                          FlagMode mode, const std::vector<std::string>& flags,
                                          uint64_t unchanged_since = 0) = 0;
  // RFC 9051 6.4.3 EXPUNGE / RFC 4315 UID EXPUNGE / POP3 DELE+QUIT: removes the given UIDs
  // (or, when only_deleted, those of them flagged \Deleted). Returns the removed UIDs, in
  // order, and records them (with the new modseq) for RFC 7162 VANISHED.
  virtual Result<std::vector<uint32_t>> expunge(int64_t mailbox_id,
                                                const std::vector<uint32_t>& uids,
                                                bool only_deleted) = 0;
  // RFC 9051 6.4.7 COPY / RFC 6851 MOVE: new rows in `to` sharing the blobs, in UID order,
  // flags kept (\Recent never stored). move also expunges the sources in the same
  // transaction. Returns the (source UID, new UID) pairs for RFC 4315 COPYUID.
  virtual Result<CopyResult> copy_messages(int64_t from_mailbox_id,
                                           const std::vector<uint32_t>& uids, int64_t to_mailbox_id,
                                           bool move) = 0;
  // RFC 3501 2.3.2 \Recent: a message is recent for the first session that selects its
  // mailbox read-write after it arrived. Returns the mailbox's previous recent watermark (UIDs
  // >= it are \Recent for the caller) and moves the watermark to UIDNEXT, atomically, so two
  // sessions never both see a message as recent.
  virtual Result<uint32_t> claim_recent(int64_t mailbox_id) = 0;
  // RFC 7162 3.2.5.2 (QRESYNC): UIDs expunged from the mailbox with modseq > since.
  virtual Result<std::vector<uint32_t>> expunged_since(int64_t mailbox_id, uint64_t since) = 0;

  // Change notification, for IMAP IDLE/NOTIFY and POP3 nothing. The callback runs on a store
  // thread after the change committed, with the mailbox's account; keep it short (post to
  // your strand). Dropping the returned Watch unsubscribes.
  virtual Watch watch(int64_t account_id, std::function<void(int64_t mailbox_id)> changed) = 0;

  virtual Result<std::vector<Delivered>> deliver(Delivery delivery) = 0;
  using DeliverCallback = std::function<void(Result<std::vector<Delivered>>)>;
  virtual void deliver_async(Delivery delivery, DeliverCallback done) = 0;

  // Start-up check of blobs against rows; see ReconcileReport.
  virtual Result<ReconcileReport> reconcile() = 0;
};

}  // namespace heron::store
