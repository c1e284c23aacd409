#pragma once
// One SMTP connection: the I/O loop around proto/smtp's ServerMachine. See server.hpp.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "delivery/local/local_delivery.hpp"
#include "net/stream.hpp"
#include "proto/smtp/server_machine.hpp"
#include "server/smtp/server.hpp"

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
  void arm(std::chrono::seconds timeout);
  std::string transaction_id();

  Server& server_;
  net::Stream stream_;
  heron::smtp::ServerMachine machine_;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point session_end_;
  std::string id_;  // session id for logs
  std::string ip_;
  std::vector<delivery::local::Recipient> recipients_;  // parallel to envelope().recipients
  std::vector<char> read_buffer_;
  unsigned transactions_ = 0;
  bool timed_out_ = false;
  bool done_ = false;
};

}  // namespace heron::server::smtp
