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
// Pure logic, no I/O and no store calls: the session feeds it what the store returned.
// Thread: the session's strand. Failure: none; inconsistent input from the store (a UID going
// backwards) is ignored for that message and counted as a bug.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/types.hpp"

namespace heron::server::imap {

class MailboxView {
 public:
  struct Entry {
    uint32_t uid = 0;
    uint64_t modseq = 0;
    std::vector<std::string> flags;  // as stored; \Recent is not among them
    bool recent = false;             // RFC 3501 2.3.2, for this session only
    bool expunged = false;           // a ghost: gone from the store, EXPUNGE not yet sent
    bool flags_changed = false;      // changed by someone else, FETCH FLAGS not yet sent
    // What FETCH needs to find and describe the message; fixed for the message's life.
    int64_t id = 0;
    int64_t internal_date = 0;
    uint64_t size = 0;
    std::string blob_id;
    std::string header_prefix;

    // The store's record, for MailStore::read_message().
    store::Message message() const;
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

  // SELECT/EXAMINE: the whole mailbox. Messages with uid >= recent_from are \Recent here.
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

  uint32_t size() const { return static_cast<uint32_t>(entries_.size()); }  // ghosts included
  // 1-based message sequence number -> entry; msn must be in 1..size().
  const Entry& at(uint32_t msn) const { return entries_[msn - 1]; }
  std::optional<uint32_t> msn_of(uint32_t uid) const;
  // The largest UID in the view, 0 when empty (what "*" means in a UID set).
  uint32_t max_uid() const { return entries_.empty() ? 0 : entries_.back().uid; }
  // The MSN range [first, last] covering UIDs lo..hi, or nullopt when none is in the view.
  std::optional<std::pair<uint32_t, uint32_t>> msn_range(uint32_t lo, uint32_t hi) const;

  uint32_t uidvalidity() const { return uidvalidity_; }
  uint32_t uidnext() const { return uidnext_; }
  uint64_t highest_modseq() const { return highest_modseq_; }
  uint32_t recent_count() const;
  // The lowest MSN without \Seen (for the rev1 [UNSEEN n] code), ghosts skipped.
  std::optional<uint32_t> first_unseen() const;

 private:
  std::vector<Entry> entries_;  // sorted by uid; index + 1 is the MSN
  uint32_t uidvalidity_ = 0;
  uint32_t uidnext_ = 1;
  uint64_t highest_modseq_ = 0;
  uint32_t told_exists_ = 0;  // what the client last heard as EXISTS
  uint32_t told_recent_ = 0;
};

}  // namespace heron::server::imap
