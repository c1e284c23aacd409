// The AUTH command and its exchange (RFC 4954), with the PLAIN (RFC 4616) and LOGIN
// (draft-murchison-sasl-login) mechanisms; SCRAM-SHA-256 responses go to the driver.
#include "base/base64.hpp"
#include "base/metrics.hpp"
#include "base/strings.hpp"
#include "proto/sasl/plain.hpp"
#include "proto/smtp/server_machine.hpp"

namespace heron::smtp {
namespace {

// LOGIN's prompts, "Username:" and "Password:" in base64, as every client expects them.
constexpr std::string_view kLoginUser = "VXNlcm5hbWU6";
constexpr std::string_view kLoginPassword = "UGFzc3dvcmQ6";

void wipe(std::string& secret) {
  for (char& c : secret) c = '\0';
  secret.clear();
}

}  // namespace

// RFC 4954 4: AUTH needs EHLO, is refused once authenticated and inside a transaction.
// Before TLS the MSA answers 530 5.7.0 (RFC 3207 4, RFC 6409 4.3): no password in the clear.
std::optional<Reply> ServerMachine::check_auth() const {
  if (!policy_.auth) return Reply{502, "5.5.1", "AUTH not available"};
  if (!helo_ || !env_.esmtp) return Reply{503, "5.5.1", "Send EHLO first"};
  if (!policy_.tls_active && !policy_.auth_plaintext) {
    metrics::inc("heron_smtp_rejects_total", "reason", "auth_without_tls");
    return Reply{530, "5.7.0", "Must issue a STARTTLS command first"};
  }
  if (!auth_user_.empty()) return Reply{503, "5.5.1", "Already authenticated"};
  if (in_mail_) return Reply{503, "5.5.1", "AUTH not permitted during a mail transaction"};
  return std::nullopt;
}

// RFC 4954 4: AUTH mechanism [initial-response].
ServerMachine::Step ServerMachine::on_auth(Command& cmd) {
  const std::string_view arg = cmd.arg;
  const size_t sp = arg.find(' ');
  const std::string_view mechanism = arg.substr(0, sp);
  const bool initial = sp != std::string_view::npos;
  const std::string_view response = initial ? str::trim(arg.substr(sp + 1)) : std::string_view();
  if (mechanism.empty()) return reject(Reply{501, "5.5.4", "Syntax: AUTH mechanism"});

  auth_request_ = AuthRequest{};
  if (str::iequals(mechanism, "PLAIN")) {
    sasl_ = Sasl::plain;
    auth_request_.mechanism = "PLAIN";
  } else if (str::iequals(mechanism, "LOGIN")) {
    sasl_ = Sasl::login_user;
    auth_request_.mechanism = "LOGIN";
  } else if (str::iequals(mechanism, "SCRAM-SHA-256")) {
    sasl_ = Sasl::scram;
    auth_request_.mechanism = "SCRAM-SHA-256";
  } else {
    return reject(Reply{504, "5.5.4", "Unrecognized authentication type"});
  }
  if (initial) return sasl_response(response, true);
  out_ += "334 ";
  if (sasl_ == Sasl::login_user) out_ += kLoginUser;
  out_ += "\r\n";
  phase_ = Phase::sasl;
  return std::nullopt;
}

ServerMachine::Step ServerMachine::on_sasl_line(std::string_view line) {
  return sasl_response(line, false);
}

ServerMachine::Step ServerMachine::sasl_response(std::string_view line, bool initial) {
  phase_ = Phase::command;
  sasl::ClientResponse decoded = sasl::decode_response(line, initial);
  if (decoded.status == sasl::ClientResponse::Status::cancelled) {
    // RFC 4954 4: "*" cancels; the server answers 501.
    return sasl_fail(Reply{501, "5.7.0", "Authentication cancelled"});
  }
  if (decoded.status == sasl::ClientResponse::Status::invalid) {
    return sasl_fail(Reply{501, "5.5.2", "Cannot decode the response (base64)"});
  }
  if (sasl_ == Sasl::plain) {
    sasl::PlainResult plain = sasl::parse_plain(decoded.data);
    wipe(decoded.data);
    if (plain.status == sasl::PlainResult::Status::authzid_refused) {
      metrics::inc("heron_smtp_rejects_total", "reason", "authzid");
      return sasl_fail(Reply{535, "5.7.8", "Authorization identity must be the login name"});
    }
    if (plain.status != sasl::PlainResult::Status::ok) {
      return sasl_fail(Reply{501, "5.5.2", "Malformed PLAIN response"});
    }
    auth_request_.authcid = std::move(plain.credentials.authcid);
    auth_request_.password = std::move(plain.credentials.password);
    wipe(plain.credentials.password);
    wait_ = Wait::auth;
    return Event::authenticate;
  }
  if (sasl_ == Sasl::login_user) {
    if (decoded.data.empty() || decoded.data.size() > sasl::kMaxPlainField) {
      return sasl_fail(Reply{501, "5.5.2", "Malformed LOGIN user name"});
    }
    auth_request_.authcid = std::move(decoded.data);
    sasl_ = Sasl::login_password;
    out_ += "334 ";
    out_ += kLoginPassword;
    out_ += "\r\n";
    phase_ = Phase::sasl;
    return std::nullopt;
  }
  if (sasl_ == Sasl::login_password) {
    if (decoded.data.size() > sasl::kMaxPlainField) {
      wipe(decoded.data);
      return sasl_fail(Reply{501, "5.5.2", "Malformed LOGIN password"});
    }
    auth_request_.password = std::move(decoded.data);
    wait_ = Wait::auth;
    return Event::authenticate;
  }
  if (sasl_ == Sasl::scram) {
    auth_request_.response = std::move(decoded.data);
    wait_ = Wait::auth;
    return Event::authenticate;
  }
  return sasl_fail(Reply{503, "5.5.1", "No authentication exchange in progress"});
}

ServerMachine::Step ServerMachine::sasl_fail(const Reply& r) {
  sasl_ = Sasl::none;
  phase_ = Phase::command;
  wipe(auth_request_.password);
  auth_request_ = AuthRequest{};
  return reject(r);
}

void ServerMachine::auth_challenge(std::string_view data) {
  if (wait_ != Wait::auth || sasl_ != Sasl::scram) return;
  wait_ = Wait::none;
  ++auth_request_.round;
  auth_request_.response.clear();
  out_ += "334 ";
  out_ += base64::encode(data);
  out_ += "\r\n";
  phase_ = Phase::sasl;
}

void ServerMachine::answer_auth(std::optional<std::string> user, const Reply& r) {
  if (wait_ != Wait::auth) return;
  wait_ = Wait::none;
  sasl_ = Sasl::none;
  phase_ = Phase::command;
  wipe(auth_request_.password);
  auth_request_ = AuthRequest{};
  if (user) {
    auth_user_ = std::move(*user);
    reply(r);
    return;
  }
  // A failed login counts as a bad command: a client cannot guess forever on one connection
  // (the shared throttle limits it across connections).
  reject(r);
}

}  // namespace heron::smtp
