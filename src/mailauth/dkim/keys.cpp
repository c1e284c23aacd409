// OpenSSL 3 EVP glue for DKIM. See keys.hpp.

#include "mailauth/dkim/keys.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "base/base64.hpp"
#include "base/crypto.hpp"
#include "base/strings.hpp"
#include "mailauth/dkim/tag_list.hpp"

namespace heron::mailauth::dkim {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;
struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using Bio = std::unique_ptr<BIO, BioDeleter>;

const auto* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// rsa-* hashes the data inside the signature operation; ed25519-sha256 signs the SHA-256
// digest with PureEdDSA (RFC 8463 3), so the message given to EVP is the digest.
std::string message_for(Algorithm algorithm, std::string_view data) {
  if (algorithm == Algorithm::ed25519_sha256) return crypto::sha256(data);
  return std::string(data);
}

const EVP_MD* digest_for(Algorithm algorithm) {
  if (algorithm == Algorithm::rsa_sha256) return EVP_sha256();
  if (algorithm == Algorithm::rsa_sha1) return EVP_sha1();
  return nullptr;
}

}  // namespace

void PkeyDeleter::operator()(EVP_PKEY* key) const {
  EVP_PKEY_free(key);
}

Result<Pkey> load_public_key(KeyType type, std::string_view der) {
  if (type == KeyType::ed25519) {
    if (der.size() != 32) return make_error("ed25519 key is not 32 bytes");
    Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(der), der.size()));
    if (!key) return make_error("invalid ed25519 key");
    return key;
  }
  const unsigned char* p = bytes(der);
  Pkey key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!key || p != bytes(der) + der.size()) {
    p = bytes(der);
    key.reset(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(der.size())));
    if (!key || p != bytes(der) + der.size()) return make_error("invalid rsa public key");
  }
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) return make_error("p= is not an rsa key");
  return key;
}

int key_bits(const Pkey& key) {
  return EVP_PKEY_get_bits(key.get());
}

bool verify(Algorithm algorithm, const Pkey& key, std::string_view data,
            std::string_view signature) {
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) return false;
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, digest_for(algorithm), nullptr, key.get()) != 1)
    return false;
  const std::string message = message_for(algorithm, data);
  return EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(message),
                          message.size()) == 1;
}

Result<Pkey> load_private_key(std::string_view text) {
  const std::string_view trimmed = str::trim(text);
  if (trimmed.find("-----BEGIN") == std::string_view::npos) {
    auto seed = base64::decode(strip_fws(trimmed));
    if (!seed || seed->size() != 32) return make_error("not a PEM key or an ed25519 seed");
    Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes(*seed), seed->size()));
    if (!key) return make_error("invalid ed25519 seed");
    return key;
  }
  Bio bio(BIO_new_mem_buf(trimmed.data(), static_cast<int>(trimmed.size())));
  if (!bio) return make_error("out of memory");
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return make_error("unreadable PEM private key");
  const int id = EVP_PKEY_get_base_id(key.get());
  if (id != EVP_PKEY_RSA && id != EVP_PKEY_ED25519)
    return make_error("private key is neither rsa nor ed25519");
  return key;
}

KeyType private_key_type(const Pkey& key) {
  return EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_ED25519 ? KeyType::ed25519 : KeyType::rsa;
}

Result<std::string> sign(Algorithm algorithm, const Pkey& key, std::string_view data) {
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) return make_error("out of memory");
  if (EVP_DigestSignInit(ctx.get(), nullptr, digest_for(algorithm), nullptr, key.get()) != 1) {
    return make_error("key does not suit the algorithm");
  }
  const std::string message = message_for(algorithm, data);
  size_t size = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &size, bytes(message), message.size()) != 1) {
    return make_error("signing failed");
  }
  std::string out(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &size, bytes(message),
                     message.size()) != 1) {
    return make_error("signing failed");
  }
  out.resize(size);
  return out;
}

Result<std::string> txt_record_for(const Pkey& private_key) {
  std::string public_bytes;
  const KeyType type = private_key_type(private_key);
  if (type == KeyType::ed25519) {
    size_t size = 32;
    public_bytes.resize(size);
    if (EVP_PKEY_get_raw_public_key(
            private_key.get(), reinterpret_cast<unsigned char*>(public_bytes.data()), &size) != 1) {
      return make_error("cannot extract ed25519 public key");
    }
    public_bytes.resize(size);
  } else {
    unsigned char* der = nullptr;
    const int size = i2d_PUBKEY(private_key.get(), &der);
    if (size <= 0) return make_error("cannot encode rsa public key");
    public_bytes.assign(reinterpret_cast<const char*>(der), static_cast<size_t>(size));
    OPENSSL_free(der);
  }
  return std::string("v=DKIM1; k=") + (type == KeyType::ed25519 ? "ed25519" : "rsa") +
         "; p=" + base64::encode(public_bytes);
}

Result<GeneratedKey> generate_key(KeyType type, unsigned rsa_bits) {
  Pkey key(type == KeyType::ed25519
               ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")
               : EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(rsa_bits)));
  if (!key) return make_error("key generation failed");
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return make_error("cannot write private key");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  GeneratedKey out;
  out.private_pem.assign(data, static_cast<size_t>(size));
  auto txt = txt_record_for(key);
  if (!txt) return txt.error();
  out.txt_record = std::move(*txt);
  return out;
}

}  // namespace heron::mailauth::dkim
