// The retry schedule: intervals, the last one repeating, the deadline, delay notices.

#include <gtest/gtest.h>

#include <vector>

#include "queue/schedule.hpp"

namespace heron::queue {
namespace {

using namespace std::chrono_literals;

RetryPolicy defaults() {
  return RetryPolicy::from(config::Queue{});
}

TEST(QueueSchedule, DefaultIntervalsThenHourly) {
  const RetryPolicy p = defaults();
  EXPECT_EQ(retry_delay(p, 1), 5min);
  EXPECT_EQ(retry_delay(p, 2), 10min);
  EXPECT_EQ(retry_delay(p, 3), 20min);
  EXPECT_EQ(retry_delay(p, 4), 40min);
  EXPECT_EQ(retry_delay(p, 5), 1h);
  EXPECT_EQ(retry_delay(p, 6), 1h);
  EXPECT_EQ(retry_delay(p, 500), 1h);
  EXPECT_EQ(retry_delay(p, 0), 5min);  // treated as the first failure
}

TEST(QueueSchedule, ConfiguredIntervals) {
  config::Queue c;
  c.retry_intervals = {30s, 2min};
  c.max_age = 1h;
  c.delay_warning = 10min;
  const RetryPolicy p = RetryPolicy::from(c);
  EXPECT_EQ(retry_delay(p, 1), 30s);
  EXPECT_EQ(retry_delay(p, 2), 2min);
  EXPECT_EQ(retry_delay(p, 3), 2min);
  EXPECT_EQ(retry_until(p, 1000), 1000 + 3600);
}

// Simulates five days of transient failures, each attempt made exactly when due.
TEST(QueueSchedule, FiveDaysOfRetriesThenGiveUp) {
  const RetryPolicy p = defaults();
  const int64_t arrival = 1'700'000'000;
  int64_t now = arrival;  // first attempt at arrival
  std::vector<int64_t> waits;
  uint32_t attempts = 0;
  while (true) {
    ++attempts;
    const RetryDecision d = after_transient_failure(p, attempts, arrival, now);
    if (d.give_up) break;
    ASSERT_GT(d.next_attempt, now);
    waits.push_back(d.next_attempt - now);
    now = d.next_attempt;
    ASSERT_LT(attempts, 1000u);
  }
  // 5 + 10 + 20 + 40 minutes, then hourly until 5 days: the last wait is cut short so that
  // the final attempt falls exactly on the deadline, and its failure is final.
  ASSERT_GE(waits.size(), 5u);
  EXPECT_EQ(waits[0], 300);
  EXPECT_EQ(waits[1], 600);
  EXPECT_EQ(waits[2], 1200);
  EXPECT_EQ(waits[3], 2400);
  EXPECT_EQ(waits[4], 3600);
  EXPECT_EQ(now, arrival + 5 * 86400);
  // 75 minutes of back-off, then (120h - 75min) / 1h = 118.75 hourly waits: 118 full ones
  // and a 45-minute one to the deadline.
  EXPECT_EQ(waits.size(), 4u + 118u + 1u);
  EXPECT_EQ(waits.back(), 45 * 60);
  EXPECT_EQ(attempts, waits.size() + 1);
}

TEST(QueueSchedule, LateAttemptsPastTheDeadlineGiveUp) {
  const RetryPolicy p = defaults();
  const int64_t arrival = 1'000'000;
  EXPECT_TRUE(after_transient_failure(p, 3, arrival, arrival + 5 * 86400).give_up);
  EXPECT_TRUE(after_transient_failure(p, 1, arrival, arrival + 6 * 86400).give_up);
  const RetryDecision d = after_transient_failure(p, 1, arrival, arrival + 5 * 86400 - 10);
  EXPECT_FALSE(d.give_up);
  EXPECT_EQ(d.next_attempt, arrival + 5 * 86400);
}

TEST(QueueSchedule, DelayNotices) {
  RetryPolicy p = defaults();
  EXPECT_TRUE(delay_notices_enabled(p));
  EXPECT_EQ(delay_cutoff(p, 100'000), 100'000 - 4 * 3600);
  p.delay_warning = p.max_age;
  EXPECT_FALSE(delay_notices_enabled(p));
}

}  // namespace
}  // namespace heron::queue
