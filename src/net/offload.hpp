#pragma once
// Runs blocking work (a password hash check, a synchronous store call) on a thread pool and
// resumes the calling coroutine on its own executor (its connection's strand), so the event
// loop never stalls on Argon2id or SQLite. Used by the POP3 session; IMAP and SMTP AUTH can
// share it.
// Thread: the work runs on a pool thread; the coroutine resumes on its strand. The work must
// not touch session state, only what it captured. Failure: whatever the work returns (a
// Result); an exception thrown by the work is a bug and terminates (asio's pool rethrows).

#include <memory>
#include <type_traits>
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace heron::net {

template <class Work>
auto offload(boost::asio::thread_pool& pool, Work work) {
  using R = std::invoke_result_t<Work&>;
  return boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(R)>(
      [&pool](auto handler, Work w) {
        boost::asio::post(pool, [h = std::move(handler), w = std::move(w)]() mutable {
          R result = w();
          auto executor = boost::asio::get_associated_executor(h);
          boost::asio::post(
              executor, [h = std::move(h), r = std::move(result)]() mutable { h(std::move(r)); });
        });
      },
      boost::asio::use_awaitable, std::move(work));
}

}  // namespace heron::net
