#include <gtest/gtest.h>

#include "store/password.hpp"

namespace heron::store {
namespace {

TEST(StorePassword, HashIsArgon2idAndNeverPlaintext) {
  auto hash = hash_password("correct horse");
  ASSERT_TRUE(hash) << hash.error().message;
  EXPECT_EQ(hash->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << *hash;
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  EXPECT_TRUE(verify_password(*hash, "correct horse"));
  EXPECT_FALSE(verify_password(*hash, "correct horsE"));
  EXPECT_FALSE(verify_password(*hash, ""));
}

TEST(StorePassword, SaltsDiffer) {
  auto a = hash_password("same");
  auto b = hash_password("same");
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
}

TEST(StorePassword, PasswordWithNulByteIsHashedWhole) {
  const std::string pw("ab\0cd", 5);
  auto hash = hash_password(pw);
  ASSERT_TRUE(hash);
  EXPECT_TRUE(verify_password(*hash, pw));
  EXPECT_FALSE(verify_password(*hash, "ab"));
}

// Generated with Python's crypt.crypt("secret", "$6$saltsalt$") (glibc/libxcrypt).
constexpr const char* kSha512Crypt =
    "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq."
    "H91p5hVO1";

TEST(StorePassword, ImportedSha512CryptVerifies) {
  EXPECT_TRUE(verify_password(kSha512Crypt, "secret"));
  EXPECT_FALSE(verify_password(kSha512Crypt, "Secret"));
  EXPECT_TRUE(verify_password(std::string("{SHA512-CRYPT}") + kSha512Crypt, "secret"));
  EXPECT_FALSE(verify_password(std::string("{SHA512-CRYPT}") + kSha512Crypt, "wrong"));
}

// Generated with crypt.crypt("secret", "$2b$04$abcdefghijklmnopqrstuu").
constexpr const char* kBcrypt = "$2b$04$abcdefghijklmnopqrstuu2r9OfJnfCsdneAXAGHnS4UpFFP8WIrW";

TEST(StorePassword, ImportedBcryptVerifies) {
  EXPECT_TRUE(verify_password(kBcrypt, "secret"));
  EXPECT_FALSE(verify_password(kBcrypt, "secreT"));
  EXPECT_TRUE(verify_password(std::string("{BLF-CRYPT}") + kBcrypt, "secret"));
}

TEST(StorePassword, MalformedAndPlaintextHashesNeverVerify) {
  EXPECT_FALSE(verify_password("", ""));
  EXPECT_FALSE(verify_password("secret", "secret"));  // a plaintext "hash"
  EXPECT_FALSE(verify_password("{PLAIN}secret", "secret"));
  EXPECT_FALSE(verify_password("$argon2id$garbage", "secret"));
  EXPECT_FALSE(verify_password("$6$", "secret"));
  EXPECT_FALSE(verify_password("$2y$05$tooshort", "secret"));
}

}  // namespace
}  // namespace heron::store
