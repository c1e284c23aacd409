// EXPUNGE (RFC 9051 6.4.3) and UID EXPUNGE (RFC 4315 2.1): removes the messages flagged
// \Deleted (of the set, for UID EXPUNGE), durably, then reports each removal.

#include <algorithm>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "server/imap/session.hpp"

namespace heron::server::imap {

namespace asio = boost::asio;

asio::awaitable<void> Session::cmd_expunge(Command& c) {
  if (selected_->read_only) {
    no(c.tag, "[READ-ONLY] Mailbox is read-only");
    co_return;
  }
  std::vector<uint32_t> uids;
  if (c.uid) {
    auto msns = resolve_set(c);
    if (!msns) co_return;
    for (uint32_t m : *msns) uids.push_back(selected_->view.at(m).uid);
  } else {
    for (uint32_t m = 1; m <= selected_->view.size(); ++m)
      uids.push_back(selected_->view.at(m).uid);
  }
  store::MailStore& mail = server_.mail();
  const int64_t id = selected_->mailbox.id;
  // Named, not a temporary: GCC 12 destroys a lambda temporary in a co_await twice.
  auto work = [&mail, id, uids] { return mail.expunge(id, uids, true); };
  auto removed = co_await blocking(std::move(work));
  if (!removed) {
    log::error("imap.expunge.failed", {{"sid", id_}, {"error", removed.error().message}});
    no(c.tag, "[SERVERBUG] Could not expunge");
    co_return;
  }
  co_await refresh();
  if (!selected_) co_return;
  changed_ = false;
  write_updates(true);
  ok(c.tag, "EXPUNGE completed");
}

}  // namespace heron::server::imap
