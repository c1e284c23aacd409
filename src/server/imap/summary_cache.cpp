#include "server/imap/summary_cache.hpp"

#include "proto/imap/message_render.hpp"

namespace heron::server::imap {

namespace {
// What an entry costs beyond its strings: the map node, the list node, the string headers.
constexpr size_t kOverhead = 160;
}  // namespace

Summary summarize(std::string_view message, const mime::Structure& s, bool utf8) {
  const proto::imap::RenderOptions ro{utf8};
  Summary out;
  out.envelope = proto::imap::envelope(message, s, 0, ro);
  out.body = proto::imap::body_structure(message, s, false, ro);
  out.bodystructure = proto::imap::body_structure(message, s, true, ro);
  return out;
}

std::string SummaryCache::key(const MailboxView::Entry& e, bool utf8) {
  std::string k;
  k.reserve(e.blob_id.size() + e.header_prefix.size() + 2);
  k += utf8 ? 'u' : 'a';
  k += e.blob_id;
  k += '\n';
  k += e.header_prefix;
  return k;
}

size_t SummaryCache::cost(const std::string& key, const Summary& s) {
  // The key is held twice: in the map and in the order list.
  return 2 * key.size() + s.envelope.size() + s.body.size() + s.bodystructure.size() + kOverhead;
}

std::optional<Summary> SummaryCache::find(const MailboxView::Entry& e, bool utf8) {
  if (budget_ == 0) return std::nullopt;
  const std::string k = key(e, utf8);
  std::lock_guard lock(mutex_);
  auto it = slots_.find(k);
  if (it == slots_.end()) return std::nullopt;
  order_.splice(order_.begin(), order_, it->second.position);
  return it->second.summary;
}

void SummaryCache::put(const MailboxView::Entry& e, bool utf8, Summary summary) {
  if (budget_ == 0) return;
  std::string k = key(e, utf8);
  const size_t c = cost(k, summary);
  if (c > budget_) return;
  std::lock_guard lock(mutex_);
  if (slots_.count(k) != 0) return;  // another session rendered it meanwhile
  while (bytes_ + c > budget_ && !order_.empty()) {
    auto victim = slots_.find(order_.back());
    bytes_ -= cost(victim->first, victim->second.summary);
    slots_.erase(victim);
    order_.pop_back();
  }
  order_.push_front(k);
  slots_.emplace(std::move(k), Slot{std::move(summary), order_.begin()});
  bytes_ += c;
}

size_t SummaryCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

size_t SummaryCache::entries() const {
  std::lock_guard lock(mutex_);
  return slots_.size();
}

}  // namespace heron::server::imap
