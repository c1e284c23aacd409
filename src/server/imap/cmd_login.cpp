// LOGIN (RFC 9051 6.2.3) and the login both it and AUTHENTICATE end in. Passwords are checked
// off the event loop (Argon2id takes tens of milliseconds). Failures count per client IP in
// the throttle shared with POP3 (net/login_throttle.hpp, [auth]): each is answered after a
// growing pause, an address over the limit is refused without a password check, and the third
// failure on one connection ends it.

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "server/imap/session.hpp"

namespace heron::server::imap {

namespace asio = boost::asio;

namespace {
constexpr unsigned kMaxFailures = 3;
}  // namespace

bool Session::plaintext_allowed() const {
  if (stream_.is_tls()) return true;
  return server_.settings().plaintext_on_loopback && stream_.remote().address().is_loopback();
}

asio::awaitable<void> Session::log_in(std::string_view tag, std::string user,
                                      std::string password) {
  if (!plaintext_allowed()) {
    // RFC 9051 6.2.3: no password over an unprotected connection.
    no(tag, "[PRIVACYREQUIRED] Use STARTTLS or port 993 first");
    metrics::inc("heron_imap_logins_total", "result", "privacy_required");
    co_return;
  }
  if (refused_while_locked_out(tag, user)) co_return;
  net::LoginThrottle& throttle = server_.throttle();
  store::Directory& directory = server_.directory();
  // Named, not a temporary: GCC 12 destroys a lambda temporary in a co_await twice.
  auto work = [&directory, user, password] { return directory.authenticate(user, password); };
  auto account = co_await blocking(std::move(work));
  if (!account) {
    log::error("imap.login.error", {{"sid", id_}, {"error", account.error().message}});
    no(tag, "[UNAVAILABLE] Temporary failure, try again later");
    co_return;
  }
  if (!*account) {
    co_await login_failed(tag, user);
    co_return;
  }
  throttle.succeeded(ip_, user);
  logged_in(tag, std::move(**account), "password");
}

asio::awaitable<void> Session::login_failed(std::string_view tag, const std::string& user) {
  ++failed_logins_;
  log::info("imap.login", {{"sid", id_}, {"ip", ip_}, {"user", user}, {"result", "failed"}});
  metrics::inc("heron_imap_logins_total", "result", "failed");
  // The pause before the answer, growing with the address's failures.
  asio::steady_timer pause(stream_.socket().get_executor());
  pause.expires_after(server_.throttle().failed(ip_, user));
  boost::system::error_code ec;
  co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  no(tag, "[AUTHENTICATIONFAILED] Invalid credentials");
  if (failed_logins_ >= kMaxFailures) {
    untagged("BYE Too many failed logins");
    state_ = State::logout;
  }
}

void Session::logged_in(std::string_view tag, store::Account account, std::string_view mechanism) {
  account_ = std::move(account);
  state_ = State::authenticated;
  log::info("imap.login", {{"sid", id_},
                           {"ip", ip_},
                           {"user", account_->address},
                           {"mechanism", mechanism},
                           {"result", "ok"}});
  metrics::inc("heron_imap_logins_total", "result", "ok");
  ok(tag, "[CAPABILITY " + capabilities() + "] Logged in");
}

asio::awaitable<void> Session::cmd_login(Command& c) {
  co_await log_in(c.tag, std::move(c.user), std::move(c.password));
}

bool Session::refused_while_locked_out(std::string_view tag, const std::string& user) {
  const auto verdict = server_.throttle().check(ip_, user);
  if (verdict.allowed) return false;
  log::info("imap.login", {{"sid", id_}, {"ip", ip_}, {"user", user}, {"result", "locked_out"}});
  metrics::inc("heron_imap_logins_total", "result", "locked_out");
  no(tag, "[UNAVAILABLE] Too many failed logins, try again in " +
              std::to_string(verdict.retry_after.count()) + " seconds");
  return true;
}

}  // namespace heron::server::imap
