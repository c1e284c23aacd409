// The MX's authentication verdicts over a fake DNS: what the Authentication-Results field says
// and what happens to the message (deliver, Junk, 550) for each DMARC outcome and setting.

#include "server/smtp/inbound_auth.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "base/fs.hpp"
#include "mailauth/dkim/keyring.hpp"
#include "support/fake_resolver.hpp"
#include "support/run_sync.hpp"

namespace heron::server::smtp {
namespace {

namespace ip = boost::asio::ip;
namespace dkim = mailauth::dkim;
using test::FakeResolver;
using test::run_sync;

constexpr int64_t kNow = 1790000000;

class ServerSmtpInboundAuth : public ::testing::Test {
 protected:
  void SetUp() override {
    // a.example signs and publishes p=reject; q.example publishes p=quarantine.
    auto key = ring_.generate("a.example", "s1", dkim::KeyType::ed25519);
    ASSERT_TRUE(key) << key.error().message;
    dns_.add_txt(key->txt_name, key->txt_record);
    dns_.add_txt("a.example", "v=spf1 ip4:192.0.2.10 -all");
    dns_.add_txt("_dmarc.a.example", "v=DMARC1; p=reject");
    dns_.add_txt("q.example", "v=spf1 ip4:192.0.2.10 -all");
    dns_.add_txt("_dmarc.q.example", "v=DMARC1; p=quarantine");
    dns_.add_ptr(ip::make_address("192.0.2.10"), "mx.a.example");
    dns_.add_address("mx.a.example", "192.0.2.10");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Verdict check(const std::string& ip, const std::string& mail_from, const std::string& message,
                config::Mailauth settings = {}) {
    InboundAuth auth(dns_, suffixes_, settings, "mx.b.example");
    Envelope envelope{ip::make_address(ip), "mx.a.example", mail_from, kNow};
    return run_sync(check_inbound(auth, envelope, message));
  }

  std::string signed_message(const std::string& from) {
    const std::string message = "From: " + from +
                                "\r\nTo: bob@b.example\r\nSubject: hello\r\nDate: Mon, 23 Nov "
                                "2026 10:00:00 +0000\r\n\r\nHi Bob.\r\n";
    auto fields = dkim::sign(message, ring_.keys_for("a.example"), kNow);
    EXPECT_TRUE(fields);
    return fields ? (*fields)[0] + message : message;
  }

  std::filesystem::path dir_ =
      std::filesystem::temp_directory_path() / ("heron-inbound-" + fs::random_hex(6));
  dkim::Keyring ring_{dir_};
  FakeResolver dns_;
  mailauth::dmarc::PublicSuffixList suffixes_ =
      mailauth::dmarc::PublicSuffixList::parse("example\n");
};

TEST_F(ServerSmtpInboundAuth, SignedMailFromItsServerPassesEverything) {
  const Verdict v = check("192.0.2.10", "alice@a.example", signed_message("alice@a.example"));
  EXPECT_EQ(v.action, Verdict::Action::deliver);
  EXPECT_EQ(v.client_host, "mx.a.example");
  EXPECT_EQ(v.field.rfind("Authentication-Results: mx.b.example;\r\n\t", 0), 0u) << v.field;
  EXPECT_NE(v.field.find("iprev=pass policy.iprev=192.0.2.10 (mx.a.example)"), std::string::npos);
  EXPECT_NE(v.field.find("spf=pass smtp.mailfrom=alice@a.example"), std::string::npos);
  EXPECT_NE(v.field.find("dkim=pass header.d=a.example header.i=@a.example header.s=s1 "
                         "header.a=ed25519-sha256"),
            std::string::npos)
      << v.field;
  EXPECT_NE(v.field.find("dmarc=pass"), std::string::npos) << v.field;
  EXPECT_NE(v.field.find("header.from=a.example"), std::string::npos) << v.field;
}

TEST_F(ServerSmtpInboundAuth, SignatureAloneAlignsForForwardedMail) {
  // Another host relays the signed message: SPF fails, DKIM still aligns, DMARC passes.
  const Verdict v = check("198.51.100.5", "alice@a.example", signed_message("alice@a.example"));
  EXPECT_EQ(v.action, Verdict::Action::deliver);
  EXPECT_NE(v.field.find("spf=fail"), std::string::npos);
  EXPECT_NE(v.field.find("iprev=permerror"), std::string::npos);
  EXPECT_NE(v.field.find("dmarc=pass"), std::string::npos) << v.field;
}

TEST_F(ServerSmtpInboundAuth, SpoofedMailFromARejectDomainIsRefused) {
  const std::string spoof = "From: ceo@a.example\r\nSubject: wire money\r\n\r\nNow.\r\n";
  const Verdict v = check("198.51.100.5", "x@evil.example", spoof);
  EXPECT_EQ(v.action, Verdict::Action::reject);
  EXPECT_EQ(v.dmarc_domain, "a.example");
  EXPECT_NE(v.field.find("dkim=none"), std::string::npos);
  EXPECT_NE(v.field.find("dmarc=fail"), std::string::npos) << v.field;
}

TEST_F(ServerSmtpInboundAuth, QuarantineDomainGoesToJunk) {
  const std::string spoof = "From: news@q.example\r\nSubject: offer\r\n\r\nBuy.\r\n";
  EXPECT_EQ(check("198.51.100.5", "news@q.example", spoof).action, Verdict::Action::quarantine);
  // The same message from the domain's own server passes SPF, aligned: delivered.
  EXPECT_EQ(check("192.0.2.10", "news@q.example", spoof).action, Verdict::Action::deliver);
}

TEST_F(ServerSmtpInboundAuth, EnforcementFollowsTheSetting) {
  const std::string spoof = "From: ceo@a.example\r\nSubject: wire money\r\n\r\nNow.\r\n";
  config::Mailauth settings;
  settings.dmarc_enforce = config::DmarcEnforce::quarantine;
  EXPECT_EQ(check("198.51.100.5", "", spoof, settings).action, Verdict::Action::quarantine);
  settings.dmarc_enforce = config::DmarcEnforce::none;
  const Verdict none = check("198.51.100.5", "", spoof, settings);
  EXPECT_EQ(none.action, Verdict::Action::deliver);
  EXPECT_NE(none.field.find("dmarc=fail"), std::string::npos);  // still reported
  // The null sender is checked by its HELO identity.
  EXPECT_NE(none.field.find("smtp.helo=mx.a.example"), std::string::npos) << none.field;
}

TEST_F(ServerSmtpInboundAuth, TrustedForwardersAreNotRejected) {
  config::Mailauth settings;
  settings.trusted_forwarders = {"198.51.100.0/24"};
  const std::string spoof = "From: ceo@a.example\r\nSubject: via list\r\n\r\nHi.\r\n";
  const Verdict v = check("198.51.100.5", "list@lists.example", spoof, settings);
  EXPECT_EQ(v.action, Verdict::Action::deliver);
  EXPECT_NE(v.field.find("dmarc=fail"), std::string::npos);
  EXPECT_EQ(check("203.0.113.5", "list@lists.example", spoof, settings).action,
            Verdict::Action::reject);
}

TEST_F(ServerSmtpInboundAuth, MissingOrDoubleFromIsAPermerrorNotARejection) {
  const Verdict none = check("198.51.100.5", "", "Subject: no from\r\n\r\nx\r\n");
  EXPECT_EQ(none.action, Verdict::Action::deliver);
  EXPECT_NE(none.field.find("dmarc=permerror"), std::string::npos) << none.field;
  const Verdict two =
      check("198.51.100.5", "", "From: a@a.example\r\nFrom: b@q.example\r\n\r\nx\r\n");
  EXPECT_NE(two.field.find("dmarc=permerror"), std::string::npos) << two.field;
}

TEST_F(ServerSmtpInboundAuth, AuthservIdComesFromTheSettings) {
  config::Mailauth settings;
  settings.authserv_id = "auth.b.example";
  const Verdict v =
      check("192.0.2.10", "alice@a.example", signed_message("alice@a.example"), settings);
  EXPECT_EQ(v.field.rfind("Authentication-Results: auth.b.example;", 0), 0u);
}

}  // namespace
}  // namespace heron::server::smtp
