#pragma once
// The message rules of submission (RFC 6409 8): what the MSA checks and adds to a message a
// user's client submitted, before it is filed or queued.
//  - a message without a From: field (or with no address in it) is refused: 550 5.6.0, since
//    the MSA cannot tell who it is from (RFC 6409 8.1 lets an MSA refuse it);
//  - Date: is added when missing (8.3), and Message-ID: (8.3 / RFC 5322 3.6.4);
//  - the From: addresses are returned so the session can check the account may use them;
//  - the message is DKIM-signed (RFC 6376, RFC 8463) with every key of the From domain in
//    the keyring (dkim_fields()), so it passes DMARC at the receiver.
// Input: the message as the client sent it (untrusted). Thread: any. Failure: none (pure);
// a refusal is a value.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mailauth/dkim/keyring.hpp"

namespace heron::server::smtp {

struct SubmissionHeaders {
  bool has_from = false;
  std::vector<std::string> from;  // the From: mailboxes, "local@domain" (domain lowercased)
  std::string added;              // header fields to prepend, each ending in CRLF
};

// unix_time stamps a missing Date:, and id_suffix@hostname names a missing Message-ID.
SubmissionHeaders inspect_submission(std::string_view message, std::string_view hostname,
                                     int64_t unix_time, std::string_view id_suffix);

// The DKIM-Signature fields to prepend to `message` (CRLF line ends, fix-ups included), one
// per key of `from_domain`; "" when the domain has no key. A signing failure is logged
// (dkim.sign.failed) and the message goes unsigned rather than being refused.
std::string dkim_fields(mailauth::dkim::Keyring& keyring, std::string_view from_domain,
                        std::string_view message, int64_t unix_time);

}  // namespace heron::server::smtp
