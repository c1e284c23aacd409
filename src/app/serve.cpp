// `heron serve`: opens the store, reconciles it, binds every listener, and runs the event
// loop until SIGTERM or SIGINT. Roles whose servers are not built yet are skipped with a
// warning rather than bound, so a full production config already loads today.

#include <filesystem>
#include <functional>
#include <iostream>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>

#include "app/commands.hpp"
#include "base/log.hpp"
#include "delivery/remote/loop.hpp"
#include "dns/unbound_resolver.hpp"
#include "net/blocking.hpp"
#include "net/limits.hpp"
#include "net/listener.hpp"
#include "net/login_throttle.hpp"
#include "queue/waking_store.hpp"
#include "server/imap/server.hpp"
#include "server/pop3/server.hpp"
#include "server/smtp/server.hpp"
#include "tls/certificates.hpp"
#include "tls/context.hpp"

namespace heron::app {

namespace asio = boost::asio;

namespace {

void init_logging(const config::Config& config) {
  log::Level level = log::Level::info;
  log::parse_level(config.log.level, level);
  log::init(level, config.log.format == "json" ? log::Format::json : log::Format::text);
}

}  // namespace

int serve(const config::Config& config) {
  init_logging(config);
  if (config.listeners.empty()) {
    std::cerr << "heron: " << config.source.string() << " has no [[listener]]: nothing to serve\n";
    return 2;
  }
  auto store = open_store(config);
  if (!store) return 1;
  auto report = store->reconcile();
  if (!report) {
    log::error("store.reconcile.failed", {{"error", report.error().message}});
    return 1;
  }
  log::info("store.reconciled", {{"orphan_blobs_removed", report->orphan_blobs_removed},
                                 {"missing_blobs_quarantined", report->missing_blobs_quarantined},
                                 {"temp_files_removed", report->temp_files_removed}});

  // The outbound queue: opened and reconciled at start-up, so that mail queued before a
  // crash is consistent before anything is accepted; the delivery loop (delivery/remote)
  // sends it on once the listeners are up.
  auto queue = open_queue(config);
  if (!queue) return 1;
  auto queue_report = queue->reconcile();
  if (!queue_report) {
    log::error("queue.reconcile.failed", {{"error", queue_report.error().message}});
    return 1;
  }

  // One front context for every TLS listener; it picks the certificate by SNI in each
  // handshake and SIGHUP reloads the files (tls/certificates.hpp).
  // A listener with its own cert_file/key_file gets a set of its own (same SNI domains).
  std::vector<std::unique_ptr<tls::Certificates>> certificates;
  auto load_certificates = [&](const std::filesystem::path& cert,
                               const std::filesystem::path& key) -> std::shared_ptr<tls::Context> {
    std::vector<tls::CertificateFiles> files{{"", cert, key}};
    for (const auto& d : config.tls.domains) files.push_back({d.name, d.cert_file, d.key_file});
    auto certs = tls::Certificates::load(std::move(files));
    if (!certs) {
      log::error("tls.config.failed", {{"error", certs.error().message}});
      return nullptr;
    }
    certificates.push_back(std::move(*certs));
    return certificates.back()->context();
  };
  std::shared_ptr<tls::Context> default_tls;
  if (!config.tls.cert_file.empty()) {
    default_tls = load_certificates(config.tls.cert_file, config.tls.key_file);
    if (!default_tls) return 1;
  }

  // Declared before the io_context: session frames it still holds when destroyed release
  // their maildrop locks into these.
  // Shared by every protocol that takes a password: failures from one IP count together.
  net::LoginThrottle throttle({config.auth.max_failures, config.auth.failure_window,
                               config.auth.lockout, config.auth.failure_delay,
                               config.auth.max_delay});
  server::pop3::MaildropLocks maildrop_locks;
  // Blocking work of the sessions (Argon2id checks, store calls waiting on fsyncs), off the
  // loop. More threads than cores: most of the work waits on the store's commits, and
  // concurrent store writes share one commit (group commit) only if they are submitted together.
  net::BlockingPool blocking(std::max(16u, 2 * std::thread::hardware_concurrency()));

  asio::io_context io;
  // After the io_context, like the servers: destroyed before it, once it has stopped running.
  std::unique_ptr<dns::UnboundResolver> resolver;
  {
    auto r = dns::UnboundResolver::create(io.get_executor(), dns::resolver_options(config.dns));
    if (!r) {
      log::error("dns.config.failed", {{"error", r.error().message}});
      return 1;
    }
    resolver = std::move(*r);
    log::info("dns.resolver", {{"mode", resolver->mode()}});
  }
  // Email authentication (docs/mailauth.md): checks on the MX, signing on submission.
  std::unique_ptr<server::smtp::InboundAuth> inbound_auth;
  if (config.mailauth.verify) {
    inbound_auth = std::make_unique<server::smtp::InboundAuth>(
        *resolver, mailauth::dmarc::PublicSuffixList::default_list(), config.mailauth,
        config.hostname);
  }
  mailauth::dkim::Keyring keyring(config.data_dir / "dkim");
  std::unique_ptr<delivery::remote::Loop> delivery_loop;
  // Every in-process enqueue (the MX and MSA, the notifier's DSNs) wakes the loop.
  queue::WakingStore waking_queue(*queue, [&delivery_loop] {
    if (delivery_loop) delivery_loop->wake();
  });
  net::ConnectionLimits limits(config.limits.max_connections, config.limits.max_connections_per_ip);
  std::vector<std::unique_ptr<server::smtp::Server>> smtp_servers;
  std::vector<std::unique_ptr<server::pop3::Server>> pop3_servers;
  std::vector<std::unique_ptr<server::imap::Server>> imap_servers;
  server::imap::Caches imap_caches(config.imap.summary_cache);
  std::vector<std::unique_ptr<net::Listener>> listeners;

  auto add_listener = [&](const config::Listener& l, std::string busy,
                          net::SessionHandler handler) -> bool {
    net::tcp::endpoint endpoint(asio::ip::make_address(l.address), l.port);
    auto listener = std::make_unique<net::Listener>(io, l.name, endpoint, limits, std::move(busy),
                                                    std::move(handler));
    if (auto r = listener->open(); !r) {
      log::error("server.listen.failed", {{"error", r.error().message}});
      return false;
    }
    listeners.push_back(std::move(listener));
    return true;
  };

  for (const auto& l : config.listeners) {
    std::shared_ptr<tls::Context> tls = default_tls;
    if (!l.cert_file.empty() && l.tls != config::TlsMode::none) {
      tls = load_certificates(l.cert_file, l.key_file);
      if (!tls) return 1;
    }
    if (l.role == config::Role::pop3 || l.role == config::Role::pop3s) {
      server::pop3::Settings settings{l, config.hostname, config.limits, config.auth,
                                      l.tls == config::TlsMode::none ? nullptr : tls};
      auto& srv = pop3_servers.emplace_back(std::make_unique<server::pop3::Server>(
          settings, server::pop3::Shared{*store, *store, throttle, maildrop_locks, blocking}));
      if (!add_listener(l, srv->busy_reply(), [s = srv.get()](net::Stream stream) {
            return s->serve(std::move(stream));
          })) {
        return 1;
      }
      continue;
    }
    if (l.role == config::Role::imap || l.role == config::Role::imaps) {
      server::imap::Settings settings{l,
                                      config.hostname,
                                      config.limits,
                                      config.imap,
                                      l.tls == config::TlsMode::none ? nullptr : tls,
                                      config.auth.plaintext_on_loopback};
      auto& srv = imap_servers.emplace_back(std::make_unique<server::imap::Server>(
          settings, *store, *store, blocking, throttle, imap_caches));
      if (!add_listener(l, srv->busy_reply(), [s = srv.get()](net::Stream stream) {
            return s->serve(std::move(stream));
          })) {
        return 1;
      }
      continue;
    }
    // mx, submission (587, STARTTLS) and submissions (465, implicit TLS): one SMTP server
    // with a policy per role (server/smtp/server.hpp).
    if ((l.role == config::Role::submission || l.role == config::Role::submissions) && !tls) {
      log::warn("server.submission.no_tls",
                {{"listener", l.name},
                 {"reason", "no [tls] certificate: AUTH is refused, so no mail is accepted"}});
    }
    server::smtp::Settings settings{l,
                                    config.hostname,
                                    config.limits,
                                    config.smtp,
                                    l.tls == config::TlsMode::none ? nullptr : tls,
                                    config.auth,
                                    config.submission,
                                    config.mailauth};
    auto& srv = smtp_servers.emplace_back(std::make_unique<server::smtp::Server>(
        settings, server::smtp::Shared{*store, *store, waking_queue, throttle, blocking,
                                       inbound_auth.get(), &keyring}));
    if (!add_listener(l, srv->busy_reply(), [s = srv.get()](net::Stream stream) {
          return s->serve(std::move(stream));
        })) {
      return 1;
    }
  }
  if (listeners.empty()) {
    log::error("server.no_listeners", {{"reason", "no listener has a role that is served yet"}});
    return 2;
  }
  for (auto& l : listeners) {
    l->start();
    auto ep = l->local_endpoint();
    log::info(
        "server.listening",
        {{"listener", l->name()}, {"address", ep.address().to_string()}, {"port", ep.port()}});
  }

  // SIGHUP: reload the certificates; sessions keep running (a failed reload keeps the old).
  asio::signal_set hangup(io, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_hangup =
      [&](const boost::system::error_code& ec, int) {
        if (ec) return;
        if (!certificates.empty()) {
          for (auto& c : certificates) {
            auto reloaded = c->reload();  // logs its outcome itself
            (void)reloaded;
          }
        } else {
          log::info("tls.reload.skipped", {{"reason", "no [tls] certificate configured"}});
        }
        hangup.async_wait(on_hangup);
      };
  hangup.async_wait(on_hangup);
  delivery_loop = std::make_unique<delivery::remote::Loop>(
      io, waking_queue, *resolver, blocking,
      delivery::remote::LoopSettings{config.hostname, config.data_dir, config.queue,
                                     config.relays});
  delivery_loop->start();

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    log::info("server.stopping", {{"signal", signo}});
    hangup.cancel();
    delivery_loop->stop();
    for (auto& l : listeners) l->stop();
    io.stop();
  });

  log::info("server.ready", {{"hostname", config.hostname},
                             {"data_dir", config.data_dir.string()},
                             {"version", HERON_VERSION}});
  unsigned threads = std::max(2u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  blocking.pool().join();
  log::info("server.stopped");
  return 0;
}

}  // namespace heron::app
