#pragma once
// The SMTP server, MX role (port 25): receives mail for local domains only and files it,
// durably, before answering 250 (DESIGN.md, "The durability rule").
//
// One Session per connection drives the sans-I/O proto/smtp machine over a net::Stream:
// the machine decides the protocol, the session does I/O, recipient lookups (relay and
// unknown-user checks) and delivery. Timeouts (idle and whole-session) come from config and
// end in 421. Thread: each session on its connection's strand; the store calls back on its
// committer thread and the session resumes on its strand. Failure: each session's root
// catches everything, logs smtp.session.error, and closes that one connection.

#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "config/config.hpp"
#include "net/stream.hpp"
#include "proto/smtp/server_machine.hpp"
#include "store/directory.hpp"
#include "store/mail_store.hpp"
#include "tls/context.hpp"

namespace heron::server::smtp {

struct Settings {
  config::Listener listener;
  std::string hostname;
  config::Limits limits;
  config::Smtp smtp;
  std::shared_ptr<tls::Context> tls;  // null: no STARTTLS and no implicit TLS
};

class Server {
 public:
  Server(Settings settings, store::Directory& directory, store::MailStore& mail);

  // Serves one accepted connection until it closes.
  boost::asio::awaitable<void> serve(net::Stream stream);

  // The "421 ..." line a connection over the limits gets.
  std::string busy_reply() const;

  heron::smtp::ServerPolicy policy() const;
  const Settings& settings() const { return settings_; }
  store::Directory& directory() { return directory_; }
  store::MailStore& mail() { return mail_; }

 private:
  Settings settings_;
  store::Directory& directory_;
  store::MailStore& mail_;
};

}  // namespace heron::server::smtp
