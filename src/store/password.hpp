#pragma once
// Password hashing for accounts: Argon2id (RFC 9106) in PHC string form, never plaintext.
// Verification also accepts imported {SHA512-CRYPT}/$6$ and bcrypt $2y$ hashes through
// crypt(3), for migration from Dovecot. Thread: any. Failure: hash() returns an Error only if
// the library does; verify() returns false for any malformed hash.

#include <optional>
#include <string>
#include <string_view>

#include "base/crypto.hpp"

#include "base/result.hpp"

namespace heron::store {

Result<std::string> hash_password(std::string_view password);
bool verify_password(std::string_view encoded_hash, std::string_view password);

// SCRAM-SHA-256 keys for a password (RFC 5802 3, RFC 7677) with a fresh 16-octet salt and
// sasl::kScramIterations, in the RFC 5803 string form
// "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>" (base64 fields). They are
// stored beside the Argon2id hash whenever a password is set, since SCRAM cannot use it.
Result<std::string> scram_sha256_secret(std::string_view password);
std::string format_scram_sha256(const crypto::ScramKeys& keys);
// nullopt for an empty or malformed string (an account whose password predates the keys).
std::optional<crypto::ScramKeys> parse_scram_sha256(std::string_view secret);

}  // namespace heron::store
