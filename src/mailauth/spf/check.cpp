#include "mailauth/spf/check.hpp"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "base/strings.hpp"
#include "mailauth/domain.hpp"
#include "mailauth/spf/macro.hpp"
#include "mailauth/spf/record.hpp"
#include "net/network.hpp"

namespace heron::mailauth::spf {
namespace {

namespace asio = boost::asio;
namespace ip = boost::asio::ip;

using net::in_network;
using net::unmapped;

// RFC 7208 4.3: a <domain> that is malformed or not multi-label gives none; so does an
// address literal ("[192.0.2.1]", RFC 5321 4.1.3).
bool valid_domain(std::string_view name) {
  if (!is_dns_name(name) || name.front() == '[') return false;
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return name.find('.') != std::string_view::npos;
}

Verdict verdict_of(Qualifier q) {
  if (q == Qualifier::fail) return Verdict::fail;
  if (q == Qualifier::softfail) return Verdict::softfail;
  if (q == Qualifier::neutral) return Verdict::neutral;
  return Verdict::pass;
}

// What one mechanism gives: no match, a match, or an error that ends the check.
enum class Match { no, yes, temperror, permerror };

struct Step {
  Match match = Match::no;
  std::string problem;
};

Step error_step(Match match, std::string problem) {
  return Step{match, std::move(problem)};
}

// One check_host() evaluation, including the includes and redirects it follows: the limits
// of RFC 7208 4.6.4 are counted across all of them.
class Evaluator {
 public:
  Evaluator(dns::Resolver& resolver, const Check& check)
      : resolver_(resolver), check_(check), ip_(unmapped(check.ip)) {}

  int dns_terms() const { return dns_terms_; }
  int void_lookups() const { return voids_; }

  // RFC 7208 4: check_host(<ip>, <domain>, <sender>) on a <domain> known to be well formed.
  asio::awaitable<Outcome> run(std::string domain, std::string sender) {
    Outcome out;
    out.domain = domain;
    out.sender = sender;
    // RFC 7208 4.4, 4.5: the TXT records at <domain>, exactly one starting "v=spf1".
    const dns::Answer<std::string> answer = co_await resolver_.txt(domain);
    if (answer.status == dns::Status::temp_fail) {
      out.verdict = Verdict::temperror;
      out.problem = "DNS error looking up TXT " + domain + ": " + answer.error;
      co_return out;
    }
    std::vector<std::string_view> records;
    if (answer.status == dns::Status::ok) {
      for (const std::string& txt : answer.records) {
        if (is_spf_record(txt)) records.push_back(txt);
      }
    }
    if (records.empty()) {
      out.verdict = Verdict::none;
      co_return out;
    }
    if (records.size() > 1) {
      out.verdict = Verdict::permerror;
      out.problem = "more than one SPF record at " + domain;
      co_return out;
    }
    auto parsed = parse_record(records.front());
    if (!parsed) {
      out.verdict = Verdict::permerror;
      out.problem = "SPF record at " + domain + ": " + parsed.error().message;
      co_return out;
    }
    const Record record = std::move(*parsed);

    for (const Mechanism& m : record.mechanisms) {
      const Step step = co_await evaluate(m, domain, sender);
      if (step.match == Match::no) continue;
      if (step.match == Match::temperror || step.match == Match::permerror) {
        out.verdict = step.match == Match::temperror ? Verdict::temperror : Verdict::permerror;
        out.problem = step.problem;
        out.mechanism = m.text;
        co_return out;
      }
      out.verdict = verdict_of(m.qualifier);
      out.mechanism = m.text;
      // RFC 7208 6.2: the explanation is fetched only for fail.
      if (out.verdict == Verdict::fail && record.exp) {
        out.explanation = co_await explain(*record.exp, domain, sender);
      }
      co_return out;
    }

    // RFC 7208 6.1: redirect= applies when no mechanism matched (an "all" always matches).
    if (record.redirect) {
      if (!count_dns_term()) {
        out.verdict = Verdict::permerror;
        out.problem = "more than " + std::to_string(check_.limits.dns_terms) + " DNS lookups";
        co_return out;
      }
      const std::string target = co_await expand_domain(*record.redirect, domain, sender);
      if (!valid_domain(target)) {
        out.verdict = Verdict::permerror;
        out.problem = "redirect to a malformed domain '" + target + "'";
        co_return out;
      }
      Outcome redirected = co_await run(target, sender);
      if (redirected.verdict == Verdict::none) {
        redirected.verdict = Verdict::permerror;
        redirected.problem = "redirect to " + target + ", which has no SPF record";
      }
      redirected.domain = out.domain;
      co_return redirected;
    }
    out.verdict = Verdict::neutral;  // RFC 7208 4.7: default result
    co_return out;
  }

 private:
  bool count_dns_term() { return ++dns_terms_ <= check_.limits.dns_terms; }
  bool count_void() { return ++voids_ <= check_.limits.void_lookups; }

  std::string too_many_voids() const {
    return "more than " + std::to_string(check_.limits.void_lookups) + " void DNS lookups";
  }

  MacroContext context(std::string_view domain, std::string_view sender,
                       std::string_view validated_name) const {
    MacroContext c;
    c.sender = sender;
    const size_t at = sender.rfind('@');
    c.local_part = sender.substr(0, at);
    c.sender_domain = sender.substr(at + 1);
    c.domain = domain;
    c.ip = ip_;
    c.helo = check_.helo;
    c.validated_name = validated_name;
    c.receiver = check_.receiver;
    c.now = check_.now;
    return c;
  }

  // Expands a domain-spec (RFC 7208 7.3: truncated to 253 characters from the left).
  asio::awaitable<std::string> expand_domain(const MacroString& spec, std::string domain,
                                             std::string sender) {
    std::string validated = "unknown";
    if (spec.uses('p')) validated = co_await validated_name(domain);
    co_return truncate_domain(expand(spec, context(domain, sender, validated)));
  }

  // RFC 7208 6.2: the explanation for a fail. Any problem means no explanation.
  asio::awaitable<std::string> explain(const MacroString& exp, std::string domain,
                                       std::string sender) {
    const std::string target = co_await expand_domain(exp, domain, sender);
    if (!valid_domain(target)) co_return std::string();
    const dns::Answer<std::string> answer = co_await resolver_.txt(target);
    if (answer.status != dns::Status::ok || answer.records.size() != 1) co_return std::string();
    auto text = parse_macro_string(answer.records.front(), MacroKind::explanation);
    if (!text) co_return std::string();
    std::string validated = "unknown";
    if (text->uses('p')) validated = co_await validated_name(domain);
    co_return expand(*text, context(domain, sender, validated));
  }

  // The addresses of `name` in the client's family (A for IPv4, AAAA for IPv6).
  asio::awaitable<dns::Answer<ip::address>> addresses(std::string name) {
    if (ip_.is_v4()) co_return co_await resolver_.a(std::move(name));
    co_return co_await resolver_.aaaa(std::move(name));
  }

  // RFC 7208 5.5: the PTR names of the client whose forward addresses include it, at most
  // `ptr_names` names looked at. DNS errors on the forward lookups skip that name.
  asio::awaitable<std::vector<std::string>> validated_names() {
    std::vector<std::string> out;
    const dns::Answer<std::string> names = co_await resolver_.ptr(ip_);
    if (names.status != dns::Status::ok) co_return out;
    const size_t n = std::min(names.records.size(), static_cast<size_t>(check_.limits.ptr_names));
    for (size_t i = 0; i < n; ++i) {
      const std::string& name = names.records[i];
      const dns::Answer<ip::address> forward = co_await addresses(name);
      if (forward.status != dns::Status::ok) continue;
      for (const ip::address& a : forward.records) {
        if (unmapped(a) == ip_) {
          out.push_back(name);
          break;
        }
      }
    }
    co_return out;
  }

  // RFC 7208 7.3 (p macro): a validated name equal to <domain>, else one under it, else any,
  // else "unknown".
  asio::awaitable<std::string> validated_name(std::string domain) {
    const std::vector<std::string> names = co_await validated_names();
    for (const std::string& n : names) {
      if (str::iequals(normalize_domain(n), normalize_domain(domain))) co_return n;
    }
    for (const std::string& n : names) {
      if (is_subdomain_of(n, domain)) co_return n;
    }
    if (!names.empty()) co_return names.front();
    co_return std::string("unknown");
  }

  // The target of a, mx, ptr (the current domain when none is given), include, exists.
  asio::awaitable<std::string> target_of(const Mechanism& m, std::string domain,
                                         std::string sender) {
    if (!m.domain) co_return domain;
    co_return co_await expand_domain(*m.domain, domain, sender);
  }

  asio::awaitable<Step> evaluate(const Mechanism& m, std::string domain, std::string sender) {
    if (m.kind == MechanismKind::all) co_return Step{Match::yes, {}};
    if (m.kind == MechanismKind::ip4 || m.kind == MechanismKind::ip6) {
      const unsigned bits = m.kind == MechanismKind::ip4 ? m.cidr4 : m.cidr6;
      co_return Step{in_network(ip_, m.network, bits) ? Match::yes : Match::no, {}};
    }
    // RFC 7208 4.6.4: every other mechanism counts against the DNS lookup limit.
    if (!count_dns_term()) {
      co_return error_step(Match::permerror,
                           "more than " + std::to_string(check_.limits.dns_terms) + " DNS lookups");
    }
    const std::string target = co_await target_of(m, domain, sender);
    if (m.kind == MechanismKind::include) co_return co_await include(target, sender);
    if (!valid_domain(target)) {
      // RFC 7208 4.8 and 5: a name that cannot be looked up matches nothing.
      co_return Step{Match::no, {}};
    }
    if (m.kind == MechanismKind::a) co_return co_await match_a(m, target);
    if (m.kind == MechanismKind::mx) co_return co_await match_mx(m, target);
    if (m.kind == MechanismKind::ptr) co_return co_await match_ptr(target);
    co_return co_await match_exists(target);
  }

  // RFC 7208 5.2: include matches on pass; an error or a missing record is an error here.
  asio::awaitable<Step> include(std::string target, std::string sender) {
    if (!valid_domain(target)) {
      co_return error_step(Match::permerror, "include of a malformed domain '" + target + "'");
    }
    const Outcome inner = co_await run(target, sender);
    if (inner.verdict == Verdict::pass) co_return Step{Match::yes, {}};
    if (inner.verdict == Verdict::temperror) co_return error_step(Match::temperror, inner.problem);
    if (inner.verdict == Verdict::permerror) co_return error_step(Match::permerror, inner.problem);
    if (inner.verdict == Verdict::none) {
      co_return error_step(Match::permerror, "include of " + target + ", which has no SPF record");
    }
    co_return Step{Match::no, {}};
  }

  // Compares the client with `answer` for a or mx; `void_counts` says whether an empty
  // answer counts as a void lookup.
  Step compare(const dns::Answer<ip::address>& answer, const Mechanism& m, std::string_view name,
               bool void_counts) {
    if (answer.status == dns::Status::temp_fail) {
      return error_step(Match::temperror,
                        "DNS error looking up " + std::string(name) + ": " + answer.error);
    }
    if (answer.status != dns::Status::ok) {
      if (void_counts && answer.status != dns::Status::perm_fail && !count_void()) {
        return error_step(Match::permerror, too_many_voids());
      }
      return Step{Match::no, {}};
    }
    const unsigned bits = ip_.is_v4() ? m.cidr4 : m.cidr6;
    for (const ip::address& a : answer.records) {
      if (in_network(ip_, unmapped(a), bits)) return Step{Match::yes, {}};
    }
    return Step{Match::no, {}};
  }

  // RFC 7208 5.3.
  asio::awaitable<Step> match_a(const Mechanism& m, std::string target) {
    const dns::Answer<ip::address> answer = co_await addresses(target);
    co_return compare(answer, m, target, true);
  }

  // RFC 7208 5.4; 4.6.4: more than 10 MX records is permerror.
  asio::awaitable<Step> match_mx(const Mechanism& m, std::string target) {
    const dns::Answer<dns::MxRecord> mx = co_await resolver_.mx(target);
    if (mx.status == dns::Status::temp_fail) {
      co_return error_step(Match::temperror, "DNS error looking up MX " + target + ": " + mx.error);
    }
    if (mx.status != dns::Status::ok) {
      if (mx.status != dns::Status::perm_fail && !count_void()) {
        co_return error_step(Match::permerror, too_many_voids());
      }
      co_return Step{Match::no, {}};
    }
    if (mx.records.size() > static_cast<size_t>(check_.limits.mx_names)) {
      co_return error_step(Match::permerror, "more than " + std::to_string(check_.limits.mx_names) +
                                                 " MX records at " + target);
    }
    for (const dns::MxRecord& record : mx.records) {
      if (record.exchange.empty()) continue;  // RFC 7505 null MX
      const dns::Answer<ip::address> answer = co_await addresses(record.exchange);
      const Step step = compare(answer, m, record.exchange, false);
      if (step.match != Match::no) co_return step;
    }
    co_return Step{Match::no, {}};
  }

  // RFC 7208 5.5: a validated PTR name at or under the target matches; a DNS error on the
  // PTR lookup is no match.
  asio::awaitable<Step> match_ptr(std::string target) {
    const std::vector<std::string> names = co_await validated_names();
    for (const std::string& n : names) {
      if (is_subdomain_of(n, target)) co_return Step{Match::yes, {}};
    }
    co_return Step{Match::no, {}};
  }

  // RFC 7208 5.7: any A record matches, whatever the client's family.
  asio::awaitable<Step> match_exists(std::string target) {
    const dns::Answer<ip::address> answer = co_await resolver_.a(target);
    if (answer.status == dns::Status::temp_fail) {
      co_return error_step(Match::temperror,
                           "DNS error looking up " + target + ": " + answer.error);
    }
    if (answer.status == dns::Status::ok) co_return Step{Match::yes, {}};
    if (answer.status != dns::Status::perm_fail && !count_void()) {
      co_return error_step(Match::permerror, too_many_voids());
    }
    co_return Step{Match::no, {}};
  }

  dns::Resolver& resolver_;
  const Check& check_;
  ip::address ip_;
  int dns_terms_ = 0;
  int voids_ = 0;
};

// RFC 7208 4.3: splits <sender> and supplies "postmaster" for an empty local-part.
std::string with_local_part(std::string_view sender) {
  const size_t at = sender.rfind('@');
  if (at == std::string_view::npos) return "postmaster@" + std::string(sender);
  if (at == 0) return "postmaster" + std::string(sender);
  return std::string(sender);
}

}  // namespace

std::string_view verdict_name(Verdict verdict) {
  if (verdict == Verdict::none) return "none";
  if (verdict == Verdict::neutral) return "neutral";
  if (verdict == Verdict::pass) return "pass";
  if (verdict == Verdict::fail) return "fail";
  if (verdict == Verdict::softfail) return "softfail";
  if (verdict == Verdict::temperror) return "temperror";
  return "permerror";
}

asio::awaitable<Outcome> check_host(dns::Resolver& resolver, Check check, std::string domain,
                                    std::string sender) {
  sender = with_local_part(sender);
  if (!valid_domain(domain)) {
    Outcome out;
    out.domain = std::move(domain);
    out.sender = std::move(sender);
    out.verdict = Verdict::none;
    out.problem = "not a valid domain name";
    co_return out;
  }
  Evaluator evaluator(resolver, check);
  Outcome out = co_await evaluator.run(normalize_domain(domain), sender);
  out.dns_terms = evaluator.dns_terms();
  out.void_lookups = evaluator.void_lookups();
  co_return out;
}

asio::awaitable<Outcome> check_helo(dns::Resolver& resolver, Check check) {
  // RFC 7208 2.3: an address literal is not a domain; check_host() then gives none.
  co_return co_await check_host(resolver, check, check.helo, "postmaster@" + check.helo);
}

asio::awaitable<Outcome> check_mail_from(dns::Resolver& resolver, Check check) {
  if (check.mail_from.empty()) co_return co_await check_helo(resolver, check);
  const size_t at = check.mail_from.rfind('@');
  const std::string domain =
      at == std::string::npos ? check.mail_from : check.mail_from.substr(at + 1);
  co_return co_await check_host(resolver, check, domain, check.mail_from);
}

}  // namespace heron::mailauth::spf
