#include "tls/context.hpp"

#include <cstdio>
#include <memory>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "base/fs.hpp"

namespace heron::tls {
namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

Result<std::string> pem_of(auto write) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) return make_error("PEM encoding failed: " + last_error());
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

}  // namespace

std::string last_error() {
  std::string text;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text.empty() ? "unknown TLS error" : text;
}

std::shared_ptr<Context> make_client_context() {
  auto ctx = std::make_shared<Context>(Context::tls_client);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_verify(native, SSL_VERIFY_NONE, nullptr);
  return ctx;
}

Result<std::shared_ptr<Context>> make_server_context(const std::filesystem::path& cert_file,
                                                     const std::filesystem::path& key_file) {
  auto ctx = std::make_shared<Context>(Context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(
      native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_SERVER);
  if (SSL_CTX_use_certificate_chain_file(native, cert_file.c_str()) != 1) {
    return make_error("TLS certificate " + cert_file.string() + ": " + last_error());
  }
  if (SSL_CTX_use_PrivateKey_file(native, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return make_error("TLS key " + key_file.string() + ": " + last_error());
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return make_error("TLS key " + key_file.string() + " does not match " + cert_file.string());
  }
  return ctx;
}

Result<void> generate_self_signed(const std::string& hostname,
                                  const std::filesystem::path& cert_file,
                                  const std::filesystem::path& key_file) {
  if (std::filesystem::exists(cert_file) || std::filesystem::exists(key_file)) {
    return make_error("refusing to overwrite " + cert_file.string() + " or " + key_file.string());
  }
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return make_error("key generation failed: " + last_error());

  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  std::string serial_hex = fs::random_hex(16);
  BIGNUM* serial = nullptr;
  BN_hex2bn(&serial, serial_hex.c_str());
  BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()));
  BN_free(serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(hostname.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);

  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
  std::string san = "DNS:" + hostname;
  if (X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, san.c_str())) {
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return make_error("certificate signing failed: " + last_error());
  }

  auto key_pem = pem_of([&](BIO* b) {
    return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  if (!key_pem) return key_pem.error();
  auto cert_pem = pem_of([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); });
  if (!cert_pem) return cert_pem.error();
  if (auto r = fs::write_durable(key_file, *key_pem); !r) return r;  // created 0600
  return fs::write_durable(cert_file, *cert_pem);
}

std::string describe(const SSL* ssl) {
  if (ssl == nullptr) return {};
  std::string text = SSL_get_version(ssl);
  if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl)) {
    text += ' ';
    text += SSL_CIPHER_get_name(cipher);
  }
  return text;
}

}  // namespace heron::tls
