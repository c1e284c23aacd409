#include "delivery/local/local_delivery.hpp"

#include <set>

#include "base/strings.hpp"

namespace heron::delivery::local {
namespace {

// The domain is case-insensitive (RFC 5321 2.4); the local part we keep as given, except
// that the store matched it case-insensitively, so lowercase it like the account address.
std::string normalize(std::string_view address) { return str::to_lower(address); }

// "user+tag@d" -> "user@d"; anything else unchanged.
std::string without_tag(const std::string& address) {
  size_t at = address.rfind('@');
  size_t plus = address.find('+');
  if (at == std::string::npos || plus == std::string::npos || plus > at) return address;
  return address.substr(0, plus) + address.substr(at);
}

}  // namespace

std::string trace_prefix(std::string_view return_path, std::string_view delivered_to) {
  std::string prefix;
  prefix.reserve(return_path.size() + delivered_to.size() + 32);
  prefix += "Return-Path: <";
  prefix += return_path;
  prefix += ">\r\nDelivered-To: ";
  prefix += delivered_to;
  prefix += "\r\n";
  return prefix;
}

store::Delivery build(std::string_view return_path, std::string message,
                      const std::vector<Recipient>& recipients, int64_t internal_date) {
  store::Delivery delivery;
  delivery.body = std::move(message);
  delivery.internal_date = internal_date;
  std::set<int64_t> seen;
  for (const Recipient& rcpt : recipients) {
    for (const store::Account& account : rcpt.accounts) {
      if (!seen.insert(account.id).second) continue;
      // Delivered-To names the final recipient, the account, after alias and catch-all
      // expansion; a plus-address of that account keeps its +tag so filters can see it.
      std::string given = normalize(rcpt.address);
      std::string delivered_to = without_tag(given) == account.address ? given : account.address;
      store::DeliveryTarget target;
      target.account_id = account.id;
      target.mailbox = "INBOX";
      target.header_prefix = trace_prefix(return_path, delivered_to);
      delivery.targets.push_back(std::move(target));
    }
  }
  return delivery;
}

}  // namespace heron::delivery::local
