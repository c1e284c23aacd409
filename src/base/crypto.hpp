#pragma once
// Hashes and keyed hashes for authentication mechanisms: SHA-256, HMAC-SHA-256 (RFC 2104) and
// PBKDF2-HMAC-SHA-256 (RFC 8018 5.2), the primitives SCRAM-SHA-256 is built from (RFC 5802 2.2,
// RFC 7677), plus random bytes and a constant-time comparison. Thin wrappers over OpenSSL's
// libcrypto so callers deal in std::string bytes.
// Input: any bytes. Thread: any. Failure: random_bytes() returns nullopt if the CSPRNG fails;
// the others cannot fail on valid input (OpenSSL failures there are impossible states and
// yield an empty string, which never matches a real digest).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace heron::crypto {

inline constexpr size_t kSha256Size = 32;

std::string sha256(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);
// RFC 5802 2.2 Hi(): PBKDF2 with HMAC-SHA-256 and a 32-octet output.
std::string pbkdf2_sha256(std::string_view password, std::string_view salt, uint32_t iterations);
std::optional<std::string> random_bytes(size_t n);
// Equal length and equal bytes, in time independent of where they differ.
bool equal_secret(std::string_view a, std::string_view b);

// What a SCRAM-SHA-256 server stores for a password (RFC 5802 3 and 5.1): the salt and
// iteration count it sends, and StoredKey = H(HMAC(SaltedPassword, "Client Key")) and
// ServerKey = HMAC(SaltedPassword, "Server Key"), from which the password cannot be recovered.
struct ScramKeys {
  uint32_t iterations = 0;
  std::string salt;        // raw bytes
  std::string stored_key;  // 32 raw bytes
  std::string server_key;  // 32 raw bytes

  bool operator==(const ScramKeys&) const = default;
};

// RFC 5802 3: SaltedPassword = Hi(password, salt, i), then the two keys. The password is
// used as given (UTF-8 octets): SASLprep (RFC 4013) is not applied, which gives the same
// result for every password that SASLprep leaves unchanged (all printable ASCII among them).
ScramKeys derive_scram_sha256(std::string_view password, std::string_view salt,
                              uint32_t iterations);

}  // namespace heron::crypto
