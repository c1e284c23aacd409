#pragma once
// queue::submit(): the only way into the outbound queue (DESIGN.md, "Queue"; STYLE.md
// principle 3). The MX and the MSA call it for accepted mail, the notifier for DSNs, and
// `heron queue inject` for mail an operator re-injects.
//
// It validates the envelope, puts the body in canonical form, stamps the arrival time from
// the Clock, and hands everything to QueueStore::enqueue(), which returns only once the
// message is on disk (store/queue_store.hpp). The caller answers 250 only after submit()
// returned a queue id; on an error it answers 451 (a store failure, errno set) or refuses the
// message (EINVAL: the envelope is malformed, which is a bug in the caller).
//
// Validation and canonical form:
//   - the sender is empty (the null reverse-path) or a mailbox that parses as an RFC 5321
//     path; each recipient is a mailbox with a domain. A non-ASCII address requires the
//     smtputf8 flag (RFC 6531 3.4);
//   - 1 to 1000 recipients; a recipient given twice (same local part, domain in any case) is
//     kept once;
//   - NOTIFY=NEVER stands alone (RFC 3461 4.1); an ENVID is at most 100 octets of printable
//     ASCII after decoding and an ORCPT is "type;address", both as smtp::parse_* give them;
//   - the body is not empty; bare CR and bare LF become CRLF, and a body that does not end
//     with CRLF gets one, so every queued body is canonical SMTP text (RFC 5321 2.3.8) and a
//     relayed message can never smuggle an end-of-data;
//   - eightbit is set when the body has any octet above 127, whatever the caller said, so
//     the SMTP client never sends 8-bit data to a peer without 8BITMIME unknowingly.
// Thread: any; submit() blocks until the commit, submit_async() calls back on the store's
// committer thread. Failure: Result errors as above.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "store/queue_store.hpp"

namespace heron::queue {

struct Recipient {
  std::string address;
  std::string orcpt;   // decoded, "rfc822;bob@example.org"; empty when none was given
  uint8_t notify = 0;  // smtp::notify bits; 0 when none was given
};

struct Submission {
  std::string sender;  // empty: the null reverse-path
  std::vector<Recipient> recipients;
  store::DsnRet ret = store::DsnRet::unspecified;
  std::string envid;  // decoded
  bool smtputf8 = false;
  bool eightbit = false;
  std::string origin;  // "mx", "submission", "dsn", "inject": kept for `heron queue show`
  std::string body;
  // For DSNs only (notify.hpp): the notices this message settles, in the same commit.
  std::optional<store::NoticeSettlement> settles;
};

inline constexpr size_t kMaxRecipients = 1000;

// Checks the envelope and canonicalises the body; `submission` is modified in place.
Result<void> prepare(Submission& submission);

Result<int64_t> submit(store::QueueStore& store, Submission submission,
                       const Clock& clock = system_clock());

using SubmitCallback = std::function<void(Result<int64_t>)>;
void submit_async(store::QueueStore& store, Submission submission, SubmitCallback done,
                  const Clock& clock = system_clock());

}  // namespace heron::queue
