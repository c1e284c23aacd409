#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "config/config.hpp"

namespace heron::config {
namespace {

using namespace std::chrono_literals;

// parse(to_toml(c)) must give c back; source is the one field the text does not carry.
void expect_round_trip(const Config& c) {
  const std::string text = to_toml(c);
  auto r = parse(text, "rendered.toml");
  ASSERT_TRUE(r) << r.error().message << "\n" << text;
  Config expected = c;
  expected.source = "rendered.toml";
  EXPECT_EQ(*r, expected) << text;
}

Config production_like() {
  Config c;
  c.hostname = "mail.example.org";
  c.data_dir = "/var/lib/heron";
  c.tls = {"/etc/heron/tls/fullchain.pem", "/etc/heron/tls/privkey.pem", {}};
  c.listeners = {
      {"mx", Role::mx, "0.0.0.0", 25, TlsMode::starttls},
      {"mx6", Role::mx, "::", 25, TlsMode::starttls},
      {"submission", Role::submission, "0.0.0.0", 587, TlsMode::starttls},
      {"submissions", Role::submissions, "0.0.0.0", 465, TlsMode::implicit},
      {"imap", Role::imap, "0.0.0.0", 143, TlsMode::starttls},
      {"imaps", Role::imaps, "0.0.0.0", 993, TlsMode::implicit},
      {"pop3", Role::pop3, "0.0.0.0", 110, TlsMode::starttls},
      {"pop3s", Role::pop3s, "0.0.0.0", 995, TlsMode::implicit},
      {"local-mx", Role::mx, "::1", 2525, TlsMode::none},
  };
  return c;
}

TEST(ConfigRender, Names) {
  EXPECT_EQ(role_name(Role::mx), "mx");
  EXPECT_EQ(role_name(Role::submission), "submission");
  EXPECT_EQ(role_name(Role::submissions), "submissions");
  EXPECT_EQ(role_name(Role::imap), "imap");
  EXPECT_EQ(role_name(Role::imaps), "imaps");
  EXPECT_EQ(role_name(Role::pop3), "pop3");
  EXPECT_EQ(role_name(Role::pop3s), "pop3s");
  EXPECT_EQ(tls_mode_name(TlsMode::none), "none");
  EXPECT_EQ(tls_mode_name(TlsMode::starttls), "starttls");
  EXPECT_EQ(tls_mode_name(TlsMode::implicit), "implicit");
}

TEST(ConfigRender, DefaultsRoundTrip) {
  expect_round_trip(Config{});
}

TEST(ConfigRender, ProductionRoundTrip) {
  expect_round_trip(production_like());
}

TEST(ConfigRender, OddValuesRoundTrip) {
  Config c = production_like();
  c.data_dir = "/srv/h\xc3\xa9ron/\"quoted\" \\ dir";
  c.tls.cert_file = "relative/cert.pem";  // stays relative: parse() gets no base_dir here
  c.limits.max_message_size = 1000;
  c.limits.max_recipients = std::numeric_limits<uint32_t>::max();
  c.limits.idle_timeout = 61s;
  c.limits.session_timeout = std::chrono::days(365);
  c.smtp.normalize_bare_line_ends = true;
  c.log = {"debug", "json"};
  c.auth = {true, 3, 61s, 2h, 0s, 1min};
  expect_round_trip(c);

  c.limits.max_message_size = std::numeric_limits<uint64_t>::max();  // beyond a TOML integer
  expect_round_trip(c);
  c.limits.max_message_size = (1ull << 63) - 1;  // INT64_MAX, not a multiple of 1K
  expect_round_trip(c);
}

// [[tls.domain]] (SNI certificates), [smtp] auth_on_mx and max_hops, [submission].
TEST(ConfigRender, SubmissionAndSniKeysRoundTrip) {
  Config c = production_like();
  c.tls.domains = {{"mail.example.net", "/etc/heron/net/full.pem", "/etc/heron/net/key.pem"},
                   {"*.example.com", "/etc/heron/com/full.pem", "/etc/heron/com/key.pem"}};
  c.smtp.auth_on_mx = true;
  c.smtp.max_hops = 30;
  c.submission.hide_client_ip = true;
  c.listeners[3].cert_file = "/etc/heron/465/full.pem";  // submissions: its own certificate
  c.listeners[3].key_file = "/etc/heron/465/key.pem";
  expect_round_trip(c);
  const std::string text = to_toml(c);
  EXPECT_NE(text.find("[[tls.domain]]\nname = \"*.example.com\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("[submission]\nhide_client_ip = true\n"), std::string::npos) << text;
}

TEST(ConfigRender, TlsDomainErrors) {
  auto missing = parse("[[tls.domain]]\nname = \"a.example\"\n", "heron.toml");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("tls.domain[0].cert_file"), std::string::npos)
      << missing.error().message;
  auto no_default = parse(
      "[[tls.domain]]\nname = \"a.example\"\ncert_file = \"c\"\nkey_file = \"k\"\n", "heron.toml");
  ASSERT_FALSE(no_default);
  EXPECT_NE(no_default.error().message.find("tls.cert_file"), std::string::npos)
      << no_default.error().message;
  auto bad_name = parse(
      "[tls]\ncert_file = \"c\"\nkey_file = \"k\"\n[[tls.domain]]\nname = \"no spaces\"\n"
      "cert_file = \"c2\"\nkey_file = \"k2\"\n",
      "heron.toml");
  ASSERT_FALSE(bad_name);
  EXPECT_NE(bad_name.error().message.find("tls.domain[0].name"), std::string::npos)
      << bad_name.error().message;
  auto unknown = parse("[submission]\nhide_ip = true\n", "heron.toml");
  ASSERT_FALSE(unknown);
  // A listener's own certificate: both keys, and then no [tls] is needed for it.
  auto own = parse("[[listener]]\nrole = \"submissions\"\ncert_file = \"c\"\nkey_file = \"k\"\n",
                   "heron.toml");
  ASSERT_TRUE(own) << own.error().message;
  EXPECT_EQ(own->listeners[0].cert_file, "c");
  auto half = parse("[[listener]]\nrole = \"submissions\"\ncert_file = \"c\"\n", "heron.toml");
  ASSERT_FALSE(half);
  EXPECT_NE(half.error().message.find("listener[0].key_file"), std::string::npos)
      << half.error().message;
}

TEST(ConfigRender, WritesSuffixedForms) {
  const std::string text = to_toml(production_like());
  EXPECT_NE(text.find("max_message_size = \"50M\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("idle_timeout = \"5m\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("session_timeout = \"30m\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("cert_file = \"/etc/heron/tls/fullchain.pem\"\n"), std::string::npos);
}

TEST(ConfigRender, WithoutCertificateKeysAreCommentedOut) {
  Config c;
  c.listeners.push_back({"mx", Role::mx, "127.0.0.1", 2525, TlsMode::none});
  const std::string text = to_toml(c);
  EXPECT_NE(text.find("# cert_file = "), std::string::npos) << text;
  expect_round_trip(c);
}

TEST(ConfigRender, ParsedExampleRoundTrips) {
  auto first = parse(R"(hostname = "mx.example.net"
[tls]
cert_file = "/c"
key_file = "/k"
[[listener]]
role = "submissions"
[limits]
max_message_size = 1536
idle_timeout = 3600
)",
                     "a.toml");
  ASSERT_TRUE(first) << first.error().message;
  expect_round_trip(*first);
}

}  // namespace
}  // namespace heron::config
