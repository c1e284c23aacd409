// heron.toml -> Config: schema walk, per-key checks, then cross-key checks.
//
// Input is untrusted text (an operator's typo, or a fuzzer). toml++ does the TOML grammar and
// hands back a tree whose every node and key carries its line and column; this file walks that
// tree against the schema below. Every problem found is collected with its position instead of
// stopping at the first, and the message lists them in file order, so one run of `heron` shows
// every typo. Cross-key checks (certificate needed, listeners colliding) run only on a file
// whose keys are all individually valid, so one mistake is never reported twice.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <unistd.h>

#include <toml++/toml.h>
#include <algorithm>
#include <array>
#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <tuple>
#include <utility>

#include "base/log.hpp"
#include "config/config.hpp"
#include "config/detail/diagnostics.hpp"
#include "config/units.hpp"
#include "net/network.hpp"

namespace heron::config {
namespace {

using detail::Diagnostics;

constexpr std::array kRoles{Role::mx,    Role::submission, Role::submissions, Role::imap,
                            Role::imaps, Role::pop3,       Role::pop3s};
constexpr std::array kTlsModes{TlsMode::none, TlsMode::starttls, TlsMode::implicit};

// A year is longer than any timeout needs, and keeps callers far from the ~292 years at which
// seconds overflow when converted to a nanosecond clock's duration.
constexpr std::chrono::seconds kMaxDuration{365L * 86400};
constexpr uint64_t kMaxConfigBytes = 16u << 20;

constexpr std::string_view kSizeExpected =
    "a size from 1 octet: an integer, or a string with a K, M or G suffix such as \"50M\"";
constexpr std::string_view kDurationExpected =
    "a duration from 1s to 365d: seconds, or a string with an s, m, h or d suffix such as "
    "\"5m\"";
constexpr std::string_view kDurationOrZeroExpected =
    "a duration from 0s to 365d: seconds, or a string with an s, m, h or d suffix such as "
    "\"2s\"";
constexpr std::string_view kUint32Expected = "an integer from 1 to 4294967295";

// Where a listener's keys came from, for the cross-key checks after the walk.
struct ListenerSource {
  toml::source_region table;
  const toml::node* port = nullptr;
  const toml::node* tls = nullptr;
  std::array<unsigned char, 16> address{};  // inet_pton output, for comparing "::1" forms
  int family = 0;
};

bool has_control_char(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// RFC 1123 2.1 host names: LDH labels of 1-63 octets, 253 in all. A final all-digit label
// would make it an address literal (RFC 3696 2), which is not a name.
bool plausible_hostname(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  size_t label_start = 0;
  bool all_digits = true;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '.') {
      const size_t len = i - label_start;
      if (len == 0 || len > 63) return false;
      if (name[label_start] == '-' || name[i - 1] == '-') return false;
      if (i == name.size()) return !all_digits;
      label_start = i + 1;
      all_digits = true;
      continue;
    }
    const char c = name[i];
    const bool digit = c >= '0' && c <= '9';
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!digit && !alpha && c != '-') return false;
    all_digits = all_digits && digit;
  }
  return false;  // not reached
}

// Listener names end up in log fields and metric labels: keep them to a safe alphabet.
bool plausible_listener_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

std::string join_names(auto values, auto name_of) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ", ";
    out += name_of(v);
  }
  return out;
}

// Walks one parsed document. Each read_* records an error on mismatch and leaves the default
// in place, so the walk always finishes and reports everything.
class Walker {
 public:
  Walker(Diagnostics& diag, const std::filesystem::path& base_dir)
      : diag_(diag), base_dir_(base_dir) {}

  void walk(const toml::table& root, Config& out) {
    check_keys(root, "",
               {"hostname", "data_dir", "tls", "listener", "limits", "smtp", "submission", "queue",
                "auth", "log", "dns", "imap", "relay", "mailauth", "http", "server"});
    if (const auto* n = root.get("hostname")) read_hostname(*n, out.hostname);
    if (const auto* n = root.get("data_dir")) read_path(*n, "data_dir", out.data_dir);
    if (const auto* t = table_at(root, "tls")) read_tls(*t, out.tls);
    if (const auto* n = root.get("listener")) read_listeners(*n, out.listeners);
    if (const auto* t = table_at(root, "limits")) read_limits(*t, out.limits);
    if (const auto* t = table_at(root, "smtp")) {
      check_keys(*t, "smtp", {"normalize_bare_line_ends", "auth_on_mx", "max_hops"});
      if (const auto* n = t->get("normalize_bare_line_ends"))
        read_bool(*n, "smtp.normalize_bare_line_ends", out.smtp.normalize_bare_line_ends);
      if (const auto* n = t->get("auth_on_mx"))
        read_bool(*n, "smtp.auth_on_mx", out.smtp.auth_on_mx);
      if (const auto* n = t->get("max_hops")) read_u32(*n, "smtp.max_hops", out.smtp.max_hops);
    }
    if (const auto* t = table_at(root, "submission")) {
      check_keys(*t, "submission", {"hide_client_ip"});
      if (const auto* n = t->get("hide_client_ip"))
        read_bool(*n, "submission.hide_client_ip", out.submission.hide_client_ip);
    }
    if (const auto* t = table_at(root, "queue")) read_queue(*t, out.queue);
    if (const auto* t = table_at(root, "auth")) read_auth(*t, out.auth);
    if (const auto* t = table_at(root, "log")) read_log(*t, out.log);
    if (const auto* t = table_at(root, "dns")) read_dns(*t, out.dns);
    if (const auto* t = table_at(root, "imap")) read_imap(*t, out.imap);
    if (const auto* n = root.get("relay")) read_relays(*n, out.relays);
    if (const auto* t = table_at(root, "mailauth")) read_mailauth(*t, out.mailauth);
    if (const auto* t = table_at(root, "http")) read_http(*t, out.http);
    if (const auto* t = table_at(root, "server")) {
      check_keys(*t, "server", {"shutdown_timeout", "user", "group", "run_as_root"});
      if (const auto* n = t->get("shutdown_timeout"))
        read_duration(*n, "server.shutdown_timeout", out.server.shutdown_timeout);
      if (const auto* n = t->get("user")) read_name(*n, "server.user", out.server.user);
      if (const auto* n = t->get("group")) read_name(*n, "server.group", out.server.group);
      if (const auto* n = t->get("run_as_root"))
        read_bool(*n, "server.run_as_root", out.server.run_as_root);
    }

    if (diag_.empty()) cross_check(root, out);
  }

 private:
  // --- structure -------------------------------------------------------------------------

  void check_keys(const toml::table& table, std::string_view path,
                  std::initializer_list<std::string_view> known) {
    for (const auto& [key, node] : table) {
      if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
      diag_.unknown_key(key.source().begin, path, key.str(), known);
    }
  }

  const toml::table* table_at(const toml::table& parent, std::string_view key) {
    const auto* node = parent.get(key);
    if (node == nullptr) return nullptr;
    if (const auto* t = node->as_table()) return t;
    diag_.expected(*node, key, "a table");
    return nullptr;
  }

  // --- scalars -----------------------------------------------------------------------------

  const std::string* string_at(const toml::node& node, std::string_view path,
                               std::string_view expected) {
    if (const auto* s = node.as_string()) return &s->get();
    diag_.expected(node, path, expected);
    return nullptr;
  }

  void read_hostname(const toml::node& node, std::string& out) {
    constexpr std::string_view expected =
        "a fully qualified host name (letters, digits, hyphens and dots)";
    const auto* s = string_at(node, "hostname", expected);
    if (s == nullptr) return;
    if (!plausible_hostname(*s)) return diag_.expected(node, "hostname", expected);
    out = *s;
  }

  // Relative paths are taken against the config file's directory, not the process's working
  // directory, so `heron -c ./heron.toml` and the systemd unit agree.
  void read_path(const toml::node& node, std::string_view path, std::filesystem::path& out) {
    constexpr std::string_view expected = "a non-empty path string";
    const auto* s = string_at(node, path, expected);
    if (s == nullptr) return;
    if (s->empty() || has_control_char(*s)) return diag_.expected(node, path, expected);
    std::filesystem::path p(*s);
    if (p.is_relative() && !base_dir_.empty()) p = (base_dir_ / p).lexically_normal();
    out = std::move(p);
  }

  void read_bool(const toml::node& node, std::string_view path, bool& out) {
    if (const auto* b = node.as_boolean()) {
      out = b->get();
      return;
    }
    diag_.expected(node, path, "true or false");
  }

  std::optional<int64_t> read_int(const toml::node& node, std::string_view path, int64_t min,
                                  int64_t max, std::string_view expected) {
    const auto* i = node.as_integer();
    if (i == nullptr || i->get() < min || i->get() > max) {
      diag_.expected(node, path, expected);
      return std::nullopt;
    }
    return i->get();
  }

  void read_u32(const toml::node& node, std::string_view path, uint32_t& out) {
    if (auto v = read_int(node, path, 1, std::numeric_limits<uint32_t>::max(), kUint32Expected))
      out = static_cast<uint32_t>(*v);
  }

  void read_size(const toml::node& node, std::string_view path, uint64_t& out) {
    std::optional<uint64_t> v;
    if (const auto* i = node.as_integer()) {
      if (i->get() > 0) v = static_cast<uint64_t>(i->get());
    } else if (const auto* s = node.as_string()) {
      v = parse_size(s->get());
    }
    if (!v || *v == 0) return diag_.expected(node, path, kSizeExpected);
    out = *v;
  }

  // zero_ok: "0s" is accepted (it switches something off, e.g. auth.failure_delay).
  void read_duration(const toml::node& node, std::string_view path, std::chrono::seconds& out,
                     bool zero_ok = false) {
    std::optional<std::chrono::seconds> v;
    if (const auto* i = node.as_integer()) {
      v = std::chrono::seconds(i->get());
    } else if (const auto* s = node.as_string()) {
      v = parse_duration(s->get());
    }
    if (!v || v->count() < (zero_ok ? 0 : 1) || *v > kMaxDuration)
      return diag_.expected(node, path, zero_ok ? kDurationOrZeroExpected : kDurationExpected);
    out = *v;
  }

  // Matches a string against a closed set of names; "expected one of a, b, c" otherwise.
  template <class E, size_t N>
  std::optional<E> read_enum(const toml::node& node, std::string_view path,
                             const std::array<E, N>& values, std::string_view (*name_of)(E)) {
    if (const auto* s = node.as_string()) {
      for (E v : values) {
        if (s->get() == name_of(v)) return v;
      }
    }
    diag_.expected(node, path, "one of " + join_names(values, name_of));
    return std::nullopt;
  }

  // --- sections ----------------------------------------------------------------------------

  void read_tls(const toml::table& t, Tls& out) {
    check_keys(t, "tls", {"cert_file", "key_file", "domain"});
    if (const auto* n = t.get("cert_file")) read_path(*n, "tls.cert_file", out.cert_file);
    if (const auto* n = t.get("key_file")) read_path(*n, "tls.key_file", out.key_file);
    if (const auto* n = t.get("domain")) read_tls_domains(*n, out.domains);
  }

  void read_tls_domains(const toml::node& node, std::vector<TlsDomain>& out) {
    const auto* array = node.as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      if (array != nullptr && array->empty()) return;
      return diag_.expected(node, "tls.domain", "an array of tables ([[tls.domain]])");
    }
    for (size_t i = 0; i < array->size(); ++i) {
      const auto& t = *array->get(i)->as_table();
      const std::string path = "tls.domain[" + std::to_string(i) + "]";
      check_keys(t, path, {"name", "cert_file", "key_file"});
      TlsDomain d;
      if (const auto* n = t.get("name")) {
        constexpr std::string_view expected = "a host name, or *. and a domain";
        const auto* s = string_at(*n, path + ".name", expected);
        if (s != nullptr) {
          d.name = *s;
          const std::string_view host =
              s->rfind("*.", 0) == 0 ? std::string_view(*s).substr(2) : std::string_view(*s);
          if (!plausible_hostname(host)) diag_.expected(*n, path + ".name", expected);
        }
      } else {
        diag_.missing(t.source().begin, path + ".name", "a host name");
      }
      if (const auto* n = t.get("cert_file")) {
        read_path(*n, path + ".cert_file", d.cert_file);
      } else {
        diag_.missing(t.source().begin, path + ".cert_file", "a path");
      }
      if (const auto* n = t.get("key_file")) {
        read_path(*n, path + ".key_file", d.key_file);
      } else {
        diag_.missing(t.source().begin, path + ".key_file", "a path");
      }
      out.push_back(std::move(d));
    }
  }

  void read_limits(const toml::table& t, Limits& out) {
    check_keys(t, "limits",
               {"max_message_size", "max_recipients", "max_line_length", "max_errors",
                "idle_timeout", "session_timeout", "max_connections", "max_connections_per_ip"});
    if (const auto* n = t.get("max_message_size"))
      read_size(*n, "limits.max_message_size", out.max_message_size);
    if (const auto* n = t.get("max_recipients"))
      read_u32(*n, "limits.max_recipients", out.max_recipients);
    if (const auto* n = t.get("max_line_length"))
      read_u32(*n, "limits.max_line_length", out.max_line_length);
    if (const auto* n = t.get("max_errors")) read_u32(*n, "limits.max_errors", out.max_errors);
    if (const auto* n = t.get("idle_timeout"))
      read_duration(*n, "limits.idle_timeout", out.idle_timeout);
    if (const auto* n = t.get("session_timeout"))
      read_duration(*n, "limits.session_timeout", out.session_timeout);
    if (const auto* n = t.get("max_connections"))
      read_u32(*n, "limits.max_connections", out.max_connections);
    if (const auto* n = t.get("max_connections_per_ip"))
      read_u32(*n, "limits.max_connections_per_ip", out.max_connections_per_ip);
  }

  void read_queue(const toml::table& t, Queue& out) {
    check_keys(
        t, "queue",
        {"retry_intervals", "max_age", "delay_warning", "max_connections",
         "max_connections_per_destination", "smtp_port", "plaintext_fallback", "bind_address",
         "bind_address6", "connect_timeout", "command_timeout", "connection_cache_time"});
    if (const auto* n = t.get("retry_intervals")) {
      constexpr std::string_view expected =
          "a non-empty array of at most 100 durations, such as [\"5m\", \"10m\", \"1h\"]";
      const auto* array = n->as_array();
      if (array == nullptr || array->empty() || array->size() > 100) {
        diag_.expected(*n, "queue.retry_intervals", expected);
      } else {
        std::vector<std::chrono::seconds> intervals(array->size());
        for (size_t i = 0; i < array->size(); ++i) {
          read_duration(*array->get(i), "queue.retry_intervals[" + std::to_string(i) + "]",
                        intervals[i]);
        }
        out.retry_intervals = std::move(intervals);
      }
    }
    if (const auto* n = t.get("max_age")) read_duration(*n, "queue.max_age", out.max_age);
    if (const auto* n = t.get("delay_warning"))
      read_duration(*n, "queue.delay_warning", out.delay_warning);
    if (const auto* n = t.get("max_connections"))
      read_u32(*n, "queue.max_connections", out.max_connections);
    if (const auto* n = t.get("max_connections_per_destination"))
      read_u32(*n, "queue.max_connections_per_destination", out.max_connections_per_destination);
    if (const auto* n = t.get("smtp_port")) {
      if (auto v = read_int(*n, "queue.smtp_port", 1, 65535, "a port number (1-65535)"))
        out.smtp_port = static_cast<uint32_t>(*v);
    }
    if (const auto* n = t.get("plaintext_fallback"))
      read_bool(*n, "queue.plaintext_fallback", out.plaintext_fallback);
    if (const auto* n = t.get("bind_address"))
      read_ip(*n, "queue.bind_address", true, out.bind_address);
    if (const auto* n = t.get("bind_address6"))
      read_ip(*n, "queue.bind_address6", false, out.bind_address6);
    if (const auto* n = t.get("connect_timeout"))
      read_duration(*n, "queue.connect_timeout", out.connect_timeout);
    if (const auto* n = t.get("command_timeout"))
      read_duration(*n, "queue.command_timeout", out.command_timeout);
    if (const auto* n = t.get("connection_cache_time"))
      read_duration(*n, "queue.connection_cache_time", out.connection_cache_time, true);
  }

  void read_log(const toml::table& t, Log& out) {
    check_keys(t, "log", {"level", "format", "output"});
    if (const auto* n = t.get("level")) {
      log::Level level{};
      const auto* s = n->as_string();
      if (s != nullptr && log::parse_level(s->get(), level)) {
        out.level = s->get();
      } else {
        diag_.expected(*n, "log.level", "one of debug, info, warn, error");
      }
    }
    if (const auto* n = t.get("format")) {
      const auto* s = n->as_string();
      if (s != nullptr && (s->get() == "text" || s->get() == "json")) {
        out.format = s->get();
      } else {
        diag_.expected(*n, "log.format", "one of text, json");
      }
    }
    if (const auto* n = t.get("output")) {
      const auto* s = n->as_string();
      if (s != nullptr && (s->get() == "stderr" || s->get() == "journald")) {
        out.output = s->get();
      } else {
        diag_.expected(*n, "log.output", "one of stderr, journald");
      }
    }
  }

  // The table's presence turns the endpoint on (unless enabled = false).
  void read_http(const toml::table& t, Http& out) {
    check_keys(t, "http", {"enabled", "address", "port", "max_connections", "idle_timeout"});
    out.enabled = true;
    if (const auto* n = t.get("enabled")) read_bool(*n, "http.enabled", out.enabled);
    if (const auto* n = t.get("address")) {
      constexpr std::string_view expected = "an IPv4 or IPv6 address literal";
      const auto* s = n->as_string();
      // Embedded NULs would let inet_pton() accept a prefix of the string.
      unsigned char binary[16];
      const bool ok = s != nullptr && s->get().find('\0') == std::string::npos &&
                      (inet_pton(AF_INET, s->get().c_str(), binary) == 1 ||
                       inet_pton(AF_INET6, s->get().c_str(), binary) == 1);
      if (!ok) {
        diag_.expected(*n, "http.address", expected);
      } else {
        out.address = s->get();
      }
    }
    if (const auto* n = t.get("port")) {
      if (auto v = read_int(*n, "http.port", 1, 65535, "a port number (1-65535)"))
        out.port = static_cast<uint16_t>(*v);
    }
    if (const auto* n = t.get("max_connections"))
      read_u32(*n, "http.max_connections", out.max_connections);
    if (const auto* n = t.get("idle_timeout"))
      read_duration(*n, "http.idle_timeout", out.idle_timeout);
  }

  void read_imap(const toml::table& t, Imap& out) {
    check_keys(t, "imap", {"max_line_length", "max_mailboxes", "idle_timeout", "summary_cache"});
    if (const auto* n = t.get("max_line_length")) {
      read_size(*n, "imap.max_line_length", out.max_line_length);
      if (out.max_line_length < 1024 || out.max_line_length > 16 * 1024 * 1024) {
        diag_.expected(*n, "imap.max_line_length", "a size from 1K to 16M");
      }
    }
    if (const auto* n = t.get("max_mailboxes")) {
      read_u32(*n, "imap.max_mailboxes", out.max_mailboxes);
      if (out.max_mailboxes < 10) diag_.expected(*n, "imap.max_mailboxes", "at least 10");
    }
    if (const auto* n = t.get("idle_timeout")) {
      read_duration(*n, "imap.idle_timeout", out.idle_timeout);
      if (out.idle_timeout < std::chrono::minutes(1)) {
        diag_.expected(*n, "imap.idle_timeout", "a duration of at least 1m (RFC 9051: 30m)");
      }
    }
    if (const auto* n = t.get("summary_cache")) {
      const auto* i = n->as_integer();
      if (i != nullptr && i->get() == 0) {
        out.summary_cache = 0;  // off
      } else {
        read_size(*n, "imap.summary_cache", out.summary_cache);
      }
    }
  }

  void read_auth(const toml::table& t, Auth& out) {
    check_keys(t, "auth",
               {"plaintext_on_loopback", "max_failures", "failure_window", "lockout",
                "failure_delay", "max_delay"});
    if (const auto* n = t.get("plaintext_on_loopback"))
      read_bool(*n, "auth.plaintext_on_loopback", out.plaintext_on_loopback);
    if (const auto* n = t.get("max_failures")) read_u32(*n, "auth.max_failures", out.max_failures);
    if (const auto* n = t.get("failure_window"))
      read_duration(*n, "auth.failure_window", out.failure_window);
    if (const auto* n = t.get("lockout")) read_duration(*n, "auth.lockout", out.lockout);
    if (const auto* n = t.get("failure_delay"))
      read_duration(*n, "auth.failure_delay", out.failure_delay, true);
    if (const auto* n = t.get("max_delay")) read_duration(*n, "auth.max_delay", out.max_delay);
  }

  void read_dns(const toml::table& t, Dns& out) {
    check_keys(t, "dns", {"forwarders", "dnssec", "trust_anchor_file", "timeout"});
    if (const auto* n = t.get("forwarders")) {
      constexpr std::string_view expected =
          "an IP address with an optional port, such as \"127.0.0.1@5353\" or \"::1\"";
      if (const auto* array = n->as_array()) {
        out.forwarders.clear();
        for (size_t i = 0; i < array->size(); ++i) {
          const auto& element = *array->get(i);
          const std::string path = "dns.forwarders[" + std::to_string(i) + "]";
          const auto* s = string_at(element, path, expected);
          if (s == nullptr) continue;
          if (!valid_forwarder(*s)) {
            diag_.expected(element, path, expected);
            continue;
          }
          out.forwarders.push_back(*s);
        }
      } else {
        diag_.expected(*n, "dns.forwarders", "an array of strings");
      }
    }
    if (const auto* n = t.get("dnssec")) read_bool(*n, "dns.dnssec", out.dnssec);
    if (const auto* n = t.get("trust_anchor_file"))
      read_path(*n, "dns.trust_anchor_file", out.trust_anchor_file);
    if (const auto* n = t.get("timeout")) read_duration(*n, "dns.timeout", out.timeout);
  }

  // A user or group name (POSIX portable: letters, digits, ".", "_", "-"; not first "-").
  void read_name(const toml::node& node, std::string_view path, std::string& out) {
    constexpr std::string_view expected = "a user or group name";
    const auto* s = string_at(node, path, expected);
    if (s == nullptr) return;
    const bool ok =
        !s->empty() && s->size() <= 32 && s->front() != '-' &&
        std::all_of(s->begin(), s->end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
        });
    if (!ok) return diag_.expected(node, path, expected);
    out = *s;
  }

  // An IPv4 (v4) or IPv6 address literal.
  void read_ip(const toml::node& node, std::string_view path, bool v4, std::string& out) {
    const std::string_view expected = v4 ? "an IPv4 address" : "an IPv6 address";
    const auto* s = string_at(node, path, expected);
    if (s == nullptr) return;
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(*s, ec);
    if (ec || address.is_v4() != v4) return diag_.expected(node, path, expected);
    out = *s;
  }

  void read_mailauth(const toml::table& t, Mailauth& out) {
    check_keys(t, "mailauth",
               {"verify", "authserv_id", "dmarc_enforce", "trusted_forwarders", "dkim_sign"});
    if (const auto* n = t.get("verify")) read_bool(*n, "mailauth.verify", out.verify);
    if (const auto* n = t.get("authserv_id")) {
      constexpr std::string_view expected = "a host name (letters, digits, hyphens and dots)";
      const auto* s = string_at(*n, "mailauth.authserv_id", expected);
      if (s != nullptr && plausible_hostname(*s)) {
        out.authserv_id = *s;
      } else if (s != nullptr) {
        diag_.expected(*n, "mailauth.authserv_id", expected);
      }
    }
    if (const auto* n = t.get("dmarc_enforce")) {
      constexpr std::array kValues{DmarcEnforce::none, DmarcEnforce::quarantine,
                                   DmarcEnforce::reject};
      if (auto v = read_enum(*n, "mailauth.dmarc_enforce", kValues, dmarc_enforce_name))
        out.dmarc_enforce = *v;
    }
    if (const auto* n = t.get("trusted_forwarders")) {
      constexpr std::string_view expected = "an IP address or network, such as \"192.0.2.0/24\"";
      if (const auto* array = n->as_array()) {
        out.trusted_forwarders.clear();
        for (size_t i = 0; i < array->size(); ++i) {
          const auto& element = *array->get(i);
          const std::string path = "mailauth.trusted_forwarders[" + std::to_string(i) + "]";
          const auto* s = string_at(element, path, expected);
          if (s == nullptr) continue;
          if (!net::Network::parse(*s)) {
            diag_.expected(element, path, expected);
            continue;
          }
          out.trusted_forwarders.push_back(*s);
        }
      } else {
        diag_.expected(*n, "mailauth.trusted_forwarders", "an array of strings");
      }
    }
    if (const auto* n = t.get("dkim_sign")) read_bool(*n, "mailauth.dkim_sign", out.dkim_sign);
  }

  void read_relays(const toml::node& node, std::vector<Relay>& out) {
    const auto* array = node.as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      if (array != nullptr && array->empty()) return;
      return diag_.expected(node, "relay", "an array of tables ([[relay]])");
    }
    for (size_t i = 0; i < array->size(); ++i) {
      const auto& t = *array->get(i)->as_table();
      const std::string path = "relay[" + std::to_string(i) + "]";
      check_keys(t, path, {"domains", "host", "port", "username", "password"});
      Relay r;
      constexpr std::string_view kDomains = "a non-empty array of domain names, or [\"*\"]";
      if (const auto* n = t.get("domains")) {
        const auto* list = n->as_array();
        if (list == nullptr || list->empty()) {
          diag_.expected(*n, path + ".domains", kDomains);
        } else {
          for (size_t j = 0; j < list->size(); ++j) {
            const auto* s = list->get(j)->as_string();
            if (s == nullptr || s->get().empty() || has_control_char(s->get())) {
              diag_.expected(*list->get(j), path + ".domains", kDomains);
              continue;
            }
            std::string d = s->get();
            for (char& c : d) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (!d.empty() && d.back() == '.') d.pop_back();
            r.domains.push_back(std::move(d));
          }
        }
      } else {
        diag_.missing(t.source().begin, path + ".domains", kDomains);
      }
      constexpr std::string_view kHost = "a host name or IP address";
      if (const auto* n = t.get("host")) {
        const auto* s = string_at(*n, path + ".host", kHost);
        if (s != nullptr &&
            (s->empty() || has_control_char(*s) || s->find(' ') != std::string::npos)) {
          diag_.expected(*n, path + ".host", kHost);
        } else if (s != nullptr) {
          r.host = *s;
        }
      } else {
        diag_.missing(t.source().begin, path + ".host", kHost);
      }
      if (const auto* n = t.get("port")) {
        if (auto v = read_int(*n, path + ".port", 1, 65535, "a port number (1-65535)"))
          r.port = static_cast<uint32_t>(*v);
      }
      if (const auto* n = t.get("username")) {
        if (const auto* s = string_at(*n, path + ".username", "a string")) r.username = *s;
      }
      if (const auto* n = t.get("password")) {
        if (const auto* s = string_at(*n, path + ".password", "a string")) r.password = *s;
      }
      out.push_back(std::move(r));
    }
  }

  void read_listeners(const toml::node& node, std::vector<Listener>& out) {
    const auto* array = node.as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      // An empty inline array is harmless; anything else is a shape mistake.
      if (array != nullptr && array->empty()) return;
      return diag_.expected(node, "listener", "an array of tables ([[listener]])");
    }
    for (size_t i = 0; i < array->size(); ++i) {
      const auto& t = *array->get(i)->as_table();
      const std::string path = "listener[" + std::to_string(i) + "]";
      check_keys(t, path, {"name", "role", "address", "port", "tls", "cert_file", "key_file"});
      Listener l;
      ListenerSource src;
      src.table = t.source();

      if (const auto* n = t.get("role")) {
        if (auto r = read_enum(*n, path + ".role", kRoles, role_name)) l.role = *r;
      } else {
        diag_.missing(t.source().begin, path + ".role", "one of " + join_names(kRoles, role_name));
      }
      l.name = std::string(role_name(l.role));
      l.port = default_port(l.role);
      l.tls = default_tls_mode(l.role);

      if (const auto* n = t.get("name")) {
        constexpr std::string_view expected = "a name of 1 to 64 letters, digits, '-', '_' or '.'";
        const auto* s = string_at(*n, path + ".name", expected);
        if (s != nullptr && plausible_listener_name(*s)) {
          l.name = *s;
        } else if (s != nullptr) {
          diag_.expected(*n, path + ".name", expected);
        }
      }
      if (const auto* n = t.get("address")) {
        constexpr std::string_view expected = "an IPv4 or IPv6 address literal";
        const auto* s = string_at(*n, path + ".address", expected);
        if (s != nullptr) {
          l.address = *s;
          // Embedded NULs would let inet_pton() accept a prefix of the string.
          if (s->find('\0') != std::string::npos || !to_binary(*s, src)) {
            diag_.expected(*n, path + ".address", expected);
          }
        }
      } else {
        to_binary(l.address, src);
      }
      if (const auto* n = t.get("port")) {
        if (auto p = read_int(*n, path + ".port", 1, 65535, "an integer from 1 to 65535"))
          l.port = static_cast<uint16_t>(*p);
        src.port = n;
      }
      if (const auto* n = t.get("tls")) {
        if (auto m = read_enum(*n, path + ".tls", kTlsModes, tls_mode_name)) l.tls = *m;
        src.tls = n;
      }
      if (const auto* n = t.get("cert_file")) read_path(*n, path + ".cert_file", l.cert_file);
      if (const auto* n = t.get("key_file")) read_path(*n, path + ".key_file", l.key_file);
      if (l.cert_file.empty() != l.key_file.empty()) {
        diag_.missing(t.source().begin, path + (l.cert_file.empty() ? ".cert_file" : ".key_file"),
                      "a path when the listener's other certificate key is set");
      }
      out.push_back(std::move(l));
      sources_.push_back(src);
    }
  }

  static bool to_binary(const std::string& address, ListenerSource& src) {
    if (inet_pton(AF_INET, address.c_str(), src.address.data()) == 1) {
      src.family = AF_INET;
      return true;
    }
    if (inet_pton(AF_INET6, address.c_str(), src.address.data()) == 1) {
      src.family = AF_INET6;
      return true;
    }
    return false;
  }

  // --- cross-key checks --------------------------------------------------------------------

  void cross_check(const toml::table& root, const Config& config) {
    const auto* tls = root.get_as<toml::table>("tls");
    const bool has_cert = !config.tls.cert_file.empty();
    const bool has_key = !config.tls.key_file.empty();
    if (has_cert != has_key) {
      const char* present = has_cert ? "cert_file" : "key_file";
      const char* absent = has_cert ? "key_file" : "cert_file";
      diag_.missing(tls->get(present)->source().begin, std::string("tls.") + absent,
                    std::string("a path when tls.") + present + " is set");
    }
    if (!config.tls.domains.empty() && !has_cert) {
      diag_.missing(tls->source().begin, "tls.cert_file",
                    "a default certificate when [[tls.domain]] is used");
    }

    if (config.queue.max_connections_per_destination > config.queue.max_connections) {
      const auto* q = root.get_as<toml::table>("queue");
      const auto* n = q->get("max_connections_per_destination");
      diag_.add(n != nullptr ? n->source().begin : q->source().begin,
                "queue.max_connections_per_destination: expected at most queue.max_connections (" +
                    std::to_string(config.queue.max_connections) + "), got " +
                    std::to_string(config.queue.max_connections_per_destination));
    }

    for (size_t i = 0; i < config.listeners.size(); ++i) {
      const Listener& l = config.listeners[i];
      const ListenerSource& src = sources_[i];
      const std::string path = "listener[" + std::to_string(i) + "]";

      const bool own_cert = !l.cert_file.empty() && !l.key_file.empty();
      if (l.tls != TlsMode::none && !(has_cert && has_key) && !own_cert) {
        std::string got = "\"" + std::string(tls_mode_name(l.tls)) + "\"";
        if (src.tls == nullptr)
          got += " (the default for role " + std::string(role_name(l.role)) + ")";
        diag_.add(
            src.tls != nullptr ? src.tls->source().begin : src.table.begin,
            path + ".tls: expected \"none\" unless tls.cert_file and tls.key_file are set, got " +
                got);
      }

      if (auto j = first_overlap(i, l.port)) {
        const Listener& other = config.listeners[*j];
        const auto where = src.port != nullptr ? src.port->source().begin : src.table.begin;
        const std::string owner = "listener[" + std::to_string(*j) + "] (\"" + other.name + "\")";
        const std::string clash = endpoint(l) == endpoint(other)
                                      ? ", already used by " + owner
                                      : ", which overlaps " + endpoint(other) + " of " + owner;
        diag_.add(where, path + ": expected an address and port no other listener uses, got " +
                             endpoint(l) + clash);
      }
    }
  }

  // The earliest listener before i whose socket would collide with i's: same family and port,
  // and the same address or either of them the wildcard. Linux refuses to bind a listening
  // socket in either case, so say so here, with a position. Map lookups, not a pairwise scan,
  // so a file with thousands of listeners still loads in linear time.
  std::optional<size_t> first_overlap(size_t i, uint16_t port) {
    using Endpoint = std::tuple<int, uint16_t, std::array<unsigned char, 16>>;
    const ListenerSource& src = sources_[i];
    const Endpoint exact{src.family, port, src.address};
    const Endpoint wildcard{src.family, port, {}};
    std::optional<size_t> found;
    if (auto it = bound_.find(exact); it != bound_.end()) {
      found = it->second;
    } else if (auto w = bound_.find(wildcard); w != bound_.end()) {
      found = w->second;
    } else if (exact == wildcard) {
      if (auto f = first_on_port_.find({src.family, port}); f != first_on_port_.end())
        found = f->second;
    }
    bound_.emplace(exact, i);
    first_on_port_.emplace(std::pair{src.family, port}, i);
    return found;
  }

  static std::string endpoint(const Listener& l) {
    const bool v6 = l.address.find(':') != std::string::npos;
    return (v6 ? "[" + l.address + "]" : l.address) + ":" + std::to_string(l.port);
  }

  Diagnostics& diag_;
  std::filesystem::path base_dir_;
  std::vector<ListenerSource> sources_;
  // For first_overlap(): every (family, port, address) seen, and the first listener on each
  // (family, port).
  std::map<std::tuple<int, uint16_t, std::array<unsigned char, 16>>, size_t> bound_;
  std::map<std::pair<int, uint16_t>, size_t> first_on_port_;
};

}  // namespace

bool valid_forwarder(std::string_view forwarder) {
  if (forwarder.find('\0') != std::string_view::npos) return false;
  std::string_view address = forwarder;
  if (auto at = forwarder.find('@'); at != std::string_view::npos) {
    address = forwarder.substr(0, at);
    const std::string_view port = forwarder.substr(at + 1);
    if (port.empty() || port.size() > 5) return false;
    uint32_t value = 0;
    for (char c : port) {
      if (c < '0' || c > '9') return false;
      value = value * 10 + static_cast<uint32_t>(c - '0');
    }
    if (value < 1 || value > 65535) return false;
  }
  const std::string a(address);
  unsigned char buf[16];
  return inet_pton(AF_INET, a.c_str(), buf) == 1 || inet_pton(AF_INET6, a.c_str(), buf) == 1;
}

Result<Config> parse(std::string_view text, std::string_view source_name,
                     const std::filesystem::path& base_dir) {
  Diagnostics diag(source_name);
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    diag.add(e.source().begin, std::string(e.description()));
    return make_error(diag.message());
  }
  Config config;
  config.source = std::filesystem::path(source_name);
  Walker(diag, base_dir).walk(root, config);
  if (!diag.empty()) return make_error(diag.message());
  return config;
}

Result<Config> load(const std::filesystem::path& file) {
  auto fail = [&file](std::string why, int code) {
    return make_error("cannot read " + file.string() + ": " + why, code);
  };
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(std::strerror(errno), errno);
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return fail(std::strerror(err), err);
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxConfigBytes) {
      ::close(fd);
      return fail("larger than 16 MiB", EFBIG);
    }
  }
  ::close(fd);

  std::error_code ec;
  auto dir = std::filesystem::absolute(file, ec).parent_path();
  if (ec) return fail(ec.message(), ec.value());
  return parse(text, file.string(), dir);
}

}  // namespace heron::config
