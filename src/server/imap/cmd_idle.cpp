// IDLE (RFC 2177, RFC 9051 6.3.13): "+ idling", then the selected mailbox's updates as they
// happen (a store commit wakes the session through its watch; a poll every 30 s catches
// changes made by other processes), until the client sends DONE. The autologout timer
// (imap.idle_timeout, 30 minutes) runs meanwhile; then BYE.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/metrics.hpp"
#include "base/strings.hpp"
#include "server/imap/session.hpp"

namespace heron::server::imap {

namespace asio = boost::asio;

namespace {
constexpr std::chrono::seconds kPoll{30};
}  // namespace

asio::awaitable<void> Session::idle_reader() {
  auto self = shared_from_this();
  char buffer[512];
  while (!done_ && state_ != State::logout) {
    boost::system::error_code ec;
    size_t n = co_await stream_.read_some(buffer, sizeof buffer, ec);
    if (ec) {
      idle_eof_ = true;
      wake_.cancel();
      co_return;
    }
    reader_.feed(std::string_view(buffer, n));
    // A whole line is buffered once a line end arrived; the IDLE loop reads it.
    if (std::string_view(buffer, n).find('\n') != std::string_view::npos) {
      idle_input_ = true;
      wake_.cancel();
      co_return;
    }
  }
}

asio::awaitable<void> Session::cmd_idle(Command& c) {
  raw("+ idling\r\n");
  // co_await outside conditions: GCC 12 miscompiles it inside one.
  const bool flushed = co_await flush();
  if (!flushed) {
    state_ = State::logout;
    co_return;
  }
  idle_input_ = false;
  idle_eof_ = false;
  // SIGTERM's on_drain() cancels the read of a session in IDLE; every way out clears it.
  struct Idling {
    bool& flag;
    ~Idling() { flag = false; }
  } idling{idling_};
  idling_ = true;
  // Input pipelined right behind IDLE (DONE already sent) is in the reader; else read it.
  bool reading = false;
  auto executor = stream_.socket().get_executor();
  while (true) {
    if (!reader_.has_buffered() && !reading && !idle_input_) {
      reading = true;
      asio::co_spawn(executor, idle_reader(), asio::detached);
    }
    if (reader_.has_buffered() || idle_input_) {
      auto item = reader_.next_line();
      if (item.kind == proto::imap::Reader::Item::line) {
        idle_input_ = false;
        if (str::iequals(str::trim(item.text), "DONE")) break;
        idling_ = false;
        bad(c.tag, "Expected DONE");
        co_return;
      }
      if (item.kind == proto::imap::Reader::Item::error) {
        idling_ = false;
        bad(c.tag, "Expected DONE");
        co_return;
      }
      idle_input_ = false;
      reading = false;  // the line is not complete yet: read on
      continue;
    }
    if (idle_eof_ || timed_out_ || draining_) {
      if (draining_ && !timed_out_) {
        untagged("BYE shutting down");
        metrics::inc("heron_shutdown_closes_total", "protocol", "imap");
      } else if (timed_out_) {
        untagged("BYE Autologout; idle for too long");
      }
      idling_ = false;
      state_ = State::logout;
      co_return;
    }
    if (changed_ && selected_) {
      co_await refresh();
      write_updates(true);
      const bool sent = co_await flush();
      if (!sent) {
        state_ = State::logout;
        co_return;
      }
      if (state_ == State::logout) co_return;
      // DONE or another change may have arrived while suspended: look again before waiting,
      // else the wake-up they sent is lost and the session sleeps until the next poll.
      continue;
    }
    wake_.expires_after(kPoll);
    boost::system::error_code ec;
    co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!ec && selected_) changed_ = true;  // the poll: look at the store again
  }
  idling_ = false;
  // Nothing more goes out while idle: the updates seen since are sent now.
  if (selected_) {
    co_await refresh();
    write_updates(true);
  }
  ok(c.tag, "IDLE terminated");
}

}  // namespace heron::server::imap
