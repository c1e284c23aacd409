#pragma once
// The DNS seam: every lookup Heron makes (MX routing, SPF, DKIM keys, DMARC, iprev, DANE) goes
// through a Resolver. The product uses the libunbound implementation (unbound_resolver.hpp),
// driven by the Asio event loop; tests use a resolver answering from in-memory zones, or the
// libunbound one pointed at a real DNS server on loopback.
//
// Results follow RFC 2308 and RFC 7208 2.6/4.4 semantics: a name that does not exist
// (NXDOMAIN) and a name with no record of the type (no data) are answers, not errors, and are
// final; SERVFAIL, timeouts and network failures are temporary (Status::temp_fail) and the
// caller retries later. `secure` is true only when DNSSEC validated the answer (needed for
// DANE, RFC 7672); `bogus` when validation failed, which callers treat as temp_fail.
// Input: names from the network (untrusted): implementations refuse malformed names with
// Status::perm_fail rather than sending them. Thread: the coroutines run on the caller's
// executor; an implementation is shared by every session of one io_context.
// Failure: never throws; everything is in Answer::status and Answer::error.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>

namespace heron::dns {

enum class Status {
  ok,          // records.size() >= 1
  nxdomain,    // RCODE 3: the name does not exist
  nodata,      // the name exists, no record of this type
  temp_fail,   // SERVFAIL, timeout, network error, DNSSEC bogus: try again later
  perm_fail,   // malformed name, REFUSED/FORMERR/NOTIMP from every server: do not retry
};

std::string_view status_name(Status status);

struct MxRecord {
  uint16_t preference = 0;
  std::string exchange;  // lowercase, no trailing dot; "" for a null MX (RFC 7505: ".")

  bool operator==(const MxRecord&) const = default;
};

struct TlsaRecord {
  uint8_t usage = 0;
  uint8_t selector = 0;
  uint8_t matching_type = 0;
  std::string data;  // raw bytes (not hex)

  bool operator==(const TlsaRecord&) const = default;
};

template <class T>
struct Answer {
  Status status = Status::temp_fail;
  std::vector<T> records;
  bool secure = false;  // DNSSEC validated
  bool bogus = false;   // DNSSEC validation failed (status is then temp_fail)
  uint32_t ttl = 0;     // smallest TTL of the answer, or the negative TTL
  std::string error;    // human-readable reason when status is temp_fail or perm_fail
};

class Resolver {
 public:
  virtual ~Resolver() = default;

  // Each record's character-strings concatenated, as RFC 7208 3.3 and RFC 6376 3.6.2.2 read
  // them.
  virtual boost::asio::awaitable<Answer<std::string>> txt(std::string name) = 0;
  virtual boost::asio::awaitable<Answer<MxRecord>> mx(std::string name) = 0;
  virtual boost::asio::awaitable<Answer<boost::asio::ip::address>> a(std::string name) = 0;
  virtual boost::asio::awaitable<Answer<boost::asio::ip::address>> aaaa(std::string name) = 0;
  // Names for the address (reverse zone in-addr.arpa / ip6.arpa), lowercase, no trailing dot.
  virtual boost::asio::awaitable<Answer<std::string>> ptr(boost::asio::ip::address address) = 0;
  virtual boost::asio::awaitable<Answer<TlsaRecord>> tlsa(std::string name) = 0;
  // The target of a CNAME at exactly `name` (no chasing), for DANE and MTA-STS.
  virtual boost::asio::awaitable<Answer<std::string>> cname(std::string name) = 0;
};

}  // namespace heron::dns
