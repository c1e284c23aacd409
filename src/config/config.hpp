#pragma once
// heron.toml: the schema, its defaults, and loading with precise errors.
//
// Every key is documented in docs/config.md. An invalid file is refused as a whole with
// "file:line:column: key: what was expected" (toml++ gives the source positions), so a typo
// never starts a half-configured mail server. Unknown keys are errors too.
// Thread: start-up and reload only. Failure: Result with the message above.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace heron::config {

enum class Role { mx, submission, submissions, imap, imaps, pop3, pop3s };
enum class TlsMode { none, starttls, implicit };

struct Listener {
  std::string name;  // e.g. "mx"; defaults to the role name
  Role role = Role::mx;
  std::string address = "0.0.0.0";  // IPv4 or IPv6 literal
  uint16_t port = 25;
  TlsMode tls = TlsMode::starttls;
  // This listener's own certificate, instead of [tls]'s default (the [[tls.domain]] ones still
  // apply by SNI). Both or neither.
  std::filesystem::path cert_file = {};
  std::filesystem::path key_file = {};

  bool operator==(const Listener&) const = default;
};

// [[tls.domain]]: a certificate chosen by SNI (RFC 6066 3) for one name, or "*.example.org"
// for every name one label below it.
struct TlsDomain {
  std::string name;
  std::filesystem::path cert_file;
  std::filesystem::path key_file;

  bool operator==(const TlsDomain&) const = default;
};

struct Tls {
  std::filesystem::path cert_file;  // PEM chain; empty means no TLS
  std::filesystem::path key_file;   // PEM private key
  std::vector<TlsDomain> domains;   // by SNI; cert_file/key_file stay the default

  bool operator==(const Tls&) const = default;
};

struct Limits {
  uint64_t max_message_size = 50ull * 1024 * 1024;  // octets; advertised as SIZE
  uint32_t max_recipients = 100;
  uint32_t max_line_length = 1000;             // octets including CRLF
  uint32_t max_errors = 10;                    // bad commands before 421
  std::chrono::seconds idle_timeout{300};      // RFC 5321 4.5.3.2.7: at least 5 minutes
  std::chrono::seconds session_timeout{1800};  // whole connection
  uint32_t max_connections = 1000;
  uint32_t max_connections_per_ip = 20;

  bool operator==(const Limits&) const = default;
};

struct Smtp {
  bool normalize_bare_line_ends = false;  // false: reject bare CR/LF in DATA with 5xx
  // Offer AUTH on mx listeners too (after TLS); an authenticated client may then relay.
  bool auth_on_mx = false;
  // A message that already carries this many Received: fields is refused (554 5.4.6): a mail
  // loop, e.g. two forwarding aliases pointing at each other (RFC 5321 6.3; Postfix's
  // hopcount_limit). 0 turns the check off.
  uint32_t max_hops = 50;

  bool operator==(const Smtp&) const = default;
};

// The submission roles, 587 and 465 (RFC 6409, RFC 8314; docs/submission.md).
struct Submission {
  // The Received: header of submitted mail leaves out the client's IP address and EHLO name
  // (the user's location stays private); the authenticated user is still named.
  bool hide_client_ip = false;

  bool operator==(const Submission&) const = default;
};

// The outbound queue (docs/queue.md). A delivery that fails with a 4xx reply, or cannot
// connect or resolve, is retried after retry_intervals[0], then [1], ...; the last interval
// repeats. After max_age since arrival the next failure is final and bounces; the sender is
// told once when a message is still undelivered delay_warning after arrival (a value at or
// above max_age means never).
struct Queue {
  std::vector<std::chrono::seconds> retry_intervals{
      std::chrono::minutes(5), std::chrono::minutes(10), std::chrono::minutes(20),
      std::chrono::minutes(40), std::chrono::hours(1)};
  std::chrono::seconds max_age{5 * 86400};
  std::chrono::seconds delay_warning{4 * 3600};
  uint32_t max_connections = 100;                 // outbound SMTP connections in all
  uint32_t max_connections_per_destination = 10;  // to one destination domain
  // The delivery loop (delivery/remote, docs/queue.md "The delivery loop").
  uint32_t smtp_port = 25;  // port of every MX host (25; other values are for tests)
  // STARTTLS is used whenever offered, without verifying the certificate (opportunistic,
  // RFC 7435). true: after a failed handshake, try the same host again in plaintext (as
  // Postfix's smtp_tls_security_level = may); false: defer instead.
  bool plaintext_fallback = true;
  std::chrono::seconds connect_timeout{30};
  std::chrono::seconds command_timeout{300};  // per reply (RFC 5321 4.5.3.2 asks 5-10 min)
  // How long an idle connection is kept for another message to the same destination.
  std::chrono::seconds connection_cache_time{2};
  // The local address outbound connections come from, per family (Postfix's
  // smtp_bind_address and smtp_bind_address6); empty: the kernel's choice. Receivers check
  // SPF and reverse DNS against it.
  std::string bind_address;
  std::string bind_address6;

  bool operator==(const Queue&) const = default;
};

// Logins (POP3, IMAP, SMTP AUTH): where a password may travel, and how failures are throttled
// per client IP (net/login_throttle.hpp, docs/config.md).
struct Auth {
  // false: USER/PASS/AUTH/LOGIN only over TLS. true: also without TLS when the client's address
  // is loopback (127.0.0.0/8, ::1), for local webmail and tests.
  bool plaintext_on_loopback = false;
  uint32_t max_failures = 10;  // failed logins per IP within failure_window...
  std::chrono::seconds failure_window{900};
  std::chrono::seconds lockout{900};      // ...then refused for this long; 0 failures: never
  std::chrono::seconds failure_delay{2};  // before answering a failure, doubling per failure
  std::chrono::seconds max_delay{15};     // cap of that delay

  bool operator==(const Auth&) const = default;
};

// IMAP sessions (docs/imap.md). Literals may be as large as limits.max_message_size.
struct Imap {
  uint64_t max_line_length = 64 * 1024;  // one command line, literals excluded (octets)
  uint32_t max_mailboxes = 1000;         // per account; CREATE beyond it is refused
  // RFC 9051 5.4: an authenticated client idle this long (IDLE included) is logged out with
  // BYE; at least 30 minutes. Before login limits.idle_timeout applies.
  std::chrono::seconds idle_timeout{30 * 60};
  // Memory for rendered ENVELOPE/BODY/BODYSTRUCTURE shared by all sessions; 0: no cache.
  uint64_t summary_cache = 64 * 1024 * 1024;

  bool operator==(const Imap&) const = default;
};

struct Log {
  std::string level = "info";     // debug, info, warn, error
  std::string format = "text";    // text, json
  std::string output = "stderr";  // stderr, journald (docs/logging.md)

  bool operator==(const Log&) const = default;
};

// [dns]: how Heron resolves names (docs/dns.md).
// A smarthost ([[relay]], docs/config.md): mail for `domains` ("*": every domain no other
// relay names) goes to this host instead of the domains' MX hosts, always over TLS
// (STARTTLS required; the certificate is not verified), with AUTH when a username is set.
struct Relay {
  std::vector<std::string> domains;  // lowercase; "*" for all
  std::string host;                  // a host name (A/AAAA looked up) or an IP literal
  uint32_t port = 587;
  std::string username;  // empty: no AUTH
  std::string password;

  bool operator==(const Relay&) const = default;
};

struct Dns {
  // "ADDRESS" or "ADDRESS@PORT" (IPv4 or IPv6 literal, port 53 by default). Empty: the
  // nameservers of /etc/resolv.conf, or full recursion from the root when it has none.
  std::vector<std::string> forwarders;
  bool dnssec = true;  // validate, and pass the "secure" status up (DANE needs it)
  // DS or DNSKEY records of the root (or of any zone) the validator trusts.
  std::filesystem::path trust_anchor_file = "/usr/share/dns/root.key";
  std::chrono::seconds timeout{10};  // per query; then the lookup is a temporary failure

  bool operator==(const Dns&) const = default;
};

// [mailauth]: email authentication (docs/mailauth.md). Inbound mail on mx listeners is checked
// with SPF, DKIM, DMARC and iprev and gets an Authentication-Results field; mail accepted on
// the submission listeners is DKIM-signed with the keys in <data_dir>/dkim.
enum class DmarcEnforce { none, quarantine, reject };
struct Mailauth {
  bool verify = true;       // run the checks on mx listeners and write Authentication-Results
  std::string authserv_id;  // RFC 8601 2.5; empty: the hostname
  // How far a DMARC failure is acted on: reject (p=reject: 550 5.7.1 after DATA; p=quarantine:
  // Junk), quarantine (both to Junk), none (results recorded only).
  DmarcEnforce dmarc_enforce = DmarcEnforce::reject;
  // Local policy override (RFC 7489 6.7): mail from these networks (forwarders, list servers
  // that rewrite nothing) is never rejected or quarantined for DMARC. "ADDRESS[/BITS]".
  std::vector<std::string> trusted_forwarders;
  bool dkim_sign = true;  // sign submitted mail when the From domain has keys
  bool operator==(const Mailauth&) const = default;
};

// [http]: the operator endpoint, /metrics, /healthz and /status (server/http, docs/admin.md).
// Off unless the file has an [http] table; no authentication, so keep it on loopback.
struct Http {
  bool enabled = false;
  std::string address = "127.0.0.1";  // IPv4 or IPv6 literal
  uint16_t port = 8025;
  uint32_t max_connections = 16;
  std::chrono::seconds idle_timeout{30};

  bool operator==(const Http&) const = default;
};

// [server]: the process as a whole.
struct Server {
  // SIGTERM/SIGINT: how long sessions may take to finish (an SMTP transaction in flight
  // gets its reply) before the process exits anyway (docs/admin.md, "Signals").
  std::chrono::seconds shutdown_timeout{30};
  // Started as root, the server drops to this user and group once its ports are bound
  // (app/privileges.hpp); group empty: the user's primary group. Empty user: stay as started,
  // which for root is refused unless run_as_root.
  std::string user;
  std::string group;
  bool run_as_root = false;

  bool operator==(const Server&) const = default;
};

struct Config {
  std::filesystem::path source;        // the file it came from, empty for built-in defaults
  std::string hostname = "localhost";  // our FQDN: greeting, Received, EHLO
  std::filesystem::path data_dir = "/var/lib/heron";
  std::vector<Listener> listeners;
  Tls tls;
  Limits limits;
  Smtp smtp;
  Submission submission;
  Queue queue;
  std::vector<Relay> relays;
  Auth auth;
  Imap imap;
  Log log;
  Dns dns;
  Mailauth mailauth;
  Http http;
  Server server;

  bool operator==(const Config&) const = default;
};

// Parses TOML text; source_name is used in error messages ("heron.toml:3:9: ...").
// Relative paths in the file are resolved against base_dir (left relative if it is empty).
// On failure the message has one line per problem in file order (at most ten, then a count).
// source is set to source_name.
Result<Config> parse(std::string_view text, std::string_view source_name,
                     const std::filesystem::path& base_dir = {});
// Reads file and parses it with base_dir = its absolute directory; an unreadable file gives
// "cannot read <file>: <strerror>".
Result<Config> load(const std::filesystem::path& file);

// Renders a config back to TOML that parse() accepts (the demo and quickstart write it):
// every key spelled out, sizes and durations suffixed ("50M", "5m"). parse(to_toml(c)) == c
// for any c that parse() produced, apart from source. It does not validate: a hand-built
// Config with an invalid value renders a file that parse() refuses, a listener with an empty
// name comes back named after its role, and paths must be valid UTF-8 (TOML strings are).
std::string to_toml(const Config& config);

std::string_view role_name(Role role);
std::string_view tls_mode_name(TlsMode mode);
std::string_view dmarc_enforce_name(DmarcEnforce value);

// What a [[listener]] gets when it leaves out port or tls: the role's IANA port (25, 587, 465,
// 143, 993, 110, 995) and starttls, or implicit for submissions/imaps/pop3s.
uint16_t default_port(Role role);
// "127.0.0.1@5353", "::1", "2001:db8::53@53": an IP literal and an optional port 1-65535.
bool valid_forwarder(std::string_view forwarder);
TlsMode default_tls_mode(Role role);

}  // namespace heron::config
