#include "proto/imap/datetime.hpp"

#include <cstdio>

#include "base/strings.hpp"

namespace heron::proto::imap {
namespace {

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::optional<unsigned> month_of(std::string_view name) {
  for (unsigned i = 0; i < 12; ++i) {
    if (str::iequals(name, kMonths[i])) return i + 1;
  }
  return std::nullopt;
}

std::optional<unsigned> digits(std::string_view s, size_t count) {
  if (s.size() != count) return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  return v;
}

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// "d-Mon-yyyy" with a 1- or 2-digit day; returns days since the epoch.
std::optional<int64_t> day_of(std::string_view text) {
  const size_t a = text.find('-');
  if (a == std::string_view::npos || a == 0 || a > 2) return std::nullopt;
  auto day = digits(text.substr(0, a), a);
  if (text.size() != a + 1 + 3 + 1 + 4 || text[a + 4] != '-') return std::nullopt;
  auto month = month_of(text.substr(a + 1, 3));
  auto year = digits(text.substr(a + 5, 4), 4);
  if (!day || !month || !year || *day == 0 || *day > days_in_month(*year, *month)) {
    return std::nullopt;
  }
  return days_from_civil(*year, *month, *day);
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's days_from_civil.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::optional<int64_t> parse_date(std::string_view text) {
  auto days = day_of(text);
  if (!days) return std::nullopt;
  return *days * 86400;
}

std::optional<int64_t> parse_date_time(std::string_view text) {
  // date-day-fixed "-" date-month "-" date-year SP time SP zone; date-day-fixed is
  // (SP DIGIT) / 2DIGIT. Tolerate a single digit day too (clients send it).
  if (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  const size_t sp = text.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  auto days = day_of(text.substr(0, sp));
  std::string_view rest = text.substr(sp + 1);
  if (!days || rest.size() != 8 + 1 + 5 || rest[2] != ':' || rest[5] != ':' || rest[8] != ' ') {
    return std::nullopt;
  }
  auto h = digits(rest.substr(0, 2), 2);
  auto m = digits(rest.substr(3, 2), 2);
  auto s = digits(rest.substr(6, 2), 2);
  const char sign = rest[9];
  auto zh = digits(rest.substr(10, 2), 2);
  auto zm = digits(rest.substr(12, 2), 2);
  if (!h || !m || !s || !zh || !zm || *h > 23 || *m > 59 || *s > 60 || *zm > 59 ||
      (sign != '+' && sign != '-')) {
    return std::nullopt;
  }
  const int64_t offset = (static_cast<int64_t>(*zh) * 60 + *zm) * 60;
  const int64_t local = *days * 86400 + *h * 3600 + *m * 60 + *s;
  return sign == '+' ? local - offset : local + offset;
}

std::string format_date_time(int64_t t) {
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  const int64_t secs = t - days * 86400;
  // civil_from_days
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = static_cast<int64_t>(yoe) + era * 400 + (month <= 2);
  char buf[80];
  std::snprintf(buf, sizeof buf, "\"%02u-%s-%04lld %02lld:%02lld:%02lld +0000\"", d,
                kMonths[month - 1], static_cast<long long>(year),
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60));
  return buf;
}

}  // namespace heron::proto::imap
