#include "server/pop3/session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/fs.hpp"
#include "base/log.hpp"
#include "base/metrics.hpp"

namespace heron::server::pop3 {

namespace asio = boost::asio;
using Event = heron::pop3::Machine::Event;

namespace {

constexpr size_t kReadChunk = 16 * 1024;
constexpr std::chrono::seconds kHandshakeTimeout{60};
constexpr std::chrono::seconds kFinalWriteTimeout{10};

}  // namespace

Session::Session(Server& server, net::Stream stream)
    : server_(server),
      stream_(std::move(stream)),
      machine_(server.policy(stream_.remote().address())),
      timer_(stream_.socket().get_executor()),
      id_(fs::random_hex(6)),
      ip_(stream_.remote().address().to_string()),
      read_buffer_(kReadChunk) {
  timer_.expires_at(std::chrono::steady_clock::time_point::max());
}

asio::awaitable<void> Session::run() {
  log::info("pop3.connect",
            {{"sid", id_}, {"ip", ip_}, {"listener", server_.settings().listener.name}});
  metrics::inc("heron_pop3_connections_total");
  asio::co_spawn(timer_.get_executor(), watchdog(), asio::detached);
  std::weak_ptr<Session> weak = shared_from_this();
  drain_enrollment_ = server_.drain().enroll([weak, strand = timer_.get_executor()](bool force) {
    asio::post(strand, [weak, force] {
      if (auto self = weak.lock()) self->on_drain(force);
    });
  });
  try {
    co_await converse();
  } catch (const std::exception& e) {
    log::error("pop3.session.error", {{"sid", id_}, {"error", e.what()}});
    metrics::inc("heron_session_errors_total", "protocol", "pop3");
  }
  done_ = true;
  drain_enrollment_.reset();
  timer_.cancel();
  stream_.close();
  lease_.release();  // RFC 1939 6: the maildrop lock goes with the session, however it ended
  log::info("pop3.disconnect",
            {{"sid", id_}, {"user", user_}, {"retrieved", retrieved_}, {"removed", removed_}});
}

void Session::arm(std::chrono::seconds timeout) {
  timer_.expires_at(std::chrono::steady_clock::now() + timeout);  // wakes the watchdog
}

// Idle timeout: when the timer expires, pending I/O is cancelled and the session learns it
// through timed_out_. Runs on the session's strand.
asio::awaitable<void> Session::watchdog() {
  auto self = shared_from_this();
  while (!done_) {
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (done_) break;
    if (timer_.expiry() <= std::chrono::steady_clock::now()) {
      timed_out_ = true;
      stream_.cancel();
      timer_.expires_at(std::chrono::steady_clock::time_point::max());
    }
  }
}

asio::awaitable<void> Session::converse() {
  if (server_.settings().listener.tls == config::TlsMode::implicit) {
    bool secured = co_await start_tls();
    if (!secured) co_return;
  }
  // Plain statements rather than a switch: GCC 12 miscompiles co_await inside switch cases.
  while (true) {
    const Event event = machine_.next();
    if (event == Event::need_input) {
      bool flushed = co_await flush();
      if (!flushed) co_return;
      bool got_input = !draining_;
      if (got_input) got_input = co_await read_more();
      if (!got_input && draining_ && !timed_out_) {
        // Shutting down: the next command gets -ERR and the session ends without entering
        // UPDATE (RFC 1939 6), so nothing marked deleted is removed.
        log::info("pop3.shutdown", {{"sid", id_}, {"ip", ip_}, {"user", user_}});
        metrics::inc("heron_shutdown_closes_total", "protocol", "pop3");
        arm(kFinalWriteTimeout);
        boost::system::error_code ec;
        co_await stream_.write_all("-ERR shutting down\r\n", ec);
        co_return;
      }
      if (!got_input) {
        if (!timed_out_) co_return;  // the client went away
        // RFC 1939 3: close without a response and without entering UPDATE.
        log::info("pop3.timeout", {{"sid", id_}, {"ip", ip_}, {"user", user_}});
        metrics::inc("heron_pop3_timeouts_total");
        machine_.timed_out();
      }
    } else if (event == Event::authenticate) {
      co_await login();
    } else if (event == Event::retrieve) {
      co_await retrieve();
    } else if (event == Event::update) {
      co_await update();
    } else if (event == Event::start_tls) {
      bool flushed = co_await flush();
      if (!flushed) co_return;
      bool secured = co_await start_tls();
      if (!secured) co_return;
      machine_.tls_started();
    } else {  // Event::close
      arm(kFinalWriteTimeout);
      co_await flush();
      co_return;
    }
  }
}

asio::awaitable<bool> Session::flush() {
  if (!machine_.has_output()) co_return true;
  std::string out = machine_.take_output();
  if (!timed_out_) arm(server_.idle_timeout());
  boost::system::error_code ec;
  co_await stream_.write_all(out, ec);
  co_return !ec;
}

void Session::on_drain(bool force) {
  if (done_ || (draining_ && !force)) return;
  draining_ = true;
  if (reading_ || force) stream_.cancel();
}

asio::awaitable<bool> Session::read_more() {
  arm(server_.idle_timeout());
  boost::system::error_code ec;
  reading_ = true;
  size_t n = co_await stream_.read_some(read_buffer_.data(), read_buffer_.size(), ec);
  reading_ = false;
  if (ec) co_return false;
  machine_.feed(std::string_view(read_buffer_.data(), n));
  co_return true;
}

asio::awaitable<bool> Session::start_tls() {
  const auto& context = server_.settings().tls;
  if (!context) co_return false;
  arm(kHandshakeTimeout);
  boost::system::error_code ec;
  co_await stream_.handshake(*context, ec);
  if (ec) {
    log::info("pop3.tls.failed", {{"sid", id_}, {"ip", ip_}, {"error", ec.message()}});
    metrics::inc("heron_tls_handshake_failures_total", "protocol", "pop3");
    co_return false;
  }
  log::info("pop3.tls", {{"sid", id_}, {"tls", stream_.tls_description()}});
  co_return true;
}

asio::awaitable<void> Session::pause(std::chrono::seconds delay) {
  if (delay.count() <= 0) co_return;
  asio::steady_timer t(stream_.socket().get_executor(), delay);
  boost::system::error_code ec;
  co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace heron::server::pop3
