#include "store/address.hpp"

#include "base/strings.hpp"

namespace heron::store {
namespace {

bool valid_label(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (unsigned char c : label) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c >= 0x80;
    if (!ok) return false;
  }
  return true;
}

bool valid_local(std::string_view local) {
  if (local.empty() || local.size() > 64) return false;
  for (unsigned char c : local) {
    if (c <= 0x20 || c == 0x7f || c == '@' || c == '"' || c == '<' || c == '>' || c == '\\' ||
        c == ',' || c == ';' || c == ':' || c == '(' || c == ')' || c == '[' || c == ']') {
      return false;
    }
  }
  return str::is_valid_utf8(local);
}

}  // namespace

std::optional<std::string> normalize_domain(std::string_view name) {
  if (name.empty() || name.size() > 253) return std::nullopt;
  std::string lower = str::to_lower(name);
  if (!str::is_valid_utf8(lower)) return std::nullopt;
  for (std::string_view label : str::split(lower, '.')) {
    if (!valid_label(label)) return std::nullopt;
  }
  return lower;
}

std::optional<Address> parse_address(std::string_view address, bool allow_catch_all) {
  size_t at = address.rfind('@');
  if (at == std::string_view::npos) return std::nullopt;
  auto domain = normalize_domain(address.substr(at + 1));
  if (!domain) return std::nullopt;
  std::string_view local = address.substr(0, at);
  if (local.empty()) {
    if (!allow_catch_all) return std::nullopt;
    return Address{"", *domain};
  }
  if (!valid_local(local)) return std::nullopt;
  return Address{str::to_lower(local), *domain};
}

std::optional<std::string> strip_subaddress(std::string_view local) {
  size_t plus = local.find('+');
  if (plus == std::string_view::npos || plus == 0) return std::nullopt;
  return std::string(local.substr(0, plus));
}

}  // namespace heron::store
