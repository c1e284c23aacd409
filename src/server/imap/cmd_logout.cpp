// LOGOUT (RFC 9051 6.1.3): BYE, then the tagged OK, then the connection closes.

#include "server/imap/session.hpp"

namespace heron::server::imap {

boost::asio::awaitable<void> Session::cmd_logout(Command& c) {
  untagged("BYE Logging out");
  ok(c.tag, "LOGOUT completed");
  state_ = State::logout;
  co_return;
}

}  // namespace heron::server::imap
