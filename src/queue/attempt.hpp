#pragma once
// Glue between a claim and the SMTP client machine, for the delivery loop (delivery/remote):
// what to send for a claimed message, and what the machine's outcome means per recipient.
//
//   client_message()   a Claim's message as smtp::ClientMessage (RET, ENVID, NOTIFY, ORCPT
//                      and the SMTPUTF8/8BITMIME needs carried over);
//   results_of()       smtp::MessageResult -> one DeliveryResult per claimed recipient:
//                      2xx delivered, 5xx permanent, anything else transient; the peer's
//                      DSN support is recorded so no "relayed" notice is sent for a NOTIFY the
//                      peer took over (RFC 3461 5.2.2);
//   session_failed()   the connection ended before the message was tried (greeting refused,
//                      EHLO failed, TLS required but missing, TLS handshake failed): every
//                      recipient is deferred with that reply, even a 5xx, as MTAs do (the
//                      next MX or a later attempt may do better; max_age bounds it);
//   not_attempted()    no connection at all (DNS failure, every MX refused the connection),
//                      or a permanent routing failure (a domain with no mail service).
// Pure. Input: results from the network, kept as given (sanitised when a notice is built).
// Thread: any. Failure: none.

#include <string>
#include <string_view>
#include <vector>

#include "proto/smtp/client_machine.hpp"
#include "queue/outcome.hpp"
#include "store/queue_store.hpp"

namespace heron::queue {

// `body` must outlive the returned message (ClientMessage holds a view of it).
smtp::ClientMessage client_message(const store::QueuedMessage& message, std::string_view body);

std::vector<DeliveryResult> results_of(const store::QueuedMessage& message,
                                       const smtp::MessageResult& result,
                                       std::string_view remote_host);

std::vector<DeliveryResult> session_failed(const store::QueuedMessage& message,
                                           const smtp::SessionError& error,
                                           std::string_view remote_host);

std::vector<DeliveryResult> not_attempted(const store::QueuedMessage& message, bool permanent,
                                          std::string_view why);

}  // namespace heron::queue
