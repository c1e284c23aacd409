#pragma once
// DKIM verification (RFC 6376 6, RFC 8463, RFC 8301): every DKIM-Signature field of a message
// gets its own result, as Authentication-Results reports them (RFC 8601 2.7.1).
//
// The work is split so that the crypto and canonicalisation stay testable without DNS:
//   1. prepare(): parse each DKIM-Signature and name its key record <s>._domainkey.<d>;
//   2. the caller fetches the TXT records (verify() below does it through dns::Resolver;
//      tests hand in records from a file);
//   3. finish(): check the key against the signature, hash the body and header, verify.
// Policy choices (RFC 6376 leaves them to the verifier):
//   - rsa-sha1 is "fail" (RFC 8301 3.1: MUST NOT be considered valid); RSA keys under 1024
//     bits are "fail" (RFC 8301 3.2);
//   - x= in the past, or t= more than kClockSkew in the future, is "policy";
//   - an empty p= (revoked key), a malformed signature or key record, a missing key
//     (NXDOMAIN / no TXT) and l= longer than the body are "permerror"; DNS failures "temperror".
//   - at most kMaxSignatures fields are evaluated; the rest are reported as "neutral".
// Input: untrusted message and DNS records. The message must use CRLF line ends (to_crlf()).
// Thread: any; verify() runs on the resolver's executor. Failure: never throws; each problem
// is a SignatureResult. Reject paths log "dkim.*" events and count heron_dkim_results_total.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "dns/resolver.hpp"
#include "mailauth/dkim/records.hpp"

namespace heron::mailauth::dkim {

inline constexpr int64_t kClockSkew = 300;
inline constexpr size_t kMaxSignatures = 10;

enum class Status { pass, fail, neutral, temperror, permerror, policy };
std::string_view status_name(Status status);

struct SignatureResult {
  Status status = Status::permerror;
  std::string reason;     // empty for pass
  std::string domain;     // d=
  std::string selector;   // s=
  std::string identity;   // i=
  std::string algorithm;  // a=
  std::string header_b;   // first 8 characters of b= (RFC 6008 header.b)
  bool testing = false;   // key record had t=y

  // "dkim=pass (reason) header.d=... header.i=... header.s=... header.a=... header.b=...",
  // the resinfo of an Authentication-Results field (RFC 8601 2.2, RFC 6008).
  std::string auth_results() const;
};

struct PendingSignature {
  std::optional<Signature> signature;  // nullopt when parsing failed: `result` is final
  SignatureResult result;              // filled as far as known
  std::string key_name;                // <s>._domainkey.<d> to look up
};

struct Prepared {
  SplitMessage message;
  std::vector<const HeaderField*> signature_fields;  // DKIM-Signature fields, in order
  std::vector<PendingSignature> pending;             // one per field
};

// `message` must outlive the returned value (it holds views into it).
Prepared prepare(std::string_view message);

// Completes one pending signature given the DNS answer for its key_name.
SignatureResult finish(const Prepared& prepared, size_t index, const dns::Answer<std::string>& key,
                       int64_t now);

// Synchronous driver: `lookup` answers TXT queries (tests, the test tool).
using TxtLookup = std::function<dns::Answer<std::string>(const std::string& name)>;
std::vector<SignatureResult> verify_with(std::string_view message, const TxtLookup& lookup,
                                         int64_t now);

// The product path: keys from DNS. `message` must stay alive until the coroutine completes.
boost::asio::awaitable<std::vector<SignatureResult>> verify(std::string_view message,
                                                            dns::Resolver& resolver, int64_t now);

}  // namespace heron::mailauth::dkim
