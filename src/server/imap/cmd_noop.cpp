// NOOP (RFC 9051 6.1.2) and CHECK (RFC 3501 6.4.1, gone from rev2 but still sent): both let
// the selected mailbox's updates through (dispatch.cpp adds them before the tagged OK).

#include "server/imap/session.hpp"

namespace heron::server::imap {

boost::asio::awaitable<void> Session::cmd_noop(Command& c) {
  ok(c.tag, c.name + " completed");
  co_return;
}

}  // namespace heron::server::imap
