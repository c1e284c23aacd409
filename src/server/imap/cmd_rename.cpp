// RENAME (RFC 9051 6.3.6): with its children; renaming INBOX moves its messages.

#include "base/log.hpp"
#include "server/imap/session.hpp"
#include "server/imap/store_errors.hpp"

namespace heron::server::imap {

boost::asio::awaitable<void> Session::cmd_rename(Command& c) {
  auto from = mailbox_name(c.mailbox);
  auto to = mailbox_name(c.new_name);
  if (!from || !to) {
    no(c.tag, "[CANNOT] Invalid mailbox name");
    co_return;
  }
  store::MailStore& mail = server_.mail();
  const int64_t account = account_->id;
  // Named, not a temporary: GCC 12 destroys a lambda temporary in a co_await twice.
  auto work = [&mail, account, f = *from, t = *to] { return mail.rename_mailbox(account, f, t); };
  auto r = co_await blocking(std::move(work));
  if (!r) {
    if (unexpected(r.error())) {
      log::error("imap.rename.failed", {{"sid", id_}, {"error", r.error().message}});
    }
    no(c.tag, no_text(r.error()));
    co_return;
  }
  if (selected_ && selected_->mailbox.name == *from && *from != "INBOX") {
    selected_->mailbox.name = *to;
  }
  ok(c.tag, "RENAME completed");
}

}  // namespace heron::server::imap
