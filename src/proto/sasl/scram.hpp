#pragma once
// SCRAM-SHA-256, server side (RFC 5802, RFC 7677), as a sans-I/O exchange.
//
// The exchange has two client messages. The driver feeds client-first to receive_first(),
// learns the user name, looks the account's keys up (crypto::ScramKeys, stored beside the
// Argon2id hash) and calls server_first() with them and a fresh nonce; it sends the result as
// a challenge. It feeds client-final to receive_final(), which checks the proof; on success
// the result carries server-final ("v=ServerSignature"), which the client checks in turn.
// For an unknown user the driver passes made-up keys (dummy_keys()), so that the exchange
// looks the same and fails only at the proof (RFC 5802 5.1 advises against revealing that a
// user does not exist).
// Not supported, and refused: channel binding ("p=" in the GS2 header; we never advertise the
// -PLUS variant, so "y" is accepted as RFC 5802 6 requires), mandatory extensions ("m="), and
// an authzid other than the user name (no proxy authorization, as for PLAIN).
// Input: untrusted. Thread: one exchange, any thread. Failure: a status with a short reason
// for the log; the proof is compared in constant time.

#include <cstdint>
#include <string>
#include <string_view>

#include "base/crypto.hpp"

namespace heron::sasl {

inline constexpr std::string_view kScramSha256 = "SCRAM-SHA-256";
// RFC 7677 4: at least 4096 iterations.
inline constexpr uint32_t kScramIterations = 4096;

class ScramServer {
 public:
  enum class Status { ok, malformed, refused, failed };
  struct Result {
    Status status = Status::malformed;
    std::string_view reason;  // for logs
    std::string message;      // server-final on success
  };

  // RFC 5802 7: client-first-message.
  Result receive_first(std::string_view message);
  // The user name from client-first, SCRAM escapes (=2C, =3D) decoded. Valid after ok.
  const std::string& username() const { return username_; }
  // RFC 5802 7: server-first-message; server_nonce is printable ASCII without ','.
  std::string server_first(const crypto::ScramKeys& keys, std::string_view server_nonce);
  // RFC 5802 7: client-final-message; ok only when the proof matches StoredKey.
  Result receive_final(std::string_view message);

 private:
  enum class Stage { first, final, done };
  Stage stage_ = Stage::first;
  std::string gs2_header_;
  std::string client_first_bare_;
  std::string server_first_;
  std::string nonce_;  // client nonce, then the combined one
  std::string username_;
  crypto::ScramKeys keys_;
};

// Made-up keys for a user that does not exist: stable per name, so that repeated attempts
// see the same salt (a varying salt would tell the name is unknown).
crypto::ScramKeys dummy_keys(std::string_view username);

}  // namespace heron::sasl
