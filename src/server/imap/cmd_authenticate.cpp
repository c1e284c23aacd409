// AUTHENTICATE PLAIN (RFC 9051 6.2.2, RFC 4616), with SASL-IR (RFC 4959): the response comes
// with the command, or after an empty "+ " continuation. "*" cancels.

#include "proto/sasl/plain.hpp"
#include "server/imap/session.hpp"

namespace heron::server::imap {

namespace asio = boost::asio;

asio::awaitable<void> Session::cmd_authenticate(Command& c) {
  if (c.mechanism != "PLAIN") {
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
    raw("+ \r\n");
    while (true) {
      auto item = reader_.next_line();
      if (item.kind == proto::imap::Reader::Item::line) {
        response = std::move(item.text);
        break;
      }
      if (item.kind == proto::imap::Reader::Item::error) {
        bad(c.tag, "Authentication response too long");
        co_return;
      }
      // co_await outside conditions: GCC 12 miscompiles it inside one.
      const bool flushed = co_await flush();
      bool got = false;
      if (flushed) got = co_await read_more();
      if (!got) {
        state_ = State::logout;
        co_return;
      }
    }
  }
  const auto decoded = sasl::decode_response(response, initial);
  if (decoded.status == sasl::ClientResponse::Status::cancelled) {
    bad(c.tag, "Authentication cancelled");
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

}  // namespace heron::server::imap
