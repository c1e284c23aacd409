// NAMESPACE (RFC 2342, RFC 9051 6.3.10): one personal namespace, no prefix, "/" delimiter.

#include "server/imap/session.hpp"

namespace heron::server::imap {

boost::asio::awaitable<void> Session::cmd_namespace(Command& c) {
  untagged("NAMESPACE ((\"\" \"/\")) NIL NIL");
  ok(c.tag, "NAMESPACE completed");
  co_return;
}

}  // namespace heron::server::imap
