// Fuzz target for heron.toml loading: parse() must never crash, hang or throw on any bytes,
// and whatever it accepts must survive to_toml() and come back equal (the round-trip promise
// the quickstart relies on).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = heron::config::parse(text, "fuzz.toml", "/etc/heron");
  if (!parsed) {
    if (parsed.error().message.empty()) std::abort();  // every refusal must say why
    return 0;
  }
  auto again = heron::config::parse(heron::config::to_toml(*parsed), "fuzz.toml", "/etc/heron");
  if (!again || !(*again == *parsed)) std::abort();
  return 0;
}
