#pragma once
// What a delivery attempt's results mean for the queue (docs/queue.md, "States"): the
// delivery loop says what happened to each claimed recipient, and this turns it into the
// recipient's next state, its next attempt time, and whether a notice is owed.
//
//   delivered        -> delivered. A success notice is owed when the recipient's NOTIFY
//                       has SUCCESS, the sender is not null, and the next hop did not take
//                       the NOTIFY over itself (RFC 3461 5.2.2: then it reports, not us).
//   permanent (5xx)  -> failed. A failure notice is owed unless NOTIFY is NEVER or lacks
//                       FAILURE, or the sender is null (RFC 3461 6.1: never a notice to <>).
//   transient (4xx, connection or DNS failure)
//                    -> queued again after the retry schedule (schedule.hpp); once max_age
//                       has passed, failed as above, with the last error kept.
// Pure apart from report(), which writes the result through QueueStore::record().
// Input: the delivery loop's results (remote text is kept as given and sanitised only when
// a notice is built). Thread: any. Failure: report() returns the store's error; the leases
// then run out and the recipients are tried again.

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "queue/schedule.hpp"
#include "store/queue_store.hpp"

namespace heron::queue {

struct DeliveryResult {
  enum class Kind { delivered, transient, permanent };

  int64_t recipient_id = 0;
  Kind kind = Kind::transient;
  // The SMTP reply that decided it; reply_code 0 when there was none (a connection or DNS
  // failure, a local refusal): text then says what went wrong.
  int reply_code = 0;
  std::string enhanced;  // "5.1.1", or empty
  std::string text;
  std::string remote_host;      // the server that answered, empty for local delivery
  bool notify_relayed = false;  // the next hop supports DSN and was given the NOTIFY
};

// The store record for one result. `message` is the claimed message (its recipients must
// include result.recipient_id); `now` is when the attempt ended.
store::AttemptRecord decide(const store::QueuedMessage& message, const DeliveryResult& result,
                            const RetryPolicy& policy, int64_t now);

// decide() for every result, then one QueueStore::record() (one commit).
Result<void> report(store::QueueStore& store, const store::QueuedMessage& message,
                    const std::vector<DeliveryResult>& results, const RetryPolicy& policy,
                    const Clock& clock = system_clock());
// The same without waiting for the disk: done runs on the store's committer thread.
void report_async(store::QueueStore& store, const store::QueuedMessage& message,
                  const std::vector<DeliveryResult>& results, const RetryPolicy& policy,
                  store::QueueStore::RecordCallback done, const Clock& clock = system_clock());

}  // namespace heron::queue
