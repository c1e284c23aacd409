#pragma once
// Canonical forms of the addresses and domain names the directory stores and looks up.
//
// The store keeps every address as lowercase "local@domain" (ASCII folding only; UTF-8 bytes
// are kept as they are), and every domain lowercase. These checks are deliberately narrower
// than RFC 5321's grammar (no quoted local parts, no address literals): what they refuse can
// never be a local mailbox. Input: untrusted (RCPT TO, admin requests). Thread: any; pure.
// Failure: std::nullopt for anything malformed.

#include <optional>
#include <string>
#include <string_view>

namespace heron::store {

struct Address {
  std::string local;  // empty for a catch-all source "@domain"
  std::string domain;
  std::string str() const { return local + "@" + domain; }
};

// Lowercases and checks a domain name: dot-separated labels of 1..63 octets, letters, digits,
// hyphens (not at a label's ends) or UTF-8 (U-labels), 253 octets at most, no trailing dot.
std::optional<std::string> normalize_domain(std::string_view name);

// "Local@Domain" -> {local, domain} lowercased and checked. The local part is 1..64 octets of
// printable ASCII or UTF-8, without '@', spaces, quotes, angle brackets or control characters.
// With allow_catch_all, "@domain" is accepted with an empty local part.
std::optional<Address> parse_address(std::string_view address, bool allow_catch_all = false);

// RFC 5233-style subaddress: "user+tag" -> "user"; nullopt when there is no non-empty base.
std::optional<std::string> strip_subaddress(std::string_view local);

}  // namespace heron::store
