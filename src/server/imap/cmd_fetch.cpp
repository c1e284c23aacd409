// FETCH and UID FETCH (RFC 9051 6.4.5, 6.4.8), with CHANGEDSINCE (RFC 7162 3.1.4). Messages
// are read off the loop in batches and written out as they are rendered, so a large FETCH
// neither blocks other sessions nor holds every message in memory at once.

#include <algorithm>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "server/imap/fetch_render.hpp"
#include "server/imap/session.hpp"

namespace heron::server::imap {

namespace asio = boost::asio;

namespace {

constexpr size_t kBatch = 64;            // messages read per trip to the pool
constexpr size_t kFlushAt = 256 * 1024;  // write out once this much is buffered

bool has_seen(const MailboxView::Entry& e) {
  return std::any_of(e.flags.begin(), e.flags.end(),
                     [](const std::string& f) { return str::iequals(f, "\\Seen"); });
}

}  // namespace

asio::awaitable<void> Session::cmd_fetch(Command& c) {
  auto msns = resolve_set(c);
  if (!msns) co_return;
  using Kind = proto::imap::FetchItem::Kind;
  const bool wants_modseq =
      c.changed_since != 0 || std::any_of(c.fetch.begin(), c.fetch.end(),
                                          [](const auto& i) { return i.kind == Kind::modseq; });
  if (wants_modseq) condstore_ = true;  // RFC 7162 3.1: a CONDSTORE-enabling command
  if (c.changed_since != 0) {
    std::erase_if(*msns,
                  [&](uint32_t m) { return selected_->view.at(m).modseq <= c.changed_since; });
  }

  // Implicit \Seen (RFC 9051 6.4.5), stored before the data goes out.
  std::vector<uint32_t> seen_now;
  if (!selected_->read_only && fetch_sets_seen(c.fetch)) {
    std::vector<uint32_t> uids;
    for (uint32_t m : *msns) {
      const auto& e = selected_->view.at(m);
      if (!selected_->view.is_ghost(m) && !has_seen(e)) uids.push_back(e.uid);
    }
    if (!uids.empty()) {
      store::MailStore& mail = server_.mail();
      const int64_t id = selected_->mailbox.id;
      // Named, not a temporary: GCC 12 destroys a lambda temporary in a co_await twice.
      auto work = [&mail, id, uids] {
        return mail.update_flags(id, uids, store::FlagMode::add, {"\\Seen"});
      };
      auto updated = co_await blocking(std::move(work));
      if (!updated) {
        log::error("imap.fetch.seen_failed", {{"sid", id_}, {"error", updated.error().message}});
      } else {
        for (const auto& ch : updated->changed) {
          selected_->view.apply_own_flags(ch.uid, ch.modseq, ch.flags);
          seen_now.push_back(ch.uid);
        }
      }
    }
  }

  // ENVELOPE, BODY and BODYSTRUCTURE come from the summary cache; the message files are read
  // only for what is not cached, or for items that need the contents.
  const bool needs_contents = fetch_needs_contents(c.fetch);
  const bool needs_summary = fetch_needs_summary(c.fetch);
  bool unreadable = false, unknown_cte = false;
  for (size_t start = 0; start < msns->size(); start += kBatch) {
    std::vector<uint32_t> batch(
        msns->begin() + static_cast<std::ptrdiff_t>(start),
        msns->begin() + static_cast<std::ptrdiff_t>(std::min(msns->size(), start + kBatch)));
    std::vector<std::optional<std::string>> bytes;
    std::vector<std::optional<Summary>> summaries(batch.size());
    if (needs_contents) {
      bytes = co_await load_messages(batch);
    } else if (needs_summary) {
      summaries = co_await load_summaries(batch);
    }
    if (!selected_) co_return;
    for (size_t k = 0; k < batch.size(); ++k) {
      const auto& e = selected_->view.at(batch[k]);
      const std::string* message = nullptr;
      mime::Structure structure;
      if (needs_contents) {
        if (!bytes[k]) {
          unreadable = true;
          continue;
        }
        message = &*bytes[k];
        structure = mime::parse_structure(*message);
        if (needs_summary) {
          summaries[k] = server_.summaries().find(e, utf8_);
          if (!summaries[k]) {
            summaries[k] = summarize(*message, structure, utf8_);
            server_.summaries().put(e, utf8_, *summaries[k]);
          }
        }
      } else if (needs_summary && !summaries[k]) {
        unreadable = true;
        continue;
      }
      FetchOptions o;
      o.utf8 = utf8_;
      o.recent = selected_->view.is_recent(batch[k]) && !rev2_;
      o.add_uid = c.uid;
      o.add_modseq = c.changed_since != 0 || (condstore_ && wants_modseq);
      o.add_flags = std::binary_search(seen_now.begin(), seen_now.end(), e.uid);
      auto line = render_fetch(batch[k], e, message, needs_contents ? &structure : nullptr,
                               summaries[k] ? &*summaries[k] : nullptr, c.fetch, o);
      unknown_cte = unknown_cte || line.unknown_cte;
      raw(line.text);
    }
    if (out_.size() >= kFlushAt) {
      const bool sent = co_await flush();  // not inside the condition: GCC 12 bug
      if (!sent) {
        state_ = State::logout;
        co_return;
      }
    }
  }
  if (unknown_cte) {
    no(c.tag, "[UNKNOWN-CTE] A part's Content-Transfer-Encoding is unknown");
  } else if (unreadable) {
    // RFC 5530: the message went away (or its body cannot be read) while we fetched.
    no(c.tag, "[EXPUNGEISSUED] Some messages could not be fetched");
  } else {
    ok(c.tag, c.name == "FETCH" && c.uid ? "UID FETCH completed" : "FETCH completed");
  }
}

}  // namespace heron::server::imap
