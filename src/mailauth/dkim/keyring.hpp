#pragma once
// DKIM signing keys on disk: <data_dir>/dkim/<domain>/<selector>.pem, one PKCS#8 private key
// per selector, mode 0600 in 0700 directories (only the heron user and root read them).
// Every key of a domain signs: an RSA and an Ed25519 key side by side give the dual signature
// RFC 8463 recommends, and a new selector published before the old one is deleted rotates
// keys without a gap. `heron dkim keygen|list|del` (app/dkim.cpp) manage the files.
//
// The submission path asks keys_for(domain) per message; a domain's keys are cached and
// re-read when its directory's modification time changes, so a key made while the server
// runs is used at once, without a reload.
// Input: operator files (a malformed key is logged and skipped, never fatal). Thread: any
// (keys_for is guarded by a mutex). Failure: Result errors for the management calls.

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "mailauth/dkim/sign.hpp"

namespace heron::mailauth::dkim {

struct KeyInfo {
  std::string domain;
  std::string selector;
  KeyType type = KeyType::rsa;
  int bits = 0;            // RSA modulus size; 256 for Ed25519
  std::string txt_name;    // "<selector>._domainkey.<domain>"
  std::string txt_record;  // "v=DKIM1; k=...; p=..."
  std::filesystem::path path;
};

// RFC 6376 3.1: a selector is one or more labels (letters, digits, hyphens).
bool valid_selector(std::string_view selector);

class Keyring {
 public:
  explicit Keyring(std::filesystem::path dir) : dir_(std::move(dir)) {}

  const std::filesystem::path& dir() const { return dir_; }

  // The signing keys of `domain`, ordered by selector; empty when it has none.
  std::vector<SigningKey> keys_for(std::string_view domain);

  // Makes a key; refuses to replace an existing selector of the domain.
  Result<KeyInfo> generate(std::string_view domain, std::string_view selector, KeyType type,
                           unsigned rsa_bits = 2048);
  // Every key (of one domain, or all when `domain` is empty), sorted by domain and selector.
  Result<std::vector<KeyInfo>> list(std::string_view domain = {}) const;
  Result<void> remove(std::string_view domain, std::string_view selector);

 private:
  struct Cached {
    std::filesystem::file_time_type mtime;
    std::vector<SigningKey> keys;
  };
  std::filesystem::path dir_;
  std::mutex mutex_;
  std::map<std::string, Cached, std::less<>> cache_;
};

}  // namespace heron::mailauth::dkim
