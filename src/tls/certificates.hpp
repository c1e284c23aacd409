#pragma once
// The server's certificates: one default pair and any number per domain, chosen by the name
// the client asks for (SNI, RFC 6066 3), and reloaded from their files on SIGHUP without
// dropping a session.
//
// Listeners hand every session the same front context (context()), whose servername callback
// runs in each handshake, with or without SNI, and switches the connection to the context of
// the matching certificate: an exact name, else a "*.domain" wildcard one label deep, else
// the default. reload() builds a complete new set from the files and swaps it in at once;
// handshakes already done keep the certificate they got (each SSL holds a reference to its
// context), later ones get the new set. A reload that fails on any file changes nothing.
// Every context has TLS 1.2 as its floor (tls/context.hpp).
// Input: certificate files (trusted: the operator's), SNI names (untrusted, only compared).
// Thread: reload() from any thread; the callback runs on the handshaking session's strand;
// the set is swapped under a mutex. Failure: load() and reload() return the OpenSSL error and
// the file at fault.

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "tls/context.hpp"

namespace heron::tls {

struct CertificateFiles {
  std::string name;  // "" for the default; "mail.example.org" or "*.example.org"
  std::filesystem::path cert_file;
  std::filesystem::path key_file;
};

class Certificates {
 public:
  // files[0] must be the default (name ""); the others name their domain.
  static Result<std::unique_ptr<Certificates>> load(std::vector<CertificateFiles> files);

  // The context listeners give their sessions. Lives as long as this object; keep the object
  // alive until every session has ended.
  std::shared_ptr<Context> context() const { return front_; }
  Result<void> reload();

  // Which certificate file a handshake for `server_name` gets (for logs and tests).
  std::filesystem::path cert_file_for(const std::string& server_name) const;
  size_t size() const;

 private:
  struct Entry {
    std::shared_ptr<Context> context;
    std::filesystem::path cert_file;
  };
  struct Set {
    Entry fallback;
    std::map<std::string, Entry> by_name;  // lowercase
  };
  explicit Certificates(std::vector<CertificateFiles> files) : files_(std::move(files)) {}
  static Result<std::shared_ptr<const Set>> build(const std::vector<CertificateFiles>& files);
  static int on_servername(SSL* ssl, int* alert, void* arg);
  std::shared_ptr<const Set> current() const;
  const Entry& pick(const Set& set, const std::string& server_name) const;

  std::vector<CertificateFiles> files_;
  std::shared_ptr<Context> front_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Set> set_;
};

}  // namespace heron::tls
