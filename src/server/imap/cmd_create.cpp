// CREATE (RFC 9051 6.3.4), with RFC 6154 CREATE-SPECIAL-USE and the per-account limit.

#include "base/log.hpp"
#include "server/imap/session.hpp"
#include "server/imap/store_errors.hpp"

namespace heron::server::imap {

boost::asio::awaitable<void> Session::cmd_create(Command& c) {
  auto name = mailbox_name(c.mailbox);
  // RFC 9051 6.3.4: a trailing delimiter only says the client means a parent; drop it.
  if (name && name->size() > 1 && name->back() == '/') name->pop_back();
  if (!name) {
    no(c.tag, "[CANNOT] Invalid mailbox name");
    co_return;
  }
  store::MailStore& mail = server_.mail();
  const int64_t account = account_->id;
  const uint32_t limit = server_.settings().imap.max_mailboxes;
  struct Outcome {
    Result<store::Mailbox> made = make_error("");
    bool over_limit = false;
  };
  // Named, not a temporary: GCC 12 destroys a lambda temporary in a co_await twice.
  auto work = [&mail, account, limit, n = *name, use = c.special_use] {
    Outcome out;
    auto boxes = mail.list_mailboxes(account);
    if (boxes && boxes->size() >= limit) {
      out.over_limit = true;
      return out;
    }
    out.made = mail.create_mailbox(account, n, use);
    return out;
  };
  Outcome o = co_await blocking(std::move(work));
  if (o.over_limit) {
    no(c.tag, "[LIMIT] Too many mailboxes");
    co_return;
  }
  if (!o.made) {
    if (unexpected(o.made.error())) {
      log::error("imap.create.failed", {{"sid", id_}, {"error", o.made.error().message}});
    }
    no(c.tag, no_text(o.made.error()));
    co_return;
  }
  ok(c.tag, "CREATE completed");
}

}  // namespace heron::server::imap
