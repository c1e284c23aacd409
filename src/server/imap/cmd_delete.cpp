// DELETE (RFC 9051 6.3.5): the mailbox and its messages; INBOX cannot be deleted.

#include "base/log.hpp"
#include "server/imap/session.hpp"
#include "server/imap/store_errors.hpp"

namespace heron::server::imap {

boost::asio::awaitable<void> Session::cmd_delete(Command& c) {
  auto name = mailbox_name(c.mailbox);
  if (!name) {
    no(c.tag, "[NONEXISTENT] Invalid mailbox name");
    co_return;
  }
  if (*name == "INBOX") {
    no(c.tag, "[CANNOT] INBOX cannot be deleted");
    co_return;
  }
  store::MailStore& mail = server_.mail();
  const int64_t account = account_->id;
  // Named, not a temporary: GCC 12 destroys a lambda temporary in a co_await twice.
  auto work = [&mail, account, n = *name] { return mail.delete_mailbox(account, n); };
  auto r = co_await blocking(std::move(work));
  if (!r) {
    if (unexpected(r.error())) {
      log::error("imap.delete.failed", {{"sid", id_}, {"error", r.error().message}});
    }
    no(c.tag, no_text(r.error()));
    co_return;
  }
  // Deleting the selected mailbox: the session ends up with no mailbox (Dovecot does this too).
  if (selected_ && selected_->mailbox.name == *name) {
    close_selected();
    untagged("OK [CLOSED] Selected mailbox deleted");
  }
  ok(c.tag, "DELETE completed");
}

}  // namespace heron::server::imap
