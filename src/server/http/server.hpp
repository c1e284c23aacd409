#pragma once
// The operator HTTP endpoint (HTTP/1.1, RFC 9112; Boost.Beast on the server's io_context):
//   GET /metrics  Prometheus text format 0.0.4 (base/metrics.hpp render_prometheus())
//   GET /healthz  200 "ok" while the process serves
//   GET /status   JSON: version, uptime, listeners, connections, queue and store summary
// Anything else is 404, a method other than GET or HEAD is 405.
//
// It is meant for operators and scrapers, so it binds loopback by default ([http] in
// docs/config.md) and has no authentication; expose it elsewhere only behind a firewall.
// Input is untrusted all the same: the request header is capped (max_header_bytes, then 431),
// a body is refused (413), each connection has an idle timeout and the number of open
// connections is capped (the extra ones are closed at once).
// Thread: the io_context's threads, each connection on its own strand; respond() runs on the
// blocking pool, because collectors and the status callback read the store. Failure: open()
// returns bind errors; a connection's errors end that connection only (http.session.error).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "base/result.hpp"
#include "net/blocking.hpp"

namespace heron::server::http {

struct Settings {
  std::string address = "127.0.0.1";
  uint16_t port = 8025;
  uint32_t max_connections = 16;
  std::chrono::seconds idle_timeout{30};
  uint32_t max_header_bytes = 8 * 1024;
};

// What the endpoints show. Both run on the blocking pool and may read the store.
struct Handlers {
  std::function<std::string()> metrics;  // the /metrics body
  std::function<std::string()> status;   // the /status JSON document
};

struct Response {
  unsigned status = 200;
  std::string content_type;
  std::string body;
};

// The routing, without I/O (unit-tested): method and target of one request -> the response.
Response respond(std::string_view method, std::string_view target, const Handlers& handlers);

class Server {
 public:
  Server(boost::asio::io_context& io, Settings settings, net::BlockingPool& blocking,
         Handlers handlers);

  Result<void> open();  // bind and listen
  void start();         // begin accepting
  void stop();          // stop accepting; requests in progress finish
  boost::asio::ip::tcp::endpoint local_endpoint() const;

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  Settings settings_;
  net::BlockingPool& blocking_;
  Handlers handlers_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<uint32_t> open_{0};
};

}  // namespace heron::server::http
