// STORE and UID STORE (RFC 9051 6.4.6), with .SILENT and CONDSTORE's UNCHANGEDSINCE
// (RFC 7162 3.1.3). The new flags of every message in the set are reported unless .SILENT;
// messages that failed the UNCHANGEDSINCE test are named in [MODIFIED ...].

#include <algorithm>

#include "base/log.hpp"
#include "proto/imap/sequence_set.hpp"
#include "server/imap/flags.hpp"
#include "server/imap/session.hpp"

namespace heron::server::imap {

namespace asio = boost::asio;

asio::awaitable<void> Session::cmd_store(Command& c) {
  auto msns = resolve_set(c);
  if (!msns) co_return;
  if (selected_->read_only) {
    no(c.tag, "[READ-ONLY] Mailbox is read-only");
    co_return;
  }
  if (c.has_unchanged_since) condstore_ = true;
  std::vector<uint32_t> uids;
  for (uint32_t m : *msns) {
    if (!selected_->view.is_ghost(m)) uids.push_back(selected_->view.at(m).uid);
  }
  const store::FlagMode mode = c.store_mode == proto::imap::StoreMode::add ? store::FlagMode::add
                               : c.store_mode == proto::imap::StoreMode::remove
                                   ? store::FlagMode::remove
                                   : store::FlagMode::replace;
  store::MailStore& mail = server_.mail();
  const int64_t id = selected_->mailbox.id;
  // UNCHANGEDSINCE 0 is legal and fails every message (RFC 7162 3.1.3); the store reads 0 as
  // "no condition", so that case is answered here.
  const uint64_t since = c.has_unchanged_since ? c.unchanged_since : 0;
  const bool zero_since = c.has_unchanged_since && c.unchanged_since == 0;
  // Named, not a temporary: GCC 12 destroys a lambda temporary in a co_await twice.
  auto work = [&mail, id, uids, mode, flags = c.flags, since, zero_since] {
    if (zero_since) {
      store::FlagUpdate none;
      none.failed = uids;
      return Result<store::FlagUpdate>(std::move(none));
    }
    return mail.update_flags(id, uids, mode, flags, since);
  };
  auto updated = co_await blocking(std::move(work));
  if (!selected_) co_return;
  if (!updated) {
    log::error("imap.store.failed", {{"sid", id_}, {"error", updated.error().message}});
    no(c.tag, "[SERVERBUG] Could not change the flags");
    co_return;
  }
  for (const auto& ch : updated->changed)
    selected_->view.apply_own_flags(ch.uid, ch.modseq, ch.flags);
  const auto& failed = updated->failed;
  if (!c.silent || condstore_) {
    for (uint32_t m : *msns) {
      const auto& e = selected_->view.at(m);
      if (selected_->view.is_ghost(m) || std::binary_search(failed.begin(), failed.end(), e.uid))
        continue;
      const bool changed = std::any_of(updated->changed.begin(), updated->changed.end(),
                                       [&](const auto& ch) { return ch.uid == e.uid; });
      // .SILENT with CONDSTORE still reports MODSEQ of what changed (RFC 7162 3.1.3).
      if (c.silent && !changed) continue;
      std::string line = std::to_string(m) + " FETCH (";
      if (!c.silent)
        line += "FLAGS " + flag_list(e.flags, selected_->view.is_recent(m) && !rev2_) + " ";
      if (c.uid) line += "UID " + std::to_string(e.uid) + " ";
      if (condstore_) line += "MODSEQ (" + std::to_string(e.modseq) + ") ";
      line.back() = ')';
      untagged(line);
    }
  }
  if (!failed.empty()) {
    std::vector<uint32_t> numbers;
    for (uint32_t uid : failed) {
      if (c.uid) {
        numbers.push_back(uid);
      } else if (auto m = selected_->view.msn_of(uid)) {
        numbers.push_back(*m);
      }
    }
    std::sort(numbers.begin(), numbers.end());
    ok(c.tag, "[MODIFIED " + proto::imap::format_numbers(numbers) + "] Conditional STORE failed");
    co_return;
  }
  ok(c.tag, "STORE completed");
}

}  // namespace heron::server::imap
