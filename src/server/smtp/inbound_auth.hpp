#pragma once
// Email authentication of mail arriving on the MX role (docs/mailauth.md): iprev, SPF
// (RFC 7208, the MAIL FROM identity, or HELO for the null sender), DKIM (RFC 6376) and DMARC
// (RFC 7489), run once the message is complete, before it is filed. The outcome is one
// Authentication-Results field (RFC 8601) for the top of the message, and what to do with it:
//   deliver     results recorded only;
//   quarantine  file into the recipients' Junk (DMARC p=quarantine, or p=reject when
//               [mailauth] dmarc_enforce = "quarantine");
//   reject      550 5.7.1 after DATA (DMARC p=reject with dmarc_enforce = "reject").
// Mail from [mailauth] trusted_forwarders is never quarantined or rejected (RFC 7489 6.7,
// local policy), which is how forwarded and mailing-list mail is let through.
// Input: the message and the envelope are untrusted. Thread: the session's strand (DNS on
// the resolver's executor). Failure: none; DNS problems become temperror results.

#include <cstdint>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>

#include "config/config.hpp"
#include "dns/resolver.hpp"
#include "mailauth/dmarc/org_domain.hpp"
#include "net/network.hpp"

namespace heron::server::smtp {

// What every MX session shares for the checks; built once by serve.
struct InboundAuth {
  InboundAuth(dns::Resolver& resolver, const mailauth::dmarc::PublicSuffixList& suffixes,
              config::Mailauth settings, std::string hostname);

  dns::Resolver& resolver;
  const mailauth::dmarc::PublicSuffixList& suffixes;
  config::Mailauth settings;
  std::string authserv_id;  // settings.authserv_id, or the hostname
  std::string hostname;
  std::vector<net::Network> trusted;
};

struct Envelope {
  boost::asio::ip::address client;
  std::string helo;
  std::string mail_from;  // "" for the null reverse-path
  int64_t now = 0;
};

struct Verdict {
  enum class Action { deliver, quarantine, reject };
  Action action = Action::deliver;
  std::string field;         // "Authentication-Results: ...\r\n"
  std::string client_host;   // the iprev-confirmed name, for Received:
  std::string reason;        // for logs: e.g. "dmarc p=reject"
  std::string dmarc_domain;  // the RFC5322.From domain DMARC judged
};

// `message` must stay alive until the coroutine completes.
boost::asio::awaitable<Verdict> check_inbound(InboundAuth& auth, Envelope envelope,
                                              std::string_view message);

}  // namespace heron::server::smtp
