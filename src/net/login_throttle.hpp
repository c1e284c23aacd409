#pragma once
// Failed-login throttling per client IP and per account, shared by every protocol that takes
// a password (POP3, IMAP, SMTP AUTH), so a guesser gains nothing by switching protocols, nor
// by spreading one account's guesses over many addresses. The two-key calls below keep one
// record for the IP and one for the account name ("account:" + the name in lowercase): an
// attempt is refused when either is locked out, and a failure's delay is the longer of the
// two. Note the price of the account key: anyone can lock an account for `lockout` by failing
// max_failures times against it (as Dovecot's and Postfix's account penalties do).
//
// Two measures, as admins know them from Dovecot's auth penalty and Postfix's anvil:
//  - a delay before a failure is answered, failure_delay after the first failure in the
//    window, doubling with each further one up to max_delay (Dovecot: 2s doubling to 15s);
//  - a lockout: after max_failures failures within `window`, every attempt from that IP is
//    refused without checking the password, until `lockout` has passed since the last one.
// A success clears the IP's record (the user knew the password). Failures older than
// `window` are forgotten. Memory is bounded: at most max_entries IPs are tracked; when full,
// the least recently failed one is forgotten first.
// Times come from a Clock (unix seconds), so tests drive it with a ManualClock.
// Input: an IP string (any text; it is only a key). Thread: any (one mutex).
// Failure: none; check() says no.

#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.hpp"

namespace heron::net {

struct ThrottleSettings {
  uint32_t max_failures = 10;  // within window, then lockout; 0 disables the lockout
  std::chrono::seconds window{900};
  std::chrono::seconds lockout{900};
  std::chrono::seconds failure_delay{2};  // 0 disables the delay
  std::chrono::seconds max_delay{15};
  size_t max_entries = 100'000;
};

class LoginThrottle {
 public:
  explicit LoginThrottle(ThrottleSettings settings, const Clock& clock = system_clock());

  struct Verdict {
    bool allowed = true;
    std::chrono::seconds retry_after{0};  // when refused: how long the lockout still runs
  };
  // Before checking a password: may this IP try at all?
  Verdict check(const std::string& ip);
  // After a wrong password: records it and returns how long to wait before answering.
  std::chrono::seconds failed(const std::string& ip);
  // After a right password: forgets the IP.
  void succeeded(const std::string& ip);

  // The same for an IP and the account name a client tried.
  Verdict check(const std::string& ip, std::string_view account);
  std::chrono::seconds failed(const std::string& ip, std::string_view account);
  void succeeded(const std::string& ip, std::string_view account);
  static std::string account_key(std::string_view account);

  size_t size() const;  // tracked IPs, for tests and metrics
  const ThrottleSettings& settings() const { return settings_; }

 private:
  struct Entry {
    uint32_t failures = 0;
    int64_t first = 0;  // unix seconds of the first failure in the current window
    int64_t last = 0;   // of the latest failure
    std::list<std::string>::iterator order;  // position in lru_
  };
  void expire_locked(Entry& e, int64_t now) const;
  void erase_locked(std::unordered_map<std::string, Entry>::iterator it);

  ThrottleSettings settings_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // front: least recently failed
};

}  // namespace heron::net
