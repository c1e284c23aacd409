// SEARCH and UID SEARCH (RFC 9051 6.4.4, RFC 3501 6.4.4), answered as "* SEARCH ..." to
// IMAP4rev1 clients and as ESEARCH (RFC 4731, RFC 9051 7.3.4) to IMAP4rev2 clients or when
// RETURN options are given. Only when a key needs their text are the messages read, and then
// off the loop, in batches matched side by side on the blocking pool.

#include <algorithm>
#include <thread>

#include "proto/imap/sequence_set.hpp"
#include "server/imap/search_eval.hpp"
#include "server/imap/session.hpp"

namespace heron::server::imap {

namespace asio = boost::asio;

namespace {
// Messages a job reads and matches; jobs run a few per core at once (net::offload_each).
constexpr size_t kBatch = 64;
constexpr size_t kJobsPerCore = 2;
}  // namespace

SearchSubject Session::subject(uint32_t msn) const {
  SearchSubject s;
  s.msn = msn;
  s.entry = &selected_->view.at(msn);
  s.max_msn = selected_->view.size();
  s.max_uid = selected_->view.max_uid();
  s.rev2 = rev2_;
  s.recent = selected_->view.is_recent(msn);
  return s;
}

asio::awaitable<std::vector<uint32_t>> Session::search_texts(const proto::imap::SearchKey& key) {
  // Each job gets copies of its entries: the view is not touched off the loop.
  struct Job {
    std::vector<SearchSubject> subjects;
    std::vector<MailboxView::Entry> entries;
  };
  std::vector<Job> jobs;
  const uint32_t size = selected_->view.size();
  for (uint32_t m = 1; m <= size; ++m) {
    if (selected_->view.is_ghost(m)) continue;
    if (jobs.empty() || jobs.back().subjects.size() == kBatch) jobs.emplace_back();
    jobs.back().subjects.push_back(subject(m));
    jobs.back().entries.push_back(selected_->view.at(m));
  }
  for (Job& job : jobs) {
    for (size_t k = 0; k < job.entries.size(); ++k) job.subjects[k].entry = &job.entries[k];
  }
  const size_t at_once = kJobsPerCore * std::max<size_t>(1, std::thread::hardware_concurrency());
  store::MailStore& mail = server_.mail();
  std::vector<uint32_t> hits;
  for (size_t first = 0; first < jobs.size(); first += at_once) {
    const size_t count = std::min(at_once, jobs.size() - first);
    auto run = [&mail, &key, &jobs, first](size_t i) {
      std::vector<uint32_t> matched;
      for (SearchSubject s : jobs[first + i].subjects) {
        auto bytes = mail.read_message(s.entry->message());
        mime::Structure structure;
        if (bytes) {
          structure = mime::parse_structure(*bytes);
          s.message = &*bytes;
          s.structure = &structure;
        }
        if (search_matches(key, s)) matched.push_back(s.msn);
      }
      return matched;
    };
    auto matched = co_await net::offload_each(server_.blocking(), count, std::move(run));
    for (const auto& m : matched) hits.insert(hits.end(), m.begin(), m.end());
  }
  co_return hits;
}

asio::awaitable<void> Session::cmd_search(Command& c) {
  if (c.return_save) {
    bad(c.tag, "RETURN (SAVE) is not supported");
    co_return;
  }
  std::vector<uint32_t> hits;  // MSNs
  if (search_needs_bytes(c.search)) {
    hits = co_await search_texts(c.search);
    if (!selected_) co_return;
  } else {
    const uint32_t size = selected_->view.size();
    for (uint32_t m = 1; m <= size; ++m) {
      if (selected_->view.is_ghost(m)) continue;
      if (search_matches(c.search, subject(m))) hits.push_back(m);
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
