#pragma once
// IMAP dates (RFC 9051 9): date-time ("17-Jul-1996 02:44:25 -0700", APPEND and INTERNALDATE)
// and date ("1-Feb-1994", SEARCH). Month names are case-insensitive.
// Input: untrusted. Thread: any. Failure: std::nullopt.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace heron::proto::imap {

// date-time, without the quotes; the day may be " 7" or "07" or "7". Returns Unix time (UTC).
std::optional<int64_t> parse_date_time(std::string_view text);
// date: "1-Feb-1994" -> the Unix time of that day's start, UTC.
std::optional<int64_t> parse_date(std::string_view text);
// INTERNALDATE: "\"17-Jul-1996 09:44:25 +0000\"" (quotes included), in UTC.
std::string format_date_time(int64_t unix_time);
// Days since 1970-01-01 of a civil date (proleptic Gregorian).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

}  // namespace heron::proto::imap
