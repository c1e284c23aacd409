#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "net/blocking.hpp"

namespace heron::net {
namespace {

namespace asio = boost::asio;

// Runs `body` as a coroutine on a fresh io_context until it finishes.
template <class Body>
void run_coroutine(Body body) {
  asio::io_context io;
  asio::co_spawn(io, std::move(body), asio::detached);
  io.run();
}

TEST(OffloadEach, ResultsInOrderBackOnTheCallersThread) {
  BlockingPool pool(4);
  std::vector<size_t> results;
  std::thread::id resumed_on;
  const auto caller = std::this_thread::get_id();
  auto body = [&]() -> asio::awaitable<void> {
    auto square = [](size_t i) { return i * i; };
    results = co_await offload_each(pool, 5, square);
    resumed_on = std::this_thread::get_id();
  };
  run_coroutine(body);
  EXPECT_EQ(results, (std::vector<size_t>{0, 1, 4, 9, 16}));
  EXPECT_EQ(resumed_on, caller);
}

TEST(OffloadEach, JobsRunSideBySide) {
  // Each job waits (up to 10 s) for all three to have started: run one after another, the
  // first would give up and report 0.
  BlockingPool pool(3);
  std::atomic<int> started{0};
  std::vector<int> met;
  auto body = [&]() -> asio::awaitable<void> {
    auto job = [&started](size_t) {
      ++started;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (started.load() < 3) {
        if (std::chrono::steady_clock::now() > deadline) return 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      return 1;
    };
    met = co_await offload_each(pool, 3, job);
  };
  run_coroutine(body);
  EXPECT_EQ(met, (std::vector<int>{1, 1, 1}));
}

TEST(OffloadEach, NoJobsNoWait) {
  BlockingPool pool(1);
  std::vector<int> results{7};
  auto body = [&]() -> asio::awaitable<void> {
    auto never = [](size_t) { return 1; };
    results = co_await offload_each(pool, 0, never);
  };
  run_coroutine(body);
  EXPECT_TRUE(results.empty());
}

}  // namespace
}  // namespace heron::net
