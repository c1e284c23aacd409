// STATUS (RFC 9051 6.3.11). Asking for the selected mailbox is allowed and answered from the
// store, like any other.

#include "base/log.hpp"
#include "server/imap/session.hpp"
#include "server/imap/status.hpp"

namespace heron::server::imap {

boost::asio::awaitable<void> Session::cmd_status(Command& c) {
  auto mailbox = co_await find_target(c.tag, c.mailbox, "NONEXISTENT");
  if (!mailbox) co_return;
  std::vector<store::Message> messages;
  if (status_needs_messages(c.status_items)) {
    store::MailStore& mail = server_.mail();
    // Named, not a temporary: GCC 12 destroys a lambda temporary in a co_await twice.
    auto work = [&mail, id = mailbox->id] { return mail.list_messages(id); };
    auto listed = co_await blocking(std::move(work));
    if (!listed) {
      log::error("imap.status.failed", {{"sid", id_}, {"error", listed.error().message}});
      no(c.tag, "[SERVERBUG] Store error");
      co_return;
    }
    messages = std::move(*listed);
  }
  untagged("STATUS " + encode_mailbox(mailbox->name) + " " +
           status_data(*mailbox, messages, c.status_items));
  ok(c.tag, "STATUS completed");
}

}  // namespace heron::server::imap
