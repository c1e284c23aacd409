// ID (RFC 2971): the client's identity goes to the log; the server says who it is.

#include "base/log.hpp"
#include "proto/imap/render_string.hpp"
#include "server/imap/session.hpp"

namespace heron::server::imap {

boost::asio::awaitable<void> Session::cmd_id(Command& c) {
  std::string client;
  for (const auto& [key, value] : c.id_params) {
    if (!value) continue;
    if (!client.empty()) client += ' ';
    client += key + "=" + value->substr(0, 100);
  }
  if (!client.empty()) log::info("imap.id", {{"sid", id_}, {"client", client.substr(0, 500)}});
  untagged("ID (\"name\" \"Heron\" \"version\" \"" HERON_VERSION "\")");
  ok(c.tag, "ID completed");
  co_return;
}

}  // namespace heron::server::imap
