#include "delivery/remote/connection.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/log.hpp"

namespace heron::delivery::remote {

namespace asio = boost::asio;
using Event = smtp::ClientMachine::Event;

namespace {

constexpr size_t kReadChunk = 16 * 1024;
constexpr std::chrono::seconds kQuitTimeout{10};

smtp::ClientPolicy policy_of(const ConnectionSettings& s) {
  smtp::ClientPolicy p;
  p.helo_name = s.helo_name;
  p.tls_available = s.tls != nullptr;
  p.require_tls = s.require_tls;
  p.auth_username = s.auth_username;
  p.auth_password = s.auth_password;
  return p;
}

}  // namespace

Connection::Connection(asio::any_io_executor executor, std::string host,
                       asio::ip::tcp::endpoint endpoint, ConnectionSettings settings)
    : host_(std::move(host)),
      endpoint_(std::move(endpoint)),
      settings_(std::move(settings)),
      socket_(executor),
      timer_(executor),
      machine_(policy_of(settings_)) {
  timer_.expires_at(std::chrono::steady_clock::time_point::max());
}

Connection::~Connection() {
  close();
}

std::string Connection::peer() const {
  return host_ + "[" + endpoint_.address().to_string() + "]";
}

void Connection::arm(std::chrono::seconds timeout) {
  timer_.expires_after(timeout);  // wakes the watchdog, which waits again on the new expiry
}

// When the timer expires, pending I/O is cancelled and the driver learns it via timed_out_.
asio::awaitable<void> Connection::watchdog() {
  auto self = shared_from_this();
  while (!closed_) {
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (closed_) break;
    if (timer_.expiry() <= std::chrono::steady_clock::now()) {
      timed_out_ = true;
      boost::system::error_code ignored;
      if (stream_) {
        stream_->cancel();
      } else {
        socket_.cancel(ignored);
      }
      timer_.expires_at(std::chrono::steady_clock::time_point::max());
    }
  }
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  ready_ = false;
  timer_.cancel();
  if (stream_) {
    stream_->close();
  } else {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }
}

asio::awaitable<std::optional<OpenFailure>> Connection::open() {
  asio::co_spawn(timer_.get_executor(), watchdog(), asio::detached);
  arm(settings_.connect_timeout);
  boost::system::error_code ec;
  const auto& source = endpoint_.address().is_v4() ? settings_.source4 : settings_.source6;
  if (source) {
    socket_.open(endpoint_.protocol(), ec);
    if (!ec) socket_.bind(asio::ip::tcp::endpoint(*source, 0), ec);
    if (ec) {
      close();
      OpenFailure f;
      f.kind = OpenFailure::Kind::connect;
      f.text = "bind to " + source->to_string() + ": " + ec.message();
      co_return f;
    }
  }
  co_await socket_.async_connect(endpoint_, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    const std::string why = timed_out_ ? "timed out" : ec.message();
    close();
    OpenFailure f;
    f.kind = OpenFailure::Kind::connect;
    f.text = "connect to " + peer() + ":" + std::to_string(endpoint_.port()) + ": " + why;
    co_return f;
  }
  stream_.emplace(std::move(socket_));
  const bool ok = co_await drive();
  if (ok) co_return std::nullopt;
  OpenFailure f;
  f.kind = tls_failed_ ? OpenFailure::Kind::tls : OpenFailure::Kind::session;
  f.session = machine_.error();
  f.text = f.session ? f.session->reply.text : "session ended";
  co_return f;
}

asio::awaitable<bool> Connection::flush() {
  if (!machine_.has_output()) co_return true;
  const std::string out = machine_.take_output();
  arm(settings_.command_timeout);
  boost::system::error_code ec;
  co_await stream_->write_all(out, ec);
  co_return !ec;
}

asio::awaitable<bool> Connection::read_more() {
  arm(settings_.command_timeout);
  buffer_.resize(kReadChunk);
  boost::system::error_code ec;
  const size_t n = co_await stream_->read_some(buffer_.data(), buffer_.size(), ec);
  if (ec) co_return false;
  machine_.feed(std::string_view(buffer_.data(), n));
  co_return true;
}

// Plain if/else rather than a switch: GCC 12 miscompiles co_await inside switch cases.
asio::awaitable<bool> Connection::drive() {
  while (!closed_) {
    const Event event = machine_.next();
    if (event == Event::ready) {
      ready_ = true;
      co_return true;
    }
    if (event == Event::message_done) co_return true;
    if (event == Event::need_input) {
      const bool flushed = co_await flush();
      if (!flushed) {
        machine_.eof();
        continue;
      }
      const bool got = co_await read_more();
      if (!got) machine_.eof();
      continue;
    }
    if (event == Event::start_tls) {
      const bool flushed = co_await flush();
      if (!flushed) {
        machine_.eof();
        continue;
      }
      arm(settings_.command_timeout);
      boost::system::error_code ec;
      co_await stream_->client_handshake(*settings_.tls, host_, ec);
      if (ec) {
        tls_failed_ = true;
        const std::string why = timed_out_ ? std::string("timed out") : ec.message();
        log::info("delivery.tls.failed", {{"host", peer()}, {"error", why}});
        machine_.tls_failed(why);
      } else {
        machine_.tls_started();
      }
      continue;
    }
    // closed: say goodbye if the machine has something to say, then close.
    if (machine_.has_output()) co_await flush();
    close();
    co_return false;
  }
  co_return false;
}

asio::awaitable<std::optional<smtp::MessageResult>> Connection::send(
    const smtp::ClientMessage& message) {
  if (!ready_) co_return std::nullopt;
  ready_ = false;
  machine_.send(message);
  const bool done = co_await drive();
  if (!done) co_return std::nullopt;
  smtp::MessageResult result = machine_.result();
  // Ready for another message, or closing (a 421 after the message, say).
  const Event after = machine_.next();
  if (after == Event::ready) {
    ready_ = true;
  } else {
    if (machine_.has_output()) co_await flush();
    close();
  }
  co_return result;
}

asio::awaitable<void> Connection::quit() {
  if (!ready_ || closed_) {
    close();
    co_return;
  }
  ready_ = false;
  machine_.quit();
  settings_.command_timeout = kQuitTimeout;
  co_await drive();
  close();
}

}  // namespace heron::delivery::remote
