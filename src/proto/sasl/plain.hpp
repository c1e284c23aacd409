#pragma once
// SASL for the mail protocols: the client-response framing shared by POP3 AUTH (RFC 5034),
// SMTP AUTH (RFC 4954) and IMAP AUTHENTICATE (RFC 9051 6.2.2), and the PLAIN mechanism
// (RFC 4616).
//
// A response line is base64; "*" cancels the exchange (RFC 4422 3.5, RFC 5034 4); "=" as an
// initial response stands for an empty one (RFC 5034 4, RFC 4954 4). PLAIN's message is
// [authzid] NUL authcid NUL passwd, each UTF-8 and at most 255 octets (RFC 4616 2).
// Heron has no proxy authorization: an authzid must be empty or equal to the authcid, or the
// exchange fails as authzid_refused (RFC 4616 2: the server "MUST" verify the authcid may act
// as the authzid, and here nobody may act as someone else).
// Input: untrusted, straight from the network. Thread: any (pure functions). Failure: a
// status other than ok, with a short reason for the log (never the password).

#include <string>
#include <string_view>

namespace heron::sasl {

// Longest response line we decode: PLAIN's three 255-octet fields in base64, with room.
inline constexpr size_t kMaxResponseLine = 2048;
// RFC 4616 2: "up to 255 octets" for each of authzid, authcid and passwd.
inline constexpr size_t kMaxPlainField = 255;

struct ClientResponse {
  enum class Status { data, cancelled, invalid };
  Status status = Status::invalid;
  std::string data;  // the decoded bytes when status is data
};

// Decodes one client response line (without its CRLF). `initial` says whether it came as the
// initial response on the AUTH command itself, where "=" means empty.
ClientResponse decode_response(std::string_view line, bool initial);

struct PlainCredentials {
  std::string authzid;  // empty, or equal to authcid
  std::string authcid;  // the login name
  std::string password;
};

struct PlainResult {
  enum class Status { ok, malformed, too_long, authzid_refused };
  Status status = Status::malformed;
  PlainCredentials credentials;  // set when ok
  std::string_view reason;       // for logs, e.g. "no NUL separator"
};

// RFC 4616 2: parses the decoded PLAIN message.
PlainResult parse_plain(std::string_view message);

}  // namespace heron::sasl
