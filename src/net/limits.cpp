#include "net/limits.hpp"

namespace heron::net {

ConnectionLimits::Verdict ConnectionLimits::admit(const std::string& ip) {
  std::lock_guard lock(mutex_);
  if (total_ >= max_total_) return Verdict::over_total;
  uint32_t& count = per_ip_[ip];
  if (count >= max_per_ip_) {
    if (count == 0) per_ip_.erase(ip);
    return Verdict::over_per_ip;
  }
  ++count;
  ++total_;
  return Verdict::admitted;
}

void ConnectionLimits::release(const std::string& ip) {
  std::lock_guard lock(mutex_);
  auto it = per_ip_.find(ip);
  if (it == per_ip_.end()) return;
  if (--it->second == 0) per_ip_.erase(it);
  --total_;
}

uint32_t ConnectionLimits::total() const {
  std::lock_guard lock(mutex_);
  return total_;
}

}  // namespace heron::net
