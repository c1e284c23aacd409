#include "server/smtp/server.hpp"

#include "server/smtp/session.hpp"

namespace heron::server::smtp {

Server::Server(Settings settings, store::Directory& directory, store::MailStore& mail)
    : settings_(std::move(settings)), directory_(directory), mail_(mail) {}

boost::asio::awaitable<void> Server::serve(net::Stream stream) {
  auto session = std::make_shared<Session>(*this, std::move(stream));
  co_await session->run();
}

std::string Server::busy_reply() const {
  return "421 4.7.0 " + settings_.hostname + " Too many connections, try again later\r\n";
}

heron::smtp::ServerPolicy Server::policy() const {
  heron::smtp::ServerPolicy p;
  p.hostname = settings_.hostname;
  p.max_line = settings_.limits.max_line_length;
  p.max_message_size = settings_.limits.max_message_size;
  p.max_recipients = settings_.limits.max_recipients;
  p.max_errors = settings_.limits.max_errors;
  p.tls_active = settings_.listener.tls == config::TlsMode::implicit;
  p.starttls = settings_.tls != nullptr && settings_.listener.tls == config::TlsMode::starttls;
  p.bare_line_ends = settings_.smtp.normalize_bare_line_ends
                         ? heron::smtp::BareLineEnds::normalize
                         : heron::smtp::BareLineEnds::reject;
  return p;
}

}  // namespace heron::server::smtp
