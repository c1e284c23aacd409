#pragma once
// The IMAP server (RFC 9051 IMAP4rev2 and RFC 3501 IMAP4rev1), on 143 with STARTTLS and on
// 993 with implicit TLS (RFC 8314). docs/imap.md lists what it supports.
//
// One Session per connection reads commands through the sans-I/O proto/imap reader and parser
// and answers them from the store. Store calls that may wait on the disk (every write, and
// APPEND's fsyncs) and password checks run on the server's blocking pool (net/blocking.hpp),
// so one slow fsync never stalls other connections. Sessions with a mailbox selected hear of
// committed changes through MailStore::watch() and poll as a fallback.
// Thread: each session on its connection's strand. Failure: each session's root catches
// everything, logs imap.session.error, and closes that one connection.

#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "config/config.hpp"
#include "net/blocking.hpp"
#include "net/drain.hpp"
#include "net/login_throttle.hpp"
#include "net/stream.hpp"
#include "server/imap/mailbox_view.hpp"
#include "server/imap/summary_cache.hpp"
#include "store/directory.hpp"
#include "store/mail_store.hpp"
#include "tls/context.hpp"

namespace heron::server::imap {

struct Settings {
  config::Listener listener;
  std::string hostname;
  config::Limits limits;
  config::Imap imap;
  std::shared_ptr<tls::Context> tls;  // null: no STARTTLS and no implicit TLS
  // LOGIN and AUTHENTICATE without TLS, for clients on a loopback address only.
  bool plaintext_on_loopback = false;
};

// What every IMAP listener of the process shares, so that a session on 143 and one on 993
// see the same message lists and rendered summaries.
struct Caches {
  explicit Caches(size_t summary_budget) : summaries(summary_budget) {}
  ViewCache views;
  SummaryCache summaries;
};

class Server {
 public:
  // throttle: failed logins per client IP, shared with POP3 (net/login_throttle.hpp).
  Server(Settings settings, store::Directory& directory, store::MailStore& mail,
         net::BlockingPool& blocking, net::LoginThrottle& throttle, Caches& caches);

  // Serves one accepted connection until it closes.
  boost::asio::awaitable<void> serve(net::Stream stream);

  // The line a connection over the limits gets before it is closed.
  std::string busy_reply() const;

  const Settings& settings() const { return settings_; }
  store::Directory& directory() { return directory_; }
  store::MailStore& mail() { return mail_; }
  net::BlockingPool& blocking() { return blocking_; }
  net::LoginThrottle& throttle() { return throttle_; }
  // The message lists sessions on the same mailbox share (MailboxView).
  ViewCache& views() { return caches_.views; }
  // Rendered ENVELOPE, BODY and BODYSTRUCTURE, by message (summary_cache.hpp).
  SummaryCache& summaries() { return caches_.summaries; }

  // SIGTERM: start() tells every session to finish up (net/drain.hpp).
  net::Drain& drain() { return drain_; }

 private:
  Settings settings_;
  store::Directory& directory_;
  store::MailStore& mail_;
  net::BlockingPool& blocking_;
  net::LoginThrottle& throttle_;
  Caches& caches_;
  net::Drain drain_;
};

}  // namespace heron::server::imap
