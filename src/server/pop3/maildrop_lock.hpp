#pragma once
// The POP3 maildrop lock (RFC 1939 4: "the POP3 server then acquires an exclusive-access
// lock on the maildrop"): one POP3 session per account at a time in this process; a second
// login gets "-ERR [IN-USE]" (RFC 2449 8.1.1). IMAP sessions do not take it and may run at
// the same time: the store keeps each change atomic, and a POP3 session works from the
// snapshot it took at login (docs/pop3.md).
// The lock lives in memory: a crash releases it with the process. (Several nodes sharing one
// PostgreSQL store will need a lock in the store; not built yet.)
// Thread: any (mutex). Failure: try_lock() returns an empty lease.

#include <cstdint>
#include <mutex>
#include <unordered_set>

namespace heron::server::pop3 {

class MaildropLocks;

// Holds one account's lock; releases it when destroyed, however the session ended.
class MaildropLease {
 public:
  MaildropLease() = default;
  MaildropLease(MaildropLocks& locks, int64_t account_id)
      : locks_(&locks), account_id_(account_id) {}
  ~MaildropLease() { release(); }
  MaildropLease(MaildropLease&& other) noexcept
      : locks_(other.locks_), account_id_(other.account_id_) {
    other.locks_ = nullptr;
  }
  MaildropLease& operator=(MaildropLease&& other) noexcept;
  MaildropLease(const MaildropLease&) = delete;
  MaildropLease& operator=(const MaildropLease&) = delete;

  explicit operator bool() const { return locks_ != nullptr; }
  void release();

 private:
  MaildropLocks* locks_ = nullptr;
  int64_t account_id_ = 0;
};

class MaildropLocks {
 public:
  // An empty lease when another session holds the account's maildrop.
  MaildropLease try_lock(int64_t account_id);
  bool locked(int64_t account_id) const;

 private:
  friend class MaildropLease;
  void unlock(int64_t account_id);

  mutable std::mutex mutex_;
  std::unordered_set<int64_t> held_;
};

}  // namespace heron::server::pop3
