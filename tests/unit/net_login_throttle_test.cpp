// Failed-login throttling: delays that double to a cap, lockout after max_failures within the
// window, forgetting after the window or a success, and bounded memory. A ManualClock drives
// the time.

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "base/clock.hpp"
#include "net/login_throttle.hpp"

namespace heron::net {
namespace {

using namespace std::chrono_literals;

ThrottleSettings settings() {
  ThrottleSettings s;
  s.max_failures = 5;
  s.window = 600s;
  s.lockout = 300s;
  s.failure_delay = 2s;
  s.max_delay = 15s;
  s.max_entries = 3;
  return s;
}

TEST(LoginThrottle, UnknownIpIsAllowed) {
  ManualClock clock;
  LoginThrottle t(settings(), clock);
  EXPECT_TRUE(t.check("192.0.2.1").allowed);
  EXPECT_EQ(t.size(), 0u);
}

// Per IP and per account: guesses at one account from many addresses lock the account (and
// only it), guesses from one address lock the address for every account.
TEST(LoginThrottle, AccountKeyCountsAcrossAddresses) {
  ManualClock clock;
  ThrottleSettings s = settings();
  s.max_entries = 100;
  LoginThrottle t(s, clock);
  for (int i = 0; i < 5; ++i) {
    const std::string ip = "192.0.2." + std::to_string(i + 1);
    EXPECT_TRUE(t.check(ip, "Alice@Example.org").allowed);
    t.failed(ip, "alice@example.org");
  }
  const auto locked = t.check("198.51.100.7", "ALICE@example.org");
  EXPECT_FALSE(locked.allowed);
  EXPECT_EQ(locked.retry_after, 300s);
  EXPECT_TRUE(t.check("198.51.100.7", "bob@example.org").allowed);
  EXPECT_TRUE(t.check("192.0.2.1").allowed);  // each address failed only once
  clock.advance(300);
  EXPECT_TRUE(t.check("198.51.100.7", "alice@example.org").allowed);
}

TEST(LoginThrottle, TwoKeysTakeTheLongerDelayAndSuccessClearsBoth) {
  ManualClock clock;
  ThrottleSettings s = settings();
  s.max_entries = 100;
  s.max_failures = 100;
  LoginThrottle t(s, clock);
  EXPECT_EQ(t.failed("192.0.2.1", "a@example.org"), 2s);
  EXPECT_EQ(t.failed("192.0.2.1", "a@example.org"), 4s);
  EXPECT_EQ(t.failed("192.0.2.2", "a@example.org"), 8s);  // the account's third failure
  EXPECT_EQ(t.size(), 3u);
  t.succeeded("192.0.2.1", "a@example.org");
  EXPECT_EQ(t.size(), 1u);                   // 192.0.2.2 stays
  EXPECT_EQ(t.failed("192.0.2.1", ""), 2s);  // no account: the IP alone
}

TEST(LoginThrottle, DelayDoublesUpToTheCap) {
  ManualClock clock;
  ThrottleSettings s = settings();
  s.max_failures = 100;
  LoginThrottle t(s, clock);
  EXPECT_EQ(t.failed("192.0.2.1"), 2s);
  EXPECT_EQ(t.failed("192.0.2.1"), 4s);
  EXPECT_EQ(t.failed("192.0.2.1"), 8s);
  EXPECT_EQ(t.failed("192.0.2.1"), 15s);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(t.failed("192.0.2.1"), 15s);  // no overflow
  // Another address has its own count.
  EXPECT_EQ(t.failed("192.0.2.2"), 2s);
}

TEST(LoginThrottle, ZeroDelaySwitchesTheDelayOff) {
  ManualClock clock;
  ThrottleSettings s = settings();
  s.failure_delay = 0s;
  LoginThrottle t(s, clock);
  EXPECT_EQ(t.failed("192.0.2.1"), 0s);
  EXPECT_EQ(t.failed("192.0.2.1"), 0s);
}

TEST(LoginThrottle, LockoutAfterMaxFailuresInTheWindow) {
  ManualClock clock;
  LoginThrottle t(settings(), clock);
  for (int i = 0; i < 4; ++i) {
    t.failed("192.0.2.1");
    clock.advance(10);
    EXPECT_TRUE(t.check("192.0.2.1").allowed) << i;
  }
  t.failed("192.0.2.1");  // the fifth
  auto v = t.check("192.0.2.1");
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.retry_after, 300s);
  clock.advance(299);
  v = t.check("192.0.2.1");
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.retry_after, 1s);
  EXPECT_TRUE(t.check("192.0.2.9").allowed);  // others are not affected
  clock.advance(1);
  EXPECT_TRUE(t.check("192.0.2.1").allowed);  // the lockout ran out, and the count restarts
  EXPECT_EQ(t.failed("192.0.2.1"), 2s);
}

TEST(LoginThrottle, FailuresOutsideTheWindowAreForgotten) {
  ManualClock clock;
  LoginThrottle t(settings(), clock);
  for (int i = 0; i < 4; ++i) t.failed("192.0.2.1");
  clock.advance(600);  // the window since the first failure has passed
  EXPECT_TRUE(t.check("192.0.2.1").allowed);
  EXPECT_EQ(t.failed("192.0.2.1"), 2s);  // counted afresh
  EXPECT_TRUE(t.check("192.0.2.1").allowed);
}

TEST(LoginThrottle, SuccessForgetsTheAddress) {
  ManualClock clock;
  LoginThrottle t(settings(), clock);
  for (int i = 0; i < 4; ++i) t.failed("192.0.2.1");
  t.succeeded("192.0.2.1");
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.failed("192.0.2.1"), 2s);
}

TEST(LoginThrottle, MemoryIsBoundedLeastRecentlyFailedGoesFirst) {
  ManualClock clock;
  LoginThrottle t(settings(), clock);                 // max_entries = 3
  for (int i = 0; i < 5; ++i) t.failed("192.0.2.1");  // locked out
  t.failed("192.0.2.2");
  t.failed("192.0.2.3");
  t.failed("192.0.2.1");  // most recent again
  t.failed("192.0.2.4");  // evicts .2, the least recently failed
  EXPECT_EQ(t.size(), 3u);
  EXPECT_FALSE(t.check("192.0.2.1").allowed);
  EXPECT_EQ(t.failed("192.0.2.2"), 2s);  // .2 was forgotten; this evicts .3
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(t.failed("192.0.2.4"), 4s);  // .4 kept its count
}

TEST(LoginThrottle, ThreadSafe) {
  ManualClock clock;
  ThrottleSettings s = settings();
  s.max_failures = 1'000'000;
  s.max_entries = 50;
  LoginThrottle t(s, clock);
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&t, k] {
      for (int i = 0; i < 2000; ++i) {
        const std::string ip = "198.51.100." + std::to_string((i * 7 + k) % 80);
        t.failed(ip);
        t.check(ip);
        if (i % 13 == 0) t.succeeded(ip);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(t.size(), 50u);
}

}  // namespace
}  // namespace heron::net
