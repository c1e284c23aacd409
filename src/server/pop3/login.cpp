// The authenticate event: throttle check, password check off the event loop, the maildrop
// lock, and the login snapshot of the INBOX (RFC 1939 4 and 5).
#include "base/log.hpp"
#include "base/metrics.hpp"
#include "net/blocking.hpp"
#include "server/pop3/session.hpp"

namespace heron::server::pop3 {

namespace asio = boost::asio;

asio::awaitable<void> Session::login() {
  Shared& shared = server_.shared();
  const heron::pop3::Credentials creds = machine_.credentials();
  auto refuse = [&](const char* result, std::string_view code, std::string_view text) {
    log::info("pop3.login", {{"sid", id_},
                             {"ip", ip_},
                             {"user", creds.user},
                             {"mechanism", creds.mechanism},
                             {"result", result}});
    metrics::inc("heron_pop3_logins_total", "result", result);
    machine_.login_refused(code, text);
  };

  // Locked out: refused without looking at the password, so guessing gains nothing.
  const auto verdict = shared.throttle.check(ip_, creds.user);
  if (!verdict.allowed) {
    refuse("locked_out", "SYS/TEMP",
           "Too many failed logins, try again in " + std::to_string(verdict.retry_after.count()) +
               " seconds");
    co_return;
  }

  store::Directory& directory = shared.directory;
  // Work lambdas are named locals, never temporaries inside a co_await expression: GCC 12
  // destroys such temporaries twice (found here as a double free).
  auto check = [&directory, user = creds.user, password = creds.password] {
    return directory.authenticate(user, password);
  };
  auto account = co_await net::offload(shared.blocking, std::move(check));
  if (!account) {
    log::error("pop3.login.lookup_failed", {{"sid", id_}, {"error", account.error().message}});
    refuse("error", "SYS/TEMP", "Authentication is unavailable, try again later");
    co_return;
  }
  if (!*account) {
    // RFC 1939 13 and Dovecot's auth penalty: a delay before the -ERR slows guessing.
    co_await pause(shared.throttle.failed(ip_, creds.user));
    refuse("failed", "AUTH", "Authentication failed");
    co_return;
  }
  shared.throttle.succeeded(ip_, creds.user);
  const store::Account& acct = **account;

  MaildropLease lease = shared.locks.try_lock(acct.id);
  if (!lease) {
    refuse("in_use", "IN-USE", "Maildrop is in use by another POP3 session");
    co_return;
  }

  store::MailStore& mail = shared.mail;
  struct Snapshot {
    store::Mailbox inbox;
    std::vector<store::Message> messages;
  };
  auto list = [&mail, id = acct.id]() -> Result<Snapshot> {
    auto inbox = mail.find_mailbox(id, "INBOX");
    if (!inbox) return inbox.error();
    if (!*inbox) return make_error("the account has no INBOX");
    auto messages = mail.list_messages((*inbox)->id);
    if (!messages) return messages.error();
    return Snapshot{**inbox, std::move(*messages)};
  };
  auto snapshot = co_await net::offload(shared.blocking, std::move(list));
  if (!snapshot) {
    log::error("pop3.login.maildrop_failed", {{"sid", id_}, {"error", snapshot.error().message}});
    refuse("error", "SYS/TEMP", "Cannot open the maildrop, try again later");
    co_return;
  }

  lease_ = std::move(lease);
  user_ = acct.address;
  mailbox_id_ = snapshot->inbox.id;
  messages_ = std::move(snapshot->messages);
  std::vector<heron::pop3::MaildropEntry> maildrop;
  maildrop.reserve(messages_.size());
  for (const auto& m : messages_) {
    maildrop.push_back({m.uid, m.size, uidl_of(snapshot->inbox.uidvalidity, m.uid)});
  }
  log::info("pop3.login", {{"sid", id_},
                           {"ip", ip_},
                           {"user", user_},
                           {"mechanism", creds.mechanism},
                           {"tls", stream_.is_tls()},
                           {"messages", maildrop.size()},
                           {"result", "ok"}});
  metrics::inc("heron_pop3_logins_total", "result", "ok");
  machine_.login_accepted(std::move(maildrop));
}

}  // namespace heron::server::pop3
