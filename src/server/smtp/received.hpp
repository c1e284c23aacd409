#pragma once
// The Received: trace header (RFC 5321 4.4, with the "with" protocol types of RFC 3848 and
// RFC 6531). Client-supplied text (the EHLO argument) is reduced to printable ASCII so it
// cannot break the header. "for" is written only for a single recipient, so the header does
// not disclose Bcc recipients. Submitted mail names the authenticated user in a comment
// ("Authenticated sender", as Postfix writes it) and may leave the client out altogether
// (RFC 6409 8 leaves it to the MSA; config submission.hide_client_ip). Thread: any. Failure: none
// (pure).

#include <cstdint>
#include <string>
#include <string_view>

#include "base/clock.hpp"

namespace heron::server::smtp {

struct ReceivedInfo {
  std::string helo;  // as the client sent it
  std::string client_ip;
  std::string client_host;    // reverse DNS name, if known
  std::string by_host;        // our hostname
  std::string protocol;       // ESMTPS, UTF8SMTP, ...
  std::string id;             // our queue/transaction id
  std::string tls;            // "TLSv1.3 TLS_AES_256_GCM_SHA384", or empty
  std::string for_recipient;  // set only for single-recipient messages
  std::string auth_user;      // the AUTH identity (ESMTPA, RFC 3848), or empty
  bool hide_client = false;   // leave out the client's EHLO name, address and host name
  int64_t unix_time = 0;
};

std::string received_header(const ReceivedInfo& info);

// RFC 5322 3.3 date-time in UTC (base/clock.hpp).
using heron::rfc5322_date;

}  // namespace heron::server::smtp
