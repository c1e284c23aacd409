#include "net/stream.hpp"

#include <openssl/ssl.h>

#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "base/metrics.hpp"

namespace heron::net {

Stream::Stream(tcp::socket socket) : plain_(std::move(socket)) {
  error_code ec;
  remote_ = plain_->remote_endpoint(ec);
  local_ = plain_->local_endpoint(ec);
  plain_->set_option(tcp::no_delay(true), ec);
}

tcp::socket& Stream::socket() {
  return tls_ ? tls_->next_layer() : *plain_;
}

asio::awaitable<size_t> Stream::read_some(char* data, size_t size, error_code& ec) {
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  if (tls_) co_return co_await tls_->async_read_some(asio::buffer(data, size), token);
  co_return co_await plain_->async_read_some(asio::buffer(data, size), token);
}

asio::awaitable<void> Stream::write_all(std::string_view data, error_code& ec) {
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  if (tls_) {
    co_await asio::async_write(*tls_, asio::buffer(data.data(), data.size()), token);
  } else {
    co_await asio::async_write(*plain_, asio::buffer(data.data(), data.size()), token);
  }
}

asio::awaitable<void> Stream::handshake(tls::Context& context, error_code& ec) {
  if (tls_) {
    ec = asio::error::already_connected;
    co_return;
  }
  tls_.emplace(std::move(*plain_), context);
  plain_.reset();
  co_await tls_->async_handshake(asio::ssl::stream_base::server,
                                 asio::redirect_error(asio::use_awaitable, ec));
  // Which protocol versions clients still negotiate (e.g. "TLSv1.2", "TLSv1.3").
  if (!ec)
    metrics::inc("heron_tls_handshakes_total", "version", SSL_get_version(tls_->native_handle()));
}

asio::awaitable<void> Stream::client_handshake(tls::Context& context,
                                               const std::string& server_name, error_code& ec) {
  if (tls_) {
    ec = asio::error::already_connected;
    co_return;
  }
  tls_.emplace(std::move(*plain_), context);
  plain_.reset();
  // SNI carries host names only (RFC 6066 3), never an address literal.
  error_code literal;
  asio::ip::make_address(server_name, literal);
  if (!server_name.empty() && literal) {
    SSL_set_tlsext_host_name(tls_->native_handle(), server_name.c_str());
  }
  co_await tls_->async_handshake(asio::ssl::stream_base::client,
                                 asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) {
    metrics::inc("heron_tls_client_handshakes_total", "version",
                 SSL_get_version(tls_->native_handle()));
  }
}

std::string Stream::tls_description() const {
  if (!tls_) return {};
  return tls::describe(const_cast<asio::ssl::stream<tcp::socket>&>(*tls_).native_handle());
}

void Stream::cancel() {
  error_code ec;
  socket().cancel(ec);
}

void Stream::close() {
  error_code ec;
  socket().shutdown(tcp::socket::shutdown_both, ec);
  socket().close(ec);
}

}  // namespace heron::net
