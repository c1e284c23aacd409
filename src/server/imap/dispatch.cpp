// Which command may run in which state (RFC 9051 6), the call to its handler, and the
// selected mailbox's updates slipped in before the tagged response (RFC 9051 7: untagged
// responses come before the command's completion).

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "server/imap/session.hpp"

namespace heron::server::imap {

namespace asio = boost::asio;

namespace {

enum class Needs { any, not_authenticated, authenticated, selected };

Needs needs(const std::string& name) {
  static const std::pair<const char*, Needs> kTable[] = {
      {"CAPABILITY", Needs::any},
      {"NOOP", Needs::any},
      {"LOGOUT", Needs::any},
      {"ID", Needs::any},
      {"STARTTLS", Needs::not_authenticated},
      {"AUTHENTICATE", Needs::not_authenticated},
      {"LOGIN", Needs::not_authenticated},
      {"ENABLE", Needs::authenticated},
      {"SELECT", Needs::authenticated},
      {"EXAMINE", Needs::authenticated},
      {"CREATE", Needs::authenticated},
      {"DELETE", Needs::authenticated},
      {"RENAME", Needs::authenticated},
      {"SUBSCRIBE", Needs::authenticated},
      {"UNSUBSCRIBE", Needs::authenticated},
      {"LIST", Needs::authenticated},
      {"LSUB", Needs::authenticated},
      {"NAMESPACE", Needs::authenticated},
      {"STATUS", Needs::authenticated},
      {"APPEND", Needs::authenticated},
      {"IDLE", Needs::authenticated},
      {"CHECK", Needs::selected},
      {"CLOSE", Needs::selected},
      {"UNSELECT", Needs::selected},
      {"EXPUNGE", Needs::selected},
      {"SEARCH", Needs::selected},
      {"FETCH", Needs::selected},
      {"STORE", Needs::selected},
      {"COPY", Needs::selected},
      {"MOVE", Needs::selected},
  };
  for (const auto& [n, need] : kTable) {
    if (name == n) return need;
  }
  return Needs::any;
}

}  // namespace

asio::awaitable<void> Session::execute(Command& c) {
  const Needs need = needs(c.name);
  const bool authenticated = state_ == State::authenticated || state_ == State::selected;
  if (need == Needs::not_authenticated && authenticated) {
    bad(c.tag, c.name + " is not allowed after login");
    co_return;
  }
  if (need == Needs::authenticated && !authenticated) {
    bad(c.tag, c.name + " needs a login first");
    co_return;
  }
  if (need == Needs::selected && state_ != State::selected) {
    bad(c.tag, c.name + " needs a selected mailbox");
    co_return;
  }
  metrics::inc("heron_imap_commands_total", "command", c.name);
  const std::string& n = c.name;
  if (n == "CAPABILITY")
    co_await cmd_capability(c);
  else if (n == "NOOP" || n == "CHECK")
    co_await cmd_noop(c);
  else if (n == "LOGOUT")
    co_await cmd_logout(c);
  else if (n == "ID")
    co_await cmd_id(c);
  else if (n == "STARTTLS")
    co_await cmd_starttls(c);
  else if (n == "AUTHENTICATE")
    co_await cmd_authenticate(c);
  else if (n == "LOGIN")
    co_await cmd_login(c);
  else if (n == "ENABLE")
    co_await cmd_enable(c);
  else if (n == "SELECT" || n == "EXAMINE")
    co_await cmd_select(c);
  else if (n == "CREATE")
    co_await cmd_create(c);
  else if (n == "DELETE")
    co_await cmd_delete(c);
  else if (n == "RENAME")
    co_await cmd_rename(c);
  else if (n == "SUBSCRIBE" || n == "UNSUBSCRIBE")
    co_await cmd_subscribe(c);
  else if (n == "LIST" || n == "LSUB")
    co_await cmd_list(c);
  else if (n == "NAMESPACE")
    co_await cmd_namespace(c);
  else if (n == "STATUS")
    co_await cmd_status(c);
  else if (n == "APPEND")
    co_await cmd_append(c);
  else if (n == "CLOSE" || n == "UNSELECT")
    co_await cmd_close(c);
  else if (n == "EXPUNGE")
    co_await cmd_expunge(c);
  else if (n == "SEARCH")
    co_await cmd_search(c);
  else if (n == "FETCH")
    co_await cmd_fetch(c);
  else if (n == "STORE")
    co_await cmd_store(c);
  else if (n == "COPY" || n == "MOVE")
    co_await cmd_copy(c);
  else if (n == "IDLE")
    co_await cmd_idle(c);

  // Updates of the selected mailbox, before the tagged line the handler wrote last. Not
  // during FETCH, STORE or SEARCH by message number (RFC 9051 7.5.1), nor after SELECT
  // (which reported the mailbox itself) or IDLE (which reported as it went).
  if (!selected_ || n == "SELECT" || n == "EXAMINE" || n == "IDLE") co_return;
  if (changed_ || n == "NOOP" || n == "CHECK") co_await refresh();
  if (!selected_) co_return;
  const bool expunge_allowed = c.uid || (n != "FETCH" && n != "STORE" && n != "SEARCH");
  // The handler's last line is its tagged response (FETCH may have flushed what came before).
  if (out_.size() < 2) co_return;
  const size_t last = out_.size() >= 3 ? out_.rfind("\r\n", out_.size() - 3) : std::string::npos;
  const size_t tagged_at = last == std::string::npos ? 0 : last + 2;
  std::string tagged_line = out_.substr(tagged_at);
  out_.resize(tagged_at);
  write_updates(expunge_allowed);
  out_ += tagged_line;
}

}  // namespace heron::server::imap
