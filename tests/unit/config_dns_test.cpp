#include <gtest/gtest.h>

#include <string>

#include "config/config.hpp"
#include "support/config_error.hpp"

namespace heron::config {
namespace {

using namespace std::chrono_literals;

TEST(ConfigDns, Defaults) {
  auto r = parse("", "heron.toml");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->dns.forwarders.empty());
  EXPECT_TRUE(r->dns.dnssec);
  EXPECT_EQ(r->dns.trust_anchor_file, "/usr/share/dns/root.key");
  EXPECT_EQ(r->dns.timeout, 10s);
}

TEST(ConfigDns, AllKeys) {
  auto r = parse(R"([dns]
forwarders = ["127.0.0.1@5353", "::1", "2001:db8::53@53", "192.0.2.1"]
dnssec = false
trust_anchor_file = "anchors/root.key"
timeout = "3s"
)",
                 "heron.toml", "/etc/heron");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->dns.forwarders,
            (std::vector<std::string>{"127.0.0.1@5353", "::1", "2001:db8::53@53", "192.0.2.1"}));
  EXPECT_FALSE(r->dns.dnssec);
  EXPECT_EQ(r->dns.trust_anchor_file, "/etc/heron/anchors/root.key");
  EXPECT_EQ(r->dns.timeout, 3s);
}

TEST(ConfigDns, BadForwarderHasItsPosition) {
  const auto err = error_of("[dns]\nforwarders = [\"127.0.0.1@5353\", \"ns.example.com\"]\n");
  EXPECT_NE(err.find("heron.toml:2:33: dns.forwarders[1]: expected an IP address"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("\"ns.example.com\""), std::string::npos) << err;
}

TEST(ConfigDns, ForwarderShapes) {
  EXPECT_TRUE(valid_forwarder("127.0.0.1"));
  EXPECT_TRUE(valid_forwarder("127.0.0.1@1"));
  EXPECT_TRUE(valid_forwarder("127.0.0.1@65535"));
  EXPECT_TRUE(valid_forwarder("::1@53"));
  EXPECT_FALSE(valid_forwarder(""));
  EXPECT_FALSE(valid_forwarder("127.0.0.1@"));
  EXPECT_FALSE(valid_forwarder("127.0.0.1@0"));
  EXPECT_FALSE(valid_forwarder("127.0.0.1@65536"));
  EXPECT_FALSE(valid_forwarder("127.0.0.1@123456"));
  EXPECT_FALSE(valid_forwarder("127.0.0.1@53x"));
  EXPECT_FALSE(valid_forwarder("127.0.0.1:53"));
  EXPECT_FALSE(valid_forwarder("[::1]@53"));
  EXPECT_FALSE(valid_forwarder("localhost"));
  EXPECT_FALSE(valid_forwarder(std::string_view("127.0.0.1\0x", 11)));
}

TEST(ConfigDns, WrongShapes) {
  EXPECT_NE(error_of("[dns]\nforwarders = \"127.0.0.1\"\n")
                .find("dns.forwarders: expected an array of strings"),
            std::string::npos);
  EXPECT_NE(error_of("[dns]\nforwarders = [53]\n").find("dns.forwarders[0]: expected"),
            std::string::npos);
  EXPECT_NE(error_of("[dns]\ndnssec = \"yes\"\n").find("dns.dnssec: expected true or false"),
            std::string::npos);
  EXPECT_NE(error_of("[dns]\ntimeout = \"0s\"\n").find("dns.timeout: expected a duration"),
            std::string::npos);
  EXPECT_NE(error_of("[dns]\ntrust_anchor_file = \"\"\n").find("dns.trust_anchor_file"),
            std::string::npos);
  EXPECT_NE(error_of("dns = 1\n").find("dns: expected a table"), std::string::npos);
}

TEST(ConfigDns, UnknownKeySuggestsTheRightOne) {
  const auto err = error_of("[dns]\nforwarder = [\"127.0.0.1\"]\n");
  EXPECT_NE(err.find("heron.toml:2:1: dns: unknown key 'forwarder' (did you mean 'forwarders'?)"),
            std::string::npos)
      << err;
}

TEST(ConfigDns, RoundTrips) {
  for (const auto& forwarders :
       {std::vector<std::string>{}, std::vector<std::string>{"127.0.0.1@5353"},
        std::vector<std::string>{"::1", "192.0.2.1@53"}}) {
    Config c;
    c.dns.forwarders = forwarders;
    c.dns.dnssec = forwarders.empty();
    c.dns.trust_anchor_file = "/var/lib/heron/root.key";
    c.dns.timeout = 90s;
    const std::string text = to_toml(c);
    auto r = parse(text, "rendered.toml");
    ASSERT_TRUE(r) << r.error().message << "\n" << text;
    EXPECT_EQ(r->dns, c.dns) << text;
  }
}

}  // namespace
}  // namespace heron::config
