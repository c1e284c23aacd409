#pragma once
// DKIM signing (RFC 6376 5, RFC 8463) for mail Heron sends: relaxed/relaxed, rsa-sha256 or
// ed25519-sha256, h= covering the fields a recipient sees and over-signing the ones an
// attacker would most like to add (RFC 6376 8.15): each of From, To, Subject, Date and
// Message-ID is listed once more than it occurs, so no extra instance can be added later.
// Input: the message (trusted, our own submission), CRLF line ends. Thread: any.
// Failure: Error when the message has no From field (RFC 6376 5.4) or a key is unusable.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "mailauth/dkim/keys.hpp"

namespace heron::mailauth::dkim {

struct SigningKey {
  std::string domain;
  std::string selector;
  Algorithm algorithm = Algorithm::rsa_sha256;  // rsa_sha256 or ed25519_sha256
  std::string private_key;                      // PEM (or an ed25519 seed in base64)
};

// The header names signed, in h= order, and those over-signed.
const std::vector<std::string>& signed_header_names();
const std::vector<std::string>& oversigned_header_names();

// One "DKIM-Signature: ...\r\n" field per key (folded at 78 columns), in the order of `keys`,
// to be prepended to the message. `now` becomes t=.
Result<std::vector<std::string>> sign(std::string_view message, const std::vector<SigningKey>& keys,
                                      int64_t now);

}  // namespace heron::mailauth::dkim
