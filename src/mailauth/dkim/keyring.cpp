#include "mailauth/dkim/keyring.hpp"

#include <algorithm>

#include "base/fs.hpp"
#include "base/log.hpp"
#include "base/strings.hpp"
#include "mailauth/dkim/keys.hpp"
#include "mailauth/domain.hpp"

namespace heron::mailauth::dkim {
namespace {

namespace stdfs = std::filesystem;

constexpr std::string_view kSuffix = ".pem";

bool valid_label(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  return std::all_of(label.begin(), label.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// A domain we keep keys for: a host name of labels, no path separators.
Result<std::string> checked_domain(std::string_view domain) {
  std::string d = normalize_domain(domain);
  bool ok = is_dns_name(d) && d.find('.') != std::string::npos;
  for (std::string_view rest = d; ok && !rest.empty();) {
    const size_t dot = rest.find('.');
    ok = valid_label(rest.substr(0, dot));
    rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
  }
  if (!ok) return make_error("not a domain name: " + std::string(domain));
  return d;
}

Result<KeyInfo> describe(const stdfs::path& path, std::string domain, std::string selector) {
  auto text = fs::read_file(path);
  if (!text) return text.error();
  auto key = load_private_key(*text);
  if (!key) return make_error(path.string() + ": " + key.error().message);
  auto record = txt_record_for(*key);
  if (!record) return make_error(path.string() + ": " + record.error().message);
  KeyInfo info;
  info.type = private_key_type(*key);
  info.bits = info.type == KeyType::rsa ? key_bits(*key) : 256;
  info.txt_name = selector + "._domainkey." + domain;
  info.txt_record = std::move(*record);
  info.domain = std::move(domain);
  info.selector = std::move(selector);
  info.path = path;
  return info;
}

// The selectors of a domain directory, sorted.
std::vector<std::string> selectors_in(const stdfs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : stdfs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(kSuffix)) continue;
    std::string selector = name.substr(0, name.size() - kSuffix.size());
    if (valid_selector(selector)) out.push_back(std::move(selector));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

bool valid_selector(std::string_view selector) {
  if (selector.empty() || selector.size() > 253) return false;
  while (true) {
    const size_t dot = selector.find('.');
    if (!valid_label(selector.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    selector.remove_prefix(dot + 1);
  }
}

std::vector<SigningKey> Keyring::keys_for(std::string_view domain) {
  auto checked = checked_domain(domain);
  if (!checked) return {};
  const stdfs::path dir = dir_ / *checked;
  std::error_code ec;
  const auto mtime = stdfs::last_write_time(dir, ec);
  if (ec) return {};  // no directory: no keys
  std::lock_guard lock(mutex_);
  auto it = cache_.find(*checked);
  if (it != cache_.end() && it->second.mtime == mtime) return it->second.keys;
  Cached fresh{mtime, {}};
  for (const auto& selector : selectors_in(dir)) {
    const stdfs::path path = dir / (selector + std::string(kSuffix));
    auto text = fs::read_file(path);
    auto key = text ? load_private_key(*text) : Result<Pkey>(text.error());
    if (!key) {
      log::warn("dkim.key.unusable", {{"path", path.string()}, {"error", key.error().message}});
      continue;
    }
    const KeyType type = private_key_type(*key);
    fresh.keys.push_back(
        {*checked, selector,
         type == KeyType::ed25519 ? Algorithm::ed25519_sha256 : Algorithm::rsa_sha256,
         std::move(*text)});
  }
  cache_[*checked] = fresh;
  return fresh.keys;
}

Result<KeyInfo> Keyring::generate(std::string_view domain, std::string_view selector, KeyType type,
                                  unsigned rsa_bits) {
  auto checked = checked_domain(domain);
  if (!checked) return checked.error();
  if (!valid_selector(selector)) {
    return make_error("not a selector (labels of letters, digits and hyphens): " +
                      std::string(selector));
  }
  const std::string sel = str::to_lower(selector);
  const stdfs::path dir = dir_ / *checked;
  const stdfs::path path = dir / (sel + std::string(kSuffix));
  std::error_code ec;
  if (stdfs::exists(path, ec)) {
    return make_error("a key with selector " + sel + " already exists for " + *checked + ": " +
                      path.string());
  }
  if (auto r = fs::ensure_dir(dir); !r) return r.error();
  auto key = generate_key(type, rsa_bits);
  if (!key) return key.error();
  if (auto r = fs::write_durable(path, key->private_pem); !r) return r.error();
  return describe(path, *checked, sel);
}

Result<std::vector<KeyInfo>> Keyring::list(std::string_view domain) const {
  std::vector<std::string> domains;
  if (!domain.empty()) {
    auto checked = checked_domain(domain);
    if (!checked) return checked.error();
    domains.push_back(*checked);
  } else {
    std::error_code ec;
    for (const auto& entry : stdfs::directory_iterator(dir_, ec)) {
      if (entry.is_directory()) domains.push_back(entry.path().filename().string());
    }
    std::sort(domains.begin(), domains.end());
  }
  std::vector<KeyInfo> out;
  for (const auto& d : domains) {
    for (const auto& selector : selectors_in(dir_ / d)) {
      auto info = describe(dir_ / d / (selector + std::string(kSuffix)), d, selector);
      if (!info) return info.error();
      out.push_back(std::move(*info));
    }
  }
  return out;
}

Result<void> Keyring::remove(std::string_view domain, std::string_view selector) {
  auto checked = checked_domain(domain);
  if (!checked) return checked.error();
  if (!valid_selector(selector)) return make_error("not a selector: " + std::string(selector));
  const stdfs::path dir = dir_ / *checked;
  const stdfs::path path = dir / (str::to_lower(selector) + std::string(kSuffix));
  std::error_code ec;
  if (!stdfs::remove(path, ec)) {
    return make_error("no key with selector " + std::string(selector) + " for " + *checked);
  }
  return fs::sync_dir(dir);
}

}  // namespace heron::mailauth::dkim
