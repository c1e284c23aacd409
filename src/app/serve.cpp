// `heron serve`: opens the store, reconciles it, binds every listener (and the operator HTTP
// endpoint), and runs the event loop until SIGTERM or SIGINT. Roles whose servers are not
// built yet are skipped with a warning rather than bound, so a full production config
// already loads today.
//
// Signals (docs/admin.md, "Signals"):
// - SIGTERM/SIGINT: stop accepting, stop the delivery loop, and drain every session
//   (net/drain.hpp): new commands get 421/BYE/-ERR, an SMTP message being received finishes
//   and gets its durable 250. The process exits 0 once the sessions have ended, or after
//   [server] shutdown_timeout. Whatever was acknowledged is on disk already (the durability
//   rule), so cutting late sessions off loses nothing acknowledged.
// - SIGHUP: re-reads the config file. A file that does not load is refused (config.reload.failed)
//   and everything keeps running as it was. Otherwise the [log] settings apply at once, the
//   certificates are re-read, and settings that need a restart are named in config.reloaded.
//   Sessions are never dropped.

#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "app/commands.hpp"
#include "app/ops.hpp"
#include "app/privileges.hpp"
#include "base/log.hpp"
#include "base/metrics.hpp"
#include "delivery/remote/loop.hpp"
#include "dns/unbound_resolver.hpp"
#include "net/blocking.hpp"
#include "net/limits.hpp"
#include "net/listener.hpp"
#include "net/login_throttle.hpp"
#include "queue/waking_store.hpp"
#include "server/http/server.hpp"
#include "server/imap/server.hpp"
#include "server/pop3/server.hpp"
#include "server/smtp/server.hpp"
#include "tls/certificates.hpp"
#include "tls/context.hpp"

namespace heron::app {

namespace asio = boost::asio;

namespace {

// format_override: `--log-format`, which wins over [log] format (also across SIGHUP).
void init_logging(const config::Log& settings, const std::string& format_override) {
  log::Level level = log::Level::info;
  log::parse_level(settings.level, level);
  log::Format format = log::Format::text;
  log::parse_format(format_override.empty() ? settings.format : format_override, format);
  log::init(level, format,
            settings.output == "journald" ? log::Output::journald : log::Output::stderr_stream);
}

// The sections of a reloaded config that differ from the running one and only take effect
// after a restart (every server copies its settings when it starts).
std::string restart_needed(const config::Config& running, const config::Config& fresh) {
  std::string out;
  auto note = [&out](bool differs, const char* name) {
    if (!differs) return;
    if (!out.empty()) out += ',';
    out += name;
  };
  note(running.hostname != fresh.hostname, "hostname");
  note(running.data_dir != fresh.data_dir, "data_dir");
  note(running.listeners != fresh.listeners, "listener");
  note(running.tls != fresh.tls, "tls");
  note(running.limits != fresh.limits, "limits");
  note(running.smtp != fresh.smtp, "smtp");
  note(running.submission != fresh.submission, "submission");
  note(running.queue != fresh.queue, "queue");
  note(running.relays != fresh.relays, "relay");
  note(running.auth != fresh.auth, "auth");
  note(running.imap != fresh.imap, "imap");
  note(running.dns != fresh.dns, "dns");
  note(running.http != fresh.http, "http");
  note(running.server != fresh.server, "server");
  return out;
}

void describe_metrics() {
  metrics::describe("heron_connections_total", "Connections admitted, per listener.");
  metrics::describe("heron_connections_active", "Connections open now, per listener.");
  metrics::describe("heron_connections_refused_total", "Connections refused over a limit.");
  metrics::describe("heron_smtp_transactions_total", "SMTP messages received (DATA or BDAT).");
  metrics::describe("heron_smtp_messages_accepted_total", "SMTP messages answered with 250.");
  metrics::describe("heron_smtp_rejects_total", "SMTP commands or messages refused, by reason.");
  metrics::describe("heron_smtp_auth_total", "SMTP AUTH attempts, by result.");
  metrics::describe("heron_imap_logins_total", "IMAP logins, by result.");
  metrics::describe("heron_pop3_logins_total", "POP3 logins, by result.");
  metrics::describe("heron_delivery_total", "Outbound delivery attempts, by result.");
  metrics::describe("heron_tls_handshakes_total", "TLS handshakes accepted, by protocol version.");
  metrics::describe("heron_queue_messages", "Messages in the outbound queue.");
  metrics::describe("heron_queue_recipients", "Queued recipients still to be delivered.");
  metrics::describe("heron_queue_held_messages", "Queued messages on hold.");
  metrics::describe("heron_queue_oldest_age_seconds", "Age of the oldest queued message.");
  metrics::describe("heron_store_bytes", "Bytes of the files under data_dir.");
  metrics::describe("heron_uptime_seconds", "Seconds since the server started.");
  metrics::describe("heron_config_reloads_total", "SIGHUP config reloads, by result.");
  metrics::describe("heron_shutdown_closes_total",
                    "Sessions closed by a graceful shutdown, by protocol.");
}

}  // namespace

int serve(const config::Config& config, const std::string& log_format) {
  init_logging(config.log, log_format);
  describe_metrics();
  const auto started = std::chrono::steady_clock::now();
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
  std::vector<config::Listener> listener_configs;  // parallel to listeners, for /status

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
    listener_configs.push_back(l);
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

  // Every session of every protocol, for the graceful shutdown.
  std::vector<net::Drain*> drains;
  for (auto& s : smtp_servers) drains.push_back(&s->drain());
  for (auto& s : imap_servers) drains.push_back(&s->drain());
  for (auto& s : pop3_servers) drains.push_back(&s->drain());
  std::atomic<bool> shutting_down{false};

  // The gauges of /metrics that live in the queue and on disk, computed at scrape time (on
  // the blocking pool). The store size walks data_dir, so it is kept for a while.
  struct StoreSize {
    std::mutex mutex;
    std::chrono::steady_clock::time_point at{};
    uint64_t bytes = 0;
  } store_size;
  auto data_dir_bytes = [&store_size, &config] {
    std::lock_guard lock(store_size.mutex);
    const auto now = std::chrono::steady_clock::now();
    if (store_size.at == std::chrono::steady_clock::time_point{} ||
        now - store_size.at > std::chrono::seconds(30)) {
      store_size.bytes = directory_bytes(config.data_dir);
      store_size.at = now;
    }
    return store_size.bytes;
  };
  auto uptime = [started] {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                            started)
        .count();
  };
  metrics::CollectorHandle gauges([&, data_dir_bytes, uptime] {
    const QueueSummary q = summarize_queue(*queue, static_cast<int64_t>(std::time(nullptr)));
    if (q.error.empty()) {
      metrics::set_gauge("heron_queue_messages", static_cast<double>(q.messages));
      metrics::set_gauge("heron_queue_recipients", static_cast<double>(q.recipients));
      metrics::set_gauge("heron_queue_held_messages", static_cast<double>(q.held));
      metrics::set_gauge("heron_queue_oldest_age_seconds",
                         static_cast<double>(q.oldest_age_seconds));
    }
    metrics::set_gauge("heron_store_bytes", static_cast<double>(data_dir_bytes()));
    metrics::set_gauge("heron_uptime_seconds", static_cast<double>(uptime()));
  });

  // The operator endpoint ([http]): /metrics, /healthz, /status.
  std::unique_ptr<server::http::Server> http;
  if (config.http.enabled) {
    server::http::Handlers handlers;
    handlers.metrics = [] { return metrics::render_prometheus(); };
    handlers.status = [&, data_dir_bytes, uptime] {
      ServerStatus s;
      s.version = HERON_VERSION;
      s.hostname = config.hostname;
      s.uptime_seconds = uptime();
      s.shutting_down = shutting_down.load();
      for (size_t i = 0; i < listeners.size(); ++i) {
        const auto ep = listeners[i]->local_endpoint();
        s.listeners.push_back(
            {listeners[i]->name(), std::string(config::role_name(listener_configs[i].role)),
             listener_configs[i].address, ep.port() != 0 ? ep.port() : listener_configs[i].port,
             listeners[i]->connections()});
      }
      s.queue = summarize_queue(*queue, static_cast<int64_t>(std::time(nullptr)));
      s.data_dir = config.data_dir.string();
      s.store_bytes = data_dir_bytes();
      return status_json(s);
    };
    http = std::make_unique<server::http::Server>(
        io,
        server::http::Settings{config.http.address, config.http.port, config.http.max_connections,
                               config.http.idle_timeout},
        blocking, std::move(handlers));
    if (auto r = http->open(); !r) {
      log::error("server.listen.failed", {{"error", r.error().message}});
      return 1;
    }
    http->start();
    const auto ep = http->local_endpoint();
    log::info("server.listening",
              {{"listener", "http"}, {"address", ep.address().to_string()}, {"port", ep.port()}});
  }

  // SIGHUP: re-read the config; apply [log], reload the certificates, name what needs a
  // restart. Sessions keep running; a file that does not load changes nothing.
  config::Config running = config;
  // Absolute now: a relative path must still name the same file at the next SIGHUP.
  std::error_code absolute_ec;
  const std::filesystem::path source =
      config.source.empty() ? config.source : std::filesystem::absolute(config.source, absolute_ec);
  asio::signal_set hangup(io, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_hangup =
      [&](const boost::system::error_code& ec, int) {
        if (ec) return;
        if (!source.empty()) {
          auto fresh = config::load(source);
          if (!fresh) {
            log::error("config.reload.failed",
                       {{"file", source.string()}, {"error", fresh.error().message}});
            metrics::inc("heron_config_reloads_total", "result", "failed");
            hangup.async_wait(on_hangup);
            return;
          }
          init_logging(fresh->log, log_format);
          running.log = fresh->log;
          const std::string restart = restart_needed(running, *fresh);
          log::info("config.reloaded", {{"file", source.string()},
                                        {"applied", "log,certificates"},
                                        {"restart_needed", restart.empty() ? "none" : restart}});
          metrics::inc("heron_config_reloads_total", "result", "ok");
        }
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

  // SIGTERM/SIGINT: stop accepting, drain the sessions, then stop the loop once they have
  // ended or shutdown_timeout has passed. A second signal stops at once.
  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::steady_timer drain_timer(io);
  const auto drain_deadline_after = config.server.shutdown_timeout;
  std::chrono::steady_clock::time_point drain_deadline{};
  bool forced = false;
  auto active_sessions = [&drains] {
    size_t n = 0;
    for (auto* d : drains) n += d->active();
    return n;
  };
  std::function<void(const boost::system::error_code&)> check_drained =
      [&](const boost::system::error_code& ec) {
        if (ec) return;
        const size_t left = active_sessions();
        const auto now = std::chrono::steady_clock::now();
        if (left > 0 && now >= drain_deadline && !forced) {
          // Past shutdown_timeout: cut the rest off, a transaction in flight included (it was
          // not acknowledged), and give them a moment to close their connections.
          log::warn("server.shutdown.timeout", {{"sessions_cut_off", left}});
          for (auto* d : drains) d->force();
          forced = true;
          drain_deadline = now + std::chrono::seconds(2);
        } else if (left == 0 || now >= drain_deadline) {
          if (left > 0) log::warn("server.shutdown.abandoned", {{"sessions", left}});
          if (http) http->stop();
          io.stop();
          return;
        }
        drain_timer.expires_after(std::chrono::milliseconds(50));
        drain_timer.async_wait(check_drained);
      };
  std::function<void(const boost::system::error_code&, int)> on_stop =
      [&](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        if (shutting_down.exchange(true)) {
          log::warn("server.stopping.now", {{"signal", signo}});
          io.stop();
          return;
        }
        log::info("server.stopping", {{"signal", signo},
                                      {"sessions", active_sessions()},
                                      {"timeout_seconds", drain_deadline_after.count()}});
        hangup.cancel();
        delivery_loop->stop();
        for (auto& l : listeners) l->stop();
        for (auto* d : drains) d->start();
        drain_deadline = std::chrono::steady_clock::now() + drain_deadline_after;
        check_drained({});
        signals.async_wait(on_stop);
      };
  signals.async_wait(on_stop);

  // Everything that needs root is done (ports bound; store, queue, certificates open): give it
  // up for good before the first session runs (app/privileges.hpp).
  if (auto r = leave_root(config); !r) {
    log::error("server.privileges.failed", {{"error", r.error().message}});
    std::cerr << "heron: " << r.error().message << "\n";
    return 2;
  }
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
