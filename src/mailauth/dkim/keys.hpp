#pragma once
// DKIM public-key cryptography over OpenSSL 3 EVP: verification of rsa-sha256 (RFC 6376 3.3.1)
// and ed25519-sha256 (RFC 8463 3: Ed25519 over the SHA-256 hash of the header data), signing
// with a PEM private key, and key generation for `heron` admin tooling.
// Input: public keys from DNS (untrusted), private keys from the operator (trusted file, but a
// malformed one is an Error, not a crash). Thread: any. Failure: Error values; verify() returns
// false for any OpenSSL failure.

#include <memory>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "mailauth/dkim/records.hpp"

#include <openssl/types.h>

namespace heron::mailauth::dkim {

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const;
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// p= bytes: for rsa a DER SubjectPublicKeyInfo (RFC 6376 3.6.1) or, as some publishers do, a
// bare PKCS#1 RSAPublicKey; for ed25519 the raw 32-byte key (RFC 8463 4).
Result<Pkey> load_public_key(KeyType type, std::string_view der);
int key_bits(const Pkey& key);

// `data` is the canonicalised header data; the hash is taken here.
bool verify(Algorithm algorithm, const Pkey& key, std::string_view data,
            std::string_view signature);

// A private key in PEM (PKCS#1 or PKCS#8, RSA or Ed25519), or an Ed25519 32-byte seed in
// base64 (the form RFC 8463 A.1 and dkimpy use).
Result<Pkey> load_private_key(std::string_view text);
KeyType private_key_type(const Pkey& key);
Result<std::string> sign(Algorithm algorithm, const Pkey& key, std::string_view data);

struct GeneratedKey {
  std::string private_pem;  // PKCS#8
  std::string txt_record;   // "v=DKIM1; k=rsa; p=..." for <selector>._domainkey.<domain>
};
// rsa_bits applies to rsa only (2048 by default; tests make shorter ones).
Result<GeneratedKey> generate_key(KeyType type, unsigned rsa_bits = 2048);
// The key record value for the public half of a private key.
Result<std::string> txt_record_for(const Pkey& private_key);

}  // namespace heron::mailauth::dkim
