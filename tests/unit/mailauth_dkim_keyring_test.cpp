#include "mailauth/dkim/keyring.hpp"

#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "base/fs.hpp"
#include "mailauth/dkim/verify.hpp"

namespace heron::mailauth::dkim {
namespace {

namespace stdfs = std::filesystem;

class MailauthDkimKeyring : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = stdfs::temp_directory_path() / ("heron-keyring-" + fs::random_hex(6));
  }
  void TearDown() override { stdfs::remove_all(dir_); }
  stdfs::path dir_;
};

TEST_F(MailauthDkimKeyring, GeneratesStoresAndListsKeys) {
  Keyring ring(dir_);
  auto ed = ring.generate("Example.ORG", "ed1", KeyType::ed25519);
  ASSERT_TRUE(ed) << ed.error().message;
  EXPECT_EQ(ed->domain, "example.org");
  EXPECT_EQ(ed->txt_name, "ed1._domainkey.example.org");
  EXPECT_EQ(ed->txt_record.rfind("v=DKIM1; k=ed25519; p=", 0), 0u);
  EXPECT_EQ(ed->path, dir_ / "example.org" / "ed1.pem");
  // Only the owner reads a private key.
  const auto perms = stdfs::status(ed->path).permissions();
  EXPECT_EQ(perms & (stdfs::perms::group_all | stdfs::perms::others_all), stdfs::perms::none);
  auto rsa = ring.generate("example.org", "rsa1", KeyType::rsa, 1024);
  ASSERT_TRUE(rsa) << rsa.error().message;
  EXPECT_EQ(rsa->bits, 1024);
  auto listed = ring.list();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].selector, "ed1");
  EXPECT_EQ((*listed)[1].selector, "rsa1");
  EXPECT_EQ((*listed)[1].txt_record, rsa->txt_record);
}

TEST_F(MailauthDkimKeyring, RefusesToOverwriteAndBadNames) {
  Keyring ring(dir_);
  ASSERT_TRUE(ring.generate("example.org", "s1", KeyType::ed25519));
  auto again = ring.generate("example.org", "s1", KeyType::ed25519);
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("already exists"), std::string::npos);
  EXPECT_FALSE(ring.generate("../etc", "s1", KeyType::ed25519));
  EXPECT_FALSE(ring.generate("example.org", "../x", KeyType::ed25519));
  EXPECT_FALSE(ring.generate("example.org", "a_b", KeyType::ed25519));
  EXPECT_FALSE(ring.generate("localhost", "s1", KeyType::ed25519));
  EXPECT_TRUE(valid_selector("2026.jan-rsa"));
  EXPECT_FALSE(valid_selector("-x"));
  EXPECT_FALSE(valid_selector(""));
}

TEST_F(MailauthDkimKeyring, KeysForSeesNewAndDeletedKeysWithoutReload) {
  Keyring ring(dir_);
  EXPECT_TRUE(ring.keys_for("example.org").empty());
  ASSERT_TRUE(ring.generate("example.org", "a", KeyType::ed25519));
  auto keys = ring.keys_for("EXAMPLE.org");
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].algorithm, Algorithm::ed25519_sha256);
  EXPECT_EQ(keys[0].selector, "a");
  // The directory's mtime has nanosecond resolution on the file systems Heron runs on; a
  // short pause keeps the test honest on coarser ones.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(ring.generate("example.org", "b", KeyType::rsa, 1024));
  keys = ring.keys_for("example.org");
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[1].algorithm, Algorithm::rsa_sha256);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(ring.remove("example.org", "a"));
  keys = ring.keys_for("example.org");
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].selector, "b");
  EXPECT_FALSE(ring.remove("example.org", "a"));
}

TEST_F(MailauthDkimKeyring, SignaturesMadeWithStoredKeysVerify) {
  Keyring ring(dir_);
  auto ed = ring.generate("example.org", "ed", KeyType::ed25519);
  auto rsa = ring.generate("example.org", "rsa", KeyType::rsa, 1024);
  ASSERT_TRUE(ed && rsa);
  const std::string message =
      "From: a@example.org\r\nTo: b@example.net\r\nSubject: hi\r\n\r\nbody\r\n";
  auto fields = sign(message, ring.keys_for("example.org"), 1700000000);
  ASSERT_TRUE(fields);
  ASSERT_EQ(fields->size(), 2u);
  const std::string signed_message = (*fields)[0] + (*fields)[1] + message;
  auto results = verify_with(
      signed_message,
      [&](const std::string& name) {
        dns::Answer<std::string> a;
        a.status = dns::Status::ok;
        a.records.push_back(name == ed->txt_name ? ed->txt_record : rsa->txt_record);
        return a;
      },
      1700000000);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status, Status::pass) << results[0].reason;
  EXPECT_EQ(results[1].status, Status::pass) << results[1].reason;
}

}  // namespace
}  // namespace heron::mailauth::dkim
