#pragma once
// The in-process registry behind MailStore::watch(): who wants to hear that an account's
// mailboxes changed (IMAP IDLE, and sessions with a mailbox selected).
//
// A store calls notify() after a change has committed. Callbacks run on the notifying thread,
// outside the registry's lock, so a callback may add or drop watches. Dropping the Watch a
// caller holds unsubscribes it; a callback already running may still finish.
// Changes made by another process (the CLI) are not seen here: sessions also poll.
// Thread: any (mutex). Failure: none.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "store/mail_store.hpp"

namespace heron::store {

class Watchers {
 public:
  using Callback = std::function<void(int64_t mailbox_id)>;

  Watch add(int64_t account_id, Callback changed);
  void notify(int64_t account_id, int64_t mailbox_id);

 private:
  std::mutex mutex_;
  std::unordered_map<int64_t, std::vector<std::weak_ptr<Callback>>> by_account_;
};

}  // namespace heron::store
