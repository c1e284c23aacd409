#include "server/imap/session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/fs.hpp"
#include "base/log.hpp"
#include "base/metrics.hpp"

namespace heron::server::imap {

namespace asio = boost::asio;

namespace {

// Small: a thousand idle sessions must not hold a thousand large buffers. A read that fills
// it is followed by another at once.
constexpr size_t kReadChunk = 4096;
constexpr std::chrono::seconds kHandshakeTimeout{60};
constexpr std::chrono::seconds kFinalWriteTimeout{10};
// Bad commands in a row before the server gives up on a client (Dovecot: 20).
constexpr unsigned kMaxBadCommands = 20;

proto::imap::Reader::Limits reader_limits(const Settings& s) {
  proto::imap::Reader::Limits l;
  l.max_line = s.imap.max_line_length;
  l.max_literal = s.limits.max_message_size;
  return l;
}

}  // namespace

Session::Session(Server& server, net::Stream stream)
    : server_(server),
      stream_(std::move(stream)),
      reader_(reader_limits(server.settings())),
      timer_(stream_.socket().get_executor()),
      wake_(stream_.socket().get_executor()),
      id_(fs::random_hex(6)),
      ip_(stream_.remote().address().to_string()) {
  timer_.expires_at(std::chrono::steady_clock::time_point::max());
}

asio::awaitable<void> Session::run() {
  log::info("imap.connect",
            {{"sid", id_}, {"ip", ip_}, {"listener", server_.settings().listener.name}});
  metrics::inc("heron_imap_connections_total");
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
    log::error("imap.session.error", {{"sid", id_}, {"error", e.what()}});
    metrics::inc("heron_session_errors_total", "protocol", "imap");
  }
  done_ = true;
  drain_enrollment_.reset();
  selected_.reset();
  timer_.cancel();
  wake_.cancel();
  stream_.close();
  log::info("imap.disconnect",
            {{"sid", id_}, {"user", account_ ? account_->address : std::string()}});
}

std::chrono::seconds Session::idle_limit() const {
  // RFC 9051 5.4: the autologout timer of an authenticated session is at least 30 minutes;
  // before login a shorter one keeps port scanners from holding slots.
  return state_ == State::not_authenticated ? server_.settings().limits.idle_timeout
                                            : server_.settings().imap.idle_timeout;
}

void Session::arm(std::chrono::seconds timeout) {
  timer_.expires_at(std::chrono::steady_clock::now() + timeout);
}

asio::awaitable<void> Session::watchdog() {
  auto self = shared_from_this();
  while (!done_) {
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (done_) break;
    if (timer_.expiry() <= std::chrono::steady_clock::now()) {
      timed_out_ = true;
      stream_.cancel();
      wake_.cancel();
      timer_.expires_at(std::chrono::steady_clock::time_point::max());
    }
  }
}

void Session::untagged(std::string_view text) {
  out_ += "* ";
  out_ += text;
  out_ += "\r\n";
}

void Session::tagged(std::string_view tag, std::string_view status, std::string_view text) {
  out_ += tag;
  out_ += ' ';
  out_ += status;
  out_ += ' ';
  out_ += text;
  out_ += "\r\n";
}

void Session::bad(std::string_view tag, std::string_view text) {
  ++bad_commands_;
  metrics::inc("heron_imap_bad_commands_total");
  log::debug("imap.bad", {{"sid", id_}, {"reason", text}});
  tagged(tag.empty() ? "*" : tag, "BAD", text);
}

asio::awaitable<bool> Session::flush() {
  if (out_.empty()) co_return true;
  std::string out;
  out.swap(out_);
  if (!timed_out_) arm(idle_limit());
  boost::system::error_code ec;
  co_await stream_.write_all(out, ec);
  co_return !ec;
}

// SIGTERM: a session waiting for a command (or in IDLE) is woken to say BYE; one running a
// command finishes it first and says BYE before reading the next.
void Session::on_drain(bool force) {
  if (done_ || (draining_ && !force)) return;
  draining_ = true;
  if (reading_ || idling_ || force) stream_.cancel();
  wake_.cancel();
}

asio::awaitable<bool> Session::read_more() {
  arm(idle_limit());
  char buffer[kReadChunk];
  boost::system::error_code ec;
  reading_ = true;
  size_t n = co_await stream_.read_some(buffer, sizeof buffer, ec);
  reading_ = false;
  if (ec) co_return false;
  reader_.feed(std::string_view(buffer, n));
  co_return true;
}

asio::awaitable<bool> Session::start_tls() {
  const auto& context = server_.settings().tls;
  if (!context) co_return false;
  arm(kHandshakeTimeout);
  boost::system::error_code ec;
  co_await stream_.handshake(*context, ec);
  if (ec) {
    log::info("imap.tls.failed", {{"sid", id_}, {"ip", ip_}, {"error", ec.message()}});
    metrics::inc("heron_tls_handshake_failures_total", "protocol", "imap");
    co_return false;
  }
  log::info("imap.tls", {{"sid", id_}, {"tls", stream_.tls_description()}});
  co_return true;
}

asio::awaitable<void> Session::converse() {
  if (server_.settings().listener.tls == config::TlsMode::implicit) {
    bool secured = co_await start_tls();
    if (!secured) co_return;
  }
  untagged("OK [CAPABILITY " + capabilities() + "] " + server_.settings().hostname +
           " Heron IMAP ready");
  while (state_ != State::logout) {
    auto item = reader_.next();
    // Plain statements rather than a switch: GCC 12 miscompiles co_await inside switch cases.
    if (item.kind == proto::imap::Reader::Item::need_more) {
      // co_await outside conditions: GCC 12 miscompiles it inside one.
      const bool flushed = co_await flush();
      if (!flushed) co_return;
      bool got = !draining_;
      if (got) got = co_await read_more();
      if (!got && draining_ && !timed_out_) {
        untagged("BYE shutting down");
        arm(kFinalWriteTimeout);
        co_await flush();
        log::info("imap.shutdown", {{"sid", id_}, {"ip", ip_}});
        metrics::inc("heron_shutdown_closes_total", "protocol", "imap");
        co_return;
      }
      if (!got) {
        if (timed_out_) {
          untagged("BYE Autologout; idle for too long");
          arm(kFinalWriteTimeout);
          timed_out_ = false;
          co_await flush();
          log::info("imap.timeout", {{"sid", id_}, {"ip", ip_}});
          metrics::inc("heron_imap_timeouts_total");
        }
        co_return;
      }
    } else if (item.kind == proto::imap::Reader::Item::continuation) {
      raw("+ Ready for literal data\r\n");
    } else if (item.kind == proto::imap::Reader::Item::error) {
      if (item.too_big) {
        tagged(item.tag.empty() ? "*" : item.tag, "NO", "[TOOBIG] " + item.message);
      } else {
        bad(item.tag, item.message);
      }
      if (item.fatal) {
        untagged("BYE " + item.message);
        state_ = State::logout;
      }
    } else {
      auto parsed = proto::imap::parse(item.command);
      if (!parsed) {
        if (parsed.error.bad_charset) {
          tagged(parsed.error.tag, "NO", "[BADCHARSET (US-ASCII UTF-8)] " + parsed.error.message);
        } else {
          bad(parsed.error.tag, parsed.error.message);
        }
      } else {
        bad_commands_ = 0;
        co_await execute(*parsed);
      }
    }
    if (bad_commands_ >= kMaxBadCommands) {
      untagged("BYE Too many invalid commands");
      state_ = State::logout;
    }
  }
  arm(kFinalWriteTimeout);
  co_await flush();
}

}  // namespace heron::server::imap
