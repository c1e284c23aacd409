#pragma once
// Awaitable wrappers over the store's callback APIs, for sessions running on Asio strands.
// The store calls back on its own thread; the completion is posted back to the caller's
// executor, so the coroutine resumes on its strand. Thread: any strand. Failure: the Result.

#include <memory>
#include <utility>
#include <vector>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>

#include "store/mail_store.hpp"

namespace heron::store {

template <class Token>
auto async_deliver(MailStore& store, Delivery delivery, Token&& token) {
  using Signature = void(Result<std::vector<Delivered>>);
  return boost::asio::async_initiate<Token, Signature>(
      [&store](auto handler, Delivery d) {
        // std::function needs a copyable callable; the handler is move-only.
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        store.deliver_async(std::move(d), [shared](Result<std::vector<Delivered>> result) {
          auto executor = boost::asio::get_associated_executor(*shared);
          boost::asio::post(executor,
                            [shared, r = std::move(result)]() mutable { (*shared)(std::move(r)); });
        });
      },
      token, std::move(delivery));
}

}  // namespace heron::store
