// What several commands share: sequence sets to message numbers, message bytes off the loop,
// and mailbox names between the wire (mUTF-7 or UTF-8) and the store.

#include "base/log.hpp"
#include "base/strings.hpp"
#include "proto/imap/mailbox_name.hpp"
#include "proto/imap/render_string.hpp"
#include "server/imap/session.hpp"

namespace heron::server::imap {

namespace asio = boost::asio;

namespace {
constexpr size_t kSummarySlice = 16;  // messages summarized by one job of load_summaries()
}  // namespace

std::optional<std::vector<uint32_t>> Session::resolve_set(const Command& c) {
  const MailboxView& view = selected_->view;
  std::vector<uint32_t> msns;
  if (c.set.saved) {
    bad(c.tag, "$ (SEARCHRES) is not supported");
    return std::nullopt;
  }
  if (c.uid) {
    // UIDs that are not in the mailbox are ignored (RFC 9051 6.4.8).
    for (const auto& [lo, hi] : c.set.resolve(view.max_uid())) {
      if (auto range = view.msn_range(lo, hi)) {
        for (uint32_t m = range->first; m <= range->second; ++m) msns.push_back(m);
      }
    }
    return msns;
  }
  // RFC 9051 6.4.5 / 9: a message number beyond the mailbox is an error.
  const uint32_t size = view.size();
  if (c.set.max_number(size) > size || (size == 0 && !c.set.ranges.empty())) {
    if (size == 0 && c.name == "SEARCH") return msns;
    bad(c.tag, "Invalid message sequence number");
    return std::nullopt;
  }
  for (const auto& [lo, hi] : c.set.resolve(size)) {
    for (uint32_t m = lo; m <= hi; ++m) msns.push_back(m);
  }
  return msns;
}

asio::awaitable<std::vector<std::optional<std::string>>> Session::load_messages(
    const std::vector<uint32_t>& msns) {
  std::vector<store::Message> wanted;
  wanted.reserve(msns.size());
  for (uint32_t msn : msns) wanted.push_back(selected_->view.at(msn).message());
  store::MailStore& mail = server_.mail();
  // Named, not a temporary: GCC 12 destroys a lambda temporary in a co_await twice.
  auto work = [&mail, wanted = std::move(wanted)] {
    std::vector<std::optional<std::string>> out;
    out.reserve(wanted.size());
    for (const store::Message& m : wanted) {
      auto bytes = mail.read_message(m);
      out.push_back(bytes ? std::optional<std::string>(std::move(*bytes)) : std::nullopt);
    }
    return out;
  };
  co_return co_await blocking(std::move(work));
}

asio::awaitable<std::vector<std::optional<Summary>>> Session::load_summaries(
    const std::vector<uint32_t>& msns) {
  std::vector<std::optional<Summary>> out(msns.size());
  std::vector<size_t> missing;
  std::vector<MailboxView::Entry> missing_entries;  // copies: the cache key outlives the await
  std::vector<store::Message> wanted;
  SummaryCache& cache = server_.summaries();
  for (size_t k = 0; k < msns.size(); ++k) {
    const MailboxView::Entry& e = selected_->view.at(msns[k]);
    out[k] = cache.find(e, utf8_);
    if (out[k]) continue;
    missing.push_back(k);
    missing_entries.push_back(e);
    wanted.push_back(e.message());
  }
  if (missing.empty()) co_return out;
  store::MailStore& mail = server_.mail();
  const bool utf8 = utf8_;
  // Parsing and rendering cost CPU: a few slices side by side on the pool.
  const size_t slices = (wanted.size() + kSummarySlice - 1) / kSummarySlice;
  auto work = [&mail, utf8, &wanted](size_t slice) {
    std::vector<std::optional<Summary>> rendered;
    const size_t end = std::min(wanted.size(), (slice + 1) * kSummarySlice);
    for (size_t j = slice * kSummarySlice; j < end; ++j) {
      auto bytes = mail.read_message(wanted[j]);
      if (!bytes) {
        rendered.emplace_back();
        continue;
      }
      rendered.push_back(summarize(*bytes, mime::parse_structure(*bytes), utf8));
    }
    return rendered;
  };
  auto sliced = co_await net::offload_each(server_.blocking(), slices, work);
  std::vector<std::optional<Summary>> rendered;
  for (auto& slice : sliced) {
    for (auto& r : slice) rendered.push_back(std::move(r));
  }
  for (size_t j = 0; j < missing.size(); ++j) {
    if (!rendered[j]) continue;
    cache.put(missing_entries[j], utf8, *rendered[j]);
    out[missing[j]] = std::move(rendered[j]);
  }
  co_return out;
}

std::optional<std::string> Session::mailbox_name(std::string_view wire) const {
  std::optional<std::string> name;
  if (utf8_) {
    if (str::is_valid_utf8(wire)) name = std::string(wire);
  } else {
    name = proto::imap::decode_mutf7(wire);
  }
  if (!name) return std::nullopt;
  // RFC 9051 5.1: INBOX in any case is INBOX, also as the first level of a hierarchy.
  if (name->size() >= 5 && str::iequals(std::string_view(*name).substr(0, 5), "INBOX") &&
      (name->size() == 5 || (*name)[5] == '/')) {
    name->replace(0, 5, "INBOX");
  }
  return name;
}

std::string Session::encode_mailbox(std::string_view name) const {
  std::string out;
  proto::imap::append_string(out, utf8_ ? std::string(name) : proto::imap::encode_mutf7(name),
                             utf8_);
  return out;
}

asio::awaitable<std::optional<store::Mailbox>> Session::find_target(std::string_view tag,
                                                                    const std::string& wire,
                                                                    const char* missing_code) {
  auto name = mailbox_name(wire);
  if (!name) {
    no(tag, "[CANNOT] Invalid mailbox name");
    co_return std::nullopt;
  }
  store::MailStore& mail = server_.mail();
  const int64_t account = account_->id;
  auto work2 = [&mail, account, n = *name] { return mail.find_mailbox(account, n); };
  auto found = co_await blocking(std::move(work2));
  if (!found) {
    log::error("imap.store.error", {{"sid", id_}, {"error", found.error().message}});
    no(tag, "[SERVERBUG] Store error");
    co_return std::nullopt;
  }
  if (!*found) {
    no(tag, std::string("[") + missing_code + "] No such mailbox");
    co_return std::nullopt;
  }
  co_return **found;
}

}  // namespace heron::server::imap
