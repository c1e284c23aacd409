#include "base/clock.hpp"

#include <ctime>

#include <fmt/core.h>

namespace heron {

int64_t SystemClock::now() const {
  return static_cast<int64_t>(std::time(nullptr));
}

const Clock& system_clock() {
  static const SystemClock clock;
  return clock;
}

std::string rfc5322_date(int64_t unix_time) {
  // RFC 5322 3.3 day-name and month-name, spelled out rather than strftime's %a/%b, which
  // follow the locale.
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t t = static_cast<std::time_t>(unix_time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{}, {:02d} {} {:04d} {:02d}:{:02d}:{:02d} +0000", kDays[tm.tm_wday % 7],
                     tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                     tm.tm_sec);
}

}  // namespace heron
