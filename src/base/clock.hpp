#pragma once
// Wall-clock time as a seam (STYLE.md principle 6): code that schedules (queue retries, DSN
// delay notices, leases) asks a Clock for the time instead of calling time(), so tests drive
// days of retries with a ManualClock in microseconds. Times are unix seconds (UTC), the
// resolution the store keeps. Also the RFC 5322 date form every generated header uses.
// Thread: SystemClock any; ManualClock any (atomic). Failure: none.

#include <atomic>
#include <cstdint>
#include <string>

namespace heron {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now() const = 0;  // unix seconds
};

class SystemClock final : public Clock {
 public:
  int64_t now() const override;
};

// The process-wide system clock, for callers that take a `const Clock&` and have no fake.
const Clock& system_clock();

// A clock that moves only when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start = 1'700'000'000) : now_(start) {}
  int64_t now() const override { return now_.load(std::memory_order_relaxed); }
  void set(int64_t t) { now_.store(t, std::memory_order_relaxed); }
  void advance(int64_t seconds) { now_.fetch_add(seconds, std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> now_;
};

// RFC 5322 3.3 date-time in UTC: "Sun, 22 Nov 2026 20:14:13 +0000". Day and month names
// are the RFC's English ones whatever the locale.
std::string rfc5322_date(int64_t unix_time);

}  // namespace heron
