// APPEND (RFC 9051 6.3.12) with MULTIAPPEND (RFC 3502) and UIDPLUS's APPENDUID (RFC 4315).
// Each message is durable before the OK (DESIGN.md, "The durability rule": the store's
// append() returns after the blob fsync and the commit). MULTIAPPEND is all or nothing: if a
// later message fails, the ones already stored are expunged again.

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "base/strings.hpp"
#include "proto/imap/sequence_set.hpp"
#include "server/imap/session.hpp"

namespace heron::server::imap {

namespace asio = boost::asio;

namespace {

struct Appended {
  std::vector<uint32_t> uids;
  std::optional<Error> error;
};

}  // namespace

asio::awaitable<void> Session::cmd_append(Command& c) {
  auto mailbox = co_await find_target(c.tag, c.mailbox, "TRYCREATE");
  if (!mailbox) co_return;
  const uint64_t limit = server_.settings().limits.max_message_size;
  for (const auto& m : c.messages) {
    if (m.body.size() > limit) {
      no(c.tag, "[TOOBIG] Message larger than " + std::to_string(limit) + " octets");
      co_return;
    }
    if (m.body.empty()) {
      no(c.tag, "[CANNOT] Empty message");
      co_return;
    }
  }
  store::MailStore& mail = server_.mail();
  const int64_t id = mailbox->id;
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  // Named, not a temporary: GCC 12 destroys a lambda temporary in a co_await twice.
  auto work = [&mail, id, now, messages = std::move(c.messages)]() mutable {
    Appended out;
    for (auto& m : messages) {
      auto done =
          mail.append(id, std::move(m.body), std::move(m.flags), m.internal_date.value_or(now));
      if (!done) {
        out.error = done.error();
        if (!out.uids.empty()) (void)mail.expunge(id, out.uids, false);
        out.uids.clear();
        return out;
      }
      out.uids.push_back(done->uid);
    }
    return out;
  };
  Appended a = co_await blocking(std::move(work));
  if (a.error) {
    log::error("imap.append.failed", {{"sid", id_}, {"error", a.error->message}});
    metrics::inc("heron_imap_append_failures_total");
    no(c.tag, a.error->code == ENOENT ? "[TRYCREATE] Mailbox was deleted"
                                      : "[SERVERBUG] Could not store the message");
    co_return;
  }
  metrics::inc("heron_imap_appends_total", {}, {}, a.uids.size());
  log::info("imap.append", {{"sid", id_}, {"mailbox", mailbox->name}, {"messages", a.uids.size()}});
  if (selected_ && selected_->mailbox.id == id) changed_ = true;
  ok(c.tag, "[APPENDUID " + std::to_string(mailbox->uidvalidity) + " " +
                proto::imap::format_numbers(a.uids) + "] APPEND completed");
}

}  // namespace heron::server::imap
