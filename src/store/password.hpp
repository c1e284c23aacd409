#pragma once
// Password hashing for accounts: Argon2id (RFC 9106) in PHC string form, never plaintext.
// Verification also accepts imported {SHA512-CRYPT}/$6$ and bcrypt $2y$ hashes through
// crypt(3), for migration from Dovecot. Thread: any. Failure: hash() returns an Error only if
// the library does; verify() returns false for any malformed hash.

#include <string>
#include <string_view>

#include "base/result.hpp"

namespace heron::store {

Result<std::string> hash_password(std::string_view password);
bool verify_password(std::string_view encoded_hash, std::string_view password);

}  // namespace heron::store
