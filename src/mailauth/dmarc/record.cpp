// DMARC record parsing. See record.hpp for the leniency rules.

#include "mailauth/dmarc/record.hpp"

#include <set>

#include "base/strings.hpp"

namespace heron::mailauth::dmarc {
namespace {

bool is_wsp(char c) {
  return c == ' ' || c == '\t';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// RFC 7489 6.4 uses WSP; folded TXT data may also hold CR and LF, which count as blanks too.
std::string_view trim_blanks(std::string_view s) {
  auto blank = [](char c) { return is_wsp(c) || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<Policy> parse_policy(std::string_view value) {
  if (str::iequals(value, "none")) return Policy::none;
  if (str::iequals(value, "quarantine")) return Policy::quarantine;
  if (str::iequals(value, "reject")) return Policy::reject;
  return std::nullopt;
}

std::optional<Alignment> parse_alignment(std::string_view value) {
  if (str::iequals(value, "r")) return Alignment::relaxed;
  if (str::iequals(value, "s")) return Alignment::strict;
  return std::nullopt;
}

// 1*`max_digits` DIGIT, at most `limit`.
std::optional<uint64_t> parse_number(std::string_view value, size_t max_digits, uint64_t limit) {
  if (value.empty() || value.size() > max_digits) return std::nullopt;
  uint64_t n = 0;
  for (char c : value) {
    if (!is_digit(c)) return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
    if (n > limit) return std::nullopt;
  }
  return n;
}

// A ":"-separated list (fo, rf) where every element satisfies `valid`; lowercase.
template <class Valid>
std::optional<std::vector<std::string>> parse_colon_list(std::string_view value, Valid valid) {
  std::vector<std::string> out;
  for (std::string_view item : str::split(value, ':')) {
    item = trim_blanks(item);
    if (!valid(item)) return std::nullopt;
    out.push_back(str::to_lower(item));
  }
  return out;
}

bool is_failure_option(std::string_view item) {
  return item.size() == 1 && (item[0] == '0' || item[0] == '1' || item[0] == 'd' ||
                              item[0] == 'D' || item[0] == 's' || item[0] == 'S');
}

// RFC 5321 Keyword = Ldh-str: letters, digits, hyphens, not ending in a hyphen.
bool is_keyword(std::string_view item) {
  if (item.empty() || item.back() == '-') return false;
  for (char c : item) {
    if (!is_alpha(c) && !is_digit(c) && c != '-') return false;
  }
  return true;
}

// rua/ruf: URIs separated by "," (6.4; a comma inside a URI must be %-encoded). Invalid URIs
// are dropped.
std::vector<std::string> parse_uris(std::string_view value) {
  std::vector<std::string> out;
  for (std::string_view item : str::split(value, ',')) {
    item = trim_blanks(item);
    if (is_report_uri(item)) out.emplace_back(item);
  }
  return out;
}

// "v" *WSP "=" *WSP "DMARC1" at the start of `txt`: the length consumed, 0 if absent.
size_t version_length(std::string_view txt) {
  size_t i = 0;
  if (i >= txt.size() || (txt[i] != 'v' && txt[i] != 'V')) return 0;
  ++i;
  while (i < txt.size() && is_wsp(txt[i])) ++i;
  if (i >= txt.size() || txt[i] != '=') return 0;
  ++i;
  while (i < txt.size() && is_wsp(txt[i])) ++i;
  if (txt.substr(i, 6) != "DMARC1") return 0;
  return i + 6;
}

}  // namespace

std::string_view policy_name(Policy policy) {
  switch (policy) {
    case Policy::none:
      return "none";
    case Policy::quarantine:
      return "quarantine";
    case Policy::reject:
      return "reject";
  }
  return "none";
}

bool is_report_uri(std::string_view uri) {
  // RFC 3986 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
  const size_t colon = uri.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 >= uri.size()) return false;
  if (!is_alpha(uri[0])) return false;
  for (char c : uri.substr(0, colon)) {
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return false;
  }
  for (char c : uri.substr(colon + 1)) {
    // Visible ASCII only; "," and ";" separate URIs and tags.
    if (c <= 0x20 || c >= 0x7f || c == ',' || c == ';') return false;
  }
  return true;
}

bool is_dmarc_record(std::string_view txt) {
  txt = trim_blanks(txt);
  const size_t n = version_length(txt);
  if (n == 0) return false;
  const std::string_view rest = trim_blanks(txt.substr(n));
  return rest.empty() || rest.front() == ';';
}

Result<Record> parse_record(std::string_view txt) {
  txt = trim_blanks(txt);
  if (!is_dmarc_record(txt)) return make_error("not a v=DMARC1 record");
  txt.remove_prefix(version_length(txt));

  Record record;
  std::set<std::string> seen;
  bool have_p = false;
  bool bad_sp = false;
  std::string p_problem = "no p= tag";
  for (std::string_view piece : str::split(txt, ';')) {
    piece = trim_blanks(piece);
    const size_t eq = piece.find('=');
    if (eq == std::string_view::npos) continue;  // 6.3: ignored
    const std::string name = str::to_lower(trim_blanks(piece.substr(0, eq)));
    const std::string_view value = trim_blanks(piece.substr(eq + 1));
    if (!seen.insert(name).second) continue;  // a repeated tag: the first one counts

    if (name == "p") {
      if (const auto p = parse_policy(value)) {
        record.policy = *p;
        have_p = true;
      } else {
        p_problem = "invalid p= value";
      }
    } else if (name == "sp") {
      if (const auto sp = parse_policy(value)) {
        record.subdomain_policy = *sp;
      } else {
        bad_sp = true;
      }
    } else if (name == "adkim") {
      if (const auto a = parse_alignment(value)) record.dkim_alignment = *a;
    } else if (name == "aspf") {
      if (const auto a = parse_alignment(value)) record.spf_alignment = *a;
    } else if (name == "pct") {
      // 6.4: dmarc-percent = "pct" *WSP "=" *WSP 1*3DIGIT, 0-100 (6.3).
      if (const auto pct = parse_number(value, 3, 100)) record.percent = static_cast<int>(*pct);
    } else if (name == "rua") {
      record.aggregate_uris = parse_uris(value);
    } else if (name == "ruf") {
      record.failure_uris = parse_uris(value);
    } else if (name == "fo") {
      if (auto fo = parse_colon_list(value, is_failure_option)) record.failure_options = *fo;
    } else if (name == "rf") {
      if (auto rf = parse_colon_list(value, is_keyword)) record.report_formats = *rf;
    } else if (name == "ri") {
      // 6.4: dmarc-ainterval = "ri" *WSP "=" *WSP 1*32DIGIT; kept as a 32-bit count.
      if (const auto ri = parse_number(value, 32, UINT32_MAX)) {
        record.report_interval = static_cast<uint32_t>(*ri);
      }
    }
    // Any other tag (including a second "v") is ignored (6.3).
  }

  // RFC 7489 6.6.3: a record with no valid p, or an invalid sp, counts as p=none when rua
  // names at least one valid URI; otherwise it gives no DMARC processing.
  if (!have_p || bad_sp) {
    if (record.aggregate_uris.empty()) {
      return make_error(bad_sp && have_p ? "invalid sp= value" : p_problem);
    }
    record.policy = Policy::none;
    record.subdomain_policy.reset();
    record.policy_implied = true;
  }
  return record;
}

}  // namespace heron::mailauth::dmarc
