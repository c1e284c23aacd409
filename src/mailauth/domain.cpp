#include "mailauth/domain.hpp"

#include "base/strings.hpp"

namespace heron::mailauth {
namespace {

std::string_view strip_dot(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return name;
}

}  // namespace

std::string normalize_domain(std::string_view name) {
  return str::to_lower(strip_dot(name));
}

bool is_dns_name(std::string_view name) {
  name = strip_dot(name);
  if (name.empty() || name.size() > 253) return false;
  for (std::string_view label : str::split(name, '.')) {
    if (label.empty() || label.size() > 63) return false;
  }
  return true;
}

bool is_subdomain_of(std::string_view name, std::string_view parent) {
  name = strip_dot(name);
  parent = strip_dot(parent);
  if (parent.empty() || name.size() < parent.size()) return false;
  if (!str::iequals(name.substr(name.size() - parent.size()), parent)) return false;
  return name.size() == parent.size() || name[name.size() - parent.size() - 1] == '.';
}

}  // namespace heron::mailauth
