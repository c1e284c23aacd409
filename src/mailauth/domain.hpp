#pragma once
// Domain names as the email-authentication checks (SPF, DMARC, later DKIM and ARC) see them:
// the structural limits of RFC 1035 2.3.4 (labels of 1-63 octets, 253 characters in text
// form, no empty label), lowercase, one trailing dot removed. Byte values are not checked:
// SPF evaluates names built by macro expansion, which may hold any visible character, and
// the resolver refuses what it cannot send (dns::Status::perm_fail).
// Input: untrusted. Thread: any. Failure: false / empty results; nothing throws.

#include <string>
#include <string_view>

namespace heron::mailauth {

// "Mail.Example.COM." -> "mail.example.com".
std::string normalize_domain(std::string_view name);

// True for a name within the RFC 1035 limits, after one trailing dot is removed.
bool is_dns_name(std::string_view name);

// True if `name` equals `parent` or ends with "." + parent (both compared ASCII
// case-insensitively, one trailing dot ignored on each).
bool is_subdomain_of(std::string_view name, std::string_view parent);

}  // namespace heron::mailauth
