#pragma once
// Local delivery: turns one accepted message and its resolved recipients into a store
// Delivery, one target per distinct account, each with its own Return-Path and Delivered-To
// (RFC 5321 4.4; Delivered-To as Postfix and Dovecot write it, naming the final recipient).
// The body is shared: the store writes it once as an immutable blob.
// Input: addresses already parsed and resolved. Thread: any. Failure: none (pure).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/types.hpp"

namespace heron::delivery::local {

// One RCPT TO and what it resolved to (aliases, catch-all and plus-addressing applied).
struct Recipient {
  std::string address;  // as the client gave it, e.g. "User+tag@Example.test"
  std::vector<store::Account> accounts;
};

// "Return-Path: <sender>\r\nDelivered-To: rcpt\r\n"
std::string trace_prefix(std::string_view return_path, std::string_view delivered_to);

// Every account receives the message once, even when several recipients (an alias and its
// member, say) lead to it. Delivered-To names the first recipient address that reached it,
// lowercased on the domain.
store::Delivery build(std::string_view return_path, std::string message,
                      const std::vector<Recipient>& recipients, int64_t internal_date);

}  // namespace heron::delivery::local
