#pragma once
// iprev (RFC 8601 3, RFC 1912 2.1): forward-confirmed reverse DNS of the connecting client.
// The client's address is looked up in the reverse zone (PTR); each name found (at most
// kMaxNames) is looked up forward (A or AAAA, the client's family); the first name whose
// addresses include the client's passes. Results as RFC 8601 2.7.3 defines them:
//   pass       a PTR name resolves back to the address;
//   fail       PTR names exist but none resolves back to the address;
//   permerror  no PTR record (NXDOMAIN or no data);
//   temperror  a DNS failure decided the outcome.
// The validated name also goes into the Received: field (RFC 5321 4.4 TCP-info).
// Input: DNS answers (untrusted). Thread: the resolver's executor. Failure: none; DNS
// problems are results.

#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>

#include "dns/resolver.hpp"

namespace heron::mailauth {

inline constexpr size_t kMaxIprevNames = 10;

enum class IprevResult { pass, fail, temperror, permerror };

struct Iprev {
  IprevResult result = IprevResult::permerror;
  std::string address;  // the client's address, as text
  std::string name;     // pass: the confirmed name; fail: the first PTR name
  // "iprev=pass policy.iprev=192.0.2.1 (mail.example.com)"
  std::string auth_results() const;
};

std::string_view iprev_result_name(IprevResult result);

boost::asio::awaitable<Iprev> check_iprev(dns::Resolver& resolver,
                                          boost::asio::ip::address address);

}  // namespace heron::mailauth
