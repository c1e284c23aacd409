// The [mailauth] section and [queue] bind_address: defaults, values, errors, rendering.

#include <gtest/gtest.h>

#include <string>

#include "config/config.hpp"
#include "support/config_error.hpp"

namespace heron::config {
namespace {

TEST(ConfigMailauth, DefaultsCheckSignAndRejectOnDmarc) {
  auto r = parse("", "heron.toml");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->mailauth.verify);
  EXPECT_TRUE(r->mailauth.dkim_sign);
  EXPECT_EQ(r->mailauth.dmarc_enforce, DmarcEnforce::reject);
  EXPECT_TRUE(r->mailauth.authserv_id.empty());
  EXPECT_TRUE(r->mailauth.trusted_forwarders.empty());
  EXPECT_TRUE(r->queue.bind_address.empty());
}

TEST(ConfigMailauth, ValuesRoundTripThroughRender) {
  auto r = parse(R"([mailauth]
verify = false
authserv_id = "auth.example.org"
dmarc_enforce = "quarantine"
trusted_forwarders = ["192.0.2.0/24", "2001:db8::1"]
dkim_sign = false
[queue]
bind_address = "192.0.2.25"
bind_address6 = "2001:db8::25"
)",
                 "heron.toml");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->mailauth.verify);
  EXPECT_FALSE(r->mailauth.dkim_sign);
  EXPECT_EQ(r->mailauth.authserv_id, "auth.example.org");
  EXPECT_EQ(r->mailauth.dmarc_enforce, DmarcEnforce::quarantine);
  EXPECT_EQ(r->mailauth.trusted_forwarders,
            (std::vector<std::string>{"192.0.2.0/24", "2001:db8::1"}));
  EXPECT_EQ(r->queue.bind_address, "192.0.2.25");
  EXPECT_EQ(r->queue.bind_address6, "2001:db8::25");
  auto again = parse(to_toml(*r), "rendered.toml");
  ASSERT_TRUE(again) << again.error().message;
  again->source = r->source;
  EXPECT_EQ(again->mailauth, r->mailauth);
  EXPECT_EQ(again->queue, r->queue);
}

TEST(ConfigMailauth, ErrorsNameTheKey) {
  EXPECT_EQ(error_of("[mailauth]\ndmarc_enforce = \"drop\"\n"),
            "heron.toml:2:17: mailauth.dmarc_enforce: expected one of none, quarantine, reject, "
            "got \"drop\"");
  EXPECT_NE(error_of("[mailauth]\ntrusted_forwarders = [\"10.0.0.0/33\"]\n")
                .find("mailauth.trusted_forwarders[0]: expected an IP address or network"),
            std::string::npos);
  EXPECT_NE(error_of("[mailauth]\nauthserv_id = \"a b\"\n").find("mailauth.authserv_id"),
            std::string::npos);
  EXPECT_NE(error_of("[queue]\nbind_address = \"2001:db8::1\"\n")
                .find("queue.bind_address: expected an IPv4 address"),
            std::string::npos);
  EXPECT_NE(error_of("[mailauth]\nspf = true\n").find("unknown key"), std::string::npos);
}

}  // namespace
}  // namespace heron::config
