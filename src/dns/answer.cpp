// RawAnswer -> Status: see answer.hpp for the table.

#include "dns/answer.hpp"

#include "base/log.hpp"
#include "base/metrics.hpp"

namespace heron::dns {

namespace detail {

Classified classify(const RawAnswer& raw) {
  // RCODEs, RFC 1035 4.1.1.
  constexpr int kFormErr = 1, kServFail = 2, kNxDomain = 3, kNotImp = 4, kRefused = 5;
  if (raw.timed_out) return {Status::temp_fail, "timed out"};
  if (raw.ub_error != 0) return {Status::temp_fail, raw.error_text};
  // RFC 4035 5.5: a bogus answer is not to be used; the zone or the path to it may heal.
  if (raw.bogus) {
    return {Status::temp_fail,
            "DNSSEC validation failed" + (raw.why_bogus.empty() ? "" : ": " + raw.why_bogus)};
  }
  if (raw.rcode == kNxDomain || raw.nxdomain) return {Status::nxdomain, {}};
  if (raw.rcode == kServFail) return {Status::temp_fail, "SERVFAIL"};
  if (raw.rcode == kFormErr) return {Status::perm_fail, "FORMERR"};
  if (raw.rcode == kNotImp) return {Status::perm_fail, "NOTIMP"};
  if (raw.rcode == kRefused) return {Status::perm_fail, "REFUSED"};
  if (raw.rcode != 0) return {Status::temp_fail, "RCODE " + std::to_string(raw.rcode)};
  if (!raw.havedata || raw.rdata.empty()) return {Status::nodata, {}};
  return {Status::ok, {}};
}

void note_malformed(std::string_view what, size_t dropped, size_t total) {
  log::warn("dns.record.malformed",
            {{"query", what}, {"dropped", std::to_string(dropped)}, {"of", std::to_string(total)}});
  metrics::inc("heron_dns_malformed_total", {}, {}, dropped);
}

}  // namespace detail
}  // namespace heron::dns
