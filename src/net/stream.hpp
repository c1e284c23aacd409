#pragma once
// A connection that starts as plain TCP and may turn into TLS (STARTTLS), or starts as TLS
// (implicit TLS, RFC 8314). Sessions read and write through it without caring which.
//
// All operations complete with an error_code, never an exception (STYLE.md principle 4).
// Thread: the connection's strand only. Failure: error codes; close() is always safe.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "tls/context.hpp"

namespace heron::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

class Stream {
 public:
  explicit Stream(tcp::socket socket);

  asio::awaitable<size_t> read_some(char* data, size_t size, error_code& ec);
  asio::awaitable<void> write_all(std::string_view data, error_code& ec);
  // Server side of a TLS handshake over the current TCP connection.
  asio::awaitable<void> handshake(tls::Context& context, error_code& ec);

  // Client side, for the outbound SMTP client after STARTTLS; server_name goes in SNI.
  asio::awaitable<void> client_handshake(tls::Context& context, const std::string& server_name,
                                         error_code& ec);

  bool is_tls() const { return tls_.has_value(); }
  std::string tls_description() const;  // "" when plain
  // Aborts pending reads and writes (they complete with operation_aborted); the socket stays.
  void cancel();
  void close();

  tcp::socket& socket();
  const tcp::endpoint& remote() const { return remote_; }
  const tcp::endpoint& local() const { return local_; }

 private:
  std::optional<tcp::socket> plain_;
  std::optional<asio::ssl::stream<tcp::socket>> tls_;
  tcp::endpoint remote_;
  tcp::endpoint local_;
};

}  // namespace heron::net
