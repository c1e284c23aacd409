#pragma once
// Where mail for a domain goes (RFC 5321 5.1, RFC 7505): the hosts to try, in order.
//
//   MX records        sorted by preference, lowest first; hosts of equal preference in random
//                     order (RFC 5321 5.1: "randomize them to spread the load"); a record that
//                     names the domain's own host twice is tried once;
//   no MX (no data)   the domain itself as an implicit MX of preference 0 (RFC 5321 5.1);
//   null MX           a single MX of "." (RFC 7505 3): the domain takes no mail, a permanent
//                     failure at once, without a connection;
//   NXDOMAIN          the domain does not exist: permanent;
//   temp failure      SERVFAIL or timeout: the recipients are deferred (RFC 5321 5.1 asks
//                     the client to retry later rather than bounce).
// Each host's addresses come from A and AAAA lookups (addresses()); a host that has none is
// skipped, and a route whose hosts all have none is a temporary failure unless every lookup
// said the name does not exist or has no address (then permanent, as Postfix does).
// Input: DNS answers (untrusted; dns/ checks their syntax). Thread: the caller's executor.
// Failure: in Route::status and Route::error, never an exception.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>

#include "dns/resolver.hpp"

namespace heron::delivery::remote {

struct Hop {
  std::string host;  // lowercase, no trailing dot
  uint16_t preference = 0;
  bool operator==(const Hop&) const = default;
};

struct Route {
  enum class Status { ok, null_mx, no_domain, temp_fail, perm_fail };
  Status status = Status::temp_fail;
  std::vector<Hop> hops;  // for ok: in the order to try
  bool implicit = false;  // no MX records: the domain itself (RFC 5321 5.1)
  std::string error;      // for the other statuses: what went wrong, for logs and DSNs
};

// The hop order of an MX answer (pure, for the unit tests): nullopt-free; an empty vector
// when the answer is a null MX.
std::vector<Hop> order_mx(const std::vector<dns::MxRecord>& records, std::mt19937& rng);
// True for a null MX: exactly one record, exchange "." (RFC 7505 3). A "." among other
// records is ignored by order_mx() (RFC 7505 3 says such a domain is misconfigured; the
// other records are still usable).
bool is_null_mx(const std::vector<dns::MxRecord>& records);

boost::asio::awaitable<Route> route(dns::Resolver& resolver, std::string domain, std::mt19937& rng);

struct Addresses {
  enum class Status { ok, none, temp_fail };
  Status status = Status::temp_fail;
  std::vector<boost::asio::ip::address> addresses;  // IPv4 first, then IPv6
  std::string error;
};

// A and AAAA of one host.
boost::asio::awaitable<Addresses> addresses(dns::Resolver& resolver, std::string host);

}  // namespace heron::delivery::remote
