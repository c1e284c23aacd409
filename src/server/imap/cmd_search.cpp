// SEARCH and UID SEARCH (RFC 9051 6.4.4, RFC 3501 6.4.4), answered as "* SEARCH ..." to
// IMAP4rev1 clients and as ESEARCH (RFC 4731, RFC 9051 7.3.4) to IMAP4rev2 clients or when
// RETURN options are given. Messages are read off the loop in batches only when a key needs
// their text.

#include "proto/imap/sequence_set.hpp"
#include "server/imap/search_eval.hpp"
#include "server/imap/session.hpp"

namespace heron::server::imap {

namespace asio = boost::asio;

namespace {
constexpr size_t kBatch = 64;
}  // namespace

asio::awaitable<void> Session::cmd_search(Command& c) {
  if (c.return_save) {
    bad(c.tag, "RETURN (SAVE) is not supported");
    co_return;
  }
  const bool needs_bytes = search_needs_bytes(c.search);
  std::vector<uint32_t> hits;  // MSNs
  const uint32_t size = selected_->view.size();
  for (uint32_t start = 1; start <= size; start += kBatch) {
    std::vector<uint32_t> batch;
    for (uint32_t m = start; m < start + kBatch && m <= size; ++m) {
      if (!selected_->view.is_ghost(m)) batch.push_back(m);
    }
    std::vector<std::optional<std::string>> bytes;
    if (needs_bytes) bytes = co_await load_messages(batch);
    if (!selected_) co_return;
    for (size_t k = 0; k < batch.size(); ++k) {
      SearchSubject s;
      s.msn = batch[k];
      s.entry = &selected_->view.at(batch[k]);
      s.max_msn = size;
      s.max_uid = selected_->view.max_uid();
      s.rev2 = rev2_;
      s.recent = selected_->view.is_recent(batch[k]);
      mime::Structure structure;
      if (needs_bytes && bytes[k]) {
        structure = mime::parse_structure(*bytes[k]);
        s.message = &*bytes[k];
        s.structure = &structure;
      }
      if (search_matches(c.search, s)) hits.push_back(batch[k]);
    }
  }
  std::vector<uint32_t> numbers;
  for (uint32_t m : hits) numbers.push_back(c.uid ? selected_->view.at(m).uid : m);
  // RFC 7162 3.1.5: with MODSEQ in the keys, the highest mod-sequence of the hits.
  uint64_t highest = 0;
  const bool modseq_key = [&] {
    std::vector<const proto::imap::SearchKey*> stack{&c.search};
    while (!stack.empty()) {
      const auto* k = stack.back();
      stack.pop_back();
      if (k->kind == proto::imap::SearchKey::Kind::modseq) return true;
      for (const auto& child : k->children) stack.push_back(&child);
    }
    return false;
  }();
  if (modseq_key) {
    condstore_ = true;
    for (uint32_t m : hits) highest = std::max(highest, selected_->view.at(m).modseq);
  }

  if (c.search_return || rev2_) {
    std::string line = "ESEARCH (TAG \"" + c.tag + "\")";
    if (c.uid) line += " UID";
    const bool all = c.return_all || !c.search_return;
    if (!numbers.empty()) {
      if (c.return_min) line += " MIN " + std::to_string(numbers.front());
      if (c.return_max) line += " MAX " + std::to_string(numbers.back());
      if (all) line += " ALL " + proto::imap::format_numbers(numbers);
    }
    if (c.return_count) line += " COUNT " + std::to_string(numbers.size());
    if (modseq_key && !numbers.empty()) line += " MODSEQ " + std::to_string(highest);
    untagged(line);
  } else {
    std::string line = "SEARCH";
    for (uint32_t n : numbers) line += " " + std::to_string(n);
    if (modseq_key && !numbers.empty()) line += " (MODSEQ " + std::to_string(highest) + ")";
    untagged(line);
  }
  ok(c.tag, c.uid ? "UID SEARCH completed" : "SEARCH completed");
}

}  // namespace heron::server::imap
