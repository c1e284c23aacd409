// STARTTLS (RFC 9051 6.2.1). After the OK, nothing the client sent before the handshake is
// kept: bytes pipelined behind STARTTLS would otherwise be read as if they came over TLS
// (command injection, CVE-2011-0411).

#include "server/imap/session.hpp"

namespace heron::server::imap {

boost::asio::awaitable<void> Session::cmd_starttls(Command& c) {
  if (stream_.is_tls()) {
    bad(c.tag, "TLS is already active");
    co_return;
  }
  if (!server_.settings().tls || server_.settings().listener.tls != config::TlsMode::starttls) {
    no(c.tag, "STARTTLS is not available here");
    co_return;
  }
  ok(c.tag, "Begin TLS negotiation now");
  // co_await outside conditions: GCC 12 miscompiles it inside one.
  const bool flushed = co_await flush();
  if (!flushed) {
    state_ = State::logout;
    co_return;
  }
  reader_ = proto::imap::Reader(reader_.limits());
  const bool secured = co_await start_tls();
  if (!secured) {
    state_ = State::logout;
    out_.clear();
    co_return;
  }
  // RFC 9051 6.2.1: the client must ask for capabilities again; nothing to send.
}

}  // namespace heron::server::imap
