#pragma once
// SPF evaluation (RFC 7208): check_host() of section 4 and the two identities an SMTP server
// checks, HELO (2.3) and MAIL FROM (2.4).
//
// Every DNS query goes through dns::Resolver. Limits (4.6.4): at most 10 terms that query DNS
// (include, a, mx, ptr, exists, redirect) per check, counted across includes and redirects;
// more is permerror. An mx mechanism whose domain has more than 10 MX records is permerror; a
// ptr mechanism (and the p macro) looks at no more than 10 PTR names. More than 2 "void"
// lookups (an answer of NXDOMAIN or no data) is permerror. A DNS failure (timeout, SERVFAIL)
// is temperror.
// Input: untrusted (the client's address, HELO and MAIL FROM; DNS data). Thread: the
// coroutine runs on the caller's executor; the resolver must outlive it (the Check is
// copied). Failure: every outcome is one of the seven results, with `problem` saying why for
// temperror and permerror; nothing throws.

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>

#include "dns/resolver.hpp"

namespace heron::mailauth::spf {

// RFC 7208 2.6: the seven results. (Named Verdict so it does not hide heron::Result.)
enum class Verdict { none, neutral, pass, fail, softfail, temperror, permerror };

std::string_view verdict_name(Verdict verdict);  // "pass", "temperror", ...

struct Limits {
  int dns_terms = 10;    // 4.6.4: terms causing DNS queries
  int void_lookups = 2;  // 4.6.4: NXDOMAIN / no-data answers
  int mx_names = 10;     // 4.6.4: MX records per mx mechanism
  int ptr_names = 10;    // 4.6.4: PTR names looked at per ptr mechanism or p macro
};

struct Check {
  boost::asio::ip::address ip;       // the SMTP client; an IPv4-mapped IPv6 address counts as IPv4
  std::string helo;                  // the HELO/EHLO argument
  std::string mail_from;             // the MAIL FROM address without <>, "" for the null path
  std::string receiver = "unknown";  // %{r}: our own host name
  int64_t now = 0;                   // %{t}: unix seconds
  Limits limits;
};

struct Outcome {
  Verdict verdict = Verdict::none;
  std::string domain;       // the <domain> that was checked (HELO name or sender domain)
  std::string sender;       // the <sender> used (postmaster@helo for the null path)
  std::string mechanism;    // the term that matched, as written ("" when none matched)
  std::string explanation;  // for fail: the expanded exp= text, if the record has one
  std::string problem;      // for temperror and permerror: why
  int dns_terms = 0;        // how many DNS-querying terms were evaluated
  int void_lookups = 0;
};

// check_host(<ip>, <domain>, <sender>) as RFC 7208 4 defines it. `domain` is checked as is
// (4.3: a malformed or single-label name gives none); `sender` must contain an "@" (4.3: an
// empty local-part is read as "postmaster").
boost::asio::awaitable<Outcome> check_host(dns::Resolver& resolver, Check check, std::string domain,
                                           std::string sender);

// RFC 7208 2.3: the HELO identity, <domain> = the HELO name, <sender> = postmaster@helo.
// An address literal or a name with no dot gives none.
boost::asio::awaitable<Outcome> check_helo(dns::Resolver& resolver, Check check);

// RFC 7208 2.4: the MAIL FROM identity. The null reverse-path is checked as
// postmaster@<HELO name> (the HELO identity); otherwise <domain> is the part after the last
// "@".
boost::asio::awaitable<Outcome> check_mail_from(dns::Resolver& resolver, Check check);

}  // namespace heron::mailauth::spf
