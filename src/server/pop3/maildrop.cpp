// RETR/TOP reads and the UPDATE state (RFC 1939 6): removal of the marked messages, durable
// before the +OK.
#include "base/log.hpp"
#include "base/metrics.hpp"
#include "net/blocking.hpp"
#include "server/pop3/session.hpp"

namespace heron::server::pop3 {

namespace asio = boost::asio;

namespace {

// Messages up to this size are read on the session's strand: reading an immutable blob file,
// normally from the page cache, costs less than two thread hand-offs, which on a busy machine
// each wait for the scheduler (measured with bench/pop3_bench.py: docs/bench.md). SMTP's
// recipient lookups are synchronous on the strand for the same reason. Larger messages, whose
// read may take long, go to the worker pool.
constexpr uint64_t kInlineReadMax = 256 * 1024;

}  // namespace

asio::awaitable<void> Session::retrieve() {
  const store::Message& message = messages_[machine_.pending_index()];
  store::MailStore& mail = server_.shared().mail;
  std::optional<Result<std::string>> read_result;
  if (message.size <= kInlineReadMax) {
    read_result.emplace(mail.read_message(message));
  } else {
    auto read = [&mail, copy = message] { return mail.read_message(copy); };  // see login.cpp
    read_result.emplace(co_await net::offload(server_.shared().blocking, std::move(read)));
  }
  Result<std::string>& bytes = *read_result;
  if (!bytes) {
    // Gone meanwhile (expunged over IMAP) or unreadable: the session goes on.
    log::warn(
        "pop3.retr.failed",
        {{"sid", id_}, {"user", user_}, {"uid", message.uid}, {"error", bytes.error().message}});
    metrics::inc("heron_pop3_rejects_total", "reason", "read_failed");
    machine_.retrieve_failed();
    co_return;
  }
  ++retrieved_;
  metrics::inc("heron_pop3_messages_retrieved_total");
  machine_.answer_retrieve(*bytes);
}

asio::awaitable<void> Session::update() {
  const std::vector<uint32_t> uids = machine_.deleted_uids();
  if (uids.empty()) {
    machine_.update_done(true);
    co_return;
  }
  // The store commits the removal (WAL, synchronous=FULL) before it returns: the +OK that
  // follows is a promise that survives a crash. Messages already expunged over IMAP are
  // skipped by the store, which is what the user wanted anyway.
  store::MailStore& mail = server_.shared().mail;
  const auto started = std::chrono::steady_clock::now();
  auto expunge = [&mail, id = mailbox_id_, uids] { return mail.expunge(id, uids, false); };
  auto removed = co_await net::offload(server_.shared().blocking, std::move(expunge));
  if (!removed) {
    log::error("pop3.update.failed", {{"sid", id_},
                                      {"user", user_},
                                      {"marked", uids.size()},
                                      {"error", removed.error().message}});
    metrics::inc("heron_pop3_rejects_total", "reason", "update_failed");
    machine_.update_done(false);
    co_return;
  }
  removed_ = removed->size();
  metrics::inc("heron_pop3_messages_deleted_total", {}, {}, removed_);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  log::info(
      "pop3.update",
      {{"sid", id_}, {"user", user_}, {"marked", uids.size()}, {"removed", removed_}, {"ms", ms}});
  machine_.update_done(true);
}

}  // namespace heron::server::pop3
