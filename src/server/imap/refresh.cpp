// The selected mailbox's updates: what other sessions and deliveries changed, pulled from the
// store into the view (MailboxView), then told to the client as EXPUNGE, EXISTS, RECENT and
// FETCH FLAGS where the RFC allows each (RFC 9051 7.5.1, 5.2, 5.5).

#include <boost/asio/post.hpp>

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "server/imap/flags.hpp"
#include "server/imap/session.hpp"

namespace heron::server::imap {

namespace asio = boost::asio;

namespace {

struct Pulled {
  Result<std::optional<store::Mailbox>> mailbox = std::optional<store::Mailbox>();
  Result<std::vector<store::Message>> changed = std::vector<store::Message>();
  Result<std::vector<uint32_t>> expunged = std::vector<uint32_t>();
  uint32_t recent_from = UINT32_MAX;
};

}  // namespace

asio::awaitable<void> Session::refresh() {
  if (!selected_) co_return;
  changed_ = false;
  store::MailStore& mail = server_.mail();
  const int64_t id = selected_->mailbox.id;
  const uint64_t since = selected_->view.highest_modseq();
  const uint32_t uidnext = selected_->view.uidnext();
  // RFC 3501 2.3.2: new messages are \Recent for one read-write session only. IMAP4rev2 has
  // no \Recent, so a rev2 session claims nothing.
  const bool claim = !selected_->read_only && !rev2_;
  // Named, not a temporary: GCC 12 destroys a lambda temporary in a co_await twice.
  auto work = [&mail, id, since, uidnext, claim] {
    Pulled out;
    // The counters first: a change committed after this read is also in the lists below and
    // is simply seen again next time (the view ignores what it already has).
    out.mailbox = mail.get_mailbox(id);
    if (!out.mailbox || !*out.mailbox) return out;
    out.changed = mail.list_messages_since(id, since);
    out.expunged = mail.expunged_since(id, since);
    if (claim && (*out.mailbox)->uidnext > uidnext) {
      auto from = mail.claim_recent(id);
      if (from) out.recent_from = *from;
    }
    return out;
  };
  Pulled p = co_await blocking(std::move(work));
  if (!selected_ || selected_->mailbox.id != id) co_return;  // closed meanwhile
  if (!p.mailbox || !p.changed || !p.expunged) {
    const Error& e = !p.mailbox   ? p.mailbox.error()
                     : !p.changed ? p.changed.error()
                                  : p.expunged.error();
    log::error("imap.refresh.failed", {{"sid", id_}, {"error", e.message}});
    metrics::inc("heron_imap_store_errors_total");
    co_return;
  }
  if (!*p.mailbox) {
    // Deleted by another session. RFC 9051 leaves this to the server; like Dovecot, say so
    // and end the session rather than pretend the mailbox is still there.
    untagged("BYE Selected mailbox was deleted");
    state_ = State::logout;
    co_return;
  }
  const store::Mailbox& box = **p.mailbox;
  selected_->view.apply(*p.changed, *p.expunged, p.recent_from, box.uidnext, box.highestmodseq);
}

void Session::write_updates(bool expunge_allowed) {
  if (!selected_) return;
  MailboxView& view = selected_->view;
  const auto u = view.take_updates(expunge_allowed);
  for (uint32_t msn : u.expunged_msns) untagged(std::to_string(msn) + " EXPUNGE");
  if (u.exists) untagged(std::to_string(*u.exists) + " EXISTS");
  if (u.recent && !rev2_) untagged(std::to_string(*u.recent) + " RECENT");
  for (uint32_t msn : u.flag_msns) {
    const MailboxView::Entry& e = view.at(msn);
    // The UID lets a client that missed the numbering still place it (RFC 9051 7.5.2);
    // MODSEQ once the client uses CONDSTORE (RFC 7162 3.2.4).
    std::string line = std::to_string(msn) + " FETCH (UID " + std::to_string(e.uid) + " FLAGS " +
                       flag_list(e.flags, e.recent && !rev2_);
    if (condstore_) line += " MODSEQ (" + std::to_string(e.modseq) + ")";
    untagged(line + ")");
  }
}

void Session::watch_selected() {
  if (!selected_ || !account_) return;
  // The callback runs on a store thread after a commit: hop to this session's strand.
  std::weak_ptr<Session> weak = shared_from_this();
  const int64_t mailbox_id = selected_->mailbox.id;
  auto executor = stream_.socket().get_executor();
  selected_->watch =
      server_.mail().watch(account_->id, [weak, mailbox_id, executor](int64_t changed) {
        if (changed != mailbox_id) return;
        asio::post(executor, [weak] {
          if (auto self = weak.lock()) {
            self->changed_ = true;
            self->wake_.cancel();
          }
        });
      });
}

void Session::close_selected() {
  selected_.reset();
  changed_ = false;
  if (state_ == State::selected) state_ = State::authenticated;
}

}  // namespace heron::server::imap
