#pragma once
// Test support: runs one coroutine to completion on a private io_context and returns its
// value (rethrowing what it threw), so a test can call an awaitable API as a plain function.

#include <exception>
#include <optional>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace heron::test {

template <class T>
T run_sync(boost::asio::awaitable<T> task) {
  boost::asio::io_context io;
  std::optional<T> value;
  std::exception_ptr error;
  boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T v) {
    if (e) {
      error = e;
    } else {
      value = std::move(v);
    }
  });
  io.run();
  if (error) std::rethrow_exception(error);
  return std::move(*value);
}

}  // namespace heron::test
