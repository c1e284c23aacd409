#include "tls/certificates.hpp"

#include <openssl/ssl.h>

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "base/strings.hpp"

namespace heron::tls {

Result<std::unique_ptr<Certificates>> Certificates::load(std::vector<CertificateFiles> files) {
  if (files.empty() || !files.front().name.empty()) {
    return make_error("the default certificate must come first");
  }
  std::unique_ptr<Certificates> certs(new Certificates(std::move(files)));
  auto set = build(certs->files_);
  if (!set) return set.error();
  // The front context carries the default pair too, so it is a complete server context on its
  // own; the callback replaces it in every handshake.
  auto front = make_server_context(certs->files_.front().cert_file, certs->files_.front().key_file);
  if (!front) return front.error();
  certs->front_ = *front;
  certs->set_ = *set;
  SSL_CTX* native = certs->front_->native_handle();
  SSL_CTX_set_tlsext_servername_callback(native, &Certificates::on_servername);
  SSL_CTX_set_tlsext_servername_arg(native, certs.get());
  return certs;
}

Result<std::shared_ptr<const Certificates::Set>> Certificates::build(
    const std::vector<CertificateFiles>& files) {
  auto set = std::make_shared<Set>();
  for (const CertificateFiles& f : files) {
    auto ctx = make_server_context(f.cert_file, f.key_file);
    if (!ctx) return ctx.error();
    Entry entry{*ctx, f.cert_file};
    if (f.name.empty()) {
      set->fallback = std::move(entry);
    } else {
      set->by_name[str::to_lower(f.name)] = std::move(entry);
    }
  }
  return std::shared_ptr<const Set>(std::move(set));
}

Result<void> Certificates::reload() {
  auto set = build(files_);
  if (!set) {
    log::error("tls.reload.failed", {{"error", set.error().message}});
    metrics::inc("heron_tls_reloads_total", "result", "failed");
    return set.error();
  }
  {
    std::lock_guard lk(mutex_);
    set_ = *set;
  }
  log::info("tls.reloaded", {{"certificates", files_.size()}});
  metrics::inc("heron_tls_reloads_total", "result", "ok");
  return {};
}

std::shared_ptr<const Certificates::Set> Certificates::current() const {
  std::lock_guard lk(mutex_);
  return set_;
}

size_t Certificates::size() const {
  return files_.size();
}

const Certificates::Entry& Certificates::pick(const Set& set,
                                              const std::string& server_name) const {
  if (server_name.empty()) return set.fallback;
  const std::string name = str::to_lower(server_name);
  if (auto it = set.by_name.find(name); it != set.by_name.end()) return it->second;
  // RFC 6125 6.4.3: a wildcard stands for exactly one leftmost label.
  const size_t dot = name.find('.');
  if (dot != std::string::npos && dot > 0) {
    if (auto it = set.by_name.find("*" + name.substr(dot)); it != set.by_name.end()) {
      return it->second;
    }
  }
  return set.fallback;
}

std::filesystem::path Certificates::cert_file_for(const std::string& server_name) const {
  auto set = current();
  return pick(*set, server_name).cert_file;
}

// OpenSSL calls this for every ClientHello, with or without a server_name extension.
int Certificates::on_servername(SSL* ssl, int* /*alert*/, void* arg) {
  const auto* self = static_cast<const Certificates*>(arg);
  const char* requested = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  auto set = self->current();
  const Entry& entry = self->pick(*set, requested != nullptr ? requested : "");
  // SSL_set_SSL_CTX takes its own reference: the context outlives a later reload.
  SSL_set_SSL_CTX(ssl, entry.context->native_handle());
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace heron::tls
