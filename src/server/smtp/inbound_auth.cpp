#include "server/smtp/inbound_auth.hpp"

#include <algorithm>

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "mailauth/auth_results.hpp"
#include "mailauth/dkim/verify.hpp"
#include "mailauth/dmarc/evaluate.hpp"
#include "mailauth/iprev.hpp"
#include "mailauth/spf/check.hpp"
#include "mime/header.hpp"

namespace heron::server::smtp {

namespace asio = boost::asio;
namespace spf = mailauth::spf;
namespace dkim = mailauth::dkim;
namespace dmarc = mailauth::dmarc;

namespace {

// "spf=pass smtp.mailfrom=alice@example.com" (RFC 8601 2.7.2); the HELO identity for the null
// reverse-path.
std::string spf_results(const spf::Outcome& outcome, const Envelope& envelope) {
  std::string out = "spf=";
  out += spf::verdict_name(outcome.verdict);
  if (!outcome.problem.empty()) out += " " + mailauth::comment(outcome.problem);
  if (envelope.mail_from.empty()) {
    out += " smtp.helo=" + mailauth::ptype_value(envelope.helo);
  } else {
    out += " smtp.mailfrom=" + mailauth::ptype_value(envelope.mail_from);
  }
  return out;
}

bool trusted(const InboundAuth& auth, const asio::ip::address& client) {
  return std::any_of(auth.trusted.begin(), auth.trusted.end(),
                     [&](const net::Network& n) { return n.contains(client); });
}

}  // namespace

InboundAuth::InboundAuth(dns::Resolver& resolver_, const dmarc::PublicSuffixList& suffixes_,
                         config::Mailauth settings_, std::string hostname_)
    : resolver(resolver_),
      suffixes(suffixes_),
      settings(std::move(settings_)),
      authserv_id(settings.authserv_id.empty() ? hostname_ : settings.authserv_id),
      hostname(std::move(hostname_)) {
  for (const auto& text : settings.trusted_forwarders) {
    if (auto n = net::Network::parse(text)) trusted.push_back(*n);
  }
}

asio::awaitable<Verdict> check_inbound(InboundAuth& auth, Envelope envelope,
                                       std::string_view message) {
  Verdict verdict;
  std::vector<std::string> results;

  const mailauth::Iprev iprev = co_await mailauth::check_iprev(auth.resolver, envelope.client);
  if (iprev.result == mailauth::IprevResult::pass) verdict.client_host = iprev.name;
  results.push_back(iprev.auth_results());

  spf::Check check;
  check.ip = envelope.client;
  check.helo = envelope.helo;
  check.mail_from = envelope.mail_from;
  check.receiver = auth.hostname;
  check.now = envelope.now;
  const spf::Outcome spf_outcome = co_await spf::check_mail_from(auth.resolver, check);
  metrics::inc("heron_spf_results_total", "result", spf::verdict_name(spf_outcome.verdict));
  results.push_back(spf_results(spf_outcome, envelope));

  std::vector<dkim::SignatureResult> signatures =
      co_await dkim::verify(message, auth.resolver, envelope.now);
  if (signatures.empty()) {
    results.emplace_back("dkim=none");
  } else {
    for (const auto& s : signatures) results.push_back(s.auth_results());
  }

  // RFC 7489 6.6.1: exactly one From domain, or DMARC cannot be applied.
  auto from = dmarc::from_domain(mime::header_section(message));
  if (!from) {
    results.push_back("dmarc=permerror " + mailauth::comment(from.error().message));
  } else {
    dmarc::Input input;
    input.header_from = *from;
    input.spf = spf_outcome.verdict;
    input.spf_domain = spf_outcome.domain;
    input.dkim = std::move(signatures);
    const dmarc::Outcome outcome =
        co_await dmarc::check(auth.resolver, std::move(input), auth.suffixes);
    verdict.dmarc_domain = outcome.header_from;
    results.push_back(outcome.auth_results());
    if (outcome.verdict == dmarc::Verdict::fail && outcome.policy != dmarc::Policy::none) {
      const auto enforce = auth.settings.dmarc_enforce;
      const bool wants_reject = outcome.policy == dmarc::Policy::reject;
      verdict.reason = std::string("dmarc p=") + std::string(dmarc::policy_name(outcome.policy));
      if (trusted(auth, envelope.client)) {
        // RFC 7489 6.7: local policy; the results still say what DMARC found.
        log::info("dmarc.override",
                  {{"from_domain", outcome.header_from}, {"reason", "trusted_forwarder"}});
        metrics::inc("heron_dmarc_overrides_total", "reason", "trusted_forwarder");
      } else if (wants_reject && enforce == config::DmarcEnforce::reject) {
        verdict.action = Verdict::Action::reject;
      } else if (enforce != config::DmarcEnforce::none) {
        verdict.action = Verdict::Action::quarantine;
      }
    }
  }
  verdict.field = mailauth::results_field(auth.authserv_id, results);
  co_return verdict;
}

}  // namespace heron::server::smtp
