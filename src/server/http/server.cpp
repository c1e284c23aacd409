#include "server/http/server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "net/listener.hpp"

namespace heron::server::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

Server::Server(asio::io_context& io, Settings settings, net::BlockingPool& blocking,
               Handlers handlers)
    : io_(io),
      settings_(std::move(settings)),
      blocking_(blocking),
      handlers_(std::move(handlers)),
      acceptor_(io) {}

Result<void> Server::open() {
  error_code ec;
  const auto address = asio::ip::make_address(settings_.address, ec);
  if (ec) return make_error("http listener address " + settings_.address + ": " + ec.message());
  return net::listen_on(acceptor_, tcp::endpoint(address, settings_.port), "http listener");
}

void Server::start() {
  asio::co_spawn(io_, accept_loop(), asio::detached);
}

void Server::stop() {
  error_code ec;
  acceptor_.close(ec);
}

tcp::endpoint Server::local_endpoint() const {
  error_code ec;
  return acceptor_.local_endpoint(ec);
}

asio::awaitable<void> Server::accept_loop() {
  while (acceptor_.is_open()) {
    error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(
        asio::make_strand(io_), asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
    if (ec) {
      log::warn("http.accept.failed", {{"error", ec.message()}});
      metrics::inc("heron_accept_errors_total", "listener", "http");
      asio::steady_timer pause(io_, std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (open_.load() >= settings_.max_connections) {
      log::warn("http.connection.refused", {{"reason", "max_connections"}});
      metrics::inc("heron_connections_refused_total", "reason", "http_max_connections");
      socket.close(ec);
      continue;
    }
    auto executor = socket.get_executor();
    asio::co_spawn(executor, session(std::move(socket)), asio::detached);
  }
}

namespace {

// respond() on the blocking pool must not throw (net::offload): a failing handler is a 500.
Response respond_safely(const std::string& method, const std::string& target,
                        const Handlers& handlers) {
  try {
    return respond(method, target, handlers);
  } catch (const std::exception& e) {
    log::error("http.handler.failed", {{"target", target}, {"error", e.what()}});
    metrics::inc("heron_bugs_total", "where", "http_handler");
    return {500, "text/plain; charset=utf-8", "internal error\n"};
  }
}

}  // namespace

asio::awaitable<void> Server::session(tcp::socket socket) {
  open_.fetch_add(1);
  struct Release {
    std::atomic<uint32_t>& open;
    ~Release() { open.fetch_sub(1); }
  } release{open_};
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  try {
    while (true) {
      bhttp::request_parser<bhttp::empty_body> parser;
      parser.header_limit(settings_.max_header_bytes);
      stream.expires_after(settings_.idle_timeout);
      error_code ec;
      co_await bhttp::async_read(stream, buffer, parser,
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout) break;
      if (ec) {
        // RFC 6585 5: 431 for an oversized header; 400 for anything else unreadable.
        const bool too_big = ec == bhttp::error::header_limit;
        const bool has_body = ec == bhttp::error::unexpected_body;
        log::info("http.request.rejected", {{"error", ec.message()}});
        metrics::inc("heron_http_rejects_total", "reason",
                     too_big    ? "header_too_large"
                     : has_body ? "body"
                                : "malformed");
        bhttp::response<bhttp::string_body> res{too_big
                                                    ? bhttp::status::request_header_fields_too_large
                                                : has_body ? bhttp::status::payload_too_large
                                                           : bhttp::status::bad_request,
                                                11};
        res.set(bhttp::field::connection, "close");
        res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
        res.body() = "bad request\n";
        res.prepare_payload();
        co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        break;
      }
      const auto& req = parser.get();
      std::string method(req.method_string());
      std::string target(req.target());
      const Handlers& handlers = handlers_;
      auto work = [method, target, &handlers] { return respond_safely(method, target, handlers); };
      Response r = co_await net::offload(blocking_, std::move(work));
      metrics::inc("heron_http_requests_total", "code", std::to_string(r.status));

      bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), req.version()};
      res.set(bhttp::field::server, "heron");
      res.set(bhttp::field::content_type, r.content_type);
      if (r.status == 405) res.set(bhttp::field::allow, "GET, HEAD");
      res.keep_alive(req.keep_alive());
      res.content_length(r.body.size());
      if (method != "HEAD") res.body() = std::move(r.body);
      stream.expires_after(settings_.idle_timeout);
      co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !res.keep_alive()) break;
    }
  } catch (const std::exception& e) {
    log::error("http.session.error", {{"error", e.what()}});
    metrics::inc("heron_session_errors_total", "protocol", "http");
  }
  error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.socket().close(ec);
}

}  // namespace heron::server::http
