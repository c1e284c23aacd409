// The DMARC check (RFC 7489 6.6). See evaluate.hpp for the choices.

#include "mailauth/dmarc/evaluate.hpp"

#include <random>
#include <utility>

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "base/strings.hpp"
#include "mailauth/domain.hpp"
#include "mime/address.hpp"
#include "mime/header.hpp"

namespace heron::mailauth::dmarc {
namespace {

namespace asio = boost::asio;

// What policy discovery at one name found (RFC 7489 6.6.3).
struct Discovery {
  enum class Kind { found, absent, multiple, temperror, permerror };
  Kind kind = Kind::absent;
  Record record;
  std::string problem;
};

asio::awaitable<Discovery> discover(dns::Resolver& resolver, std::string domain) {
  Discovery out;
  const std::string name = "_dmarc." + domain;
  const dns::Answer<std::string> answer = co_await resolver.txt(name);
  if (answer.status == dns::Status::temp_fail) {
    out.kind = Discovery::Kind::temperror;
    out.problem = "DNS error looking up TXT " + name + ": " + answer.error;
    co_return out;
  }
  if (answer.status != dns::Status::ok) co_return out;  // NXDOMAIN, no data, perm_fail
  // 6.6.3 steps 3, 5: only records starting with v=DMARC1 count.
  std::vector<std::string_view> records;
  for (const std::string& txt : answer.records) {
    if (is_dmarc_record(txt)) records.push_back(txt);
  }
  if (records.empty()) co_return out;
  if (records.size() > 1) {
    out.kind = Discovery::Kind::multiple;
    out.problem = "more than one DMARC record at " + name;
    co_return out;
  }
  auto parsed = parse_record(records.front());
  if (!parsed) {
    out.kind = Discovery::Kind::permerror;
    out.problem = "DMARC record at " + name + ": " + parsed.error().message;
    co_return out;
  }
  out.kind = Discovery::Kind::found;
  out.record = std::move(*parsed);
  co_return out;
}

// RFC 7489 6.6.4: a message left out by pct gets the next milder policy.
Policy milder(Policy policy) {
  if (policy == Policy::reject) return Policy::quarantine;
  return Policy::none;
}

int roll_percent(const std::function<int()>& random_percent) {
  if (random_percent) return random_percent();
  thread_local std::mt19937 rng{std::random_device{}()};
  return std::uniform_int_distribution<int>(0, 99)(rng);
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// RFC 5322 3.2.2 comment text: parentheses and backslashes escaped, control bytes dropped.
void append_comment(std::string& out, std::string_view text) {
  out += " (";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) continue;
    if (c == '(' || c == ')' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out += ")";
}

// A From domain printable as an RFC 8601 pvalue: a DNS name with no blank or special.
bool printable_domain(std::string_view domain) {
  if (!is_dns_name(domain)) return false;
  for (char c : domain) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '(' || c == ')' || c == ';' || c == '"' || c == '\\' ||
        c == '@') {
      return false;
    }
  }
  return true;
}

void finish(const Outcome& out) {
  metrics::inc("heron_dmarc_results_total", "result", verdict_name(out.verdict));
  if (out.verdict == Verdict::fail) {
    log::info("dmarc.fail", {{"header_from", out.header_from},
                             {"record_domain", out.record_domain},
                             {"policy", policy_name(out.policy)},
                             {"sampled", out.sampled}});
  } else if (out.verdict == Verdict::temperror) {
    log::warn("dmarc.temperror", {{"header_from", out.header_from}, {"reason", out.reason}});
  } else if (out.verdict == Verdict::permerror) {
    log::info("dmarc.permerror", {{"header_from", out.header_from}, {"reason", out.reason}});
  } else if (out.verdict == Verdict::none && !out.reason.empty()) {
    log::info("dmarc.none", {{"header_from", out.header_from}, {"reason", out.reason}});
  }
}

}  // namespace

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::none:
      return "none";
    case Verdict::pass:
      return "pass";
    case Verdict::fail:
      return "fail";
    case Verdict::temperror:
      return "temperror";
    case Verdict::permerror:
      return "permerror";
  }
  return "permerror";
}

std::string Outcome::auth_results() const {
  std::string out = "dmarc=";
  out += verdict_name(verdict);
  if ((verdict == Verdict::pass || verdict == Verdict::fail) && record) {
    out += " (p=" + upper(policy_name(record->policy));
    out += " sp=" + upper(policy_name(record->subdomain_policy.value_or(record->policy)));
    out += " dis=" + upper(policy_name(policy)) + ")";
  } else if (!reason.empty()) {
    append_comment(out, reason);
  }
  if (printable_domain(header_from)) out += " header.from=" + header_from;
  return out;
}

Result<std::string> from_domain(std::string_view header) {
  const std::vector<mime::HeaderField> fields = mime::find_fields(header, "From");
  if (fields.empty()) return make_error("no From field");
  if (fields.size() > 1) return make_error("more than one From field");
  std::string domain;
  for (const mime::Address& a : mime::parse_address_list(fields.front().unfolded())) {
    if (a.kind != mime::Address::Kind::mailbox) continue;
    if (a.host.empty()) return make_error("From address without a domain");
    if (a.host.front() == '[') return make_error("From address with an address literal");
    const std::string host = normalize_domain(a.host);
    if (!is_dns_name(host)) return make_error("invalid From domain");
    if (!domain.empty() && domain != host) return make_error("From addresses in several domains");
    domain = host;
  }
  if (domain.empty()) return make_error("no address in the From field");
  return domain;
}

bool aligned(std::string_view domain, std::string_view from, Alignment mode,
             const PublicSuffixList& psl) {
  const std::string a = normalize_domain(domain);
  const std::string b = normalize_domain(from);
  if (a.empty() || b.empty()) return false;
  if (a == b) return true;  // 3.1.1, 3.1.2: strict is an exact match
  if (mode == Alignment::strict) return false;
  // Relaxed: the same Organizational Domain.
  return psl.organizational_domain(a) == psl.organizational_domain(b);
}

asio::awaitable<Outcome> check(dns::Resolver& resolver, Input input, const PublicSuffixList& psl) {
  Outcome out;
  out.header_from = normalize_domain(input.header_from);
  if (!is_dns_name(out.header_from) || out.header_from.front() == '[') {
    out.verdict = Verdict::permerror;
    out.reason = "invalid From domain";
    finish(out);
    co_return out;
  }
  out.org_domain = psl.organizational_domain(out.header_from);

  // RFC 7489 6.6.3: the From domain first, then its Organizational Domain.
  out.record_domain = out.header_from;
  Discovery found = co_await discover(resolver, out.header_from);
  if (found.kind == Discovery::Kind::absent && out.org_domain != out.header_from) {
    out.record_domain = out.org_domain;
    found = co_await discover(resolver, out.org_domain);
  }
  if (found.kind != Discovery::Kind::found) {
    out.record_domain.clear();
    out.reason = found.problem;
    if (found.kind == Discovery::Kind::temperror) {
      out.verdict = Verdict::temperror;
    } else if (found.kind == Discovery::Kind::permerror) {
      out.verdict = Verdict::permerror;
    } else {
      out.verdict = Verdict::none;  // no record, or several (6.6.3 step 6)
    }
    finish(out);
    co_return out;
  }
  out.record = std::move(found.record);
  const Record& record = *out.record;

  // RFC 7489 3.1.2, 4.2: SPF counts only when it passed, for the domain it checked.
  out.spf_aligned = input.spf == spf::Verdict::pass &&
                    aligned(input.spf_domain, out.header_from, record.spf_alignment, psl);
  // RFC 7489 3.1.1, 4.2: any passing signature whose d= aligns.
  for (const dkim::SignatureResult& sig : input.dkim) {
    if (sig.status != dkim::Status::pass) continue;
    if (!aligned(sig.domain, out.header_from, record.dkim_alignment, psl)) continue;
    out.dkim_aligned = true;
    out.dkim_domain = normalize_domain(sig.domain);
    break;
  }
  if (out.spf_aligned || out.dkim_aligned) {
    out.verdict = Verdict::pass;
    finish(out);
    co_return out;
  }

  out.verdict = Verdict::fail;
  out.reason = "no aligned SPF or DKIM pass";
  // RFC 7489 6.3 sp: the record came from the Organizational Domain and the From domain is
  // below it.
  out.subdomain = out.record_domain != out.header_from;
  out.policy = record.policy_for(out.subdomain);
  // RFC 7489 6.6.4: pct.
  if (record.percent < 100) {
    out.sampled = roll_percent(input.random_percent) < record.percent;
    if (!out.sampled) out.policy = milder(out.policy);
  }
  finish(out);
  co_return out;
}

}  // namespace heron::mailauth::dmarc
