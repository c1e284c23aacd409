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
  Result<std::optional<store::MailboxChanges>> state = std::optional<store::MailboxChanges>();
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
    // The counters and the lists in one read: the view is then the mailbox exactly as of its
    // HIGHESTMODSEQ, which lets it share its list with other sessions (MailboxView).
    out.state = mail.mailbox_changes(id, since);
    if (!out.state || !*out.state) return out;
    if (claim && (*out.state)->mailbox.uidnext > uidnext) {
      auto from = mail.claim_recent(id);
      if (from) out.recent_from = *from;
    }
    return out;
  };
  Pulled p = co_await blocking(std::move(work));
  if (!selected_ || selected_->mailbox.id != id) co_return;  // closed meanwhile
  if (!p.state) {
    const Error& e = p.state.error();
    log::error("imap.refresh.failed", {{"sid", id_}, {"error", e.message}});
    metrics::inc("heron_imap_store_errors_total");
    co_return;
  }
  if (!*p.state) {
    // Deleted by another session. RFC 9051 leaves this to the server; like Dovecot, say so
    // and end the session rather than pretend the mailbox is still there.
    untagged("BYE Selected mailbox was deleted");
    state_ = State::logout;
    co_return;
  }
  const store::MailboxChanges& state = **p.state;
  selected_->view.apply(state.changed, state.expunged, p.recent_from, state.mailbox.uidnext,
                        state.mailbox.highestmodseq);
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
                       flag_list(e.flags, view.is_recent(msn) && !rev2_);
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
