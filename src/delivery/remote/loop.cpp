#include "delivery/remote/loop.hpp"

#include <unistd.h>

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/clock.hpp"
#include "base/log.hpp"
#include "base/metrics.hpp"
#include "queue/attempt.hpp"
#include "queue/notify.hpp"
#include "queue/trigger.hpp"

namespace heron::delivery::remote {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// Addresses tried per message before it is deferred (Postfix: smtp_mx_address_limit = 5).
constexpr size_t kMaxAddresses = 5;
// Claims asked for at once, at most.
constexpr size_t kMaxClaimBatch = 100;

std::chrono::seconds notice_interval(const queue::RetryPolicy& policy) {
  if (!queue::delay_notices_enabled(policy)) return 60s;
  return std::clamp<std::chrono::seconds>(policy.delay_warning / 4, 1s, 60s);
}

}  // namespace

const config::Relay* relay_for(const std::vector<config::Relay>& relays,
                               const std::string& domain) {
  const config::Relay* wildcard = nullptr;
  for (const config::Relay& r : relays) {
    for (const std::string& d : r.domains) {
      if (d == domain) return &r;
      if (d == "*" && wildcard == nullptr) wildcard = &r;
    }
  }
  return wildcard;
}

Loop::Loop(asio::io_context& io, store::QueueStore& store, dns::Resolver& resolver,
           net::BlockingPool& blocking, LoopSettings settings)
    : strand_(asio::make_strand(io)),
      store_(store),
      resolver_(resolver),
      blocking_(blocking),
      settings_(std::move(settings)),
      policy_(queue::RetryPolicy::from(settings_.queue)),
      tls_(tls::make_client_context()),
      wake_timer_(strand_),
      rng_(std::random_device{}()) {}

Loop::~Loop() = default;

void Loop::start() {
  if (!settings_.data_dir.empty()) {
    auto fd = queue::open_trigger(settings_.data_dir);
    if (fd) {
      trigger_.emplace(strand_, *fd);
      asio::co_spawn(strand_, watch_trigger(), asio::detached);
    } else {
      log::warn("delivery.trigger.failed", {{"error", fd.error().message}});
    }
  }
  asio::co_spawn(strand_, scheduler(), asio::detached);
  log::info("delivery.started",
            {{"max_connections", settings_.queue.max_connections},
             {"max_connections_per_destination", settings_.queue.max_connections_per_destination}});
}

void Loop::wake() {
  asio::post(strand_, [this] {
    woken_ = true;
    wake_timer_.cancel();
  });
}

void Loop::stop() {
  asio::post(strand_, [this] {
    stopped_ = true;
    wake_timer_.cancel();
    if (trigger_) {
      boost::system::error_code ignored;
      trigger_->close(ignored);
    }
    for (auto& [domain, d] : destinations_) {
      for (auto* t : d.idle) t->cancel();
    }
  });
}

size_t Loop::capacity() const {
  const size_t limit = settings_.queue.max_connections;
  return pending_ >= limit ? 0 : limit - pending_;
}

asio::awaitable<void> Loop::watch_trigger() {
  while (!stopped_ && trigger_) {
    boost::system::error_code ec;
    co_await trigger_->async_wait(asio::posix::descriptor_base::wait_read,
                                  asio::redirect_error(asio::use_awaitable, ec));
    if (ec || stopped_) break;
    char buf[256];
    while (::read(trigger_->native_handle(), buf, sizeof buf) > 0) {
    }
    woken_ = true;
    wake_timer_.cancel();
  }
}

asio::awaitable<void> Loop::scheduler() {
  while (!stopped_) {
    woken_ = false;
    int64_t now = system_clock().now();
    bool more = false;  // a full batch came back: claim again at once
    const size_t room = std::min(capacity(), kMaxClaimBatch);
    if (room > 0) {
      store::ClaimRequest request;
      request.now = now;
      request.max_claims = room;
      auto claim = [this, request] { return store_.claim_due(request); };
      auto claims = co_await net::offload(blocking_, std::move(claim));
      if (!claims) {
        log::error("delivery.claim.failed", {{"error", claims.error().message}});
        metrics::inc("heron_delivery_errors_total", "stage", "claim");
      } else {
        more = claims->size() == room;
        if (!claims->empty()) dispatch(std::move(*claims));
      }
    }
    now = system_clock().now();
    if (notices_due_ || now >= next_notices_) {
      notices_due_ = false;
      next_notices_ = now + notice_interval(policy_).count();
      co_await run_notices();
    }
    if (stopped_) break;
    if (woken_ || (more && capacity() > 0)) continue;

    // Sleep until the next retry is due (if there is room to start it) or the next notice
    // pass; wake() and finishing workers cut it short.
    now = system_clock().now();
    int64_t until = next_notices_;
    if (capacity() > 0) {
      auto next_due = [this] { return store_.next_due(); };
      auto due = co_await net::offload(blocking_, std::move(next_due));
      if (due && *due) until = std::min(until, std::max(**due, now + 1));
    }
    if (woken_) continue;
    wake_timer_.expires_after(std::chrono::seconds(std::max<int64_t>(until - now, 0)));
    boost::system::error_code ec;
    co_await wake_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> Loop::run_notices() {
  queue::NotifierSettings settings{settings_.hostname, policy_};
  auto work = [this, settings] { return queue::send_notices(store_, settings); };
  auto counts = co_await net::offload(blocking_, std::move(work));
  if (!counts) {
    log::error("delivery.notices.failed", {{"error", counts.error().message}});
    metrics::inc("heron_delivery_errors_total", "stage", "notices");
    co_return;
  }
  if (counts->failure + counts->success + counts->delay > 0) {
    log::info(
        "delivery.notices",
        {{"failure", counts->failure}, {"success", counts->success}, {"delay", counts->delay}});
    woken_ = true;  // the notices are queued messages too
  }
}

void Loop::dispatch(std::vector<store::Claim> claims) {
  std::vector<std::string> touched;
  for (store::Claim& c : claims) {
    Destination& d = destinations_[c.domain];
    if (std::find(touched.begin(), touched.end(), c.domain) == touched.end()) {
      touched.push_back(c.domain);
    }
    d.pending.push_back(std::move(c));
    ++pending_;
  }
  for (const std::string& domain : touched) spawn_workers(domain);
}

void Loop::spawn_workers(const std::string& domain) {
  auto it = destinations_.find(domain);
  if (it == destinations_.end()) return;
  Destination& d = it->second;
  // Idle workers (holding a connection) take work first.
  for (auto* t : d.idle) t->cancel();
  size_t waiting = d.pending.size() > d.idle.size() ? d.pending.size() - d.idle.size() : 0;
  while (waiting > 0 && !stopped_ && d.active < settings_.queue.max_connections_per_destination &&
         active_ < settings_.queue.max_connections) {
    ++d.active;
    ++active_;
    --waiting;
    asio::co_spawn(strand_, worker(domain), asio::detached);
  }
}

asio::awaitable<void> Loop::worker(std::string domain) {
  std::optional<Route> route;
  std::shared_ptr<Connection> connection;
  const config::Relay* relay = relay_for(settings_.relays, domain);
  Destination& d = destinations_[domain];  // std::map: stable while this worker is active
  while (!stopped_) {
    if (d.pending.empty()) {
      const bool reusable =
          connection && connection->usable() && settings_.queue.connection_cache_time.count() > 0;
      if (!reusable) break;
      asio::steady_timer idle(strand_);
      idle.expires_after(settings_.queue.connection_cache_time);
      d.idle.push_back(&idle);
      boost::system::error_code ec;
      co_await idle.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      d.idle.erase(std::find(d.idle.begin(), d.idle.end(), &idle));
      if (d.pending.empty()) break;
      continue;
    }
    store::Claim claim = std::move(d.pending.front());
    d.pending.pop_front();
    --pending_;
    if (!route && relay != nullptr) {
      // A smarthost takes the place of the MX hosts.
      Route r;
      r.status = Route::Status::ok;
      r.hops.push_back(Hop{relay->host, 0});
      route = std::move(r);
    } else if (!route) {
      Route r = co_await remote::route(resolver_, domain, rng_);
      route = std::move(r);
    }
    co_await deliver(claim, *route, relay, connection);
  }
  if (connection) co_await connection->quit();
  --d.active;
  --active_;
  if (d.active == 0 && d.pending.empty()) {
    destinations_.erase(domain);
  } else if (!d.pending.empty()) {
    spawn_workers(domain);
  }
  // Room for others: destinations waiting on the total limit, and more claims.
  for (auto& [name, other] : destinations_) {
    if (!other.pending.empty() && other.active == 0) spawn_workers(name);
  }
  woken_ = true;
  wake_timer_.cancel();
}

asio::awaitable<void> Loop::deliver(const store::Claim& claim, const Route& route,
                                    const config::Relay* relay,
                                    std::shared_ptr<Connection>& connection) {
  const store::QueuedMessage& message = claim.message;
  auto read = [this, &message] { return store_.read_body(message); };
  auto body = co_await net::offload(blocking_, std::move(read));
  std::vector<queue::DeliveryResult> results;
  bool tls = false;
  if (!body) {
    log::error("delivery.body.failed", {{"id", message.id}, {"error", body.error().message}});
    metrics::inc("heron_delivery_errors_total", "stage", "body");
    results = queue::not_attempted(message, false, "cannot read the queued message");
  } else if (route.status == Route::Status::ok) {
    results = co_await attempt(message, *body, route, relay, connection);
    tls = connection && connection->tls();
  } else {
    const bool permanent = route.status != Route::Status::temp_fail;
    results = queue::not_attempted(message, permanent, route.error);
  }
  log_results(message, results, tls);
  auto work = [this, &message, &results] {
    return queue::report(store_, message, results, policy_);
  };
  auto reported = co_await net::offload(blocking_, std::move(work));
  if (!reported) {
    log::error("delivery.report.failed", {{"id", message.id}, {"error", reported.error().message}});
    metrics::inc("heron_delivery_errors_total", "stage", "report");
  }
  for (const auto& r : results) {
    if (r.kind != queue::DeliveryResult::Kind::transient) notices_due_ = true;
  }
  if (notices_due_) {
    woken_ = true;
    wake_timer_.cancel();
  }
}

asio::awaitable<std::shared_ptr<Connection>> Loop::connect(const std::string& host,
                                                           const asio::ip::address& address,
                                                           const config::Relay* relay,
                                                           std::optional<OpenFailure>& failure) {
  ConnectionSettings s;
  s.helo_name = settings_.hostname;
  s.connect_timeout = settings_.queue.connect_timeout;
  s.command_timeout = settings_.queue.command_timeout;
  s.tls = tls_;
  boost::system::error_code ignored;
  if (!settings_.queue.bind_address.empty())
    s.source4 = asio::ip::make_address(settings_.queue.bind_address, ignored);
  if (!settings_.queue.bind_address6.empty())
    s.source6 = asio::ip::make_address(settings_.queue.bind_address6, ignored);
  uint32_t port = settings_.queue.smtp_port;
  if (relay != nullptr) {
    // A smarthost: TLS required, never a plaintext fallback; AUTH when configured.
    s.require_tls = true;
    s.auth_username = relay->username;
    s.auth_password = relay->password;
    port = relay->port;
  }
  const asio::ip::tcp::endpoint endpoint(address, static_cast<uint16_t>(port));
  auto c = std::make_shared<Connection>(strand_, host, endpoint, s);
  auto f = co_await c->open();
  if (!f) co_return c;
  if (f->kind == OpenFailure::Kind::tls && relay == nullptr && settings_.queue.plaintext_fallback) {
    // RFC 7435 opportunistic security: a failed handshake may be retried in the clear.
    log::info("delivery.tls.fallback", {{"host", c->peer()}});
    metrics::inc("heron_delivery_tls_fallback_total");
    s.tls = nullptr;
    c = std::make_shared<Connection>(strand_, host, endpoint, s);
    f = co_await c->open();
    if (!f) co_return c;
  }
  failure = std::move(f);
  co_return nullptr;
}

asio::awaitable<std::vector<queue::DeliveryResult>> Loop::attempt(
    const store::QueuedMessage& message, const std::string& body, const Route& route,
    const config::Relay* relay, std::shared_ptr<Connection>& connection) {
  const smtp::ClientMessage outgoing = queue::client_message(message, body);
  if (connection && connection->usable()) {
    auto result = co_await connection->send(outgoing);
    if (result) co_return queue::results_of(message, *result, connection->host());
    // The cached connection died before the message was tried: start afresh.
    co_await connection->quit();
  }
  connection.reset();

  std::string last_error = "no mail server for " + (route.hops.empty() ? "" : route.hops[0].host);
  std::optional<smtp::SessionError> session_error;
  std::string session_host;
  bool no_address_anywhere = true;
  size_t tried = 0;
  for (const Hop& hop : route.hops) {
    if (tried >= kMaxAddresses) break;
    Addresses found;
    boost::system::error_code literal_ec;
    const auto literal = asio::ip::make_address(hop.host, literal_ec);
    if (!literal_ec) {
      found.status = Addresses::Status::ok;  // a smarthost given as an IP address
      found.addresses.push_back(literal);
    } else {
      found = co_await addresses(resolver_, hop.host);
    }
    if (found.status != Addresses::Status::ok) {
      if (found.status == Addresses::Status::temp_fail) no_address_anywhere = false;
      last_error = found.error;
      log::info("delivery.host.skipped",
                {{"id", message.id}, {"host", hop.host}, {"error", found.error}});
      continue;
    }
    no_address_anywhere = false;
    for (const auto& address : found.addresses) {
      if (tried >= kMaxAddresses) break;
      ++tried;
      std::optional<OpenFailure> failure;
      auto c = co_await connect(hop.host, address, relay, failure);
      if (!c) {
        log::info("delivery.connect.failed", {{"id", message.id},
                                              {"host", hop.host},
                                              {"address", address.to_string()},
                                              {"error", failure ? failure->text : ""}});
        metrics::inc("heron_delivery_connect_failures_total");
        if (failure && failure->session) {
          session_error = failure->session;
          session_host = hop.host;
        } else if (failure) {
          last_error = failure->text;
        }
        continue;
      }
      auto result = co_await c->send(outgoing);
      if (result) {
        connection = std::move(c);
        co_return queue::results_of(message, *result, connection->host());
      }
      if (c->error()) {
        session_error = c->error();
        session_host = hop.host;
      }
      co_await c->quit();
    }
  }
  if (session_error) co_return queue::session_failed(message, *session_error, session_host);
  // An implicit MX whose name has no address: the domain has no mail server at all.
  const bool permanent = no_address_anywhere && route.implicit;
  co_return queue::not_attempted(message, permanent, last_error);
}

void Loop::log_results(const store::QueuedMessage& message,
                       const std::vector<queue::DeliveryResult>& results, bool tls) {
  const int64_t now = system_clock().now();
  for (const queue::DeliveryResult& r : results) {
    const store::AttemptRecord record = queue::decide(message, r, policy_, now);
    std::string address;
    for (const auto& rcpt : message.recipients) {
      if (rcpt.id == r.recipient_id) address = rcpt.address;
    }
    const char* event = record.state == store::RecipientState::delivered ? "delivery.delivered"
                        : record.state == store::RecipientState::failed  ? "delivery.failed"
                                                                         : "delivery.deferred";
    const char* result = event + 9;  // after "delivery."
    log::info(event, {{"id", message.id},
                      {"to", address},
                      {"relay", r.remote_host},
                      {"tls", tls},
                      {"status", record.status},
                      {"reply", record.diagnostic}});
    metrics::inc("heron_delivery_total", "result", result);
  }
}

}  // namespace heron::delivery::remote
