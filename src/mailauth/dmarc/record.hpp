#pragma once
// DMARC policy records (RFC 7489 6.3, 6.4): recognising a "v=DMARC1" TXT record and parsing
// its tags, with no I/O.
//
// The record is a list of tag=value pairs separated by ";" (RFC 7489 6.4, the DKIM tag-value
// syntax). Tag names and the keyword values (none, quarantine, reject, r, s) are
// case-insensitive (ABNF quoted strings); "DMARC1" is case-sensitive (%x44 %x4d ... in the
// ABNF). Leniency follows 6.3 ("syntax errors in the remainder of the record SHOULD be
// discarded in favor of default values (if any) or ignored outright"):
//   - an unknown tag, or a piece without "=", is ignored;
//   - a known tag given twice: the first one counts;
//   - a malformed adkim, aspf, pct, fo, rf or ri takes its default (r, r, 100, "0", "afrf",
//     86400); pct above 100 is malformed, so it is 100 too;
//   - a rua/ruf URI that is not a syntactically valid URI is dropped, the others are kept;
//   - p missing or malformed, or sp malformed: if rua holds at least one valid URI the record
//     is read as p=none (6.6.3, "act as if ... p=none was retrieved"; policy_implied is set),
//     otherwise the record is an error (the caller's permerror).
// Input: untrusted (DNS TXT data). Thread: any. Failure: Result errors with a short reason;
// nothing throws.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace heron::mailauth::dmarc {

// RFC 7489 6.3 "p": what the Domain Owner asks receivers to do with failing mail.
enum class Policy { none, quarantine, reject };
std::string_view policy_name(Policy policy);  // "none", "quarantine", "reject"

// RFC 7489 3.1: identifier alignment mode, "r" (relaxed, the default) or "s" (strict).
enum class Alignment { relaxed, strict };

struct Record {
  Policy policy = Policy::none;                     // p
  std::optional<Policy> subdomain_policy;           // sp; nullopt: p applies to subdomains too
  Alignment dkim_alignment = Alignment::relaxed;    // adkim
  Alignment spf_alignment = Alignment::relaxed;     // aspf
  int percent = 100;                                // pct, 0-100
  std::vector<std::string> aggregate_uris;          // rua, each as written ("mailto:a@b!10m")
  std::vector<std::string> failure_uris;            // ruf
  std::vector<std::string> failure_options{"0"};    // fo, lowercase: "0", "1", "d", "s"
  std::vector<std::string> report_formats{"afrf"};  // rf, lowercase
  uint32_t report_interval = 86400;                 // ri, seconds
  bool policy_implied = false;  // p was missing or invalid and p=none was assumed (6.6.3)

  bool operator==(const Record&) const = default;

  // The policy for the From domain: sp for a subdomain of the record's domain when sp is
  // set, else p.
  Policy policy_for(bool subdomain) const {
    return subdomain && subdomain_policy ? *subdomain_policy : policy;
  }
};

// RFC 7489 6.6.3 step 5: a TXT record is a DMARC record if it starts with a "v" tag whose
// value is "DMARC1" ("v=DMARC1", "v = DMARC1;p=none"). Other records at the name are ignored.
bool is_dmarc_record(std::string_view txt);

// Parses a record that is_dmarc_record() accepted.
Result<Record> parse_record(std::string_view txt);

// RFC 7489 6.4 dmarc-uri = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ], with URI an RFC 3986
// absolute URI: a scheme, ":", then at least one character, no blanks, no commas.
bool is_report_uri(std::string_view uri);

}  // namespace heron::mailauth::dmarc
