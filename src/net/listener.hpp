#pragma once
// A TCP listener: binds one address and port, accepts connections, applies the connection
// limits, and hands each admitted connection to its protocol's session on a strand of its own.
//
// Connections over a limit get busy_reply (e.g. "421 4.7.0 ...") and are closed, without a
// session. Thread: the io_context's threads; each connection runs on its own strand.
// Failure: bind errors come back from open(); accept errors are logged and retried.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "base/result.hpp"
#include "net/limits.hpp"
#include "net/stream.hpp"

namespace heron::net {

// Opens `acceptor` on `endpoint` (address reuse, IPv6-only for v6 addresses), bound and
// listening; the error names `what` and the endpoint.
Result<void> listen_on(tcp::acceptor& acceptor, const tcp::endpoint& endpoint,
                       const std::string& what);

using SessionHandler = std::function<asio::awaitable<void>(Stream stream)>;

class Listener {
 public:
  Listener(asio::io_context& io, std::string name, tcp::endpoint endpoint, ConnectionLimits& limits,
           std::string busy_reply, SessionHandler handler);

  Result<void> open();  // bind and listen
  void start();         // begin accepting
  void stop();          // stop accepting; sessions already running go on
  tcp::endpoint local_endpoint() const;
  const std::string& name() const { return name_; }
  // Sessions of this listener running now (admitted and not yet ended).
  uint64_t connections() const { return connections_.load(std::memory_order_relaxed); }

 private:
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(tcp::socket socket);

  asio::io_context& io_;
  std::string name_;
  tcp::endpoint endpoint_;
  ConnectionLimits& limits_;
  std::string busy_reply_;
  SessionHandler handler_;
  tcp::acceptor acceptor_;
  std::atomic<uint64_t> connections_{0};
};

}  // namespace heron::net
