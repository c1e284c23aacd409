#pragma once
// The retry schedule (docs/queue.md, "Retries"): pure functions of the attempt count, the
// arrival time and the [queue] settings, so they can be tested for a five-day run in
// microseconds.
//
// After the n-th failed attempt (n from 1) the next one waits intervals[n-1], the last
// interval repeating: with the defaults 5, 10, 20, 40 minutes, then hourly. No attempt is
// scheduled past arrival + max_age: the last one is made exactly then, and a failure at or
// after that moment is final (the message bounces with the last error). A delay notice is
// due once a message has waited delay_warning, unless that is at or past max_age.
// Thread: any. Failure: none.

#include <chrono>
#include <cstdint>
#include <vector>

#include "config/config.hpp"

namespace heron::queue {

struct RetryPolicy {
  std::vector<std::chrono::seconds> intervals{std::chrono::minutes(5)};
  std::chrono::seconds max_age{5 * 86400};
  std::chrono::seconds delay_warning{4 * 3600};

  static RetryPolicy from(const config::Queue& config);
};

// The wait after the failed_attempts-th failure (failed_attempts >= 1; 0 is treated as 1).
std::chrono::seconds retry_delay(const RetryPolicy& policy, uint32_t failed_attempts);

struct RetryDecision {
  bool give_up = false;      // the failure is final: max_age has passed
  int64_t next_attempt = 0;  // when not giving up
};

// After a transient failure at `now` of the failed_attempts-th attempt of a message that
// arrived at `arrival`.
RetryDecision after_transient_failure(const RetryPolicy& policy, uint32_t failed_attempts,
                                      int64_t arrival, int64_t now);

// RFC 3464 2.3.9 Will-Retry-Until: the moment after which Heron stops trying.
int64_t retry_until(const RetryPolicy& policy, int64_t arrival);

// Whether delay notices are on, and the arrival time at or before which one is due at `now`.
bool delay_notices_enabled(const RetryPolicy& policy);
int64_t delay_cutoff(const RetryPolicy& policy, int64_t now);

}  // namespace heron::queue
