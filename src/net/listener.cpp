#include "net/listener.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "base/log.hpp"
#include "base/metrics.hpp"

namespace heron::net {

Listener::Listener(asio::io_context& io, std::string name, tcp::endpoint endpoint,
                   ConnectionLimits& limits, std::string busy_reply, SessionHandler handler)
    : io_(io),
      name_(std::move(name)),
      endpoint_(std::move(endpoint)),
      limits_(limits),
      busy_reply_(std::move(busy_reply)),
      handler_(std::move(handler)),
      acceptor_(io) {}

Result<void> listen_on(tcp::acceptor& acceptor, const tcp::endpoint& endpoint,
                       const std::string& what) {
  error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec && endpoint.address().is_v6()) acceptor.set_option(asio::ip::v6_only(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error(what + " on " + endpoint.address().to_string() + ":" +
                          std::to_string(endpoint.port()) + ": " + ec.message(),
                      ec.value());
  }
  return {};
}

Result<void> Listener::open() {
  return listen_on(acceptor_, endpoint_, "listener " + name_);
}

void Listener::start() {
  asio::co_spawn(io_, accept_loop(), asio::detached);
}

void Listener::stop() {
  error_code ec;
  acceptor_.close(ec);
}

tcp::endpoint Listener::local_endpoint() const {
  error_code ec;
  return acceptor_.local_endpoint(ec);
}

asio::awaitable<void> Listener::accept_loop() {
  while (acceptor_.is_open()) {
    error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(
        asio::make_strand(io_), asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
    if (ec) {
      // EMFILE and friends: log, back off briefly, keep serving.
      log::warn("net.accept.failed", {{"listener", name_}, {"error", ec.message()}});
      metrics::inc("heron_accept_errors_total", "listener", name_);
      asio::steady_timer pause(io_, std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    auto executor = socket.get_executor();
    asio::co_spawn(executor, serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> Listener::serve(tcp::socket socket) {
  error_code ec;
  std::string ip = socket.remote_endpoint(ec).address().to_string();
  if (ec) co_return;  // the peer is already gone
  auto verdict = limits_.admit(ip);
  if (verdict != ConnectionLimits::Verdict::admitted) {
    const char* reason = verdict == ConnectionLimits::Verdict::over_total
                             ? "max_connections"
                             : "max_connections_per_ip";
    log::warn("net.connection.refused", {{"listener", name_}, {"ip", ip}, {"reason", reason}});
    metrics::inc("heron_connections_refused_total", "reason", reason);
    co_await asio::async_write(socket, asio::buffer(busy_reply_),
                               asio::redirect_error(asio::use_awaitable, ec));
    socket.close(ec);
    co_return;
  }
  ConnectionSlot slot(limits_, ip);
  metrics::inc("heron_connections_total", "listener", name_);
  // Open connections per listener, for /metrics and `heron status`; a guard so that every
  // way out of the session (return, exception, shutdown) counts it down.
  struct Open {
    Listener& self;
    explicit Open(Listener& l) : self(l) {
      self.connections_.fetch_add(1, std::memory_order_relaxed);
      metrics::add_gauge("heron_connections_active", "listener", self.name_, 1);
    }
    ~Open() {
      self.connections_.fetch_sub(1, std::memory_order_relaxed);
      metrics::add_gauge("heron_connections_active", "listener", self.name_, -1);
    }
  } open(*this);
  try {
    co_await handler_(Stream(std::move(socket)));
  } catch (const std::exception& e) {
    // The session's own root catches everything; this is the last line of defence.
    log::error("net.session.crashed", {{"listener", name_}, {"ip", ip}, {"error", e.what()}});
    metrics::inc("heron_session_crashes_total", "listener", name_);
  }
}

}  // namespace heron::net
