// Password hashing: Argon2id for new hashes, crypt(3) for imported ones.
//
// Parameters (RFC 9106 section 4; OWASP's first recommended Argon2id setting): t=2 passes,
// m=19 MiB, p=1 lane, 16-byte salt from OpenSSL's CSPRNG, 32-byte tag. Measured on the 2-core
// build VM: about 37 ms per hash or verify (t=3/m=64 MiB took 200 ms, which would let a burst
// of AUTH attempts pin both cores). The parameters are stored in every PHC string, so they
// can be raised later without invalidating existing hashes.
//
// Imported hashes ({SHA512-CRYPT}$6$, {SHA256-CRYPT}$5$, {BLF-CRYPT}$2y$ and the bare forms)
// are checked with crypt_r(3) and a constant-time comparison.

#include "store/password.hpp"

#include <argon2.h>
#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>

#include <cstring>
#include <memory>
#include "base/base64.hpp"

namespace heron::store {
namespace {

constexpr uint32_t kTimeCost = 2;
constexpr uint32_t kMemoryKiB = 19 * 1024;
constexpr uint32_t kLanes = 1;
constexpr size_t kSaltLen = 16;
constexpr size_t kHashLen = 32;

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

bool verify_crypt(std::string_view hash, std::string_view password) {
  // crypt_r takes C strings: a password with a NUL could never have been hashed by it.
  if (password.find('\0') != std::string_view::npos) return false;
  if (hash.find('\0') != std::string_view::npos) return false;
  std::string pw(password);
  std::string setting(hash);
  auto data = std::make_unique<crypt_data>();  // ~32 KiB: too big for the stack
  std::memset(data.get(), 0, sizeof(crypt_data));
  const char* out = crypt_r(pw.c_str(), setting.c_str(), data.get());
  OPENSSL_cleanse(pw.data(), pw.size());
  // libxcrypt returns a string starting with '*' on failure rather than NULL.
  if (out == nullptr || out[0] == '*') return false;
  size_t n = std::strlen(out);
  return n == setting.size() && CRYPTO_memcmp(out, setting.data(), n) == 0;
}

}  // namespace

Result<std::string> hash_password(std::string_view password) {
  std::array<unsigned char, kSaltLen> salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    return make_error("RAND_bytes failed for the password salt");
  }
  size_t len = argon2_encodedlen(kTimeCost, kMemoryKiB, kLanes, kSaltLen, kHashLen, Argon2_id);
  std::string encoded(len, '\0');
  int rc = argon2id_hash_encoded(kTimeCost, kMemoryKiB, kLanes, password.data(), password.size(),
                                 salt.data(), salt.size(), kHashLen, encoded.data(), len);
  if (rc != ARGON2_OK) return make_error(std::string("argon2id: ") + argon2_error_message(rc));
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

bool verify_password(std::string_view encoded_hash, std::string_view password) {
  std::string_view h = encoded_hash;
  if (starts_with(h, "$argon2id$") || starts_with(h, "$argon2i$")) {
    std::string c(h);  // argon2_verify wants a C string
    if (c.find('\0') != std::string::npos) return false;
    int rc = starts_with(h, "$argon2id$")
                 ? argon2id_verify(c.c_str(), password.data(), password.size())
                 : argon2i_verify(c.c_str(), password.data(), password.size());
    return rc == ARGON2_OK;
  }
  // Dovecot scheme prefixes: the rest is a crypt(3) string.
  for (std::string_view scheme : {"{SHA512-CRYPT}", "{SHA256-CRYPT}", "{BLF-CRYPT}", "{CRYPT}"}) {
    if (starts_with(h, scheme)) {
      h.remove_prefix(scheme.size());
      break;
    }
  }
  for (std::string_view prefix : {"$6$", "$5$", "$2y$", "$2b$", "$2a$"}) {
    if (starts_with(h, prefix)) return verify_crypt(h, password);
  }
  return false;  // unknown scheme or plaintext: never accepted
}

namespace {
// RFC 7677 4: at least 4096 (the same constant as sasl::kScramIterations; store does not
// depend on proto).
constexpr uint32_t kScramIterations = 4096;
constexpr size_t kScramSaltLen = 16;
constexpr std::string_view kScramPrefix = "SCRAM-SHA-256$";
}  // namespace

Result<std::string> scram_sha256_secret(std::string_view password) {
  auto salt = crypto::random_bytes(kScramSaltLen);
  if (!salt) return make_error("RAND_bytes failed for the SCRAM salt");
  return format_scram_sha256(crypto::derive_scram_sha256(password, *salt, kScramIterations));
}

std::string format_scram_sha256(const crypto::ScramKeys& keys) {
  return std::string(kScramPrefix) + std::to_string(keys.iterations) + ":" +
         base64::encode(keys.salt) + "$" + base64::encode(keys.stored_key) + ":" +
         base64::encode(keys.server_key);
}

std::optional<crypto::ScramKeys> parse_scram_sha256(std::string_view s) {
  if (!starts_with(s, kScramPrefix)) return std::nullopt;
  s.remove_prefix(kScramPrefix.size());
  const size_t colon1 = s.find(':');
  const size_t dollar = s.find('$');
  if (colon1 == std::string_view::npos || dollar == std::string_view::npos || dollar < colon1) {
    return std::nullopt;
  }
  const size_t colon2 = s.find(':', dollar);
  if (colon2 == std::string_view::npos) return std::nullopt;
  crypto::ScramKeys keys;
  const std::string_view iter = s.substr(0, colon1);
  auto [end, ec] = std::from_chars(iter.data(), iter.data() + iter.size(), keys.iterations);
  if (ec != std::errc() || end != iter.data() + iter.size() || keys.iterations == 0) {
    return std::nullopt;
  }
  auto salt = base64::decode(s.substr(colon1 + 1, dollar - colon1 - 1));
  auto stored = base64::decode(s.substr(dollar + 1, colon2 - dollar - 1));
  auto server = base64::decode(s.substr(colon2 + 1));
  if (!salt || salt->empty() || !stored || stored->size() != crypto::kSha256Size || !server ||
      server->size() != crypto::kSha256Size) {
    return std::nullopt;
  }
  keys.salt = std::move(*salt);
  keys.stored_key = std::move(*stored);
  keys.server_key = std::move(*server);
  return keys;
}

}  // namespace heron::store
