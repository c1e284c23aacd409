#pragma once
// What a lookup returned, before and after typing: RawAnswer is a plain copy of libunbound's
// ub_result (or of its failure), and make_answer() turns it into an Answer<T> with the Status
// rules of resolver.hpp:
//
//   libunbound error, timeout, SERVFAIL, other RCODEs -> temp_fail (RFC 2308 7.1, RFC 7208 2.6.6)
//   DNSSEC bogus                                       -> temp_fail, bogus = true (RFC 4035 5.5)
//   FORMERR, NOTIMP, REFUSED                           -> perm_fail
//   NXDOMAIN (RCODE 3)                                 -> nxdomain (RFC 2308 2.1)
//   NOERROR without records of the type               -> nodata (RFC 2308 2.2)
//   NOERROR with records                               -> ok, secure passed up (RFC 4035 4.3)
//
// A record whose data does not parse is dropped and counted (heron_dns_malformed_total); an
// answer with records none of which parse is temp_fail, since a broken zone is something its
// owner can fix, and mail waits rather than bounces.
// Input: untrusted record data. Thread: any (pure). Failure: in the returned Answer.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/resolver.hpp"

namespace heron::dns {

struct RawAnswer {
  int ub_error = 0;        // libunbound's ub_ctx_err; 0 when a result came back
  std::string error_text;  // ub_strerror(ub_error), or why the query never ran
  bool timed_out = false;  // our own per-query timer fired first
  int rcode = 0;           // DNS RCODE (RFC 1035 4.1.1, RFC 6895 2.3)
  bool havedata = false;
  bool nxdomain = false;
  bool secure = false;
  bool bogus = false;
  std::string why_bogus;
  uint32_t ttl = 0;
  std::vector<std::string> rdata;  // one entry per record, wire format without RDLENGTH
};

// The status, secure/bogus/ttl and error of raw, without records; Status::ok when the answer
// carries data (the caller then fills records and may still turn it into temp_fail).
template <class T>
Answer<T> classify(const RawAnswer& raw);

// classify() plus records parsed by parse (std::optional<T>(std::string_view)). `what` names
// the query in the malformed-record log line ("MX example.com").
template <class T, class Parse>
Answer<T> make_answer(const RawAnswer& raw, Parse parse, std::string_view what);

// Not templated parts, shared by every T.
namespace detail {
struct Classified {
  Status status = Status::temp_fail;
  std::string error;
};
Classified classify(const RawAnswer& raw);
void note_malformed(std::string_view what, size_t dropped, size_t total);
}  // namespace detail

template <class T>
Answer<T> classify(const RawAnswer& raw) {
  auto c = detail::classify(raw);
  Answer<T> answer;
  answer.status = c.status;
  answer.error = std::move(c.error);
  answer.bogus = raw.bogus;
  answer.secure = raw.secure && !raw.bogus && c.status != Status::temp_fail;
  // A failure has no TTL worth keeping (libunbound's for a bogus answer is not to be trusted).
  const bool answered = c.status != Status::temp_fail && c.status != Status::perm_fail;
  answer.ttl = answered ? raw.ttl : 0;
  return answer;
}

template <class T, class Parse>
Answer<T> make_answer(const RawAnswer& raw, Parse parse, std::string_view what) {
  Answer<T> answer = classify<T>(raw);
  if (answer.status != Status::ok) return answer;
  answer.records.reserve(raw.rdata.size());
  for (const auto& rdata : raw.rdata) {
    if (auto record = parse(std::string_view(rdata))) answer.records.push_back(std::move(*record));
  }
  const size_t dropped = raw.rdata.size() - answer.records.size();
  if (dropped > 0) detail::note_malformed(what, dropped, raw.rdata.size());
  if (answer.records.empty()) {
    answer.status = Status::temp_fail;
    answer.secure = false;
    answer.error = "malformed records in the answer";
  }
  return answer;
}

}  // namespace heron::dns
