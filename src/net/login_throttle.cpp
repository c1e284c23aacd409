#include "net/login_throttle.hpp"

#include <algorithm>

namespace heron::net {

LoginThrottle::LoginThrottle(ThrottleSettings settings, const Clock& clock)
    : settings_(settings), clock_(clock) {
  if (settings_.max_entries == 0) settings_.max_entries = 1;
}

// A record whose window has passed, and which is not serving a lockout, starts over.
void LoginThrottle::expire_locked(Entry& e, int64_t now) const {
  const bool locked = settings_.max_failures > 0 && e.failures >= settings_.max_failures;
  if (locked) {
    if (now - e.last >= settings_.lockout.count()) e.failures = 0;
  } else if (now - e.first >= settings_.window.count()) {
    e.failures = 0;
  }
}

void LoginThrottle::erase_locked(std::unordered_map<std::string, Entry>::iterator it) {
  lru_.erase(it->second.order);
  entries_.erase(it);
}

LoginThrottle::Verdict LoginThrottle::check(const std::string& ip) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(ip);
  if (it == entries_.end()) return {};
  const int64_t now = clock_.now();
  Entry& e = it->second;
  expire_locked(e, now);
  if (e.failures == 0) {
    erase_locked(it);
    return {};
  }
  if (settings_.max_failures > 0 && e.failures >= settings_.max_failures) {
    const int64_t left = std::max<int64_t>(1, settings_.lockout.count() - (now - e.last));
    return {false, std::chrono::seconds(left)};
  }
  return {};
}

std::chrono::seconds LoginThrottle::failed(const std::string& ip) {
  std::lock_guard lock(mutex_);
  const int64_t now = clock_.now();
  auto it = entries_.find(ip);
  if (it == entries_.end()) {
    if (entries_.size() >= settings_.max_entries) erase_locked(entries_.find(lru_.front()));
    lru_.push_back(ip);
    it = entries_.emplace(ip, Entry{}).first;
    it->second.order = std::prev(lru_.end());
  } else {
    lru_.splice(lru_.end(), lru_, it->second.order);  // most recently failed now
  }
  Entry& e = it->second;
  expire_locked(e, now);
  if (e.failures == 0) e.first = now;
  ++e.failures;
  e.last = now;
  if (settings_.failure_delay.count() <= 0) return std::chrono::seconds(0);
  // failure_delay * 2^(failures-1), capped; the shift is bounded so it cannot overflow.
  const uint32_t doublings = std::min<uint32_t>(e.failures - 1, 20);
  const int64_t delay = settings_.failure_delay.count() << doublings;
  return std::chrono::seconds(std::min<int64_t>(delay, settings_.max_delay.count()));
}

void LoginThrottle::succeeded(const std::string& ip) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(ip);
  if (it != entries_.end()) erase_locked(it);
}

std::string LoginThrottle::account_key(std::string_view account) {
  std::string key = "account:";
  for (char c : account) key += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  return key;
}

LoginThrottle::Verdict LoginThrottle::check(const std::string& ip, std::string_view account) {
  const Verdict by_ip = check(ip);
  if (account.empty()) return by_ip;
  const Verdict by_account = check(account_key(account));
  if (by_ip.allowed && by_account.allowed) return {};
  return {false, std::max(by_ip.allowed ? std::chrono::seconds(0) : by_ip.retry_after,
                          by_account.allowed ? std::chrono::seconds(0) : by_account.retry_after)};
}

std::chrono::seconds LoginThrottle::failed(const std::string& ip, std::string_view account) {
  const auto by_ip = failed(ip);
  if (account.empty()) return by_ip;
  return std::max(by_ip, failed(account_key(account)));
}

void LoginThrottle::succeeded(const std::string& ip, std::string_view account) {
  succeeded(ip);
  if (!account.empty()) succeeded(account_key(account));
}

size_t LoginThrottle::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace heron::net
