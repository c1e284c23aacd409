// Fuzzes the SCRAM-SHA-256 server exchange (proto/sasl/scram.hpp): the input is split at its
// first NUL into client-first and client-final. Checks only what must hold for any input: no
// crash, and no success unless the proof is right, which random bytes never make it (the keys
// come from a password the input cannot know).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/crypto.hpp"
#include "proto/sasl/scram.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t nul = in.find('\0');
  const std::string_view first = in.substr(0, nul);
  const std::string_view final_message =
      nul == std::string_view::npos ? std::string_view() : in.substr(nul + 1);
  static const heron::crypto::ScramKeys keys =
      heron::crypto::derive_scram_sha256("not-in-the-input-7f3a", "salty-salt-16oct", 4096);
  heron::sasl::ScramServer server;
  const auto r1 = server.receive_first(first);
  if (r1.status != heron::sasl::ScramServer::Status::ok) return 0;
  check(!server.username().empty());
  const std::string challenge = server.server_first(keys, "srvnonce");
  check(challenge.rfind("r=", 0) == 0);
  const auto r2 = server.receive_final(final_message);
  check(r2.status != heron::sasl::ScramServer::Status::ok);
  return 0;
}
