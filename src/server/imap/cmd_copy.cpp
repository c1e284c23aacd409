// COPY, MOVE and their UID forms (RFC 9051 6.4.7/6.4.8, RFC 6851 MOVE, RFC 4315 COPYUID).
// MOVE reports COPYUID in an untagged OK, then the EXPUNGEs of the moved messages, then the
// tagged OK (RFC 6851 4.3).

#include "base/log.hpp"
#include "proto/imap/sequence_set.hpp"
#include "server/imap/session.hpp"

namespace heron::server::imap {

namespace asio = boost::asio;

asio::awaitable<void> Session::cmd_copy(Command& c) {
  auto msns = resolve_set(c);
  if (!msns) co_return;
  const bool move = c.name == "MOVE";
  if (move && selected_->read_only) {
    no(c.tag, "[READ-ONLY] Mailbox is read-only");
    co_return;
  }
  auto target = co_await find_target(c.tag, c.mailbox, "TRYCREATE");
  if (!target || !selected_) co_return;
  std::vector<uint32_t> uids;
  for (uint32_t m : *msns) {
    if (!selected_->view.is_ghost(m)) uids.push_back(selected_->view.at(m).uid);
  }
  if (uids.empty()) {
    // RFC 9051 6.4.8: nothing matched (UID form): OK without COPYUID.
    ok(c.tag, std::string(move ? "MOVE" : "COPY") + " completed, nothing to do");
    co_return;
  }
  store::MailStore& mail = server_.mail();
  const int64_t from = selected_->mailbox.id;
  // Named, not a temporary: GCC 12 destroys a lambda temporary in a co_await twice.
  auto work = [&mail, from, uids, to = target->id, move] {
    return mail.copy_messages(from, uids, to, move);
  };
  auto copied = co_await blocking(std::move(work));
  if (!copied) {
    log::error("imap.copy.failed", {{"sid", id_}, {"error", copied.error().message}});
    no(c.tag, copied.error().code == ENOENT ? "[TRYCREATE] Mailbox was deleted"
                                            : "[SERVERBUG] Could not copy");
    co_return;
  }
  std::vector<uint32_t> source, dest;
  for (const auto& [s, d] : copied->uids) {
    source.push_back(s);
    dest.push_back(d);
  }
  const std::string code = "[COPYUID " + std::to_string(copied->uidvalidity) + " " +
                           proto::imap::format_numbers(source) + " " +
                           proto::imap::format_numbers(dest) + "]";
  if (!move) {
    if (selected_->mailbox.id == target->id) changed_ = true;
    ok(c.tag, code + " COPY completed");
    co_return;
  }
  untagged("OK " + code + " Moved");
  co_await refresh();  // the store recorded the expunges; dispatch sends them
  changed_ = false;
  write_updates(true);
  ok(c.tag, "MOVE completed");
}

}  // namespace heron::server::imap
