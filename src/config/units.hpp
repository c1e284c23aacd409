#pragma once
// Sizes and durations as heron.toml writes them: "50M", "5m", or plain integers.
//
// A size is a count of octets with an optional K, M or G suffix (powers of 1024; either case).
// A duration is a count of seconds with an optional s, m, h or d suffix (lowercase only, so
// "M" can never be misread as months). Both are digits only: no sign, no spaces, no
// fractions. Input: untrusted text from the config file. Thread: any. Failure: std::nullopt on
// garbage or overflow; the caller words the error because it knows the key and position.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace heron::config {

// "50M" -> 52428800. nullopt for "", "-5", "12X", "1.5G" or anything above UINT64_MAX.
std::optional<uint64_t> parse_size(std::string_view text);

// "5m" -> 300s. nullopt for garbage or anything above the range of std::chrono::seconds.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

// The shortest exact suffixed form: 52428800 -> "50M", 1000 -> "1000", 0 -> "0".
std::string format_size(uint64_t octets);

// The largest exact unit: 300s -> "5m", 90s -> "90s", 86400s -> "1d".
std::string format_duration(std::chrono::seconds duration);

}  // namespace heron::config
