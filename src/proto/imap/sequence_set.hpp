#pragma once
// Sequence sets (RFC 9051 9 sequence-set; RFC 5182 "$") and the compact form the server
// sends back (COPYUID, APPENDUID, ESEARCH ALL).
// "*" stays symbolic until resolve() is given what it stands for: the highest message number
// or UID in use. Ranges are unordered ("5:2" is "2:5"), so "100:*" in a mailbox whose largest
// UID is 50 covers 50 (RFC 9051 6.4.8). Thread: any. Failure: none.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace heron::proto::imap {

struct SequenceSet {
  static constexpr uint32_t kStar = 0;  // "*" in a range bound

  struct Range {
    uint32_t first = 0;
    uint32_t last = 0;
    bool operator==(const Range&) const = default;
  };
  std::vector<Range> ranges;
  bool saved = false;  // "$": the saved search result (RFC 5182)

  // Sorted, non-overlapping, merged intervals [lo, hi], "*" replaced by star. With star 0
  // (an empty mailbox) "*" is 0, bounds clamp to 1, and "*" alone names nothing.
  std::vector<std::pair<uint32_t, uint32_t>> resolve(uint32_t star) const;
  // The largest number the set names, "*" as star.
  uint32_t max_number(uint32_t star) const;

  bool operator==(const SequenceSet&) const = default;
};

// Ascending numbers as "1:3,7,9:10" (an empty list gives "").
std::string format_numbers(const std::vector<uint32_t>& sorted);

}  // namespace heron::proto::imap
