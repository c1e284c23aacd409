#pragma once
// The notifier: turns owed notices into DSN messages (RFC 3464) and puts them back through
// queue::submit(), so a notice is delivered, retried and expired like any other message.
//
// send_notices() looks at every recipient the store says may need a notice
// (QueueStore::notice_work):
//   - final ones with a notice owed (outcome.hpp decided it): one notice per message for
//     all of them, failed and delivered/relayed alike, returning the original per its RET;
//   - queued ones that arrived delay_warning ago and had no delay notice yet: one "delayed"
//     notice per message (RFC 3464 Action: delayed, Will-Retry-Until), headers only, for
//     those whose NOTIFY includes DELAY or was not given; the others are marked as done
//     without a notice.
// Each notice is submitted with the null reverse-path and NOTIFY=NEVER on its one
// recipient, and settles the recipients it reports on in the same commit as its enqueue
// (store::NoticeSettlement): a crash can neither lose it nor send it twice. No notice ever
// goes to the null reverse-path.
// Thread: any; call it from one place at a time (the delivery loop's timer). Failure: the
// first store error stops the pass and is returned; what was settled stays settled and the
// rest is found again on the next pass.

#include <cstdint>
#include <string>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "queue/schedule.hpp"
#include "store/queue_store.hpp"

namespace heron::queue {

struct NotifierSettings {
  std::string hostname;  // Reporting-MTA and the notices' From: MAILER-DAEMON@hostname
  RetryPolicy policy;
};

struct NoticeCounts {
  uint64_t failure = 0;  // notices with at least one failed recipient
  uint64_t success = 0;  // notices reporting only delivered or relayed recipients
  uint64_t delay = 0;
  uint64_t settled_silently = 0;  // recipients whose notice was not wanted
};

Result<NoticeCounts> send_notices(store::QueueStore& store, const NotifierSettings& settings,
                                  const Clock& clock = system_clock());

}  // namespace heron::queue
