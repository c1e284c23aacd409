#include "server/smtp/server.hpp"

#include "server/smtp/session.hpp"

namespace heron::server::smtp {

Server::Server(Settings settings, Shared shared)
    : settings_(std::move(settings)), shared_(shared) {}

boost::asio::awaitable<void> Server::serve(net::Stream stream) {
  auto session = std::make_shared<Session>(*this, std::move(stream));
  co_await session->run();
}

std::string Server::busy_reply() const {
  return "421 4.7.0 " + settings_.hostname + " Too many connections, try again later\r\n";
}

bool Server::submission() const {
  return settings_.listener.role == config::Role::submission ||
         settings_.listener.role == config::Role::submissions;
}

heron::smtp::ServerPolicy Server::policy(const boost::asio::ip::address& remote) const {
  heron::smtp::ServerPolicy p;
  p.hostname = settings_.hostname;
  p.max_line = settings_.limits.max_line_length;
  p.max_message_size = settings_.limits.max_message_size;
  p.max_recipients = settings_.limits.max_recipients;
  p.max_errors = settings_.limits.max_errors;
  p.tls_active = settings_.listener.tls == config::TlsMode::implicit;
  p.starttls = settings_.tls != nullptr && settings_.listener.tls == config::TlsMode::starttls;
  p.bare_line_ends = settings_.smtp.normalize_bare_line_ends ? heron::smtp::BareLineEnds::normalize
                                                             : heron::smtp::BareLineEnds::reject;
  // RFC 6409 4.3 / RFC 4954: the MSA authenticates every client; the MX only if asked to.
  p.auth = submission() || settings_.smtp.auth_on_mx;
  p.require_auth = submission();
  p.auth_plaintext = settings_.auth.plaintext_on_loopback && remote.is_loopback();
  // RFC 3461: remote recipients' requests go into the queue, local ones' NOTIFY=SUCCESS gets a
  // "delivered" notice at once (server/smtp/dsn.cpp).
  p.dsn = true;
  return p;
}

}  // namespace heron::server::smtp
