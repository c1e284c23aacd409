#include "server/imap/server.hpp"

#include "server/imap/session.hpp"

namespace heron::server::imap {

Server::Server(Settings settings, store::Directory& directory, store::MailStore& mail,
               net::BlockingPool& blocking, net::LoginThrottle& throttle, Caches& caches)
    : settings_(std::move(settings)),
      directory_(directory),
      mail_(mail),
      blocking_(blocking),
      throttle_(throttle),
      caches_(caches) {}

boost::asio::awaitable<void> Server::serve(net::Stream stream) {
  auto session = std::make_shared<Session>(*this, std::move(stream));
  co_await session->run();
}

std::string Server::busy_reply() const {
  // RFC 9051 7.1.5: BYE at greeting time, then the connection closes.
  return "* BYE [UNAVAILABLE] Too many connections, try again later\r\n";
}

}  // namespace heron::server::imap
