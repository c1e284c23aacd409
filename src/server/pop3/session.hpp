#pragma once
// One POP3 connection: the I/O loop around proto/pop3's Machine. See server.hpp.
// session.cpp holds the loop, I/O and timeouts; login.cpp the authenticate event;
// maildrop.cpp RETR/TOP reads and the UPDATE state.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net/stream.hpp"
#include "proto/pop3/machine.hpp"
#include "server/pop3/maildrop_lock.hpp"
#include "server/pop3/server.hpp"
#include "store/types.hpp"

namespace heron::server::pop3 {

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
  boost::asio::awaitable<void> login();
  boost::asio::awaitable<void> pause(std::chrono::seconds delay);
  boost::asio::awaitable<void> retrieve();
  boost::asio::awaitable<void> update();
  void arm(std::chrono::seconds timeout);
  // SIGTERM (net/drain.hpp): on the strand; cancels a read that waits for a command.
  void on_drain(bool force);

  Server& server_;
  net::Stream stream_;
  heron::pop3::Machine machine_;
  boost::asio::steady_timer timer_;
  std::string id_;  // session id for logs
  std::string ip_;
  std::string user_;  // the account's address once logged in
  MaildropLease lease_;
  int64_t mailbox_id_ = 0;
  std::vector<store::Message> messages_;  // the login snapshot, parallel to the maildrop
  std::vector<char> read_buffer_;
  uint64_t retrieved_ = 0;
  uint64_t removed_ = 0;
  bool timed_out_ = false;
  bool done_ = false;
  bool draining_ = false;
  bool reading_ = false;  // read_more() is waiting on the client
  net::Drain::Enrollment drain_enrollment_;
};

}  // namespace heron::server::pop3
