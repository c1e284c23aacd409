#pragma once
// TLS contexts for the listeners and the outbound SMTP client (OpenSSL 3 through Boost.Asio's
// ssl::context).
//
// Server contexts have TLS 1.2 as the floor (RFC 8996 retires 1.0/1.1, RFC 8314 asks for
// current versions), no compression or renegotiation, and the server's cipher preference.
// Thread: build at start-up or reload; a built context is shared read-only by every session.
// Failure: Result with OpenSSL's error text and the file at fault.

#include <filesystem>
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "base/result.hpp"

namespace heron::tls {

using Context = boost::asio::ssl::context;

Result<std::shared_ptr<Context>> make_server_context(const std::filesystem::path& cert_file,
                                                     const std::filesystem::path& key_file);

// The outbound SMTP client's context (delivery/remote): opportunistic TLS (RFC 7435), so the
// peer's certificate is not verified (an MX's certificate rarely matches anything checkable
// without DANE or MTA-STS), TLS 1.2 at least, no compression or renegotiation.
std::shared_ptr<Context> make_client_context();

// Writes a self-signed certificate (EC P-256, SAN = hostname, valid ten years) and its key
// (mode 0600) for the demo and for tests. Overwrites nothing: fails if either file exists.
Result<void> generate_self_signed(const std::string& hostname,
                                  const std::filesystem::path& cert_file,
                                  const std::filesystem::path& key_file);

// "TLSv1.3 TLS_AES_256_GCM_SHA384" for a negotiated connection, for logs and Received.
std::string describe(const SSL* ssl);

// The text of OpenSSL's error queue, emptied.
std::string last_error();

}  // namespace heron::tls
