#pragma once
// QueueStore role: the outbound queue's durable state (DESIGN.md, "Queue"; docs/queue.md).
//
// A queued message is one immutable body plus an envelope: the reverse-path, the RFC 3461
// DSN parameters (RET, ENVID; per recipient NOTIFY and ORCPT), what the body needs from the
// next hop (SMTPUTF8, 8BITMIME), its size and arrival time. Each recipient has its own state
// (queued, delivered, failed), attempt count, last error and next attempt time, and a DSN
// state (a notice owed or sent) so that every notice is sent exactly once.
//
// Only queue::submit() calls enqueue() (STYLE.md principle 3). enqueue() is a durability
// point: when it succeeds the body file is fsynced and renamed, its directory fsynced, and
// the rows committed (WAL, synchronous=FULL), so a kill -9 at any instant loses no message
// whose enqueue returned. Concurrent enqueues and attempt results share fsyncs (group commit).
//
// Delivery workers take work with claim_due(): due recipients (next_attempt <= now, not held,
// not leased), grouped by message and destination domain, each group leased until a deadline
// so that no two workers ever hold the same recipient. A worker reports what happened with
// record(); a lease that runs out (the worker died) makes the recipients claimable again, and
// reconcile() releases every lease at start-up. A message is removed, body and all, in the
// same transaction that leaves it with no queued recipient and no notice owed.
//
// The store keeps state and enforces no policy: the retry schedule, give-up after the maximum
// age, and whether a notice is owed (NOTIFY, null sender) are decided in src/queue.
// Thread: any. enqueue_async() and record_async() never wait for the disk; the other calls
// run one short transaction (claims and operator actions) or wait for the group commit, so
// a caller on an event loop runs them on a worker thread. Failure: Result errors; EINVAL malformed
// input, ENOENT no such message, otherwise errno or the SQLite extended result code. A failed
// enqueue leaves nothing visible.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace heron::store {

// RFC 3461 4.3 RET: what a failure notice returns of the message.
enum class DsnRet { unspecified, full, headers };

enum class RecipientState { queued, delivered, failed };
// For a recipient in a final state: whether a notice (failure, or success when NOTIFY asked
// for it) is owed to the sender, or has been enqueued.
enum class DsnState { none, pending, sent };

struct NewQueueRecipient {
  std::string address;  // forward-path, local@domain
  std::string orcpt;    // RFC 3461 4.2 ORCPT decoded: "rfc822;bob@example.org"; empty if absent
  uint8_t notify = 0;
};

// What a notice enqueued with a message settles: the recipients of another message it
// reports on. Marked in the same transaction as the enqueue, so a crash can neither lose the
// notice nor send it twice.
struct NoticeSettlement {
  enum class Kind { final, delay };  // final: dsn pending -> sent; delay: delay_notified
  Kind kind = Kind::final;
  std::vector<int64_t> recipient_ids;
};

struct NewQueueMessage {
  std::string sender;  // reverse-path address; empty for the null reverse-path <>
  std::vector<NewQueueRecipient> recipients;
  DsnRet ret = DsnRet::unspecified;
  std::string envid;          // RFC 3461 4.4 ENVID, decoded; empty if absent
  bool smtputf8 = false;      // needs SMTPUTF8 (RFC 6531) from the next hop
  bool eightbit = false;      // BODY=8BITMIME (RFC 6152)
  int64_t arrival = 0;        // unix seconds
  int64_t first_attempt = 0;  // when the first delivery attempt is due; usually arrival
  std::string origin;         // who submitted it: "mx", "submission", "dsn", "inject", ...
  std::string body;           // the message, CRLF line ends
  std::optional<NoticeSettlement> settles;
};

struct QueuedRecipient {
  int64_t id = 0;
  int64_t message_id = 0;
  std::string address;
  std::string domain;  // lowercase; claims are grouped by it
  std::string orcpt;
  uint8_t notify = 0;
  RecipientState state = RecipientState::queued;
  uint32_t attempts = 0;
  int64_t next_attempt = 0;
  int64_t last_attempt = 0;  // 0: never tried
  std::string status;        // RFC 3463 code of the last outcome, "4.4.1"
  std::string diagnostic;    // RFC 3464 2.3.6 Diagnostic-Code, "smtp; 450 4.2.0 busy"
  std::string remote_mta;    // RFC 3464 2.3.5 Remote-MTA, "dns; mx.example.net"
  DsnState dsn = DsnState::none;
  bool delay_notified = false;
  int64_t lease_until = 0;  // 0: not claimed
};

struct QueuedMessage {
  int64_t id = 0;
  std::string sender;
  DsnRet ret = DsnRet::unspecified;
  std::string envid;
  bool smtputf8 = false;
  bool eightbit = false;
  int64_t arrival = 0;
  uint64_t size = 0;
  std::string origin;
  bool held = false;
  bool quarantined = false;  // the body file was missing at reconcile(); never claimed
  std::string blob_id;
  std::vector<QueuedRecipient> recipients;  // a claim holds only the claimed ones
};

// One message's due recipients at one destination domain, leased to the claimer.
struct Claim {
  QueuedMessage message;
  std::string domain;
  int64_t lease_until = 0;
};

struct ClaimRequest {
  int64_t now = 0;
  int64_t lease_seconds = 3600;  // longer than any delivery attempt can take
  size_t max_claims = 100;
  size_t max_recipients = 100;  // per claim: RFC 5321 4.5.3.1.8 requires servers take 100
  std::string domain;           // only this destination when set (lowercase)
};

// The outcome of one attempt for one recipient, as the queue decided it.
struct AttemptRecord {
  int64_t recipient_id = 0;
  RecipientState state = RecipientState::queued;  // queued: deferred until next_attempt
  int64_t attempted_at = 0;
  int64_t next_attempt = 0;       // for state queued
  bool counts_as_attempt = true;  // false when nothing was tried (e.g. a connection limit)
  std::string status;
  std::string diagnostic;
  std::string remote_mta;
  DsnState dsn = DsnState::none;  // for final states
};

struct QueueReconcileReport {
  uint64_t temp_files_removed = 0;
  uint64_t orphan_blobs_removed = 0;
  uint64_t missing_blobs_quarantined = 0;
  uint64_t blobs_restored = 0;
  uint64_t leases_released = 0;
  uint64_t finished_messages_removed = 0;
};

class QueueStore {
 public:
  virtual ~QueueStore() = default;

  // The durable hand-off. Returns the new message's queue id, never reused.
  virtual Result<int64_t> enqueue(NewQueueMessage message) = 0;
  using EnqueueCallback = std::function<void(Result<int64_t>)>;
  // As enqueue(); the callback runs on the store's committer thread after the commit.
  virtual void enqueue_async(NewQueueMessage message, EnqueueCallback done) = 0;

  // Every message with all its recipients, oldest first.
  virtual Result<std::vector<QueuedMessage>> list() = 0;
  virtual Result<std::optional<QueuedMessage>> get(int64_t id) = 0;
  virtual Result<std::string> read_body(const QueuedMessage& message) = 0;

  // Leases due recipients, grouped by message and domain, most overdue first.
  virtual Result<std::vector<Claim>> claim_due(const ClaimRequest& request) = 0;
  // Gives leased recipients back untouched (a worker that will not attempt them after all).
  virtual Result<void> unclaim(const std::vector<int64_t>& recipient_ids) = 0;
  // The earliest next_attempt of any claimable recipient, for a scheduler to sleep until.
  // Leased recipients count at their lease's end.
  virtual Result<std::optional<int64_t>> next_due() = 0;
  // Applies each record to its recipient, if still queued, and clears its lease. Messages
  // left with nothing queued and no notice owed are removed in the same commit.
  virtual Result<void> record(std::vector<AttemptRecord> records) = 0;
  using RecordCallback = std::function<void(Result<void>)>;
  // As record(); the callback runs on the store's committer thread after the commit.
  virtual void record_async(std::vector<AttemptRecord> records, RecordCallback done) = 0;

  // Messages with recipients a notice may be due for: final ones with a notice owed, and
  // queued ones that arrived at or before delay_cutoff and have had no delay notice yet.
  // Each message carries only those recipients.
  virtual Result<std::vector<QueuedMessage>> notice_work(int64_t delay_cutoff) = 0;
  // Marks recipients' notices as done without enqueuing one (nothing was owed after all).
  virtual Result<void> settle(const NoticeSettlement& settlement) = 0;

  // Operator actions (heron queue ...). false: no such message.
  virtual Result<bool> hold(int64_t id) = 0;
  virtual Result<bool> release(int64_t id) = 0;
  // Makes every queued recipient of the message (or of all messages) due at `now`.
  virtual Result<bool> retry_now(int64_t id, int64_t now) = 0;
  virtual Result<uint64_t> retry_all(int64_t now) = 0;
  // Removes the message and its body without any notice.
  virtual Result<bool> remove(int64_t id) = 0;

  // Start-up check, before any worker claims: see QueueReconcileReport and docs/queue.md.
  virtual Result<QueueReconcileReport> reconcile() = 0;
};

}  // namespace heron::store
