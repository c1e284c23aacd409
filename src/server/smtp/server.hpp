#pragma once
// The SMTP server. MX role (port 25): receives mail for local domains only and files it,
// durably, before answering 250 (DESIGN.md, "The durability rule"). Submission roles (587 with
// STARTTLS, 465 with implicit TLS; RFC 6409, RFC 8314): the same machine with another policy,
// AUTH (RFC 4954) only after TLS and required before MAIL, any recipient once authenticated
// (local ones filed at once, remote ones queued through queue::submit), the sender checked
// against the account and the message fixed up (docs/submission.md).
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
#include "mailauth/dkim/keyring.hpp"
#include "net/blocking.hpp"
#include "net/drain.hpp"
#include "net/login_throttle.hpp"
#include "net/stream.hpp"
#include "proto/smtp/server_machine.hpp"
#include "server/smtp/inbound_auth.hpp"
#include "store/directory.hpp"
#include "store/mail_store.hpp"
#include "store/queue_store.hpp"
#include "tls/context.hpp"

namespace heron::server::smtp {

struct Settings {
  config::Listener listener;
  std::string hostname;
  config::Limits limits;
  config::Smtp smtp;
  std::shared_ptr<tls::Context> tls;  // null: no STARTTLS and no implicit TLS
  config::Auth auth;
  config::Submission submission;
  config::Mailauth mailauth;
};

// What the sessions of every SMTP listener share.
struct Shared {
  store::Directory& directory;
  store::MailStore& mail;
  store::QueueStore& queue;      // submitted mail for remote recipients
  net::LoginThrottle& throttle;  // shared with IMAP and POP3
  net::BlockingPool& blocking;   // password checks and directory lookups
  // Email authentication (docs/mailauth.md); null turns each off (tests, no DNS).
  InboundAuth* inbound = nullptr;              // checks on mx listeners
  mailauth::dkim::Keyring* keyring = nullptr;  // signing on submission
};

class Server {
 public:
  Server(Settings settings, Shared shared);

  // Serves one accepted connection until it closes.
  boost::asio::awaitable<void> serve(net::Stream stream);

  // The "421 ..." line a connection over the limits gets.
  std::string busy_reply() const;

  // The machine's policy for a connection from `remote`.
  heron::smtp::ServerPolicy policy(const boost::asio::ip::address& remote) const;
  bool submission() const;  // a submission or submissions listener
  const Settings& settings() const { return settings_; }
  Shared& shared() { return shared_; }
  store::Directory& directory() { return shared_.directory; }
  store::MailStore& mail() { return shared_.mail; }

  // SIGTERM: start() tells every session to finish up (net/drain.hpp).
  net::Drain& drain() { return drain_; }

 private:
  Settings settings_;
  Shared shared_;
  net::Drain drain_;
};

}  // namespace heron::server::smtp
