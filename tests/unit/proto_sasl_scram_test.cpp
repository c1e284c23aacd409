// SCRAM-SHA-256 server (proto/sasl/scram.hpp) against the RFC 7677 3 example, and the stored
// form of the keys (store/password.hpp, RFC 5803).
#include <gtest/gtest.h>

#include <string>

#include "base/base64.hpp"
#include "base/crypto.hpp"
#include "proto/sasl/scram.hpp"
#include "store/password.hpp"

namespace heron::sasl {
namespace {

using Status = ScramServer::Status;

// RFC 7677 3: user "user", password "pencil".
constexpr std::string_view kClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view kServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr std::string_view kServerFirst =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr std::string_view kClientFinal =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr std::string_view kServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

crypto::ScramKeys pencil() {
  return crypto::derive_scram_sha256("pencil", *base64::decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
}

TEST(SaslScram, Rfc7677Example) {
  ScramServer s;
  ASSERT_EQ(s.receive_first(kClientFirst).status, Status::ok);
  EXPECT_EQ(s.username(), "user");
  EXPECT_EQ(s.server_first(pencil(), kServerNonce), kServerFirst);
  const auto r = s.receive_final(kClientFinal);
  ASSERT_EQ(r.status, Status::ok) << r.reason;
  EXPECT_EQ(r.message, kServerFinal);
}

TEST(SaslScram, WrongPasswordFailsAtTheProof) {
  ScramServer s;
  ASSERT_EQ(s.receive_first(kClientFirst).status, Status::ok);
  const auto keys =
      crypto::derive_scram_sha256("pencils", *base64::decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
  s.server_first(keys, kServerNonce);
  const auto r = s.receive_final(kClientFinal);
  EXPECT_EQ(r.status, Status::failed);
  EXPECT_TRUE(r.message.empty());
}

TEST(SaslScram, TamperedProofOrNonceOrBindingFails) {
  auto run = [](std::string_view final_message) {
    ScramServer s;
    EXPECT_EQ(s.receive_first(kClientFirst).status, Status::ok);
    s.server_first(pencil(), kServerNonce);
    return s.receive_final(final_message).status;
  };
  std::string proof_changed(kClientFinal);
  proof_changed[proof_changed.size() - 3] = 'B';
  EXPECT_EQ(run(proof_changed), Status::failed);
  EXPECT_EQ(run("c=biws,r=rOprNGfwEbeRWgbNEkqO,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="),
            Status::malformed);  // the server's part of the nonce is missing
  EXPECT_EQ(run("c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="),
            Status::malformed);  // c= says "y,," but client-first said "n,,"
  EXPECT_EQ(run("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"), Status::malformed);
  EXPECT_EQ(run("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=short"),
            Status::malformed);
}

TEST(SaslScram, ClientFirstSyntax) {
  auto first = [](std::string_view m) {
    ScramServer s;
    return s.receive_first(m).status;
  };
  EXPECT_EQ(first("p=tls-unique,,n=user,r=abc"), Status::refused);  // channel binding
  EXPECT_EQ(first("n,,m=ext,n=user,r=abc"), Status::refused);       // mandatory extension
  EXPECT_EQ(first("n,a=other,n=user,r=abc"), Status::refused);      // proxy authorization
  EXPECT_EQ(first("n,a=user,n=user,r=abc"), Status::ok);
  EXPECT_EQ(first("y,,n=user,r=abc"), Status::ok);  // RFC 5802 6: client could bind, we can't
  EXPECT_EQ(first("x,,n=user,r=abc"), Status::malformed);
  EXPECT_EQ(first("n,,n=,r=abc"), Status::malformed);
  EXPECT_EQ(first("n,,n=us=3Fer,r=abc"), Status::malformed);  // '=' must be =2C or =3D
  EXPECT_EQ(first("n,,n=user,r="), Status::malformed);
  EXPECT_EQ(first("n,,n=user"), Status::malformed);
  EXPECT_EQ(first("n,,r=abc,n=user"), Status::malformed);
  EXPECT_EQ(first("n"), Status::malformed);
  EXPECT_EQ(first(""), Status::malformed);
}

TEST(SaslScram, UsernameEscapes) {
  ScramServer s;
  ASSERT_EQ(s.receive_first("n,,n=a=2Cb=3Dc,r=abc").status, Status::ok);
  EXPECT_EQ(s.username(), "a,b=c");
}

TEST(SaslScram, FinalBeforeFirstIsRefused) {
  ScramServer s;
  EXPECT_EQ(s.receive_final(kClientFinal).status, Status::malformed);
}

TEST(SaslScram, DummyKeysAreStablePerUser) {
  EXPECT_EQ(dummy_keys("nobody@example.org"), dummy_keys("nobody@example.org"));
  EXPECT_NE(dummy_keys("nobody@example.org").salt, dummy_keys("other@example.org").salt);
  EXPECT_EQ(dummy_keys("x").iterations, kScramIterations);
}

TEST(SaslScram, StoredFormRoundTrips) {
  const auto keys = pencil();
  const std::string stored = store::format_scram_sha256(keys);
  EXPECT_EQ(stored.rfind("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$", 0), 0u);
  auto back = store::parse_scram_sha256(stored);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, keys);
  EXPECT_FALSE(store::parse_scram_sha256(""));
  EXPECT_FALSE(store::parse_scram_sha256("SCRAM-SHA-256$x:AA==$AA==:AA=="));
  EXPECT_FALSE(store::parse_scram_sha256("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$AA==:AA=="));
  auto fresh = store::scram_sha256_secret("pencil");
  ASSERT_TRUE(fresh);
  auto parsed = store::parse_scram_sha256(*fresh);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->iterations, kScramIterations);
  EXPECT_EQ(parsed->salt.size(), 16u);
  // The keys are those of the password with that salt.
  EXPECT_EQ(*parsed, crypto::derive_scram_sha256("pencil", parsed->salt, parsed->iterations));
}

}  // namespace
}  // namespace heron::sasl
