// The command table and the AUTHORIZATION-state commands: USER, PASS (RFC 1939 7), AUTH
// (RFC 5034), CAPA (RFC 2449 5), STLS (RFC 2595 4), UTF8 (RFC 6856 3.1), and QUIT (RFC 1939 6).
#include "base/metrics.hpp"
#include "base/strings.hpp"
#include "proto/pop3/machine.hpp"
#include "proto/sasl/plain.hpp"

namespace heron::pop3 {
namespace {

constexpr std::string_view kPlaintextRefused =
    "[AUTH] Plaintext authentication is not allowed without TLS: use STLS";

}  // namespace

// Plain statements, not a switch: the handlers live in two files and state rules differ.
Machine::Step Machine::dispatch(std::string_view line) {
  ParsedCommand parsed = parse_command(line);
  if (!parsed.command) return reject(parsed.error);
  Command& cmd = *parsed.command;
  const Verb v = cmd.verb;

  // Valid in both states.
  if (v == Verb::capa) return on_capa();
  if (v == Verb::noop && state_ == State::transaction) {
    ok("");
    return std::nullopt;
  }
  if (v == Verb::quit) return on_quit();

  if (state_ == State::authorization) {
    if (v == Verb::user) return on_user(cmd);
    if (v == Verb::pass) return on_pass(cmd);
    if (v == Verb::auth) return on_auth(cmd);
    if (v == Verb::stls) return on_stls();
    if (v == Verb::utf8) return on_utf8();
    if (v == Verb::apop) return reject("APOP is not supported");
    return reject("Command not valid before login");
  }
  // TRANSACTION
  if (v == Verb::stat) return on_stat();
  if (v == Verb::list) return on_list(cmd, false);
  if (v == Verb::uidl) return on_list(cmd, true);
  if (v == Verb::retr) return on_retr(cmd, false);
  if (v == Verb::top) return on_retr(cmd, true);
  if (v == Verb::dele) return on_dele(cmd);
  if (v == Verb::rset) return on_rset();
  return reject("Command not valid after login");
}

void Machine::append_capabilities() {
  // RFC 2449 6. The login methods are listed only where they may be used (RFC 2595 4:
  // a client must not send a password it was not invited to send in the clear).
  out_ += "TOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n";
  if (state_ == State::authorization) {
    if (login_allowed()) out_ += "USER\r\nSASL PLAIN\r\n";
    if (policy_.stls) out_ += "STLS\r\n";
    out_ += "UTF8 USER\r\n";
  }
  out_ += "IMPLEMENTATION ";
  out_ += policy_.implementation;
  out_ += "\r\n.\r\n";
}

Machine::Step Machine::on_capa() {
  ok("Capability list follows");
  append_capabilities();
  return std::nullopt;
}

Machine::Step Machine::on_user(Command& cmd) {
  if (!login_allowed()) {
    metrics::inc("heron_pop3_rejects_total", "reason", "plaintext");
    return reject(kPlaintextRefused);
  }
  if (cmd.args.size() != 1) return reject("USER needs one argument: the user name");
  user_ = std::move(cmd.args.front());
  ok("Send PASS");
  return std::nullopt;
}

Machine::Step Machine::on_pass(Command& cmd) {
  if (!login_allowed()) {
    metrics::inc("heron_pop3_rejects_total", "reason", "plaintext");
    return reject(kPlaintextRefused);
  }
  if (user_.empty()) return reject("Send USER first");
  if (cmd.args.empty()) return reject("PASS needs the password");
  credentials_ = {"USER", std::move(user_), std::move(cmd.args.front())};
  user_.clear();  // RFC 1939 7: after a failed PASS the client starts again with USER
  wait_ = Wait::authenticate;
  return Event::authenticate;
}

Machine::Step Machine::on_auth(Command& cmd) {
  if (cmd.args.empty()) {
    // Not in RFC 5034, but Outlook and Dovecot use it: "AUTH" lists the mechanisms.
    ok("");
    if (login_allowed()) out_ += "PLAIN\r\n";
    out_ += ".\r\n";
    return std::nullopt;
  }
  if (!login_allowed()) {
    metrics::inc("heron_pop3_rejects_total", "reason", "plaintext");
    return reject(kPlaintextRefused);
  }
  if (!str::iequals(cmd.args.front(), "PLAIN"))
    return reject("Unsupported authentication mechanism");
  user_.clear();
  if (cmd.args.size() == 2) return on_plain_response(cmd.args[1], true);
  out_ += "+ \r\n";  // RFC 5034 4: an empty challenge
  sasl_pending_ = true;
  return std::nullopt;
}

Machine::Step Machine::sasl_continuation(std::string_view line) {
  sasl_pending_ = false;
  return on_plain_response(line, false);
}

Machine::Step Machine::on_plain_response(std::string_view line, bool initial) {
  const sasl::ClientResponse response = sasl::decode_response(line, initial);
  if (response.status == sasl::ClientResponse::Status::cancelled) {
    err("Authentication cancelled");  // RFC 5034 4: the client's "*"
    return std::nullopt;
  }
  if (response.status == sasl::ClientResponse::Status::invalid) {
    return reject("Invalid base64 in the authentication response");
  }
  sasl::PlainResult plain = sasl::parse_plain(response.data);
  if (plain.status == sasl::PlainResult::Status::authzid_refused) {
    metrics::inc("heron_pop3_rejects_total", "reason", "authzid");
    return reject("[AUTH] Authorization identity must be empty or the login name");
  }
  if (plain.status != sasl::PlainResult::Status::ok) {
    return reject("Malformed PLAIN response");
  }
  credentials_ = {"PLAIN", std::move(plain.credentials.authcid),
                  std::move(plain.credentials.password)};
  wait_ = Wait::authenticate;
  return Event::authenticate;
}

Machine::Step Machine::on_stls() {
  if (policy_.tls_active) return reject("Already in TLS");
  if (!policy_.stls) return reject("STLS is not available");
  ok("Begin TLS negotiation");
  wait_ = Wait::tls;
  return Event::start_tls;
}

Machine::Step Machine::on_utf8() {
  // RFC 6856 3.1: enables UTF-8 mode; Heron sends messages as stored in either mode.
  utf8_ = true;
  ok("UTF8 enabled");
  return std::nullopt;
}

Machine::Step Machine::on_quit() {
  if (state_ == State::transaction) {
    // RFC 1939 6: QUIT in TRANSACTION enters UPDATE; the driver removes the marked
    // messages and only then is +OK sent.
    state_ = State::update;
    wait_ = Wait::update;
    return Event::update;
  }
  ok("Bye");
  return close();
}

}  // namespace heron::pop3
