// SUBSCRIBE and UNSUBSCRIBE (RFC 9051 6.3.7/6.3.8): names, which need not exist.

#include "base/log.hpp"
#include "server/imap/session.hpp"
#include "server/imap/store_errors.hpp"

namespace heron::server::imap {

boost::asio::awaitable<void> Session::cmd_subscribe(Command& c) {
  auto name = mailbox_name(c.mailbox);
  if (!name) {
    no(c.tag, "[CANNOT] Invalid mailbox name");
    co_return;
  }
  store::MailStore& mail = server_.mail();
  const int64_t account = account_->id;
  const bool on = c.name == "SUBSCRIBE";
  // Named, not a temporary: GCC 12 destroys a lambda temporary in a co_await twice.
  auto work = [&mail, account, n = *name, on] { return mail.set_subscribed(account, n, on); };
  auto r = co_await blocking(std::move(work));
  if (!r) {
    if (unexpected(r.error())) {
      log::error("imap.subscribe.failed", {{"sid", id_}, {"error", r.error().message}});
    }
    no(c.tag, no_text(r.error()));
    co_return;
  }
  ok(c.tag, c.name + " completed");
}

}  // namespace heron::server::imap
