#pragma once
// One outbound SMTP connection: TCP connect with a deadline, then smtp::ClientMachine driven
// over net::Stream, with STARTTLS whenever the peer offers it (RFC 3207; opportunistic, the
// certificate is not verified: RFC 7435). The machine decides every byte; this class only
// moves them, does the TLS handshake when the machine asks, and enforces the timeouts.
//
// Life: open() connects and runs the session up to `ready` (greeting, EHLO, STARTTLS, EHLO);
// send() runs one message and may be called again while usable() (connection reuse); quit()
// says goodbye. Every read and write has a deadline (command_timeout; connect_timeout for the
// TCP connect): a watchdog timer cancels the socket when it passes, and the session ends as
// if the peer had closed it.
// Input: untrusted server replies (bounded by the machine). Thread: one strand; the object is
// shared (shared_ptr) with its watchdog. Failure: as values (OpenFailure, SessionError).

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net/stream.hpp"
#include "proto/smtp/client_machine.hpp"
#include "tls/context.hpp"

namespace heron::delivery::remote {

struct ConnectionSettings {
  std::string helo_name;
  std::chrono::seconds connect_timeout{30};
  std::chrono::seconds command_timeout{300};
  std::shared_ptr<tls::Context> tls;  // null: never STARTTLS
  bool require_tls = false;           // end the session rather than send in plaintext
  std::string auth_username;          // smarthost AUTH (only over TLS); empty: none
  std::string auth_password;
  // Local source address per family (config queue.bind_address / bind_address6); unset: any.
  std::optional<boost::asio::ip::address> source4;
  std::optional<boost::asio::ip::address> source6;
};

struct OpenFailure {
  enum class Kind { connect, tls, session };
  Kind kind = Kind::connect;
  std::string text;                           // for connect: "connect to host[ip]:port: refused"
  std::optional<smtp::SessionError> session;  // for tls and session
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::any_io_executor executor, std::string host,
             boost::asio::ip::tcp::endpoint endpoint, ConnectionSettings settings);
  ~Connection();

  // Connects and runs the session to `ready`. nullopt on success.
  boost::asio::awaitable<std::optional<OpenFailure>> open();
  // One message; nullopt when the session ended before the message was tried (error() says
  // why). `message.body` must stay alive until this returns.
  boost::asio::awaitable<std::optional<smtp::MessageResult>> send(
      const smtp::ClientMessage& message);
  boost::asio::awaitable<void> quit();

  bool usable() const { return ready_; }
  const std::optional<smtp::SessionError>& error() const { return machine_.error(); }
  bool tls() const { return machine_.tls_active(); }
  // "mx.b.test[127.0.0.3]", for logs and Remote-MTA.
  const std::string& host() const { return host_; }
  std::string peer() const;
  const smtp::Capabilities& capabilities() const { return machine_.capabilities(); }

 private:
  enum class Until { ready, message_done };
  // Runs the machine until `ready` or `message_done` (true) or `closed` (false).
  boost::asio::awaitable<bool> drive();
  boost::asio::awaitable<bool> flush();
  boost::asio::awaitable<bool> read_more();
  boost::asio::awaitable<void> watchdog();
  void arm(std::chrono::seconds timeout);
  void close();

  std::string host_;
  boost::asio::ip::tcp::endpoint endpoint_;
  ConnectionSettings settings_;
  boost::asio::ip::tcp::socket socket_;  // until connected, then moved into stream_
  std::optional<net::Stream> stream_;
  boost::asio::steady_timer timer_;
  smtp::ClientMachine machine_;
  bool ready_ = false;
  bool closed_ = false;
  bool timed_out_ = false;
  bool tls_failed_ = false;
  std::string buffer_;
};

}  // namespace heron::delivery::remote
