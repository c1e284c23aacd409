#pragma once
// Connection admission: a ceiling on connections overall and per client IP, shared by
// every listener so one abusive address cannot take all the slots (a 421 is the answer).
// Thread: any (mutex). Failure: none; admit() says no.

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace heron::net {

class ConnectionLimits {
 public:
  ConnectionLimits(uint32_t max_total, uint32_t max_per_ip)
      : max_total_(max_total), max_per_ip_(max_per_ip) {}

  enum class Verdict { admitted, over_total, over_per_ip };
  Verdict admit(const std::string& ip);
  void release(const std::string& ip);
  uint32_t total() const;

 private:
  uint32_t max_total_;
  uint32_t max_per_ip_;
  mutable std::mutex mutex_;
  uint32_t total_ = 0;
  std::unordered_map<std::string, uint32_t> per_ip_;
};

// Holds one admitted slot and gives it back when the session ends.
class ConnectionSlot {
 public:
  ConnectionSlot(ConnectionLimits& limits, std::string ip) : limits_(&limits), ip_(std::move(ip)) {}
  ~ConnectionSlot() { if (limits_) limits_->release(ip_); }
  ConnectionSlot(ConnectionSlot&& other) noexcept : limits_(other.limits_), ip_(std::move(other.ip_)) {
    other.limits_ = nullptr;
  }
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(ConnectionSlot&&) = delete;

 private:
  ConnectionLimits* limits_;
  std::string ip_;
};

}  // namespace heron::net
