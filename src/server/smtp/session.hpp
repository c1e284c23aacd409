#pragma once
// One SMTP connection: the I/O loop around proto/smtp's ServerMachine. See server.hpp.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "delivery/local/local_delivery.hpp"
#include "net/stream.hpp"
#include "proto/sasl/scram.hpp"
#include "proto/smtp/server_machine.hpp"
#include "queue/submit.hpp"
#include "server/smtp/server.hpp"
#include "store/types.hpp"

namespace heron::server::smtp {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Server& server, net::Stream stream);
  boost::asio::awaitable<void> run();

 private:
  boost::asio::awaitable<void> converse();
  boost::asio::awaitable<void> watchdog();
  boost::asio::awaitable<bool> flush();
  boost::asio::awaitable<bool> read_more();
  boost::asio::awaitable<bool> start_tls();
  boost::asio::awaitable<void> deliver();
  void check_recipient();
  // auth.cpp: Event::authenticate (PLAIN, LOGIN, SCRAM-SHA-256) and the sender rules.
  boost::asio::awaitable<void> authenticate();
  boost::asio::awaitable<void> scram_step();
  boost::asio::awaitable<void> auth_failed(const std::string& user, const char* mechanism);
  void auth_accepted(const std::string& user, const char* mechanism);
  void auth_refused(const std::string& user, const char* mechanism, const char* result,
                    const heron::smtp::Reply& reply);
  boost::asio::awaitable<void> check_sender();
  boost::asio::awaitable<bool> sender_allowed(const std::string& address);
  boost::asio::awaitable<void> pause(std::chrono::seconds delay);
  // dsn.cpp: "delivered" notices (RFC 3461 5.2.2, RFC 3464) for local recipients that asked
  // for them with NOTIFY=SUCCESS, queued to the sender once the message is filed.
  boost::asio::awaitable<void> notify_delivered(const std::string& id, int64_t now,
                                                std::string_view original);
  void arm(std::chrono::seconds timeout);
  // SIGTERM (net/drain.hpp): on the strand; cancels a read that waits for a command.
  void on_drain(bool force);
  void shut_down();  // queues 421 4.3.2 and lets the machine close
  std::string transaction_id();

  Server& server_;
  net::Stream stream_;
  heron::smtp::ServerMachine machine_;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point session_end_;
  std::string id_;  // session id for logs
  std::string ip_;
  std::vector<delivery::local::Recipient> recipients_;  // accepted local recipients
  std::vector<queue::Recipient> remote_;     // accepted recipients that go through the queue
  std::vector<queue::Recipient> local_dsn_;  // parallel to recipients_: their NOTIFY and ORCPT
  std::optional<store::Account> account_;    // after AUTH
  std::optional<heron::sasl::ScramServer> scram_;
  bool scram_real_ = false;      // the SCRAM user exists and has keys
  bool scram_verified_ = false;  // client-final's proof matched; waiting for its empty answer
  std::map<std::string, bool> sender_cache_;  // address -> may the account send as it
  std::vector<char> read_buffer_;
  unsigned transactions_ = 0;
  bool timed_out_ = false;
  bool done_ = false;
  bool draining_ = false;
  bool reading_ = false;  // read_more() is waiting on the client
  net::Drain::Enrollment drain_enrollment_;
};

}  // namespace heron::server::smtp
