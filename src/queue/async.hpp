#pragma once
// queue::async_submit(): queue::submit_async() as an Asio operation, for the SMTP sessions
// (MX and MSA) that run on strands. The store calls back on its committer thread; the
// completion is posted to the caller's executor, so the coroutine resumes on its strand and
// answers 250 only then. Thread: any strand. Failure: the Result.

#include <cstdint>
#include <memory>
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>

#include "base/clock.hpp"
#include "queue/submit.hpp"

namespace heron::queue {

template <class Token>
auto async_submit(store::QueueStore& store, Submission submission, Token&& token,
                  const Clock& clock = system_clock()) {
  using Signature = void(Result<int64_t>);
  return boost::asio::async_initiate<Token, Signature>(
      [&store, &clock](auto handler, Submission s) {
        // std::function needs a copyable callable; the handler is move-only.
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        submit_async(
            store, std::move(s),
            [shared](Result<int64_t> id) {
              auto executor = boost::asio::get_associated_executor(*shared);
              boost::asio::post(executor,
                                [shared, r = std::move(id)]() mutable { (*shared)(std::move(r)); });
            },
            clock);
      },
      token, std::move(submission));
}

}  // namespace heron::queue
