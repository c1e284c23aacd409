#include "server/imap/mailbox_view.hpp"

#include <algorithm>
#include <unordered_set>

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "base/strings.hpp"

namespace heron::server::imap {
namespace {

MailboxView::Entry entry_from(const store::Message& m, uint32_t recent_from) {
  MailboxView::Entry e;
  e.uid = m.uid;
  e.modseq = m.modseq;
  e.flags = m.flags;
  e.recent = m.uid >= recent_from;
  e.id = m.id;
  e.internal_date = m.internal_date;
  e.size = m.size;
  e.blob_id = m.blob_id;
  e.header_prefix = m.header_prefix;
  return e;
}

bool has_flag(const std::vector<std::string>& flags, std::string_view flag) {
  return std::any_of(flags.begin(), flags.end(),
                     [&](const std::string& f) { return str::iequals(f, flag); });
}

}  // namespace

store::Message MailboxView::Entry::message() const {
  store::Message m;
  m.id = id;
  m.uid = uid;
  m.modseq = modseq;
  m.flags = flags;
  m.internal_date = internal_date;
  m.size = size;
  m.blob_id = blob_id;
  m.header_prefix = header_prefix;
  return m;
}

void MailboxView::reset(const std::vector<store::Message>& messages, uint32_t recent_from,
                        uint32_t uidvalidity, uint32_t uidnext, uint64_t highest_modseq) {
  entries_.clear();
  entries_.reserve(messages.size());
  for (const store::Message& m : messages) entries_.push_back(entry_from(m, recent_from));
  std::sort(entries_.begin(), entries_.end(),
            [](const Entry& a, const Entry& b) { return a.uid < b.uid; });
  uidvalidity_ = uidvalidity;
  uidnext_ = uidnext;
  highest_modseq_ = highest_modseq;
  // SELECT itself reports EXISTS and RECENT; nothing is pending after it.
  told_exists_ = size();
  told_recent_ = recent_count();
}

void MailboxView::apply(const std::vector<store::Message>& changed,
                        const std::vector<uint32_t>& expunged, uint32_t recent_from,
                        uint32_t uidnext, uint64_t highest_modseq) {
  const std::unordered_set<uint32_t> gone(expunged.begin(), expunged.end());
  for (Entry& e : entries_) {
    if (gone.count(e.uid) != 0) e.expunged = true;
  }
  std::vector<const store::Message*> added;
  for (const store::Message& m : changed) {
    if (gone.count(m.uid) != 0) continue;
    if (auto msn = msn_of(m.uid)) {
      Entry& e = entries_[*msn - 1];
      if (e.expunged || m.modseq <= e.modseq) continue;
      e.modseq = m.modseq;
      if (e.flags != m.flags) {
        e.flags = m.flags;
        e.flags_changed = true;
      }
    } else if (m.uid > max_uid()) {
      added.push_back(&m);
    } else {
      // A UID below the highest we hold that we never saw: UIDs are assigned in ascending
      // order, so the store broke its promise. Keep the numbering the client has.
      log::error("imap.view.uid_out_of_order", {{"uid", m.uid}, {"max_uid", max_uid()}});
      metrics::inc("heron_bugs_total", "where", "imap_view_uid_order");
    }
  }
  std::sort(added.begin(), added.end(),
            [](const store::Message* a, const store::Message* b) { return a->uid < b->uid; });
  for (const store::Message* m : added) entries_.push_back(entry_from(*m, recent_from));
  uidnext_ = std::max(uidnext_, uidnext);
  highest_modseq_ = std::max(highest_modseq_, highest_modseq);
}

void MailboxView::apply_own_flags(uint32_t uid, uint64_t modseq, std::vector<std::string> flags) {
  auto msn = msn_of(uid);
  if (!msn) return;
  Entry& e = entries_[*msn - 1];
  if (modseq < e.modseq) return;
  e.modseq = modseq;
  e.flags = std::move(flags);
  e.flags_changed = false;
  // highest_modseq_ stays: it marks how far the store's changes have been pulled, and other
  // sessions' changes below this modseq may not have been pulled yet.
}

MailboxView::Updates MailboxView::take_updates(bool expunge_allowed, bool use_vanished) {
  Updates u;
  if (expunge_allowed) {
    // Highest number first: each EXPUNGE renumbers only the messages above it, so every
    // number sent is still right when the client reads it. Entries at or above the count the
    // client knows arrived after the last EXISTS: one that is already gone was never
    // announced, so it leaves without a word.
    const uint32_t known = told_exists_;
    for (size_t i = entries_.size(); i-- > 0;) {
      if (!entries_[i].expunged || i >= known) continue;
      if (use_vanished) {
        u.vanished_uids.push_back(entries_[i].uid);
      } else {
        u.expunged_msns.push_back(static_cast<uint32_t>(i + 1));
      }
      --told_exists_;
    }
    entries_.erase(
        std::remove_if(entries_.begin(), entries_.end(), [](const Entry& e) { return e.expunged; }),
        entries_.end());
    std::reverse(u.vanished_uids.begin(), u.vanished_uids.end());
  }
  // RFC 9051 7.4.1: EXISTS never announces fewer messages than the client already knows.
  if (size() > told_exists_) {
    u.exists = size();
    told_exists_ = size();
  }
  const uint32_t recent = recent_count();
  if (u.exists && recent != told_recent_) u.recent = recent;
  told_recent_ = recent;
  for (uint32_t msn = 1; msn <= size(); ++msn) {
    Entry& e = entries_[msn - 1];
    if (!e.flags_changed || e.expunged) continue;
    e.flags_changed = false;
    u.flag_msns.push_back(msn);
  }
  return u;
}

std::optional<uint32_t> MailboxView::msn_of(uint32_t uid) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), uid,
                             [](const Entry& e, uint32_t u) { return e.uid < u; });
  if (it == entries_.end() || it->uid != uid) return std::nullopt;
  return static_cast<uint32_t>(it - entries_.begin()) + 1;
}

std::optional<std::pair<uint32_t, uint32_t>> MailboxView::msn_range(uint32_t lo,
                                                                    uint32_t hi) const {
  if (lo > hi) std::swap(lo, hi);
  auto first = std::lower_bound(entries_.begin(), entries_.end(), lo,
                                [](const Entry& e, uint32_t u) { return e.uid < u; });
  auto last = std::upper_bound(entries_.begin(), entries_.end(), hi,
                               [](uint32_t u, const Entry& e) { return u < e.uid; });
  if (first >= last) return std::nullopt;
  return std::make_pair(static_cast<uint32_t>(first - entries_.begin()) + 1,
                        static_cast<uint32_t>(last - entries_.begin()));
}

uint32_t MailboxView::recent_count() const {
  return static_cast<uint32_t>(std::count_if(
      entries_.begin(), entries_.end(), [](const Entry& e) { return e.recent && !e.expunged; }));
}

std::optional<uint32_t> MailboxView::first_unseen() const {
  for (uint32_t msn = 1; msn <= size(); ++msn) {
    const Entry& e = entries_[msn - 1];
    if (!e.expunged && !has_flag(e.flags, "\\Seen")) return msn;
  }
  return std::nullopt;
}

}  // namespace heron::server::imap
