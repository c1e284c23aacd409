#pragma once
// The two DKIM records: the DKIM-Signature header field (RFC 6376 3.5, algorithms RFC 8463
// and RFC 8301) and the key record published at <selector>._domainkey.<domain> (RFC 6376
// 3.6.1). Parsing checks syntax and the rules that need no key or message: required tags,
// v=, i= within d=, h= containing From, x= not before t=.
// Input: untrusted. Thread: any. Failure: an Error whose message is the PERMFAIL reason.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "mailauth/dkim/canon.hpp"
#include "mailauth/dkim/tag_list.hpp"

namespace heron::mailauth::dkim {

enum class Algorithm { rsa_sha256, ed25519_sha256, rsa_sha1 };
enum class KeyType { rsa, ed25519 };

std::string_view algorithm_name(Algorithm algorithm);
std::optional<Algorithm> parse_algorithm(std::string_view name);

struct Signature {
  Algorithm algorithm = Algorithm::rsa_sha256;
  std::string algorithm_text;  // a= as written, lowercase
  std::string signature;       // b=, decoded
  std::string b_text;          // b= without FWS (base64), for header.b
  std::string body_hash;       // bh=, decoded
  Canon header_canon = Canon::simple;
  Canon body_canon = Canon::simple;
  std::string domain;                       // d=, lowercase
  std::string selector;                     // s=, lowercase
  std::string identity;                     // i= (default "@" + d=)
  std::vector<std::string> signed_headers;  // h=, names as written
  std::optional<uint64_t> body_length;      // l=
  std::optional<int64_t> timestamp;         // t=
  std::optional<int64_t> expiration;        // x=
};

// `value` is the field's value (after "DKIM-Signature:"), folding kept. The error message
// names the first problem found; a= values other than the three above are an error too.
Result<Signature> parse_signature(std::string_view value);

struct KeyRecord {
  KeyType type = KeyType::rsa;
  std::string public_key;           // p=, decoded; empty means revoked (RFC 6376 3.6.1)
  std::vector<std::string> hashes;  // h=, lowercase; empty means any
  bool testing = false;             // t=y
  bool strict_identity = false;     // t=s: i= domain must equal d=
  bool email_service = true;        // s= contains "email" or "*"
};

Result<KeyRecord> parse_key_record(std::string_view text);

// RFC 6376 3.5 d= and i= domain syntax (RFC 5321 Domain, labels of letters, digits, '-',
// and '_' which selectors and some signers use).
bool valid_domain(std::string_view domain);

}  // namespace heron::mailauth::dkim
