// AUTHENTICATE (RFC 9051 6.2.2) with PLAIN (RFC 4616) and SCRAM-SHA-256 (RFC 5802, RFC 7677),
// with SASL-IR (RFC 4959): the first response comes with the command, or after an empty "+ "
// continuation. "*" cancels. SCRAM runs the sans-I/O sasl::ScramServer with the keys the store
// keeps beside the password hash; its server-final message goes in a last continuation, which
// the client answers with an empty line (RFC 9051 6.2.2), before the tagged OK.

#include "base/base64.hpp"
#include "base/crypto.hpp"
#include "base/log.hpp"
#include "base/metrics.hpp"
#include "proto/sasl/plain.hpp"
#include "proto/sasl/scram.hpp"
#include "server/imap/session.hpp"
#include "store/password.hpp"

namespace heron::server::imap {

namespace asio = boost::asio;

// Sends a continuation with `challenge` (base64) and reads the client's line. False when the
// connection ended or the line was too long (BAD already written).
asio::awaitable<bool> Session::sasl_exchange(std::string_view tag, std::string_view challenge,
                                             std::string& response) {
  raw("+ ");
  raw(base64::encode(challenge));
  raw("\r\n");
  while (true) {
    auto item = reader_.next_line();
    if (item.kind == proto::imap::Reader::Item::line) {
      response = std::move(item.text);
      co_return true;
    }
    if (item.kind == proto::imap::Reader::Item::error) {
      bad(tag, "Authentication response too long");
      co_return false;
    }
    // co_await outside conditions: GCC 12 miscompiles it inside one.
    const bool flushed = co_await flush();
    bool got = false;
    if (flushed) got = co_await read_more();
    if (!got) {
      state_ = State::logout;
      co_return false;
    }
  }
}

asio::awaitable<void> Session::cmd_authenticate(Command& c) {
  const bool scram = c.mechanism == sasl::kScramSha256;
  if (c.mechanism != "PLAIN" && !scram) {
    no(c.tag, "[CANNOT] Unsupported authentication mechanism");
    co_return;
  }
  if (!plaintext_allowed()) {
    no(c.tag, "[PRIVACYREQUIRED] Use STARTTLS or port 993 first");
    co_return;
  }
  std::string response;
  const bool initial = c.initial_response.has_value();
  if (initial) {
    response = *c.initial_response;
  } else {
    const bool got = co_await sasl_exchange(c.tag, "", response);
    if (!got) co_return;
  }
  const auto decoded = sasl::decode_response(response, initial);
  if (decoded.status == sasl::ClientResponse::Status::cancelled) {
    bad(c.tag, "Authentication cancelled");
    co_return;
  }
  if (scram) {
    if (decoded.status != sasl::ClientResponse::Status::data) {
      bad(c.tag, "Invalid base64 in the authentication response");
      co_return;
    }
    co_await authenticate_scram(c.tag, decoded.data);
    co_return;
  }
  const auto plain = decoded.status == sasl::ClientResponse::Status::data
                         ? sasl::parse_plain(decoded.data)
                         : sasl::PlainResult{};
  if (plain.status != sasl::PlainResult::Status::ok) {
    // RFC 4959 / 9051: a malformed response is a failed authentication.
    no(c.tag, "[AUTHENTICATIONFAILED] Invalid credentials");
    co_return;
  }
  co_await log_in(c.tag, plain.credentials.authcid, plain.credentials.password);
}

// RFC 5802 5: client-first, server-first, client-final, server-final, then the empty answer.
asio::awaitable<void> Session::authenticate_scram(std::string_view tag, std::string client_first) {
  sasl::ScramServer exchange;
  const auto first = exchange.receive_first(client_first);
  if (first.status != sasl::ScramServer::Status::ok) {
    log::info("imap.login",
              {{"sid", id_}, {"ip", ip_}, {"result", "malformed"}, {"reason", first.reason}});
    no(tag, "[AUTHENTICATIONFAILED] Malformed SCRAM message");
    co_return;
  }
  const std::string user = exchange.username();
  if (refused_while_locked_out(tag, user)) co_return;
  net::LoginThrottle& throttle = server_.throttle();
  store::Directory& directory = server_.directory();
  auto find = [&directory, user] { return directory.find_account(user); };
  auto account = co_await blocking(std::move(find));
  if (!account) {
    log::error("imap.login.error", {{"sid", id_}, {"error", account.error().message}});
    no(tag, "[UNAVAILABLE] Temporary failure, try again later");
    co_return;
  }
  std::optional<crypto::ScramKeys> keys;
  if (*account) keys = store::parse_scram_sha256((*account)->scram_sha256);
  const auto nonce = crypto::random_bytes(18);
  if (!nonce) {
    no(tag, "[UNAVAILABLE] Temporary failure, try again later");
    co_return;
  }
  const std::string server_first =
      exchange.server_first(keys ? *keys : sasl::dummy_keys(user), base64::encode(*nonce));
  std::string line;
  bool got = co_await sasl_exchange(tag, server_first, line);
  if (!got) co_return;
  auto decoded = sasl::decode_response(line, false);
  if (decoded.status == sasl::ClientResponse::Status::cancelled) {
    bad(tag, "Authentication cancelled");
    co_return;
  }
  const auto last = exchange.receive_final(decoded.data);
  if (decoded.status != sasl::ClientResponse::Status::data ||
      last.status != sasl::ScramServer::Status::ok || !keys) {
    co_await login_failed(tag, user);
    co_return;
  }
  got = co_await sasl_exchange(tag, last.message, line);
  if (!got) co_return;
  if (!line.empty()) {
    bad(tag, "Expected an empty response after the server signature");
    co_return;
  }
  throttle.succeeded(ip_, user);
  logged_in(tag, std::move(**account), "SCRAM-SHA-256");
}

}  // namespace heron::server::imap
