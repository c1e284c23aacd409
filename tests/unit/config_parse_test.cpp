#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "config/config.hpp"
#include "support/config_error.hpp"

namespace heron::config {
namespace {

using namespace std::chrono_literals;

// The example from docs/config.md, with every section.
constexpr std::string_view kFullExample = R"(hostname = "mail.example.org"
data_dir = "/var/lib/heron"

[tls]
cert_file = "/etc/heron/tls/fullchain.pem"
key_file  = "/etc/heron/tls/privkey.pem"

[[listener]]
name = "mx"
role = "mx"
address = "0.0.0.0"
port = 25
tls = "starttls"

[[listener]]
role = "submissions"
address = "::"
port = 465

[[listener]]
name = "imap-local"
role = "imap"
address = "127.0.0.1"
tls = "none"

[limits]
max_message_size = "50M"
max_recipients = 100
max_line_length = 1000
max_errors = 10
idle_timeout = "5m"
session_timeout = "30m"
max_connections = 1000
max_connections_per_ip = 20

[smtp]
normalize_bare_line_ends = false

[log]
level = "info"
format = "text"
)";

// The error message for text, or a failure if it parses.
const std::string kCert = "[tls]\ncert_file = \"c.pem\"\nkey_file = \"k.pem\"\n";

TEST(ConfigParse, FullExample) {
  auto r = parse(kFullExample, "heron.toml");
  ASSERT_TRUE(r) << r.error().message;
  const Config& c = *r;
  EXPECT_EQ(c.source, "heron.toml");
  EXPECT_EQ(c.hostname, "mail.example.org");
  EXPECT_EQ(c.data_dir, "/var/lib/heron");
  EXPECT_EQ(c.tls.cert_file, "/etc/heron/tls/fullchain.pem");
  EXPECT_EQ(c.tls.key_file, "/etc/heron/tls/privkey.pem");

  ASSERT_EQ(c.listeners.size(), 3u);
  EXPECT_EQ(c.listeners[0], (Listener{"mx", Role::mx, "0.0.0.0", 25, TlsMode::starttls}));
  // Left-out name, port and tls take the role's defaults.
  EXPECT_EQ(c.listeners[1],
            (Listener{"submissions", Role::submissions, "::", 465, TlsMode::implicit}));
  EXPECT_EQ(c.listeners[2], (Listener{"imap-local", Role::imap, "127.0.0.1", 143, TlsMode::none}));

  EXPECT_EQ(c.limits.max_message_size, 50u * 1024 * 1024);
  EXPECT_EQ(c.limits.max_recipients, 100u);
  EXPECT_EQ(c.limits.max_line_length, 1000u);
  EXPECT_EQ(c.limits.max_errors, 10u);
  EXPECT_EQ(c.limits.idle_timeout, 5min);
  EXPECT_EQ(c.limits.session_timeout, 30min);
  EXPECT_EQ(c.limits.max_connections, 1000u);
  EXPECT_EQ(c.limits.max_connections_per_ip, 20u);
  EXPECT_FALSE(c.smtp.normalize_bare_line_ends);
  EXPECT_EQ(c.log.level, "info");
  EXPECT_EQ(c.log.format, "text");
}

TEST(ConfigParse, EmptyFileGivesDefaults) {
  auto r = parse("", "heron.toml");
  ASSERT_TRUE(r) << r.error().message;
  Config expected;
  expected.source = "heron.toml";
  EXPECT_EQ(*r, expected);
  EXPECT_EQ(r->hostname, "localhost");
  EXPECT_TRUE(r->listeners.empty());  // valid: CLI subcommands serve nothing
}

TEST(ConfigParse, NonDefaultValues) {
  auto r = parse(R"(
[limits]
max_message_size = 1000
idle_timeout = 90
session_timeout = "2h"
[smtp]
normalize_bare_line_ends = true
[log]
level = "debug"
format = "json"
)",
                 "heron.toml");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->limits.max_message_size, 1000u);
  EXPECT_EQ(r->limits.idle_timeout, 90s);
  EXPECT_EQ(r->limits.session_timeout, 2h);
  EXPECT_TRUE(r->smtp.normalize_bare_line_ends);
  EXPECT_EQ(r->log.level, "debug");
  EXPECT_EQ(r->log.format, "json");
}

TEST(ConfigParse, EveryRoleHasItsPortAndTlsDefault) {
  auto r = parse(kCert + R"(
[[listener]]
role = "mx"
[[listener]]
role = "submission"
[[listener]]
role = "submissions"
[[listener]]
role = "imap"
[[listener]]
role = "imaps"
[[listener]]
role = "pop3"
[[listener]]
role = "pop3s"
)",
                 "heron.toml");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->listeners.size(), 7u);
  const std::pair<uint16_t, TlsMode> want[] = {{25, TlsMode::starttls},  {587, TlsMode::starttls},
                                               {465, TlsMode::implicit}, {143, TlsMode::starttls},
                                               {993, TlsMode::implicit}, {110, TlsMode::starttls},
                                               {995, TlsMode::implicit}};
  for (size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(r->listeners[i].port, want[i].first) << i;
    EXPECT_EQ(r->listeners[i].tls, want[i].second) << i;
    EXPECT_EQ(r->listeners[i].name, role_name(r->listeners[i].role)) << i;
  }
}

TEST(ConfigParse, ImplicitTlsOnMxIsAllowed) {
  auto r = parse(kCert + "[[listener]]\nrole = \"mx\"\ntls = \"implicit\"\n", "heron.toml");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->listeners[0].tls, TlsMode::implicit);
}

// --- errors: exact messages ------------------------------------------------------------------

TEST(ConfigErrors, TomlSyntaxError) {
  EXPECT_EQ(error_of("hostname = \"a.example\"\nport = \n"),
            "heron.toml:2:8: Error while parsing key-value pair: expected value, saw '\\n'");
}

TEST(ConfigErrors, PortOutOfRange) {
  EXPECT_EQ(error_of(R"(hostname = "mail.example.org"

[[listener]]
role = "mx"
address = "0.0.0.0"
tls = "none"
port = 70000
)"),
            "heron.toml:7:8: listener[0].port: expected an integer from 1 to 65535, got 70000");
  EXPECT_EQ(error_of("[[listener]]\nrole = \"mx\"\nport = 0\n"),
            "heron.toml:3:8: listener[0].port: expected an integer from 1 to 65535, got 0");
  EXPECT_EQ(error_of("[[listener]]\nrole = \"mx\"\nport = \"25\"\n"),
            "heron.toml:3:8: listener[0].port: expected an integer from 1 to 65535, got \"25\"");
}

TEST(ConfigErrors, WrongTypes) {
  EXPECT_EQ(error_of("hostname = 5"),
            "heron.toml:1:12: hostname: expected a fully qualified host name (letters, digits, "
            "hyphens and dots), got 5");
  EXPECT_EQ(error_of("limits = 1"), "heron.toml:1:10: limits: expected a table, got 1");
  EXPECT_EQ(error_of("[smtp]\nnormalize_bare_line_ends = \"yes\""),
            "heron.toml:2:28: smtp.normalize_bare_line_ends: expected true or false, got \"yes\"");
  EXPECT_EQ(error_of("[listener]\nrole = \"mx\""),
            "heron.toml:1:1: listener: expected an array of tables ([[listener]]), got a table");
  EXPECT_EQ(error_of("data_dir = [\"a\"]"),
            "heron.toml:1:12: data_dir: expected a non-empty path string, got an array");
  EXPECT_EQ(error_of("data_dir = \"\""),
            "heron.toml:1:12: data_dir: expected a non-empty path string, got \"\"");
}

TEST(ConfigErrors, UnknownKeys) {
  EXPECT_EQ(error_of("listner = 5"),
            "heron.toml:1:1: unknown key 'listner' (did you mean 'listener'?)");
  EXPECT_EQ(error_of("[limit]\nmax_errors = 3\n"),
            "heron.toml:1:2: unknown key 'limit' (did you mean 'limits'?)");
  EXPECT_EQ(error_of("[limits]\nmax_message_sise = 3\n"),
            "heron.toml:2:1: limits: unknown key 'max_message_sise' (did you mean "
            "'max_message_size'?)");
  EXPECT_EQ(error_of("[[listener]]\nrole = \"mx\"\ntls = \"none\"\nbacklog = 5\n"),
            "heron.toml:4:1: listener[0]: unknown key 'backlog'");
  EXPECT_EQ(error_of("[tls.extra]\n"), "heron.toml:1:6: tls: unknown key 'extra'");
  // Control characters in a key are escaped, never copied into the message raw.
  EXPECT_EQ(error_of("\"a\\u0007b\" = 1"), "heron.toml:1:1: unknown key 'a\\u0007b'");
}

TEST(ConfigErrors, BadEnums) {
  EXPECT_EQ(error_of("[[listener]]\nrole = \"smtp\"\n"),
            "heron.toml:2:8: listener[0].role: expected one of mx, submission, submissions, "
            "imap, imaps, pop3, pop3s, got \"smtp\"");
  EXPECT_EQ(error_of("[[listener]]\nrole = \"mx\"\ntls = \"ssl\"\n"),
            "heron.toml:3:7: listener[0].tls: expected one of none, starttls, implicit, got "
            "\"ssl\"");
  EXPECT_EQ(error_of("[log]\nlevel = \"trace\"\n"),
            "heron.toml:2:9: log.level: expected one of debug, info, warn, error, got \"trace\"");
  EXPECT_EQ(error_of("[log]\nformat = \"xml\"\n"),
            "heron.toml:2:10: log.format: expected one of text, json, got \"xml\"");
  EXPECT_EQ(error_of("[[listener]]\nrole = \"MX\"\n").substr(0, 32),
            "heron.toml:2:8: listener[0].role");  // case matters
}

TEST(ConfigErrors, ListenerNeedsRole) {
  EXPECT_EQ(error_of("[[listener]]\nport = 25\n"),
            "heron.toml:1:1: listener[0].role: expected one of mx, submission, submissions, "
            "imap, imaps, pop3, pop3s, got nothing");
}

TEST(ConfigErrors, ListenerNameAndAddress) {
  EXPECT_EQ(error_of("[[listener]]\nrole = \"mx\"\nname = \"a b\"\n"),
            "heron.toml:3:8: listener[0].name: expected a name of 1 to 64 letters, digits, '-', "
            "'_' or '.', got \"a b\"");
  EXPECT_EQ(error_of("[[listener]]\nrole = \"mx\"\naddress = \"[::1]\"\n"),
            "heron.toml:3:11: listener[0].address: expected an IPv4 or IPv6 address literal, got "
            "\"[::1]\"");
  for (std::string_view bad : {"localhost", "1.2.3", "256.1.1.1", "::1%lo", "", " ::1"}) {
    EXPECT_NE(error_of("[[listener]]\nrole = \"mx\"\ntls = \"none\"\naddress = \"" +
                       std::string(bad) + "\"\n")
                  .find("address literal"),
              std::string::npos)
        << bad;
  }
  // A NUL would make inet_pton() see only "127.0.0.1".
  EXPECT_EQ(error_of("[[listener]]\nrole = \"mx\"\naddress = \"127.0.0.1\\u0000x\"\n"),
            "heron.toml:3:11: listener[0].address: expected an IPv4 or IPv6 address literal, got "
            "\"127.0.0.1\\u0000x\"");
}

TEST(ConfigErrors, Hostname) {
  for (std::string_view good :
       {"localhost", "mail.example.org", "MX-1.Example.ORG", "a.b2", "xn--bcher-kva.example"}) {
    auto r = parse("hostname = \"" + std::string(good) + "\"", "heron.toml");
    EXPECT_TRUE(r) << good;
  }
  for (std::string_view bad :
       {"", "mail..example.org", ".example.org", "example.org.", "-a.example", "a-.example",
        "a_b.example", "mail example", "192.0.2.1", "b\\u00fccher.example",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example"}) {
    EXPECT_NE(error_of("hostname = \"" + std::string(bad) + "\"").find("hostname: expected"),
              std::string::npos)
        << bad;
  }
}

TEST(ConfigErrors, LimitsMustBePositive) {
  EXPECT_EQ(error_of("[limits]\nmax_recipients = 0\n"),
            "heron.toml:2:18: limits.max_recipients: expected an integer from 1 to 4294967295, "
            "got 0");
  EXPECT_EQ(error_of("[limits]\nmax_connections = 4294967296\n"),
            "heron.toml:2:19: limits.max_connections: expected an integer from 1 to 4294967295, "
            "got 4294967296");
  EXPECT_EQ(error_of("[limits]\nidle_timeout = 0\n"),
            "heron.toml:2:16: limits.idle_timeout: expected a duration from 1s to 365d: seconds, "
            "or a string with an s, m, h or d suffix such as \"5m\", got 0");
  EXPECT_EQ(error_of("[limits]\nmax_message_size = 0\n"),
            "heron.toml:2:20: limits.max_message_size: expected a size from 1 octet: an integer, "
            "or a string with a K, M or G suffix such as \"50M\", got 0");
}

TEST(ConfigErrors, SizeAndDurationGarbage) {
  for (std::string_view bad : {"\"12X\"", "\"-5\"", "\"\"", "-5", "\"1.5G\"", "\"5 M\"",
                               "\"18446744073709551616\"", "\"17179869184G\"", "1.5", "true"}) {
    EXPECT_NE(error_of("[limits]\nmax_message_size = " + std::string(bad))
                  .find("limits.max_message_size: expected a size"),
              std::string::npos)
        << bad;
  }
  for (std::string_view bad : {"\"12X\"", "\"-5\"", "\"\"", "-5", "\"5M\"", "\"366d\"", "31536001",
                               "\"9223372036854775807d\"", "\"1h30m\"", "2.5"}) {
    EXPECT_NE(error_of("[limits]\nsession_timeout = " + std::string(bad))
                  .find("limits.session_timeout: expected a duration"),
              std::string::npos)
        << bad;
  }
  auto r = parse("[limits]\nmax_message_size = \"17179869183G\"\nidle_timeout = \"365d\"\n",
                 "heron.toml");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->limits.max_message_size, 17179869183ull << 30);
  EXPECT_EQ(r->limits.idle_timeout, std::chrono::days(365));
}

TEST(ConfigErrors, LongValuesAreShortenedInMessages) {
  const std::string msg = error_of("[log]\nlevel = \"" + std::string(10000, 'x') + "\"\n");
  EXPECT_EQ(msg, "heron.toml:2:9: log.level: expected one of debug, info, warn, error, got \"" +
                     std::string(64, 'x') + "\"...");
}

TEST(ConfigErrors, AllErrorsInFileOrder) {
  EXPECT_EQ(error_of("[log]\nlevel = \"loud\"\n[limits]\nmax_errors = 0\n"),
            "heron.toml:2:9: log.level: expected one of debug, info, warn, error, got \"loud\"\n"
            "heron.toml:4:14: limits.max_errors: expected an integer from 1 to 4294967295, got 0");
  std::string many;
  for (int i = 0; i < 12; ++i) many += "bad" + std::to_string(i) + " = 1\n";
  const std::string msg = error_of(many);
  EXPECT_EQ(std::count(msg.begin(), msg.end(), '\n'), 10);
  EXPECT_TRUE(msg.ends_with("\nheron.toml: 2 more errors")) << msg;
}

TEST(ConfigErrors, TlsNeedsCertificate) {
  EXPECT_EQ(error_of("[[listener]]\nrole = \"mx\"\n"),
            "heron.toml:1:1: listener[0].tls: expected \"none\" unless tls.cert_file and "
            "tls.key_file are set, got \"starttls\" (the default for role mx)");
  EXPECT_EQ(error_of("[[listener]]\nrole = \"imap\"\ntls = \"implicit\"\n"),
            "heron.toml:3:7: listener[0].tls: expected \"none\" unless tls.cert_file and "
            "tls.key_file are set, got \"implicit\"");
  EXPECT_EQ(
      error_of("[tls]\ncert_file = \"c.pem\"\n"),
      "heron.toml:2:13: tls.key_file: expected a path when tls.cert_file is set, got nothing");
  EXPECT_EQ(
      error_of("[tls]\nkey_file = \"k.pem\"\n"),
      "heron.toml:2:12: tls.cert_file: expected a path when tls.key_file is set, got nothing");
  // Plaintext-only MX stays possible.
  auto r = parse("[[listener]]\nrole = \"mx\"\ntls = \"none\"\n", "heron.toml");
  ASSERT_TRUE(r) << r.error().message;
}

TEST(ConfigErrors, DuplicateListeners) {
  const std::string two_mx = R"([[listener]]
role = "mx"
tls = "none"
[[listener]]
name = "mx2"
role = "mx"
tls = "none"
port = 25
)";
  EXPECT_EQ(error_of(two_mx),
            "heron.toml:8:8: listener[1]: expected an address and port no other listener uses, "
            "got 0.0.0.0:25, already used by listener[0] (\"mx\")");
  // Another spelling of the same IPv6 address is the same address.
  EXPECT_EQ(error_of(R"([[listener]]
role = "imap"
tls = "none"
address = "::1"
[[listener]]
role = "pop3"
tls = "none"
address = "0:0::1"
port = 143
)"),
            "heron.toml:9:8: listener[1]: expected an address and port no other listener uses, "
            "got [0:0::1]:143, which overlaps [::1]:143 of listener[0] (\"imap\")");
  // The wildcard overlaps every address of its family; Linux would refuse the bind.
  EXPECT_EQ(error_of(R"([[listener]]
role = "mx"
tls = "none"
[[listener]]
role = "mx"
tls = "none"
address = "127.0.0.1"
)"),
            "heron.toml:4:1: listener[1]: expected an address and port no other listener uses, "
            "got 127.0.0.1:25, which overlaps 0.0.0.0:25 of listener[0] (\"mx\")");
  // ... in either order.
  EXPECT_EQ(error_of(R"([[listener]]
role = "imaps"
address = "::1"
[[listener]]
role = "imaps"
address = "::"
[tls]
cert_file = "c"
key_file = "k"
)"),
            "heron.toml:4:1: listener[1]: expected an address and port no other listener uses, "
            "got [::]:993, which overlaps [::1]:993 of listener[0] (\"imaps\")");
  // Different ports, different specific addresses, or different families are fine.
  auto r = parse(R"([[listener]]
role = "mx"
tls = "none"
address = "127.0.0.1"
[[listener]]
role = "mx"
tls = "none"
address = "127.0.0.2"
[[listener]]
role = "mx"
tls = "none"
address = "::"
[[listener]]
role = "mx"
tls = "none"
address = "127.0.0.1"
port = 2525
)",
                 "heron.toml");
  EXPECT_TRUE(r) << r.error().message;
}

TEST(ConfigErrors, CrossChecksWaitForCleanKeys) {
  // A bad port is reported once, not again as a duplicate or a TLS problem.
  EXPECT_EQ(error_of("[[listener]]\nrole = \"mx\"\nport = -1\n"),
            "heron.toml:3:8: listener[0].port: expected an integer from 1 to 65535, got -1");
}

// --- paths and load() ------------------------------------------------------------------------

TEST(ConfigPaths, RelativePathsResolveAgainstBaseDir) {
  auto r = parse(R"(data_dir = "data"
[tls]
cert_file = "./tls/../tls/cert.pem"
key_file = "/abs/key.pem"
)",
                 "heron.toml", "/etc/heron");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->data_dir, "/etc/heron/data");
  EXPECT_EQ(r->tls.cert_file, "/etc/heron/tls/cert.pem");
  EXPECT_EQ(r->tls.key_file, "/abs/key.pem");

  auto unresolved = parse("data_dir = \"data\"", "heron.toml");
  ASSERT_TRUE(unresolved);
  EXPECT_EQ(unresolved->data_dir, "data");
}

class ConfigLoad : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("heron_config_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path write(const std::string& name, std::string_view text) {
    auto p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }

  std::filesystem::path dir_;
};

TEST_F(ConfigLoad, ResolvesAgainstTheFilesDirectory) {
  auto file = write("heron.toml",
                    "data_dir = \"var\"\n[tls]\ncert_file = \"c.pem\"\n"
                    "key_file = \"../k.pem\"\n");
  auto r = load(file);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->source, file);
  EXPECT_EQ(r->data_dir, dir_ / "var");
  EXPECT_EQ(r->tls.cert_file, dir_ / "c.pem");
  EXPECT_EQ(r->tls.key_file, dir_.parent_path() / "k.pem");
}

TEST_F(ConfigLoad, RelativeFileNameStillGivesAbsolutePaths) {
  write("heron.toml", "data_dir = \"var\"\n");
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir_);
  auto r = load("heron.toml");
  std::filesystem::current_path(cwd);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->data_dir, dir_ / "var");
}

TEST_F(ConfigLoad, ErrorsNameTheFile) {
  auto file = write("heron.toml", "[limits]\nmax_errors = 0\n");
  auto r = load(file);
  ASSERT_FALSE(r);
  EXPECT_EQ(
      r.error().message,
      file.string() + ":2:14: limits.max_errors: expected an integer from 1 to 4294967295, got 0");
}

TEST_F(ConfigLoad, MissingFile) {
  auto r = load(dir_ / "nope.toml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "cannot read " + (dir_ / "nope.toml").string() + ": No such file or directory");
  EXPECT_EQ(r.error().code, ENOENT);
}

TEST_F(ConfigLoad, Directory) {
  auto r = load(dir_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "cannot read " + dir_.string() + ": Is a directory");
}

// The shipped example and the one in docs/config.md must stay loadable.
const std::filesystem::path kSourceDir =
    std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();

TEST(ConfigExamples, PackagedConfigLoads) {
  auto r = load(kSourceDir / "packaging" / "heron.toml");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->listeners.size(), 7u);
  const uint16_t ports[] = {25, 587, 465, 143, 993, 110, 995};
  for (size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(r->listeners[i].port, ports[i]);
    EXPECT_EQ(r->listeners[i].tls, default_tls_mode(r->listeners[i].role));
  }
  Config defaults;  // every other value there is the default, written out
  EXPECT_EQ(r->limits, defaults.limits);
  EXPECT_EQ(r->smtp, defaults.smtp);
  EXPECT_EQ(r->auth, defaults.auth);
  EXPECT_EQ(r->log, defaults.log);
  // The package runs the server as the user its postinst creates.
  EXPECT_EQ(r->server.user, "heron");
  EXPECT_EQ(r->server.group, "");
  EXPECT_FALSE(r->server.run_as_root);
}

TEST(ConfigExamples, DocumentedExampleParses) {
  std::ifstream in(kSourceDir / "docs" / "config.md");
  const std::string doc((std::istreambuf_iterator<char>(in)), {});
  const size_t section = doc.find("## Complete example");
  ASSERT_NE(section, std::string::npos);
  const size_t begin = doc.find("```toml\n", section) + 8;
  const size_t end = doc.find("```", begin);
  auto r = parse(std::string_view(doc).substr(begin, end - begin), "config.md");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->listeners.size(), 5u);
  EXPECT_EQ(r->auth, Config{}.auth);
}

}  // namespace
}  // namespace heron::config
