#pragma once
// SASL PLAIN (RFC 4616) as IMAP AUTHENTICATE, POP3 AUTH and SMTP AUTH carry it: a base64
// response "authzid NUL authcid NUL passwd". Heron has no proxy authorization, so authzid
// must be empty or the same as authcid. Strict base64 (RFC 4648 4, padding required).
// Input: untrusted. Thread: any. Failure: std::nullopt (the protocol answers with its
// authentication failure, without saying which part was wrong).

#include <optional>
#include <string>
#include <string_view>

namespace heron::proto::sasl {

struct PlainCredentials {
  std::string user;
  std::string password;
};

// The decoded credentials of a PLAIN response. "=" (an empty initial response, RFC 4959) and
// anything malformed give std::nullopt.
std::optional<PlainCredentials> decode_plain(std::string_view base64);

// Strict RFC 4648 base64 decoding: the standard alphabet, '=' padding to a multiple of 4, no
// whitespace. std::nullopt if anything else.
std::optional<std::string> decode_base64_strict(std::string_view in);

}  // namespace heron::proto::sasl
