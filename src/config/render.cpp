// Config -> heron.toml text, and the names of the enumerations.
//
// to_toml() writes every key explicitly, sizes and durations in their suffixed form, so the
// file a quickstart writes is also a list of the knobs there are. parse(to_toml(c)) == c for
// any Config that parse() produced (tests/unit/config_render_test.cpp holds us to it).

#include <string>

#include "base/strings.hpp"
#include "config/config.hpp"
#include "config/units.hpp"

namespace heron::config {
namespace {

// A TOML basic string (TOML 1.0, "String"): quotes, backslashes and control characters
// escaped, everything else verbatim.
std::string toml_string(std::string_view s) {
  std::string out = "\"";
  str::append_escaped(out, s);
  return out + "\"";
}

std::string toml_path(const std::filesystem::path& p) {
  return toml_string(p.native());
}

// Sizes are written as "50M" when a suffix is exact, else as a plain integer (a digit string
// above INT64_MAX, which a TOML integer cannot hold).
std::string size_value(uint64_t octets) {
  const std::string s = format_size(octets);
  if (s.back() >= '0' && s.back() <= '9' && octets <= static_cast<uint64_t>(INT64_MAX)) return s;
  return toml_string(s);
}

}  // namespace

std::string_view role_name(Role role) {
  switch (role) {
    case Role::mx:
      return "mx";
    case Role::submission:
      return "submission";
    case Role::submissions:
      return "submissions";
    case Role::imap:
      return "imap";
    case Role::imaps:
      return "imaps";
    case Role::pop3:
      return "pop3";
    case Role::pop3s:
      return "pop3s";
  }
  return "unknown";
}

std::string_view dmarc_enforce_name(DmarcEnforce value) {
  if (value == DmarcEnforce::none) return "none";
  if (value == DmarcEnforce::quarantine) return "quarantine";
  return "reject";
}

std::string_view tls_mode_name(TlsMode mode) {
  switch (mode) {
    case TlsMode::none:
      return "none";
    case TlsMode::starttls:
      return "starttls";
    case TlsMode::implicit:
      return "implicit";
  }
  return "unknown";
}

uint16_t default_port(Role role) {
  switch (role) {
    case Role::mx:
      return 25;  // RFC 5321
    case Role::submission:
      return 587;  // RFC 6409
    case Role::submissions:
      return 465;  // RFC 8314 7.3
    case Role::imap:
      return 143;  // RFC 9051
    case Role::imaps:
      return 993;  // RFC 8314 7.2
    case Role::pop3:
      return 110;  // RFC 1939
    case Role::pop3s:
      return 995;  // RFC 8314 7.2
  }
  return 0;
}

TlsMode default_tls_mode(Role role) {
  switch (role) {
    case Role::submissions:
    case Role::imaps:
    case Role::pop3s:
      return TlsMode::implicit;  // RFC 8314 3: TLS from the first byte
    case Role::mx:
    case Role::submission:
    case Role::imap:
    case Role::pop3:
      return TlsMode::starttls;
  }
  return TlsMode::starttls;
}

std::string to_toml(const Config& c) {
  std::string out;
  auto line = [&out](std::string_view key, const std::string& value) {
    out.append(key).append(" = ").append(value).append("\n");
  };

  out += "# heron.toml: see docs/config.md for every key.\n";
  line("hostname", toml_string(c.hostname));
  line("data_dir", toml_path(c.data_dir));

  out += "\n[tls]\n";
  if (c.tls.cert_file.empty()) {
    out += "# cert_file = \"/etc/heron/tls/fullchain.pem\"\n";
  } else {
    line("cert_file", toml_path(c.tls.cert_file));
  }
  if (c.tls.key_file.empty()) {
    out += "# key_file = \"/etc/heron/tls/privkey.pem\"\n";
  } else {
    line("key_file", toml_path(c.tls.key_file));
  }
  for (const TlsDomain& d : c.tls.domains) {
    out += "\n[[tls.domain]]\n";
    line("name", toml_string(d.name));
    line("cert_file", toml_path(d.cert_file));
    line("key_file", toml_path(d.key_file));
  }

  for (const Listener& l : c.listeners) {
    out += "\n[[listener]]\n";
    if (!l.name.empty()) line("name", toml_string(l.name));
    line("role", toml_string(role_name(l.role)));
    line("address", toml_string(l.address));
    line("port", std::to_string(l.port));
    line("tls", toml_string(tls_mode_name(l.tls)));
    if (!l.cert_file.empty()) line("cert_file", toml_path(l.cert_file));
    if (!l.key_file.empty()) line("key_file", toml_path(l.key_file));
  }

  const Limits& lim = c.limits;
  out += "\n[limits]\n";
  line("max_message_size", size_value(lim.max_message_size));
  line("max_recipients", std::to_string(lim.max_recipients));
  line("max_line_length", std::to_string(lim.max_line_length));
  line("max_errors", std::to_string(lim.max_errors));
  line("idle_timeout", toml_string(format_duration(lim.idle_timeout)));
  line("session_timeout", toml_string(format_duration(lim.session_timeout)));
  line("max_connections", std::to_string(lim.max_connections));
  line("max_connections_per_ip", std::to_string(lim.max_connections_per_ip));

  out += "\n[smtp]\n";
  line("normalize_bare_line_ends", c.smtp.normalize_bare_line_ends ? "true" : "false");
  line("auth_on_mx", c.smtp.auth_on_mx ? "true" : "false");
  line("max_hops", std::to_string(c.smtp.max_hops));

  out += "\n[submission]\n";
  line("hide_client_ip", c.submission.hide_client_ip ? "true" : "false");

  const Queue& q = c.queue;
  out += "\n[queue]\n";
  std::string intervals = "[";
  for (size_t i = 0; i < q.retry_intervals.size(); ++i) {
    if (i > 0) intervals += ", ";
    intervals += toml_string(format_duration(q.retry_intervals[i]));
  }
  line("retry_intervals", intervals + "]");
  line("max_age", toml_string(format_duration(q.max_age)));
  line("delay_warning", toml_string(format_duration(q.delay_warning)));
  line("max_connections", std::to_string(q.max_connections));
  line("max_connections_per_destination", std::to_string(q.max_connections_per_destination));
  line("smtp_port", std::to_string(q.smtp_port));
  line("plaintext_fallback", q.plaintext_fallback ? "true" : "false");
  line("connect_timeout", toml_string(format_duration(q.connect_timeout)));
  line("command_timeout", toml_string(format_duration(q.command_timeout)));
  line("connection_cache_time", toml_string(format_duration(q.connection_cache_time)));
  if (!q.bind_address.empty()) line("bind_address", toml_string(q.bind_address));
  if (!q.bind_address6.empty()) line("bind_address6", toml_string(q.bind_address6));

  for (const Relay& r : c.relays) {
    out += "\n[[relay]]\n";
    std::string domains = "[";
    for (size_t i = 0; i < r.domains.size(); ++i) {
      if (i > 0) domains += ", ";
      domains += toml_string(r.domains[i]);
    }
    line("domains", domains + "]");
    line("host", toml_string(r.host));
    line("port", std::to_string(r.port));
    if (!r.username.empty()) line("username", toml_string(r.username));
    if (!r.password.empty()) out += "# password is set (not shown)\n";
  }

  const Auth& a = c.auth;
  out += "\n[auth]\n";
  line("plaintext_on_loopback", a.plaintext_on_loopback ? "true" : "false");
  line("max_failures", std::to_string(a.max_failures));
  line("failure_window", toml_string(format_duration(a.failure_window)));
  line("lockout", toml_string(format_duration(a.lockout)));
  line("failure_delay", toml_string(format_duration(a.failure_delay)));
  line("max_delay", toml_string(format_duration(a.max_delay)));

  out += "\n[imap]\n";
  line("max_line_length", size_value(c.imap.max_line_length));
  line("max_mailboxes", std::to_string(c.imap.max_mailboxes));
  line("idle_timeout", toml_string(format_duration(c.imap.idle_timeout)));
  line("summary_cache",
       c.imap.summary_cache == 0 ? std::string("0") : size_value(c.imap.summary_cache));

  out += "\n[log]\n";
  line("level", toml_string(c.log.level));
  line("format", toml_string(c.log.format));
  line("output", toml_string(c.log.output));

  // Without an [http] table the endpoint is off: write one only when something differs.
  if (c.http != Http{}) {
    out += "\n[http]\n";
    line("enabled", c.http.enabled ? "true" : "false");
    line("address", toml_string(c.http.address));
    line("port", std::to_string(c.http.port));
    line("max_connections", std::to_string(c.http.max_connections));
    line("idle_timeout", toml_string(format_duration(c.http.idle_timeout)));
  }

  out += "\n[server]\n";
  line("shutdown_timeout", toml_string(format_duration(c.server.shutdown_timeout)));
  if (!c.server.user.empty()) line("user", toml_string(c.server.user));
  if (!c.server.group.empty()) line("group", toml_string(c.server.group));
  line("run_as_root", c.server.run_as_root ? "true" : "false");

  out += "\n[dns]\n";
  std::string forwarders = "[";
  for (const auto& f : c.dns.forwarders) {
    if (forwarders.size() > 1) forwarders += ", ";
    forwarders += toml_string(f);
  }
  line("forwarders", forwarders + "]");
  line("dnssec", c.dns.dnssec ? "true" : "false");
  line("trust_anchor_file", toml_path(c.dns.trust_anchor_file));
  line("timeout", toml_string(format_duration(c.dns.timeout)));

  const Mailauth& m = c.mailauth;
  out += "\n[mailauth]\n";
  line("verify", m.verify ? "true" : "false");
  if (!m.authserv_id.empty()) line("authserv_id", toml_string(m.authserv_id));
  line("dmarc_enforce", toml_string(dmarc_enforce_name(m.dmarc_enforce)));
  std::string trusted = "[";
  for (const auto& t : m.trusted_forwarders) {
    if (trusted.size() > 1) trusted += ", ";
    trusted += toml_string(t);
  }
  line("trusted_forwarders", trusted + "]");
  line("dkim_sign", m.dkim_sign ? "true" : "false");
  return out;
}

}  // namespace heron::config
