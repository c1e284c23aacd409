#include "queue/schedule.hpp"

#include <algorithm>

namespace heron::queue {

RetryPolicy RetryPolicy::from(const config::Queue& config) {
  RetryPolicy p;
  if (!config.retry_intervals.empty()) p.intervals = config.retry_intervals;
  p.max_age = config.max_age;
  p.delay_warning = config.delay_warning;
  return p;
}

std::chrono::seconds retry_delay(const RetryPolicy& policy, uint32_t failed_attempts) {
  if (policy.intervals.empty()) return std::chrono::minutes(5);
  const size_t n = std::max<uint32_t>(failed_attempts, 1) - 1;
  return policy.intervals[std::min(n, policy.intervals.size() - 1)];
}

int64_t retry_until(const RetryPolicy& policy, int64_t arrival) {
  return arrival + policy.max_age.count();
}

RetryDecision after_transient_failure(const RetryPolicy& policy, uint32_t failed_attempts,
                                      int64_t arrival, int64_t now) {
  const int64_t deadline = retry_until(policy, arrival);
  if (now >= deadline) return RetryDecision{true, 0};
  const int64_t next = now + retry_delay(policy, failed_attempts).count();
  // The last attempt is made at the deadline itself, not skipped because an interval would
  // jump past it.
  return RetryDecision{false, std::min(next, deadline)};
}

bool delay_notices_enabled(const RetryPolicy& policy) {
  return policy.delay_warning < policy.max_age;
}

int64_t delay_cutoff(const RetryPolicy& policy, int64_t now) {
  return now - policy.delay_warning.count();
}

}  // namespace heron::queue
