#pragma once
// Blocking work (store reads and writes that wait for an fsync, Argon2id password checks) run
// off the event loop: a session co_awaits offload(pool, fn); fn runs on one of the pool's
// threads and the coroutine resumes on its own executor (its strand) with fn's result.
// Without this, one slow fsync or hash would stall every connection sharing the loop thread.
// Thread: offload() from a coroutine on any executor; fn on a pool thread. Failure: whatever
// fn returns (errors are values); fn must not throw.

#include <atomic>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace heron::net {

// The threads blocking work runs on. Size it for how many such calls may wait at once (each
// waits mostly on the disk, not the CPU); the store's group commit makes waiting callers share
// fsyncs, so more threads mean bigger batches, not more disk work.
class BlockingPool {
 public:
  explicit BlockingPool(std::size_t threads) : pool_(threads) {}
  ~BlockingPool() { pool_.join(); }
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  boost::asio::thread_pool& pool() { return pool_; }

 private:
  boost::asio::thread_pool pool_;
};

template <class F>
boost::asio::awaitable<std::invoke_result_t<F>> offload(BlockingPool& pool, F fn) {
  using R = std::invoke_result_t<F>;
  static_assert(!std::is_void_v<R>, "return a value (e.g. Result<void>) from offloaded work");
  auto home = co_await boost::asio::this_coro::executor;
  // Named, not a temporary inside the co_await: GCC 12 destroys such a temporary twice, which
  // here drops a reference to the strand that the socket still uses.
  auto initiation = [&pool, home](auto handler, F f) {
    boost::asio::post(pool.pool(),
                      [handler = std::move(handler), f = std::move(f), home]() mutable {
                        auto result = std::make_shared<R>(f());
                        boost::asio::post(home, [handler = std::move(handler), result]() mutable {
                          handler(std::move(*result));
                        });
                      });
  };
  co_return co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(R)>(
      std::move(initiation), boost::asio::use_awaitable, std::move(fn));
}

// fn(0) .. fn(count - 1) at once on the pool's threads (CPU-heavy work that splits, like a
// text SEARCH over many messages); resumes with their results in order once all are done.
// Keep count small (a few per core): the jobs run ahead of other sessions' blocking work.
template <class F>
boost::asio::awaitable<std::vector<std::invoke_result_t<F, std::size_t>>> offload_each(
    BlockingPool& pool, std::size_t count, F fn) {
  using R = std::invoke_result_t<F, std::size_t>;
  using Results = std::vector<R>;
  static_assert(!std::is_same_v<R, bool>, "vector<bool> shares bytes between jobs: return int");
  if (count == 0) co_return Results{};
  auto home = co_await boost::asio::this_coro::executor;
  // Named, not a temporary inside the co_await (GCC 12; see offload()).
  auto initiation = [&pool, home, count](auto handler, F f) {
    using Handler = decltype(handler);
    struct Shared {
      // A constructor, not aggregate initialization: clang 14 (the fuzz build) lacks P0960.
      Shared(std::size_t jobs, F job, Handler on_done)
          : results(jobs), left(jobs), fn(std::move(job)), done(std::move(on_done)) {}
      Results results;
      std::atomic<std::size_t> left;
      F fn;
      Handler done;
    };
    auto shared = std::make_shared<Shared>(count, std::move(f), std::move(handler));
    for (std::size_t i = 0; i < count; ++i) {
      boost::asio::post(pool.pool(), [shared, home, i] {
        shared->results[i] = shared->fn(i);
        if (shared->left.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
        boost::asio::post(home, [shared]() mutable { shared->done(std::move(shared->results)); });
      });
    }
  };
  co_return co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable),
                                                 void(Results)>(
      std::move(initiation), boost::asio::use_awaitable, std::move(fn));
}

}  // namespace heron::net
