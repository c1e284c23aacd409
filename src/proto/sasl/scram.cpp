#include "proto/sasl/scram.hpp"

#include "base/base64.hpp"

namespace heron::sasl {
namespace {

using Status = ScramServer::Status;

ScramServer::Result fail(Status status, std::string_view reason) {
  return ScramServer::Result{status, reason, {}};
}

// RFC 5802 7: printable = %x21-2B / %x2D-7E (no ',').
bool printable_nonce(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (c < 0x21 || c > 0x7e || c == ',') return false;
  }
  return true;
}

// RFC 5802 5.1: saslname, where ',' is "=2C" and '=' is "=3D"; any other '=' is an error.
bool decode_saslname(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\0') return false;
    if (in[i] != '=') {
      out += in[i];
      continue;
    }
    const std::string_view esc = in.substr(i + 1, 2);
    if (esc == "2C") {
      out += ',';
    } else if (esc == "3D") {
      out += '=';
    } else {
      return false;
    }
    i += 2;
  }
  return !out.empty();
}

// Splits at the next ',' (or the end).
std::string_view next_field(std::string_view& rest) {
  const size_t comma = rest.find(',');
  std::string_view field = rest.substr(0, comma);
  rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  return field;
}

std::string xor_bytes(std::string_view a, std::string_view b) {
  std::string out(a);
  for (size_t i = 0; i < out.size() && i < b.size(); ++i) {
    out[i] = static_cast<char>(out[i] ^ b[i]);
  }
  return out;
}

}  // namespace

// client-first-message = gs2-header client-first-message-bare
// gs2-header = gs2-cbind-flag "," [ authzid ] ","
// client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions]
ScramServer::Result ScramServer::receive_first(std::string_view message) {
  if (stage_ != Stage::first) return fail(Status::malformed, "unexpected client-first");
  std::string_view rest = message;
  const std::string_view cbind = next_field(rest);
  if (cbind.substr(0, 2) == "p=") return fail(Status::refused, "channel binding not supported");
  if (cbind != "n" && cbind != "y") return fail(Status::malformed, "bad gs2-cbind-flag");
  const std::string_view authzid_field = next_field(rest);
  const size_t header_len = message.size() - rest.size();
  if (rest.data() == nullptr || header_len > message.size()) {
    return fail(Status::malformed, "no client-first-message-bare");
  }
  gs2_header_ = std::string(message.substr(0, header_len));
  client_first_bare_ = std::string(rest);

  const std::string_view user_field = next_field(rest);
  if (user_field.substr(0, 2) == "m=") return fail(Status::refused, "mandatory extension");
  if (user_field.substr(0, 2) != "n=" || !decode_saslname(user_field.substr(2), username_)) {
    return fail(Status::malformed, "bad username");
  }
  if (!authzid_field.empty()) {
    std::string authzid;
    if (authzid_field.substr(0, 2) != "a=" || !decode_saslname(authzid_field.substr(2), authzid)) {
      return fail(Status::malformed, "bad authzid");
    }
    if (authzid != username_) return fail(Status::refused, "authzid differs from the user");
  }
  const std::string_view nonce_field = next_field(rest);
  if (nonce_field.substr(0, 2) != "r=" || !printable_nonce(nonce_field.substr(2))) {
    return fail(Status::malformed, "bad nonce");
  }
  nonce_ = std::string(nonce_field.substr(2));
  stage_ = Stage::final;
  return Result{Status::ok, {}, {}};
}

std::string ScramServer::server_first(const crypto::ScramKeys& keys,
                                      std::string_view server_nonce) {
  keys_ = keys;
  nonce_ += server_nonce;
  server_first_ =
      "r=" + nonce_ + ",s=" + base64::encode(keys.salt) + ",i=" + std::to_string(keys.iterations);
  return server_first_;
}

// client-final-message = channel-binding "," nonce ["," extensions] "," proof
ScramServer::Result ScramServer::receive_final(std::string_view message) {
  if (stage_ != Stage::final || server_first_.empty()) {
    return fail(Status::malformed, "unexpected client-final");
  }
  stage_ = Stage::done;
  const size_t proof_at = message.rfind(",p=");
  if (proof_at == std::string_view::npos) return fail(Status::malformed, "no proof");
  const std::string_view without_proof = message.substr(0, proof_at);
  const auto proof = base64::decode(message.substr(proof_at + 3));
  if (!proof || proof->size() != crypto::kSha256Size) {
    return fail(Status::malformed, "bad proof");
  }
  std::string_view rest = without_proof;
  const std::string_view cbind_field = next_field(rest);
  // RFC 5802 7: c= is base64 of the gs2-header (no channel binding data here).
  const auto cbind =
      cbind_field.substr(0, 2) == "c=" ? base64::decode(cbind_field.substr(2)) : std::nullopt;
  if (!cbind || *cbind != gs2_header_) return fail(Status::malformed, "bad channel binding");
  const std::string_view nonce_field = next_field(rest);
  if (nonce_field.substr(0, 2) != "r=" || nonce_field.substr(2) != nonce_) {
    return fail(Status::malformed, "nonce mismatch");
  }

  // RFC 5802 3: ClientSignature = HMAC(StoredKey, AuthMessage); ClientKey = Proof XOR it;
  // the proof is right when H(ClientKey) == StoredKey.
  std::string auth_message = client_first_bare_;
  auth_message += ',';
  auth_message += server_first_;
  auth_message += ',';
  auth_message += without_proof;
  const std::string client_signature = crypto::hmac_sha256(keys_.stored_key, auth_message);
  const std::string client_key = xor_bytes(*proof, client_signature);
  if (!crypto::equal_secret(crypto::sha256(client_key), keys_.stored_key)) {
    return fail(Status::failed, "wrong proof");
  }
  const std::string server_signature = crypto::hmac_sha256(keys_.server_key, auth_message);
  return Result{Status::ok, {}, "v=" + base64::encode(server_signature)};
}

crypto::ScramKeys dummy_keys(std::string_view username) {
  // A process-wide secret keeps the made-up salt from being computed by an outsider.
  static const std::string secret = crypto::random_bytes(32).value_or("heron-dummy-scram");
  crypto::ScramKeys keys;
  keys.iterations = kScramIterations;
  keys.salt = crypto::hmac_sha256(secret, username).substr(0, 16);
  keys.stored_key = crypto::hmac_sha256(secret, std::string("stored:") + std::string(username));
  keys.server_key = crypto::hmac_sha256(secret, std::string("server:") + std::string(username));
  return keys;
}

}  // namespace heron::sasl
