// SELECT and EXAMINE (RFC 9051 6.3.2/6.3.3, RFC 3501 6.3.1/6.3.2), CLOSE and UNSELECT
// (RFC 9051 6.4.1/6.4.2).

#include "base/log.hpp"
#include "server/imap/flags.hpp"
#include "server/imap/session.hpp"

namespace heron::server::imap {

namespace asio = boost::asio;

namespace {

struct Loaded {
  Result<std::optional<store::Mailbox>> mailbox = std::optional<store::Mailbox>();
  Result<std::optional<store::MailboxChanges>> state = std::optional<store::MailboxChanges>();
  uint32_t recent_from = UINT32_MAX;
};

}  // namespace

asio::awaitable<void> Session::select(std::string_view tag, std::string name, bool read_only) {
  // RFC 9051 6.3.2: a SELECT first deselects, even if it then fails; the client hears
  // [CLOSED] so it knows the old mailbox's updates end here.
  const bool had_selected = selected_ != nullptr;
  close_selected();
  if (had_selected) untagged("OK [CLOSED] Previous mailbox closed");

  store::MailStore& mail = server_.mail();
  const int64_t account = account_->id;
  const bool claim = !read_only && !rev2_;
  // Named, not a temporary: GCC 12 destroys a lambda temporary in a co_await twice.
  auto work = [&mail, account, name, claim] {
    Loaded out;
    out.mailbox = mail.find_mailbox(account, name);
    if (!out.mailbox || !*out.mailbox) return out;
    const int64_t id = (*out.mailbox)->id;
    // \Recent first, then the list: a message arriving in between is in the list and, being
    // above the claimed watermark's UIDNEXT, recent for a later session, not this one.
    if (claim) {
      auto from = mail.claim_recent(id);
      if (from) out.recent_from = *from;
    }
    out.state = mail.mailbox_changes(id, 0);
    return out;
  };
  Loaded l = co_await blocking(std::move(work));
  if (!l.mailbox || !l.state) {
    const Error& e = !l.mailbox ? l.mailbox.error() : l.state.error();
    log::error("imap.select.failed", {{"sid", id_}, {"mailbox", name}, {"error", e.message}});
    no(tag, "[SERVERBUG] Cannot open the mailbox now");
    co_return;
  }
  if (!*l.mailbox || !*l.state) {  // deleted in between
    no(tag, "[NONEXISTENT] No such mailbox");
    co_return;
  }
  auto selected = std::make_unique<Selected>();
  // The row as read with the list (one transaction): its counters match the messages.
  const store::MailboxChanges& state = **l.state;
  selected->mailbox = state.mailbox;
  selected->read_only = read_only;
  selected->view = MailboxView(&server_.views(), state.mailbox.id);
  selected->view.reset(state.changed, l.recent_from, state.mailbox.uidvalidity,
                       state.mailbox.uidnext, state.mailbox.highestmodseq);
  selected_ = std::move(selected);
  state_ = State::selected;
  watch_selected();

  const MailboxView& view = selected_->view;
  untagged(std::string("FLAGS ") + kSystemFlags);
  untagged(std::to_string(view.size()) + " EXISTS");
  if (!rev2_) {
    untagged(std::to_string(view.recent_count()) + " RECENT");
    // RFC 3501 6.3.1: the first unseen message, for rev1 clients (gone from rev2).
    if (auto first = view.first_unseen()) {
      untagged("OK [UNSEEN " + std::to_string(*first) + "] First unseen");
    }
  }
  untagged("OK [UIDVALIDITY " + std::to_string(view.uidvalidity()) + "] UIDs valid");
  untagged("OK [UIDNEXT " + std::to_string(view.uidnext()) + "] Predicted next UID");
  untagged("OK [HIGHESTMODSEQ " + std::to_string(view.highest_modseq()) + "] Highest");
  if (read_only) {
    untagged("OK [PERMANENTFLAGS ()] Read-only mailbox");
  } else {
    untagged(std::string("OK [PERMANENTFLAGS ") + kPermanentFlags + "] Flags permitted");
  }
  // RFC 9051 6.3.2: a rev2 SELECT also returns the mailbox's LIST response.
  if (rev2_) untagged("LIST () \"/\" " + encode_mailbox(selected_->mailbox.name));
  ok(tag, read_only ? "[READ-ONLY] EXAMINE completed" : "[READ-WRITE] SELECT completed");
  log::debug("imap.select", {{"sid", id_}, {"mailbox", name}, {"messages", view.size()}});
}

asio::awaitable<void> Session::unselect(std::string_view tag, bool expunge) {
  if (expunge && !selected_->read_only) {
    // RFC 9051 6.4.1: CLOSE expunges \Deleted messages silently (no EXPUNGE responses).
    std::vector<uint32_t> uids;
    const MailboxView& view = selected_->view;
    for (uint32_t msn = 1; msn <= view.size(); ++msn) {
      if (!view.is_ghost(msn)) uids.push_back(view.at(msn).uid);
    }
    store::MailStore& mail = server_.mail();
    const int64_t id = selected_->mailbox.id;
    auto work2 = [&mail, id, uids] { return mail.expunge(id, uids, true); };
    auto removed = co_await blocking(std::move(work2));
    if (!removed) {
      log::error("imap.close.failed", {{"sid", id_}, {"error", removed.error().message}});
    }
  }
  close_selected();
  ok(tag, expunge ? "CLOSE completed" : "UNSELECT completed");
}

asio::awaitable<void> Session::cmd_select(Command& c) {
  auto name = mailbox_name(c.mailbox);
  if (!name) {
    close_selected();
    no(c.tag, "[NONEXISTENT] Invalid mailbox name");
    co_return;
  }
  if (c.condstore) condstore_ = true;  // RFC 7162 3.1.8
  co_await select(c.tag, std::move(*name), c.name == "EXAMINE");
}

asio::awaitable<void> Session::cmd_close(Command& c) {
  co_await unselect(c.tag, c.name == "CLOSE");
}

}  // namespace heron::server::imap
