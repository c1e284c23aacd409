#pragma once
// The POP3 server (RFC 1939), on 110 with STLS (RFC 2595) and 995 with implicit TLS
// (RFC 8314): lets a user download and delete the messages of their INBOX.
//
// One Session per connection drives the sans-I/O proto/pop3 machine over a net::Stream: the
// machine decides the protocol; the session does I/O, logins (throttled per IP by the shared
// net::LoginThrottle), the maildrop lock, and store reads and removals. Store calls and
// password checks are blocking, so they run on the shared blocking pool (net/blocking.hpp) and
// never on the event loop. Shares nothing with server/imap or server/smtp except through store/,
// net/ and base/ (DESIGN.md). Thread: each session on its connection's strand; blocking work on the
// pool. Failure: each session's root catches everything, logs pop3.session.error, and closes that
// one connection; its maildrop lock is released and nothing it marked is removed.

#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include "net/blocking.hpp"
#include "net/drain.hpp"

#include "config/config.hpp"
#include "net/login_throttle.hpp"
#include "net/stream.hpp"
#include "proto/pop3/machine.hpp"
#include "server/pop3/maildrop_lock.hpp"
#include "store/directory.hpp"
#include "store/mail_store.hpp"
#include "tls/context.hpp"

namespace heron::server::pop3 {

// RFC 1939 3: an inactivity autologout timer "MUST be of at least 10 minutes' duration".
inline constexpr std::chrono::seconds kMinIdleTimeout{600};

struct Settings {
  config::Listener listener;
  std::string hostname;
  config::Limits limits;
  config::Auth auth;
  std::shared_ptr<tls::Context> tls;  // null: no STLS and no implicit TLS
};

// What the sessions of every POP3 listener share.
struct Shared {
  store::Directory& directory;
  store::MailStore& mail;
  net::LoginThrottle& throttle;
  MaildropLocks& locks;
  net::BlockingPool& blocking;
};

class Server {
 public:
  Server(Settings settings, Shared shared);

  // Serves one accepted connection until it closes.
  boost::asio::awaitable<void> serve(net::Stream stream);

  // The line a connection over the limits gets.
  std::string busy_reply() const;
  // The machine's policy for a connection from `remote`.
  heron::pop3::Policy policy(const boost::asio::ip::address& remote) const;
  std::chrono::seconds idle_timeout() const;

  const Settings& settings() const { return settings_; }
  Shared& shared() { return shared_; }

  // SIGTERM: start() tells every session to finish up (net/drain.hpp).
  net::Drain& drain() { return drain_; }

 private:
  Settings settings_;
  Shared shared_;
  net::Drain drain_;
};

// UIDL (RFC 1939 7): "<uidvalidity>-<uid>" of the INBOX. Both numbers are fixed for a
// message's life in that mailbox, so the id stays the same across sessions, restarts and IMAP
// flag changes, and is never reused (a new UIDVALIDITY would change every id).
std::string uidl_of(uint32_t uidvalidity, uint32_t uid);

// Loopback client: 127.0.0.0/8, ::1, or an IPv4-mapped loopback.
bool is_loopback(const boost::asio::ip::address& address);

}  // namespace heron::server::pop3
