#include "queue/outcome.hpp"

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "proto/smtp/dsn_params.hpp"
#include "queue/dsn.hpp"

namespace heron::queue {
namespace {

const store::QueuedRecipient* find_recipient(const store::QueuedMessage& message, int64_t id) {
  for (const store::QueuedRecipient& r : message.recipients) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

// RFC 3461 4.1: no NOTIFY means FAILURE,DELAY (Heron's choice of the two the RFC allows).
bool wants(uint8_t notify, uint8_t bit) {
  if (notify == 0) return bit != smtp::notify::kSuccess;
  return (notify & smtp::notify::kNever) == 0 && (notify & bit) != 0;
}

// The enhanced code to record: the reply's, or one implied by its class (RFC 3463 3.1).
std::string status_of(const DeliveryResult& r) {
  if (!r.enhanced.empty()) return r.enhanced;
  switch (r.kind) {
    case DeliveryResult::Kind::delivered:
      return "2.0.0";
    case DeliveryResult::Kind::permanent:
      return "5.0.0";
    case DeliveryResult::Kind::transient:
      // No reply at all: a network or routing problem (RFC 3463 X.4.0).
      return r.reply_code == 0 ? "4.4.0" : "4.0.0";
  }
  return "4.0.0";
}

}  // namespace

store::AttemptRecord decide(const store::QueuedMessage& message, const DeliveryResult& result,
                            const RetryPolicy& policy, int64_t now) {
  store::AttemptRecord a;
  a.recipient_id = result.recipient_id;
  a.attempted_at = now;
  a.status = status_of(result);
  a.diagnostic = dsn::diagnostic_code(result.reply_code, result.enhanced, result.text);
  a.remote_mta = result.remote_host.empty() ? "" : "dns; " + dsn::sanitize(result.remote_host, 255);
  const store::QueuedRecipient* rcpt = find_recipient(message, result.recipient_id);
  const uint8_t notify = rcpt != nullptr ? rcpt->notify : 0;
  const uint32_t attempts = (rcpt != nullptr ? rcpt->attempts : 0) + 1;
  const bool null_sender = message.sender.empty();

  DeliveryResult::Kind kind = result.kind;
  if (kind == DeliveryResult::Kind::transient) {
    const RetryDecision d = after_transient_failure(policy, attempts, message.arrival, now);
    if (!d.give_up) {
      a.state = store::RecipientState::queued;
      a.next_attempt = d.next_attempt;
      return a;
    }
    kind = DeliveryResult::Kind::permanent;  // max_age is over: the last error is final
    log::info("queue.expired",
              {{"id", message.id}, {"recipient", result.recipient_id}, {"attempts", attempts}});
    metrics::inc("heron_queue_expired_total");
  }
  if (kind == DeliveryResult::Kind::delivered) {
    a.state = store::RecipientState::delivered;
    const bool owed =
        !null_sender && wants(notify, smtp::notify::kSuccess) && !result.notify_relayed;
    a.dsn = owed ? store::DsnState::pending : store::DsnState::none;
    return a;
  }
  a.state = store::RecipientState::failed;
  const bool owed = !null_sender && wants(notify, smtp::notify::kFailure);
  a.dsn = owed ? store::DsnState::pending : store::DsnState::none;
  if (null_sender) {
    // A notice that cannot be delivered is dropped, never bounced (RFC 5321 4.5.5).
    log::warn("queue.null_sender.failed", {{"id", message.id}, {"recipient", result.recipient_id}});
  }
  return a;
}

namespace {

std::vector<store::AttemptRecord> records_for(const store::QueuedMessage& message,
                                              const std::vector<DeliveryResult>& results,
                                              const RetryPolicy& policy, int64_t now) {
  std::vector<store::AttemptRecord> records;
  records.reserve(results.size());
  for (const DeliveryResult& r : results) {
    records.push_back(decide(message, r, policy, now));
    const store::AttemptRecord& a = records.back();
    const char* state = a.state == store::RecipientState::queued      ? "deferred"
                        : a.state == store::RecipientState::delivered ? "delivered"
                                                                      : "failed";
    log::info("queue.attempt", {{"id", message.id},
                                {"recipient", r.recipient_id},
                                {"result", state},
                                {"status", a.status},
                                {"remote", r.remote_host},
                                {"reply", a.diagnostic}});
    metrics::inc("heron_queue_attempts_total", "result", state);
  }
  return records;
}

}  // namespace

Result<void> report(store::QueueStore& store, const store::QueuedMessage& message,
                    const std::vector<DeliveryResult>& results, const RetryPolicy& policy,
                    const Clock& clock) {
  return store.record(records_for(message, results, policy, clock.now()));
}

void report_async(store::QueueStore& store, const store::QueuedMessage& message,
                  const std::vector<DeliveryResult>& results, const RetryPolicy& policy,
                  store::QueueStore::RecordCallback done, const Clock& clock) {
  store.record_async(records_for(message, results, policy, clock.now()), std::move(done));
}

}  // namespace heron::queue
