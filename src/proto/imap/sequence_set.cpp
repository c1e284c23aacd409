#include "proto/imap/sequence_set.hpp"

#include <algorithm>

namespace heron::proto::imap {

std::vector<std::pair<uint32_t, uint32_t>> SequenceSet::resolve(uint32_t star) const {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  out.reserve(ranges.size());
  for (const Range& r : ranges) {
    uint32_t a = r.first == kStar ? star : r.first;
    uint32_t b = r.last == kStar ? star : r.last;
    if (a > b) std::swap(a, b);
    if (b == 0) continue;
    out.emplace_back(std::max<uint32_t>(a, 1), b);
  }
  std::sort(out.begin(), out.end());
  std::vector<std::pair<uint32_t, uint32_t>> merged;
  for (const auto& iv : out) {
    if (!merged.empty() && iv.first <= merged.back().second + 1ULL) {
      merged.back().second = std::max(merged.back().second, iv.second);
    } else {
      merged.push_back(iv);
    }
  }
  return merged;
}

uint32_t SequenceSet::max_number(uint32_t star) const {
  uint32_t out = 0;
  for (const Range& r : ranges) {
    out = std::max({out, r.first == kStar ? star : r.first, r.last == kStar ? star : r.last});
  }
  return out;
}

std::string format_numbers(const std::vector<uint32_t>& sorted) {
  std::string out;
  size_t i = 0;
  while (i < sorted.size()) {
    size_t j = i;
    while (j + 1 < sorted.size() && sorted[j + 1] == sorted[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(sorted[i]);
    if (j > i) out += ':' + std::to_string(sorted[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace heron::proto::imap
