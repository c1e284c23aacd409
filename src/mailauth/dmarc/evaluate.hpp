#pragma once
// The DMARC check of RFC 7489 6.6: given the RFC5322.From domain and the SPF and DKIM results
// the server already has, find the Domain Owner's policy record, decide whether an
// authenticated identifier aligns with the From domain, and say which policy applies.
//
//   - From domain (6.6.1): from_domain() extracts it from the header section: exactly one From
//     field holding addresses of one single domain, else an error (the caller's permerror or
//     local reject; RFC 7489 6.6.1 leaves the choice to the receiver).
//   - Discovery (6.6.3): TXT at _dmarc.<From domain>; if no DMARC record is there (NXDOMAIN,
//     no data, or only non-DMARC TXT records), TXT at _dmarc.<Organizational Domain>. TXT
//     records not starting with v=DMARC1 are ignored; more than one DMARC record at the name
//     ends discovery with none. A temporary DNS failure is temperror; a permanent one (the
//     resolver's perm_fail: a name it will not send, REFUSED) is read as no record.
//   - A record that parse_record() refuses (no valid p and no valid rua) is permerror: RFC
//     7489 11.2 "a syntactically incorrect DMARC record"; no policy is applied.
//   - Alignment (3.1.1, 3.1.2): a passing DKIM signature whose d= matches the From domain
//     (adkim=s: exactly; r: same Organizational Domain), or an SPF pass whose domain matches
//     it (aspf likewise). SPF's domain is the one SPF checked: the MAIL FROM domain, or the
//     HELO name for the null reverse-path.
//   - Policy (6.3, 6.6.4): for fail, p, or sp when the record came from the Organizational
//     Domain and the From domain is below it. pct: a message that is not sampled gets the next
//     milder policy (reject -> quarantine, quarantine -> none). For every other result the
//     policy asked for is none.
// Reports (rua/ruf) are not sent; the record's URIs are in Outcome::record for a later issue.
// Input: untrusted (headers, DNS). Thread: check() runs on the caller's executor; the resolver
// and the list must outlive it (the Input is copied into the coroutine). Failure: never
// throws; every outcome is a Verdict with `reason`. Logs "dmarc.*" events for fail,
// temperror and permerror, and counts heron_dmarc_results_total{result=...} per check.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "base/result.hpp"
#include "dns/resolver.hpp"
#include "mailauth/dkim/verify.hpp"
#include "mailauth/dmarc/org_domain.hpp"
#include "mailauth/dmarc/record.hpp"
#include "mailauth/spf/check.hpp"

namespace heron::mailauth::dmarc {

// RFC 7489 11.2: the results Authentication-Results reports. (Named Verdict so it does not
// hide heron::Result.)
enum class Verdict { none, pass, fail, temperror, permerror };
std::string_view verdict_name(Verdict verdict);

struct Input {
  std::string header_from;                  // the RFC5322.From domain
  spf::Verdict spf = spf::Verdict::none;    // the SPF result
  std::string spf_domain;                   // the domain SPF checked
  std::vector<dkim::SignatureResult> dkim;  // one per DKIM-Signature (status, domain)
  // pct sampling: returns a number in [0, 100); the message is sampled when it is below pct.
  // Empty: a thread-local pseudo-random generator. Tests give a fixed value.
  std::function<int()> random_percent;
};

struct Outcome {
  Verdict verdict = Verdict::none;
  Policy policy = Policy::none;  // what the Domain Owner asks for this message, after pct
  std::string header_from;       // the From domain, normalised
  std::string record_domain;     // where the record was found ("example.com"), "" if none
  std::string org_domain;        // the From domain's Organizational Domain
  std::optional<Record> record;  // the record that applied
  bool subdomain = false;        // sp was the tag to use (record at the org domain, From below)
  bool sampled = true;           // false when pct left this message out
  bool spf_aligned = false;
  bool dkim_aligned = false;
  std::string dkim_domain;  // d= of the first aligned passing signature
  std::string reason;       // why, for fail, temperror and permerror

  // RFC 8601 2.2 / RFC 7489 11.2 resinfo, in the form large receivers write:
  //   "dmarc=fail (p=REJECT sp=NONE dis=QUARANTINE) header.from=example.com"
  // p and sp are the record's (sp shown as p when absent); dis is `policy`. none, temperror
  // and permerror carry `reason` as the comment instead.
  std::string auth_results() const;
};

// RFC 7489 6.6.1: the domain of the single From field of `header` (a header section or a
// whole message), lowercase. Errors: no From field, several From fields, no address with a
// domain, addresses in more than one domain, an address literal.
Result<std::string> from_domain(std::string_view header);

// RFC 7489 3.1: is `domain` aligned with `from` in `mode`?
bool aligned(std::string_view domain, std::string_view from, Alignment mode,
             const PublicSuffixList& psl);

// The DMARC check. `input` is taken by value: nothing refers to the caller's data across the
// DNS lookups.
boost::asio::awaitable<Outcome> check(dns::Resolver& resolver, Input input,
                                      const PublicSuffixList& psl);

}  // namespace heron::mailauth::dmarc
