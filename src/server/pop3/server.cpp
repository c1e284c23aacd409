#include "server/pop3/server.hpp"

#include <algorithm>

#include "server/pop3/session.hpp"

namespace heron::server::pop3 {

Server::Server(Settings settings, Shared shared)
    : settings_(std::move(settings)), shared_(shared) {}

boost::asio::awaitable<void> Server::serve(net::Stream stream) {
  auto session = std::make_shared<Session>(*this, std::move(stream));
  co_await session->run();
}

std::string Server::busy_reply() const {
  return "-ERR [SYS/TEMP] Too many connections, try again later\r\n";
}

heron::pop3::Policy Server::policy(const boost::asio::ip::address& remote) const {
  heron::pop3::Policy p;
  p.hostname = settings_.hostname;
  p.max_errors = settings_.limits.max_errors;
  p.tls_active = settings_.listener.tls == config::TlsMode::implicit;
  p.stls = settings_.tls != nullptr && settings_.listener.tls == config::TlsMode::starttls;
  p.plaintext_login = settings_.auth.plaintext_on_loopback && is_loopback(remote);
  return p;
}

std::chrono::seconds Server::idle_timeout() const {
  return std::max(settings_.limits.idle_timeout, kMinIdleTimeout);
}

std::string uidl_of(uint32_t uidvalidity, uint32_t uid) {
  return std::to_string(uidvalidity) + "-" + std::to_string(uid);
}

bool is_loopback(const boost::asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6())
        .is_loopback();
  }
  return address.is_loopback();
}

}  // namespace heron::server::pop3
