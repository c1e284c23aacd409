#pragma once
// The FETCH items that describe a message without its contents: ENVELOPE, BODY and
// BODYSTRUCTURE, rendered once and kept in memory, shared by every session of the server.
// Mail clients ask for them for the whole mailbox on every sync; with the cache a second sync
// reads no message file and parses nothing (Dovecot keeps the same items in
// dovecot.index.cache). A message's bytes never change, so an entry never goes stale: the key
// is the blob id (random, never reused) plus the message's own header prefix.
//
// Bounded: least recently used entries go once the strings exceed the budget
// (imap.summary_cache; 0 turns the cache off). Thread: any (one mutex). Failure: none.

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "mime/structure.hpp"
#include "server/imap/mailbox_view.hpp"

namespace heron::server::imap {

struct Summary {
  std::string envelope;       // the parenthesised list after "ENVELOPE "
  std::string body;           // after "BODY "
  std::string bodystructure;  // after "BODYSTRUCTURE "
};

// Renders the three items for a message; `utf8` as for FETCH (UTF8=ACCEPT).
Summary summarize(std::string_view message, const mime::Structure& s, bool utf8);

class SummaryCache {
 public:
  explicit SummaryCache(size_t budget_bytes) : budget_(budget_bytes) {}

  std::optional<Summary> find(const MailboxView::Entry& e, bool utf8);
  void put(const MailboxView::Entry& e, bool utf8, Summary summary);

  size_t bytes() const;
  size_t entries() const;

 private:
  using Order = std::list<std::string>;  // keys, most recently used first
  struct Slot {
    Summary summary;
    Order::iterator position;
  };
  static std::string key(const MailboxView::Entry& e, bool utf8);
  static size_t cost(const std::string& key, const Summary& s);

  const size_t budget_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Slot> slots_;
  Order order_;
  size_t bytes_ = 0;
};

}  // namespace heron::server::imap
