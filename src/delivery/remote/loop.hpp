#pragma once
// The delivery loop (docs/queue.md, "The delivery loop"): takes due work from the outbound
// queue and delivers it to the destination's mail servers over SMTP.
//
//   scheduler   claims due recipients (QueueStore::claim_due, grouped by message and
//               destination domain, leased) while there is room under the connection limits,
//               hands them to the destination's workers, runs the notifier
//               (queue::send_notices) after final results and periodically for delay notices,
//               then sleeps until the next due retry (QueueStore::next_due) or until woken:
//               wake() is called when an enqueue commits in this process (queue::WakingStore)
//               and when another process pulls the queue trigger (queue/trigger.hpp).
//   workers     per destination domain, at most max_connections_per_destination of them and
//               max_connections in all. A worker routes the domain (route.hpp: MX order,
//               implicit MX, null MX; or the domain's smarthost from [[relay]], always with
//               STARTTLS required and AUTH when configured), connects to the hosts in order (the
//               next address or MX on a connection failure or a session that failed before the
//               message was tried), runs the message through smtp::ClientMachine (connection.hpp),
//               reports each recipient through queue::report() and keeps the connection for the
//               next message to the same domain, idle for at most connection_cache_time.
// Every recipient's result is logged (delivery.delivered, delivery.deferred, delivery.failed)
// and counted (heron_delivery_total{result}).
// Thread: everything runs on one strand of the server's io_context; store calls go to the
// blocking pool. Failure: a store error is logged and the recipients' leases run out, so they
// are tried again; nothing is lost.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "config/config.hpp"
#include "delivery/remote/connection.hpp"
#include "delivery/remote/route.hpp"
#include "dns/resolver.hpp"
#include "net/blocking.hpp"
#include "queue/outcome.hpp"
#include "queue/schedule.hpp"
#include "store/queue_store.hpp"

namespace heron::delivery::remote {

struct LoopSettings {
  std::string hostname;            // EHLO name, Reporting-MTA of notices
  std::filesystem::path data_dir;  // for the queue trigger FIFO; empty: none
  config::Queue queue;
  std::vector<config::Relay> relays;  // smarthosts; none: every domain goes to its MX hosts
};

// The smarthost for a destination domain: the relay that names it, else a "*" relay, else
// null (direct delivery through the domain's MX hosts).
const config::Relay* relay_for(const std::vector<config::Relay>& relays, const std::string& domain);

class Loop {
 public:
  Loop(boost::asio::io_context& io, store::QueueStore& store, dns::Resolver& resolver,
       net::BlockingPool& blocking, LoopSettings settings);
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  void start();
  // Any thread: there may be new due work.
  void wake();
  void stop();

 private:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
  struct Destination {
    std::deque<store::Claim> pending;
    size_t active = 0;
    std::vector<boost::asio::steady_timer*> idle;  // workers waiting for more work
  };

  boost::asio::awaitable<void> scheduler();
  boost::asio::awaitable<void> watch_trigger();
  boost::asio::awaitable<void> worker(std::string domain);
  boost::asio::awaitable<void> deliver(const store::Claim& claim, const Route& route,
                                       const config::Relay* relay,
                                       std::shared_ptr<Connection>& connection);
  boost::asio::awaitable<std::vector<queue::DeliveryResult>> attempt(
      const store::QueuedMessage& message, const std::string& body, const Route& route,
      const config::Relay* relay, std::shared_ptr<Connection>& connection);
  boost::asio::awaitable<std::shared_ptr<Connection>> connect(
      const std::string& host, const boost::asio::ip::address& address, const config::Relay* relay,
      std::optional<OpenFailure>& failure);
  boost::asio::awaitable<void> run_notices();
  void log_results(const store::QueuedMessage& message,
                   const std::vector<queue::DeliveryResult>& results, bool tls);
  void dispatch(std::vector<store::Claim> claims);
  void spawn_workers(const std::string& domain);
  size_t capacity() const;

  Strand strand_;
  store::QueueStore& store_;
  dns::Resolver& resolver_;
  net::BlockingPool& blocking_;
  LoopSettings settings_;
  queue::RetryPolicy policy_;
  std::shared_ptr<tls::Context> tls_;
  boost::asio::steady_timer wake_timer_;
  std::optional<boost::asio::posix::stream_descriptor> trigger_;
  std::map<std::string, Destination> destinations_;
  std::mt19937 rng_;
  size_t active_ = 0;   // workers (each holds at most one connection)
  size_t pending_ = 0;  // claims handed to destinations, not yet started
  bool woken_ = false;
  bool stopped_ = false;
  bool notices_due_ = true;
  int64_t next_notices_ = 0;
};

}  // namespace heron::delivery::remote
