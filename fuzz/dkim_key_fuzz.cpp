// Fuzz target for DKIM key records (RFC 6376 3.6.1, src/mailauth/dkim/records.hpp): any TXT
// value from DNS. parse_key_record must not crash; a record that parses must have a known key
// type, and its p= bytes go through the OpenSSL loaders (DER SubjectPublicKeyInfo, PKCS#1,
// raw Ed25519), which must refuse garbage without crashing.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mailauth/dkim/keys.hpp"
#include "mailauth/dkim/records.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace heron::mailauth::dkim;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto key = parse_key_record(text);
  if (!key) return 0;
  if (key->type != KeyType::rsa && key->type != KeyType::ed25519) std::abort();
  if (key->public_key.empty()) return 0;
  auto pkey = load_public_key(key->type, key->public_key);
  if (pkey && key->type == KeyType::ed25519 && key->public_key.size() != 32) std::abort();
  if (pkey && key_bits(*pkey) <= 0) std::abort();
  // The raw p= bytes as the other key type too.
  (void)load_public_key(key->type == KeyType::rsa ? KeyType::ed25519 : KeyType::rsa,
                        key->public_key);
  return 0;
}
