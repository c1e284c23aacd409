#pragma once
// Delivery status notifications (RFC 3464), built as bytes. Pure: no clock, no randomness
// unless the caller leaves message_id or boundary empty.
//
// The message is a multipart/report (RFC 6522) with report-type=delivery-status:
//   1. text/plain: what happened, for a person;
//   2. message/delivery-status: per-message fields (Reporting-MTA, Original-Envelope-Id,
//      Arrival-Date), then one block per recipient (Original-Recipient, Final-Recipient,
//      Action, Status, Remote-MTA, Diagnostic-Code, Last-Attempt-Date, Will-Retry-Until);
//   3. the original's header section as text/rfc822-headers, or, when the sender asked for
//      RET=FULL (RFC 3461 4.3), the whole original as message/rfc822. Left out when the
//      original cannot be read.
// When the original needed SMTPUTF8, parts 2 and 3 use the RFC 6533 types
// (message/global-delivery-status, message/global-headers, message/global) and a non-ASCII
// address is typed utf-8 instead of rfc822.
//
// The notice is addressed to the original's reverse-path and is meant to be submitted with
// the null reverse-path (RFC 3461 6.1; RFC 5321 4.5.5) and carries Auto-Submitted:
// auto-replied (RFC 3834 5), so that it can never cause a notice of its own. build() refuses
// a notice for the null sender.
// Text that came from the network (a remote server's reply, a remote host name) is reduced
// to printable ASCII and cut to a sane length, so it cannot break a header or a line.
// Input: our queue's records. Thread: any. Failure: EINVAL for a null sender, no recipients,
// or a boundary that occurs in the original.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "store/queue_store.hpp"

namespace heron::queue::dsn {

// RFC 3464 2.3.3.
enum class Action { failed, delayed, delivered, relayed, expanded };
std::string_view action_name(Action action);

struct RecipientReport {
  std::string final_recipient;     // the address delivery was attempted to
  std::string original_recipient;  // decoded ORCPT "rfc822;bob@example.org", or empty
  Action action = Action::failed;
  std::string status;            // RFC 3463 "5.1.1"
  std::string diagnostic;        // "smtp; 550 5.1.1 no such user", or empty
  std::string remote_mta;        // "dns; mx.example.net", or empty
  int64_t last_attempt = 0;      // 0: none was made
  int64_t will_retry_until = 0;  // for Action::delayed
};

struct Report {
  std::string reporting_mta;  // our host name
  std::string recipient;      // who gets the notice: the original's reverse-path
  std::string envid;          // the original's ENVID, decoded, or empty
  int64_t arrival = 0;
  store::DsnRet ret = store::DsnRet::unspecified;  // full: the whole original comes back
  bool utf8 = false;                               // the original needed SMTPUTF8 (RFC 6533)
  std::string_view original;  // the original message; empty when it could not be read
  int64_t date = 0;           // when the notice is made
  std::string message_id;     // "<...>"; generated when empty
  std::string boundary;       // generated when empty
  std::vector<RecipientReport> recipients;
};

// The notice as CRLF text, ready for queue::submit().
Result<std::string> build(const Report& report);

// "smtp; 550 5.1.1 no such user" from a reply (code 0: a local reason, typed X-Heron).
// Multi-line reply text is joined with spaces.
std::string diagnostic_code(int reply_code, std::string_view enhanced, std::string_view text);
// Network text made safe for one header line: printable ASCII, at most max octets.
std::string sanitize(std::string_view text, size_t max = 500);

}  // namespace heron::queue::dsn
