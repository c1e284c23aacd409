#include "config/units.hpp"

#include <array>
#include <limits>
#include <utility>

namespace heron::config {
namespace {

// Digits, then at most one suffix character found in units (matched exactly), multiplied
// with overflow checks. Shared by sizes and durations so both reject the same garbage.
template <size_t N>
std::optional<uint64_t> parse_scaled(std::string_view text,
                                     const std::array<std::pair<char, uint64_t>, N>& units,
                                     uint64_t max) {
  uint64_t scale = 1;
  if (!text.empty() && (text.back() < '0' || text.back() > '9')) {
    bool found = false;
    for (const auto& [suffix, factor] : units) {
      if (text.back() == suffix) {
        scale = factor;
        found = true;
        break;
      }
    }
    if (!found) return std::nullopt;
    text.remove_suffix(1);
  }
  if (text.empty()) return std::nullopt;
  uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<uint64_t>(c - '0');
    if (n > (max - digit) / 10) return std::nullopt;
    n = n * 10 + digit;
  }
  if (n > max / scale) return std::nullopt;
  return n * scale;
}

constexpr uint64_t kKi = 1024;
constexpr std::array<std::pair<char, uint64_t>, 6> kSizeUnits{{{'K', kKi},
                                                               {'k', kKi},
                                                               {'M', kKi* kKi},
                                                               {'m', kKi* kKi},
                                                               {'G', kKi* kKi* kKi},
                                                               {'g', kKi* kKi* kKi}}};
constexpr std::array<std::pair<char, uint64_t>, 4> kDurationUnits{
    {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}}};

// Largest first, for formatting.
constexpr std::array<std::pair<char, uint64_t>, 3> kSizeFormat{
    {{'G', kKi* kKi* kKi}, {'M', kKi* kKi}, {'K', kKi}}};
constexpr std::array<std::pair<char, uint64_t>, 4> kDurationFormat{
    {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}}};

}  // namespace

std::optional<uint64_t> parse_size(std::string_view text) {
  return parse_scaled(text, kSizeUnits, std::numeric_limits<uint64_t>::max());
}

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  const auto max = static_cast<uint64_t>(std::numeric_limits<std::chrono::seconds::rep>::max());
  const auto n = parse_scaled(text, kDurationUnits, max);
  if (!n) return std::nullopt;
  return std::chrono::seconds(static_cast<std::chrono::seconds::rep>(*n));
}

std::string format_size(uint64_t octets) {
  if (octets != 0) {
    for (const auto& [suffix, factor] : kSizeFormat) {
      if (octets % factor == 0) return std::to_string(octets / factor) + suffix;
    }
  }
  return std::to_string(octets);
}

std::string format_duration(std::chrono::seconds duration) {
  const auto n = duration.count();
  if (n > 0) {
    for (const auto& [suffix, factor] : kDurationFormat) {
      const auto f = static_cast<std::chrono::seconds::rep>(factor);
      if (n % f == 0) return std::to_string(n / f) + suffix;
    }
  }
  return std::to_string(n) + "s";
}

}  // namespace heron::config
