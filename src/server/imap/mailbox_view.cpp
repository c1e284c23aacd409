#include "server/imap/mailbox_view.hpp"

#include <algorithm>
#include <unordered_set>

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "base/strings.hpp"

namespace heron::server::imap {
namespace {

MailboxView::Entry entry_from(const store::Message& m) {
  MailboxView::Entry e;
  e.uid = m.uid;
  e.modseq = m.modseq;
  e.flags = m.flags;
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

bool contains(const std::vector<uint32_t>& sorted, uint32_t uid) {
  return std::binary_search(sorted.begin(), sorted.end(), uid);
}

void insert_sorted(std::vector<uint32_t>& sorted, uint32_t uid) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), uid);
  if (it == sorted.end() || *it != uid) sorted.insert(it, uid);
}

// How many entries of `entries` (in UID order) have a UID below `uid`.
size_t count_below(const std::vector<MailboxView::Entry>& entries, uint32_t uid) {
  auto it = std::lower_bound(entries.begin(), entries.end(), uid,
                             [](const MailboxView::Entry& e, uint32_t u) { return e.uid < u; });
  return static_cast<size_t>(it - entries.begin());
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
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->uidvalidity = uidvalidity;
  snapshot->highest_modseq = highest_modseq;
  snapshot->entries.reserve(messages.size());
  for (const store::Message& m : messages) snapshot->entries.push_back(entry_from(m));
  std::sort(snapshot->entries.begin(), snapshot->entries.end(),
            [](const Entry& a, const Entry& b) { return a.uid < b.uid; });
  overrides_.clear();
  added_.clear();
  ghosts_.clear();
  flag_changed_.clear();
  recent_.clear();
  for (const Entry& e : snapshot->entries) {
    if (e.uid >= recent_from) recent_.push_back(e.uid);
  }
  own_ahead_ = 0;
  uidvalidity_ = uidvalidity;
  uidnext_ = uidnext;
  highest_modseq_ = highest_modseq;
  base_ = std::move(snapshot);
  rebase();  // share with the sessions already there, or offer this one to those to come
  // SELECT itself reports EXISTS and RECENT; nothing is pending after it.
  told_exists_ = size();
  told_recent_ = recent_count();
}

void MailboxView::apply(const std::vector<store::Message>& changed,
                        const std::vector<uint32_t>& expunged, uint32_t recent_from,
                        uint32_t uidnext, uint64_t highest_modseq) {
  const std::unordered_set<uint32_t> gone(expunged.begin(), expunged.end());
  for (uint32_t uid : expunged) {
    if (msn_of(uid)) insert_sorted(ghosts_, uid);
  }
  std::vector<const store::Message*> added;
  for (const store::Message& m : changed) {
    if (gone.count(m.uid) != 0) continue;
    if (auto msn = msn_of(m.uid)) {
      if (is_ghost(*msn) || m.modseq <= at(*msn).modseq) continue;
      Entry& e = own(*msn);
      e.modseq = m.modseq;
      if (e.flags != m.flags) {
        e.flags = m.flags;
        insert_sorted(flag_changed_, m.uid);
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
  for (const store::Message* m : added) {
    added_.push_back(entry_from(*m));
    if (m->uid >= recent_from) recent_.push_back(m->uid);  // UIDs only grow: stays sorted
  }
  uidnext_ = std::max(uidnext_, uidnext);
  highest_modseq_ = std::max(highest_modseq_, highest_modseq);
}

void MailboxView::apply_own_flags(uint32_t uid, uint64_t modseq, std::vector<std::string> flags) {
  auto msn = msn_of(uid);
  if (!msn || modseq < at(*msn).modseq) return;
  Entry& e = own(*msn);
  e.modseq = modseq;
  e.flags = std::move(flags);
  auto it = std::lower_bound(flag_changed_.begin(), flag_changed_.end(), uid);
  if (it != flag_changed_.end() && *it == uid) flag_changed_.erase(it);
  // highest_modseq_ stays: it marks how far the store's changes have been pulled, and other
  // sessions' changes below this modseq may not have been pulled yet. Until they are, the
  // view is ahead of the store at highest_modseq_ and must not be shared.
  if (modseq > highest_modseq_) own_ahead_ = std::max(own_ahead_, modseq);
}

MailboxView::Updates MailboxView::take_updates(bool expunge_allowed, bool use_vanished) {
  Updates u;
  if (expunge_allowed && !ghosts_.empty()) {
    // Highest number first: each EXPUNGE renumbers only the messages above it, so every
    // number sent is still right when the client reads it. Messages above the count the
    // client knows arrived after the last EXISTS: one that is already gone was never
    // announced, so it leaves without a word.
    const uint32_t known = told_exists_;
    for (uint32_t msn = size(); msn >= 1; --msn) {
      if (msn > known || !is_ghost(msn)) continue;
      if (use_vanished) {
        u.vanished_uids.push_back(at(msn).uid);
      } else {
        u.expunged_msns.push_back(msn);
      }
      --told_exists_;
    }
    std::reverse(u.vanished_uids.begin(), u.vanished_uids.end());
    std::vector<uint32_t> kept;
    for (uint32_t uid : recent_) {
      if (!contains(ghosts_, uid)) kept.push_back(uid);
    }
    recent_ = std::move(kept);
    rebase();  // drops the ghosts
  }
  // RFC 9051 7.4.1: EXISTS never announces fewer messages than the client already knows.
  if (size() > told_exists_) {
    u.exists = size();
    told_exists_ = size();
  }
  const uint32_t recent = recent_count();
  if (u.exists && recent != told_recent_) u.recent = recent;
  told_recent_ = recent;
  std::vector<uint32_t> owed;  // a ghost's flag change waits, and goes with the ghost
  for (uint32_t uid : flag_changed_) {
    auto msn = msn_of(uid);
    if (!msn) continue;
    if (is_ghost(*msn)) {
      owed.push_back(uid);
    } else {
      u.flag_msns.push_back(*msn);
    }
  }
  flag_changed_ = std::move(owed);
  if (ghosts_.empty() && !shared() && own_ahead_ <= highest_modseq_) rebase();
  return u;
}

const MailboxView::Entry& MailboxView::at(uint32_t msn) const {
  const uint32_t in_base = base_size();
  if (msn > in_base) return added_[msn - in_base - 1];
  const Entry& e = base_->entries[msn - 1];
  if (!overrides_.empty()) {
    auto it = overrides_.find(e.uid);
    if (it != overrides_.end()) return it->second;
  }
  return e;
}

MailboxView::Entry& MailboxView::own(uint32_t msn) {
  const uint32_t in_base = base_size();
  if (msn > in_base) return added_[msn - in_base - 1];
  const Entry& e = base_->entries[msn - 1];
  return overrides_.try_emplace(e.uid, e).first->second;
}

bool MailboxView::is_ghost(uint32_t msn) const {
  return !ghosts_.empty() && contains(ghosts_, at(msn).uid);
}

bool MailboxView::is_recent(uint32_t msn) const {
  return !recent_.empty() && contains(recent_, at(msn).uid);
}

void MailboxView::rebase() {
  // Without ghosts and own changes the store has not confirmed yet, the view is exactly the
  // mailbox at highest_modseq_: any session's snapshot of that moment is the same list.
  const bool exact = own_ahead_ <= highest_modseq_;
  const uint32_t n = size();
  const size_t kept = n - ghosts_.size();
  if (exact && cache_ != nullptr) {
    auto found = cache_->find(mailbox_id_, uidvalidity_, highest_modseq_);
    bool same = found && found != base_ && found->entries.size() == kept;
    for (uint32_t msn = 1, i = 0; same && msn <= n; ++msn) {
      if (is_ghost(msn)) continue;
      same = found->entries[i++].uid == at(msn).uid;
    }
    if (same) {
      base_ = std::move(found);
      overrides_.clear();
      added_.clear();
      ghosts_.clear();
      return;
    }
  }
  if (shared()) {
    if (exact && cache_ != nullptr) cache_->publish(mailbox_id_, base_);
    return;
  }
  auto next = std::make_shared<Snapshot>();
  next->uidvalidity = uidvalidity_;
  next->highest_modseq = highest_modseq_;
  next->entries.reserve(kept);
  for (uint32_t msn = 1; msn <= n; ++msn) {
    if (!is_ghost(msn)) next->entries.push_back(at(msn));
  }
  base_ = std::move(next);
  overrides_.clear();
  added_.clear();
  ghosts_.clear();
  if (exact && cache_ != nullptr) cache_->publish(mailbox_id_, base_);
}

std::optional<uint32_t> MailboxView::msn_of(uint32_t uid) const {
  if (base_) {
    const auto& entries = base_->entries;
    const size_t i = count_below(entries, uid);
    if (i < entries.size() && entries[i].uid == uid) return static_cast<uint32_t>(i) + 1;
  }
  const size_t j = count_below(added_, uid);
  if (j < added_.size() && added_[j].uid == uid) return base_size() + static_cast<uint32_t>(j) + 1;
  return std::nullopt;
}

std::optional<std::pair<uint32_t, uint32_t>> MailboxView::msn_range(uint32_t lo,
                                                                    uint32_t hi) const {
  if (lo > hi) std::swap(lo, hi);
  // Messages with a UID below lo, and with a UID at or below hi.
  auto below = [this](uint32_t uid) {
    size_t count = count_below(added_, uid);
    if (base_) count += count_below(base_->entries, uid);
    return count;
  };
  const size_t first = below(lo);
  const size_t last = hi == UINT32_MAX ? size() : below(hi + 1);
  if (first >= last) return std::nullopt;
  return std::make_pair(static_cast<uint32_t>(first) + 1, static_cast<uint32_t>(last));
}

uint32_t MailboxView::recent_count() const {
  size_t ghosts = 0;
  for (uint32_t uid : ghosts_) ghosts += contains(recent_, uid) ? 1 : 0;
  return static_cast<uint32_t>(recent_.size() - ghosts);
}

std::optional<uint32_t> MailboxView::first_unseen() const {
  for (uint32_t msn = 1; msn <= size(); ++msn) {
    if (!is_ghost(msn) && !has_flag(at(msn).flags, "\\Seen")) return msn;
  }
  return std::nullopt;
}

std::shared_ptr<const MailboxView::Snapshot> ViewCache::find(int64_t mailbox_id,
                                                             uint32_t uidvalidity,
                                                             uint64_t highest_modseq) {
  std::lock_guard lk(mutex_);
  auto it = newest_.find(mailbox_id);
  if (it == newest_.end()) return nullptr;
  auto snapshot = it->second.lock();
  if (!snapshot) {
    newest_.erase(it);
    return nullptr;
  }
  if (snapshot->uidvalidity != uidvalidity || snapshot->highest_modseq != highest_modseq) {
    return nullptr;
  }
  return snapshot;
}

void ViewCache::publish(int64_t mailbox_id,
                        const std::shared_ptr<const MailboxView::Snapshot>& snapshot) {
  std::lock_guard lk(mutex_);
  auto& slot = newest_[mailbox_id];
  auto current = slot.lock();
  // Keep the newest: a session still catching up must not replace a later list.
  if (current && current->uidvalidity == snapshot->uidvalidity &&
      current->highest_modseq >= snapshot->highest_modseq) {
    return;
  }
  slot = snapshot;
}

size_t ViewCache::size() {
  std::lock_guard lk(mutex_);
  size_t live = 0;
  for (const auto& [id, weak] : newest_) live += weak.expired() ? 0 : 1;
  return live;
}

}  // namespace heron::server::imap
