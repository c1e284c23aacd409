#pragma once
// The selected mailbox as one IMAP session sees it: message sequence numbers, flags and
// modseqs as last told to the client, and the store's changes waiting to be told.
//
// Why a view: message sequence numbers (RFC 9051 2.3.1.2) belong to the session, not to the
// store. Another session may expunge or deliver at any moment, but this client's numbers may
// change only when the server says so, and the server may say EXPUNGE only where the RFC
// allows it: never during FETCH, STORE or SEARCH (RFC 9051 7.5.1; RFC 3501 7.4.1), because
// the client could not tell which message a number in the same command meant. So changes from
// the store are applied at once to the data (flags, new messages) but an expunged message stays
// in the view as a "ghost", keeping its number, until take_updates() is called with
// expunge_allowed; then the EXPUNGE (or, for QRESYNC clients, VANISHED) responses are produced
// and the ghosts removed. EXISTS and FETCH FLAGS may be sent at any time.
//
// Memory: the message list is an immutable Snapshot that sessions viewing the same mailbox at
// the same HIGHESTMODSEQ share through a ViewCache (a thousand idle clients on one INBOX hold
// one list, not a thousand). A session's own differences (ghosts, changed and new messages,
// \Recent) sit in small overlays beside it until the next point where the view equals the
// store again, where it goes back to a shared snapshot. This relies on the store's
// mailbox_changes() being one consistent read: a snapshot is exactly the mailbox at its
// HIGHESTMODSEQ.
//
// Pure logic, no I/O and no store calls: the session feeds it what the store returned.
// Thread: the session's strand (the ViewCache is locked). Failure: none; inconsistent input
// from the store (a UID going backwards) is ignored for that message and counted as a bug.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/types.hpp"

namespace heron::server::imap {

class ViewCache;

class MailboxView {
 public:
  // One message as the store has it: the same for every session.
  struct Entry {
    uint32_t uid = 0;
    uint64_t modseq = 0;
    std::vector<std::string> flags;  // as stored; \Recent is not among them
    // What FETCH needs to find and describe the message; fixed for the message's life.
    int64_t id = 0;
    int64_t internal_date = 0;
    uint64_t size = 0;
    std::string blob_id;
    std::string header_prefix;

    // The store's record, for MailStore::read_message().
    store::Message message() const;
  };

  // A mailbox's messages in UID order, exactly as the store had them at highest_modseq.
  struct Snapshot {
    uint32_t uidvalidity = 0;
    uint64_t highest_modseq = 0;
    std::vector<Entry> entries;
  };

  // What the session must send, in this order: EXPUNGE/VANISHED, EXISTS, RECENT, FETCH.
  struct Updates {
    std::vector<uint32_t> expunged_msns;  // one "* n EXPUNGE" each, in this order
    std::vector<uint32_t> vanished_uids;  // instead of expunged_msns for QRESYNC clients
    std::optional<uint32_t> exists;
    std::optional<uint32_t> recent;
    std::vector<uint32_t> flag_msns;  // "* n FETCH (FLAGS ...)", numbers after the expunges

    bool empty() const {
      return expunged_msns.empty() && vanished_uids.empty() && !exists && !recent &&
             flag_msns.empty();
    }
  };

  // A view that shares its snapshots through cache (null: never shares), for one mailbox.
  explicit MailboxView(ViewCache* cache = nullptr, int64_t mailbox_id = 0)
      : cache_(cache), mailbox_id_(mailbox_id) {}

  // SELECT/EXAMINE: the whole mailbox, as the store had it at highest_modseq. Messages with
  // uid >= recent_from are \Recent here.
  void reset(const std::vector<store::Message>& messages, uint32_t recent_from,
             uint32_t uidvalidity, uint32_t uidnext, uint64_t highest_modseq);

  // A change set from the store: every message whose modseq is above the view's (new ones
  // and changed ones), the UIDs expunged since, and the mailbox's counters now. New messages
  // with uid >= recent_from are \Recent for this session.
  void apply(const std::vector<store::Message>& changed, const std::vector<uint32_t>& expunged,
             uint32_t recent_from, uint32_t uidnext, uint64_t highest_modseq);

  // This session's own STORE: the client is answered by the STORE's own FETCH responses (or
  // asked for none with .SILENT), so the change is not reported again.
  void apply_own_flags(uint32_t uid, uint64_t modseq, std::vector<std::string> flags);

  // Everything the client has not been told yet. With expunge_allowed false (during FETCH,
  // STORE, SEARCH), ghosts keep their numbers and no EXPUNGE is produced. With use_vanished
  // (RFC 7162 QRESYNC enabled) expunges are reported as UIDs.
  Updates take_updates(bool expunge_allowed, bool use_vanished = false);

  uint32_t size() const { return base_size() + static_cast<uint32_t>(added_.size()); }
  // 1-based message sequence number -> message; msn must be in 1..size(). Ghosts included.
  const Entry& at(uint32_t msn) const;
  // A ghost: expunged from the store, the EXPUNGE not yet sent.
  bool is_ghost(uint32_t msn) const;
  // \Recent for this session (RFC 3501 2.3.2).
  bool is_recent(uint32_t msn) const;
  std::optional<uint32_t> msn_of(uint32_t uid) const;
  // The largest UID in the view, 0 when empty (what "*" means in a UID set).
  uint32_t max_uid() const { return size() == 0 ? 0 : at(size()).uid; }
  // The MSN range [first, last] covering UIDs lo..hi, or nullopt when none is in the view.
  std::optional<std::pair<uint32_t, uint32_t>> msn_range(uint32_t lo, uint32_t hi) const;

  uint32_t uidvalidity() const { return uidvalidity_; }
  uint32_t uidnext() const { return uidnext_; }
  uint64_t highest_modseq() const { return highest_modseq_; }
  uint32_t recent_count() const;
  // The lowest MSN without \Seen (for the rev1 [UNSEEN n] code), ghosts skipped.
  std::optional<uint32_t> first_unseen() const;

  // For tests and diagnostics: whether the message list is one other sessions may hold too.
  bool shared() const { return overrides_.empty() && added_.empty() && ghosts_.empty(); }
  const Snapshot* snapshot() const { return base_.get(); }

 private:
  uint32_t base_size() const { return base_ ? static_cast<uint32_t>(base_->entries.size()) : 0; }
  Entry& own(uint32_t msn);  // a writable copy of the message in the overlays
  // Back to a shared snapshot once the overlays hold nothing the store does not.
  void rebase();

  ViewCache* cache_;
  int64_t mailbox_id_;
  std::shared_ptr<const Snapshot> base_;
  std::map<uint32_t, Entry> overrides_;  // uid -> changed copy of a message of base_
  std::vector<Entry> added_;             // after base_, in UID order
  std::vector<uint32_t> ghosts_;         // UIDs, sorted
  std::vector<uint32_t> flag_changed_;   // UIDs whose FETCH FLAGS is owed, sorted
  std::vector<uint32_t> recent_;         // UIDs \Recent for this session, sorted
  uint64_t own_ahead_ = 0;  // the highest modseq of our own STORE not yet pulled from the store
  uint32_t uidvalidity_ = 0;
  uint32_t uidnext_ = 1;
  uint64_t highest_modseq_ = 0;
  uint32_t told_exists_ = 0;  // what the client last heard as EXISTS
  uint32_t told_recent_ = 0;
};

// The snapshots IMAP sessions share, the newest per mailbox. Thread: any (one mutex). Holds
// weak references: a snapshot lives as long as a session uses it.
class ViewCache {
 public:
  std::shared_ptr<const MailboxView::Snapshot> find(int64_t mailbox_id, uint32_t uidvalidity,
                                                    uint64_t highest_modseq);
  void publish(int64_t mailbox_id, const std::shared_ptr<const MailboxView::Snapshot>& snapshot);
  size_t size();  // mailboxes with a live snapshot, for tests

 private:
  std::mutex mutex_;
  std::unordered_map<int64_t, std::weak_ptr<const MailboxView::Snapshot>> newest_;
};

}  // namespace heron::server::imap
