#pragma once
// The Authentication-Results header field (RFC 8601): how the MX reports what SPF, DKIM,
// DMARC and iprev found, for the user's mail client and filters to read.
//
//   Authentication-Results: mx.example.org;
//   	iprev=pass policy.iprev=192.0.2.1 (mail.example.com);
//   	spf=pass smtp.mailfrom=alice@example.com;
//   	dkim=pass header.d=example.com header.s=s1 header.a=ed25519-sha256 header.b="abcd/123";
//   	dmarc=pass (p=reject dis=none) header.from=example.com
//
// RFC 8601 5: fields that claim our own authserv-id arrived from outside and are forgeries;
// the MX removes them before adding its own (remove_own()). Fields of other authserv-ids are
// kept. Values that are not RFC 2045 tokens are written as quoted strings (ptype_value()).
// Input: message headers are untrusted. Thread: any. Failure: none (pure).

#include <string>
#include <string_view>
#include <vector>

namespace heron::mailauth {

// A property value (RFC 8601 2.2 pvalue): as is when it is a token or local-part@domain of
// tokens, otherwise a quoted string.
std::string ptype_value(std::string_view value);

// An RFC 5322 comment "(text)" with parentheses and backslashes escaped, control characters
// dropped.
std::string comment(std::string_view text);

// "Authentication-Results: <authserv-id>;\r\n\t<resinfo>;\r\n\t<resinfo>\r\n", or
// "...: <authserv-id>; none\r\n" when `results` is empty (RFC 8601 2.2).
std::string results_field(std::string_view authserv_id, const std::vector<std::string>& results);

// The authserv-id a field value names: its first token, comments and blanks skipped,
// lowercased; "" when there is none.
std::string authserv_id_of(std::string_view value);

// The message without the Authentication-Results fields (in its header section only) whose
// authserv-id equals `authserv_id` (case-insensitively). `removed` counts them.
std::string remove_own(std::string_view message, std::string_view authserv_id, size_t& removed);

}  // namespace heron::mailauth
