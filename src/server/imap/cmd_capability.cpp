// CAPABILITY (RFC 9051 6.1.1) and the list the greeting and the login OK carry.

#include "server/imap/session.hpp"

namespace heron::server::imap {

std::string Session::capabilities() const {
  std::string caps = "IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ID ENABLE";
  if (state_ == State::not_authenticated) {
    if (!stream_.is_tls() && server_.settings().tls &&
        server_.settings().listener.tls == config::TlsMode::starttls) {
      caps += " STARTTLS";
    }
    // RFC 9051 6.2.3: LOGINDISABLED while a password would cross in the clear.
    caps += plaintext_allowed() ? " AUTH=PLAIN AUTH=SCRAM-SHA-256" : " LOGINDISABLED";
    return caps;
  }
  caps +=
      " IDLE NAMESPACE UNSELECT UIDPLUS MOVE SPECIAL-USE CHILDREN LIST-EXTENDED "
      "LIST-STATUS ESEARCH STATUS=SIZE BINARY CONDSTORE UTF8=ACCEPT MULTIAPPEND";
  // RFC 7889: the largest message APPEND takes.
  caps += " APPENDLIMIT=" + std::to_string(server_.settings().limits.max_message_size);
  return caps;
}

boost::asio::awaitable<void> Session::cmd_capability(Command& c) {
  untagged("CAPABILITY " + capabilities());
  ok(c.tag, "CAPABILITY completed");
  co_return;
}

}  // namespace heron::server::imap
