// SMTP AUTH (RFC 4954) against the Directory, and the submission sender rule.
//
// Passwords are checked off the event loop (net::BlockingPool: Argon2id takes ~40 ms), and
// every failure goes through the LoginThrottle that IMAP and POP3 share: a delay before the
// 535, then a lockout of the IP (454 4.7.0 without looking at the password). Each attempt is
// logged as smtp.auth with the IP, the account name as given, the mechanism and the result.
// SCRAM-SHA-256 (RFC 5802, RFC 7677) runs the sans-I/O sasl::ScramServer with the keys the
// store keeps beside the hash; an unknown user gets made-up keys and fails at the proof.
#include <algorithm>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/base64.hpp"
#include "base/crypto.hpp"
#include "base/log.hpp"
#include "base/metrics.hpp"
#include "base/strings.hpp"
#include "net/blocking.hpp"
#include "server/smtp/session.hpp"
#include "store/password.hpp"

namespace heron::server::smtp {

namespace asio = boost::asio;
using heron::smtp::Reply;

namespace {

const Reply kInvalid{535, "5.7.8", "Authentication credentials invalid"};
const Reply kSuccess{235, "2.7.0", "Authentication successful"};
const Reply kUnavailable{454, "4.7.0", "Temporary authentication failure, try again later"};

Reply locked_out(std::chrono::seconds retry_after) {
  return Reply{
      454, "4.7.0",
      "Too many failed logins, try again in " + std::to_string(retry_after.count()) + " seconds"};
}

}  // namespace

asio::awaitable<void> Session::pause(std::chrono::seconds delay) {
  if (delay.count() <= 0) co_return;
  asio::steady_timer t(stream_.socket().get_executor(), delay);
  boost::system::error_code ec;
  co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

void Session::auth_refused(const std::string& user, const char* mechanism, const char* result,
                           const Reply& reply) {
  log::info(
      "smtp.auth",
      {{"sid", id_}, {"ip", ip_}, {"user", user}, {"mechanism", mechanism}, {"result", result}});
  metrics::inc("heron_smtp_auth_total", "result", result);
  scram_.reset();
  machine_.answer_auth(std::nullopt, reply);
}

// account_ is set: the throttle forgets the failures, and the client hears 235 2.7.0.
void Session::auth_accepted(const std::string& user, const char* mechanism) {
  server_.shared().throttle.succeeded(ip_, user);
  scram_.reset();
  sender_cache_.clear();
  log::info("smtp.auth", {{"sid", id_},
                          {"ip", ip_},
                          {"user", account_->address},
                          {"mechanism", mechanism},
                          {"result", "ok"}});
  metrics::inc("heron_smtp_auth_total", "result", "ok");
  machine_.answer_auth(account_->address, kSuccess);
}

// A wrong password: the throttle's delay first, then 535 5.7.8 (RFC 4954 6).
asio::awaitable<void> Session::auth_failed(const std::string& user, const char* mechanism) {
  const auto delay = server_.shared().throttle.failed(ip_, user);
  co_await pause(delay);
  auth_refused(user, mechanism, "failed", kInvalid);
}

asio::awaitable<void> Session::authenticate() {
  const heron::smtp::AuthRequest& request = machine_.auth_request();
  if (request.mechanism == "SCRAM-SHA-256") {
    co_await scram_step();
    co_return;
  }
  const std::string user = request.authcid;
  const char* mechanism = request.mechanism == "PLAIN" ? "PLAIN" : "LOGIN";
  Shared& shared = server_.shared();
  // Locked out: refused without looking at the password, so guessing gains nothing.
  const auto verdict = shared.throttle.check(ip_, user);
  if (!verdict.allowed) {
    auth_refused(user, mechanism, "locked_out", locked_out(verdict.retry_after));
    co_return;
  }
  store::Directory& directory = shared.directory;
  // Named, not a temporary inside co_await (GCC 12, see net/blocking.hpp).
  auto check = [&directory, user, password = request.password] {
    return directory.authenticate(user, password);
  };
  auto account = co_await net::offload(shared.blocking, std::move(check));
  if (!account) {
    log::error("smtp.auth.lookup_failed", {{"sid", id_}, {"error", account.error().message}});
    auth_refused(user, mechanism, "error", kUnavailable);
    co_return;
  }
  if (!*account) {
    co_await auth_failed(user, mechanism);
    co_return;
  }
  account_ = std::move(**account);
  auth_accepted(user, mechanism);
}

// Round 0: client-first -> server-first. Round 1: client-final -> server-final (or 535).
// Round 2: the client's empty answer to server-final -> 235 (RFC 4954 4: no additional data
// with the success reply).
asio::awaitable<void> Session::scram_step() {
  const heron::smtp::AuthRequest& request = machine_.auth_request();
  const char* mechanism = "SCRAM-SHA-256";
  Shared& shared = server_.shared();
  if (request.round == 0) {
    scram_.emplace();
    scram_real_ = scram_verified_ = false;
    const auto first = scram_->receive_first(request.response);
    if (first.status != sasl::ScramServer::Status::ok) {
      log::info("smtp.auth.malformed", {{"sid", id_}, {"ip", ip_}, {"reason", first.reason}});
      auth_refused("", mechanism, "malformed", Reply{501, "5.5.2", "Malformed SCRAM message"});
      co_return;
    }
    const std::string user = scram_->username();
    const auto verdict = shared.throttle.check(ip_, user);
    if (!verdict.allowed) {
      auth_refused(user, mechanism, "locked_out", locked_out(verdict.retry_after));
      co_return;
    }
    store::Directory& directory = shared.directory;
    auto find = [&directory, user] { return directory.find_account(user); };
    auto account = co_await net::offload(shared.blocking, std::move(find));
    if (!account) {
      log::error("smtp.auth.lookup_failed", {{"sid", id_}, {"error", account.error().message}});
      auth_refused(user, mechanism, "error", kUnavailable);
      co_return;
    }
    std::optional<crypto::ScramKeys> keys;
    if (*account) keys = store::parse_scram_sha256((*account)->scram_sha256);
    scram_real_ = keys.has_value();
    if (scram_real_) account_ = std::move(**account);
    const auto nonce = crypto::random_bytes(18);
    if (!nonce) {
      auth_refused(user, mechanism, "error", kUnavailable);
      co_return;
    }
    machine_.auth_challenge(
        scram_->server_first(keys ? *keys : sasl::dummy_keys(user), base64::encode(*nonce)));
    co_return;
  }
  if (!scram_) {
    auth_refused("", mechanism, "malformed", Reply{501, "5.5.2", "Malformed SCRAM message"});
    co_return;
  }
  const std::string user = scram_->username();
  if (request.round == 1) {
    const auto last = scram_->receive_final(request.response);
    if (last.status == sasl::ScramServer::Status::ok && scram_real_) {
      scram_verified_ = true;
      machine_.auth_challenge(last.message);
      co_return;
    }
    account_.reset();
    if (last.status == sasl::ScramServer::Status::malformed ||
        last.status == sasl::ScramServer::Status::refused) {
      log::info("smtp.auth.malformed", {{"sid", id_}, {"ip", ip_}, {"reason", last.reason}});
    }
    co_await auth_failed(user, mechanism);
    co_return;
  }
  // Round 2: anything but an empty response is a protocol error (RFC 5802 5: the exchange
  // is over once the client has server-final).
  if (!scram_verified_ || !request.response.empty() || !account_) {
    account_.reset();
    auth_refused(user, mechanism, "malformed", Reply{501, "5.5.2", "Unexpected SCRAM response"});
    co_return;
  }
  auth_accepted(user, mechanism);
}

// The sender rule of submission: an address the account may use is its own, or one that
// resolves to it (an alias, plus-addressing, a catch-all of its domain). Lookups are cached
// for the session. The account's sender_check switch turns the rule off.
asio::awaitable<bool> Session::sender_allowed(const std::string& address) {
  if (!account_) co_return false;
  if (!account_->sender_check) co_return true;
  const std::string key = str::to_lower(address);
  if (key == account_->address) co_return true;
  if (auto it = sender_cache_.find(key); it != sender_cache_.end()) co_return it->second;
  store::Directory& directory = server_.shared().directory;
  auto look = [&directory, key] { return directory.resolve(key); };
  auto resolved = co_await net::offload(server_.shared().blocking, std::move(look));
  if (!resolved) {
    log::error("smtp.sender.lookup_failed", {{"sid", id_}, {"error", resolved.error().message}});
    co_return false;  // not cached: a later attempt may succeed
  }
  const int64_t id = account_->id;
  const bool ok = resolved->status == store::Resolution::Status::local &&
                  std::any_of(resolved->accounts.begin(), resolved->accounts.end(),
                              [id](const store::Account& a) { return a.id == id; });
  sender_cache_[key] = ok;
  co_return ok;
}

// MAIL FROM after AUTH: the null reverse-path is allowed (it claims no one), any other must
// pass sender_allowed(), else 553 5.7.1 (RFC 6409 6.1).
asio::awaitable<void> Session::check_sender() {
  const std::string from = machine_.envelope().mail_from.address();
  bool ok = from.empty();
  if (!ok) ok = co_await sender_allowed(from);
  if (ok) {
    machine_.answer_sender(true, Reply{250, "2.1.0", "Ok"});
    co_return;
  }
  log::info("smtp.sender.refused", {{"sid", id_},
                                    {"ip", ip_},
                                    {"user", account_ ? account_->address : std::string()},
                                    {"from", from}});
  machine_.answer_sender(false, Reply{553, "5.7.1",
                                      "Sender address <" + from + "> not owned by user " +
                                          (account_ ? account_->address : std::string())});
}

}  // namespace heron::server::smtp
