#include "server/imap/search_eval.hpp"

#include <algorithm>
#include <cctype>

#include "base/strings.hpp"
#include "mime/encoded_word.hpp"
#include "mime/header.hpp"
#include "mime/part_text.hpp"
#include "proto/imap/datetime.hpp"

namespace heron::server::imap {

using Kind = proto::imap::SearchKey::Kind;

namespace {

bool has_flag(const MailboxView::Entry& e, std::string_view flag) {
  return std::any_of(e.flags.begin(), e.flags.end(),
                     [&](const std::string& f) { return str::iequals(f, flag); });
}

int64_t day_of(int64_t t) {
  return (t >= 0 ? t / 86400 : (t - 86399) / 86400) * 86400;
}

// The day of an RFC 5322 Date field ("[Mon, ]1 Feb 2024 10:00:00 +0100"), as a Unix day
// start, or nullopt.
std::optional<int64_t> sent_day(std::string_view value) {
  std::string v = mime::unfold(value);
  std::string_view s = str::trim(v);
  if (const size_t comma = s.find(','); comma != std::string_view::npos)
    s = str::trim(s.substr(comma + 1));
  std::vector<std::string> parts;
  for (std::string_view p : str::split(s, ' ')) {
    if (!p.empty()) parts.emplace_back(p);
    if (parts.size() == 3) break;
  }
  if (parts.size() < 3) return std::nullopt;
  std::string year = parts[2];
  if (year.size() == 2 && std::isdigit(static_cast<unsigned char>(year[0])) &&
      std::isdigit(static_cast<unsigned char>(year[1]))) {
    year = (year[0] < '5' ? "20" : "19") + year;  // RFC 5322 4.3: two-digit years
  }
  return proto::imap::parse_date(parts[0] + "-" + parts[1].substr(0, 3) + "-" + year);
}

bool header_contains(const SearchSubject& s, std::string_view field, std::string_view needle) {
  if (s.message == nullptr) return false;
  const std::string_view header = mime::header_section(*s.message);
  for (const auto& f : mime::find_fields(header, field)) {
    if (needle.empty()) return true;  // RFC 9051: HEADER field "" matches any such field
    if (contains_folded(mime::decode_encoded_words(mime::unfold(f.value)), needle)) return true;
  }
  return false;
}

bool body_contains(const SearchSubject& s, std::string_view needle) {
  if (s.message == nullptr || s.structure == nullptr) return false;
  const mime::Structure& st = *s.structure;
  for (uint32_t i = 0; i < st.parts.size(); ++i) {
    if (st.parts[i].kind != mime::PartKind::leaf) continue;
    if (contains_folded(mime::part_text_utf8(*s.message, st, i), needle)) return true;
  }
  return false;
}

bool in_set(const proto::imap::SequenceSet& set, uint32_t value, uint32_t star) {
  for (const auto& [lo, hi] : set.resolve(star)) {
    if (value >= lo && value <= hi) return true;
  }
  return false;
}

}  // namespace

bool contains_folded(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return str::ascii_lower(a) == str::ascii_lower(b); });
  return it != haystack.end();
}

bool search_needs_bytes(const proto::imap::SearchKey& key) {
  switch (key.kind) {
    case Kind::bcc:
    case Kind::body:
    case Kind::cc:
    case Kind::from:
    case Kind::header:
    case Kind::subject:
    case Kind::text:
    case Kind::to:
    case Kind::sentbefore:
    case Kind::senton:
    case Kind::sentsince:
      return true;
    default:
      break;
  }
  return std::any_of(key.children.begin(), key.children.end(),
                     [](const auto& k) { return search_needs_bytes(k); });
}

bool search_matches(const proto::imap::SearchKey& k, const SearchSubject& s) {
  const MailboxView::Entry& e = *s.entry;
  const bool recent = s.recent && !s.rev2;
  switch (k.kind) {
    case Kind::all_of:
      return std::all_of(k.children.begin(), k.children.end(),
                         [&](const auto& c) { return search_matches(c, s); });
    case Kind::any_of:
      return search_matches(k.children[0], s) || search_matches(k.children[1], s);
    case Kind::not_:
      return !search_matches(k.children[0], s);
    case Kind::all:
      return true;
    case Kind::sequence:
      return in_set(k.set, s.msn, s.max_msn);
    case Kind::uid:
      return in_set(k.set, e.uid, s.max_uid);
    case Kind::answered:
      return has_flag(e, "\\Answered");
    case Kind::deleted:
      return has_flag(e, "\\Deleted");
    case Kind::draft:
      return has_flag(e, "\\Draft");
    case Kind::flagged:
      return has_flag(e, "\\Flagged");
    case Kind::seen:
      return has_flag(e, "\\Seen");
    case Kind::unanswered:
      return !has_flag(e, "\\Answered");
    case Kind::undeleted:
      return !has_flag(e, "\\Deleted");
    case Kind::undraft:
      return !has_flag(e, "\\Draft");
    case Kind::unflagged:
      return !has_flag(e, "\\Flagged");
    case Kind::unseen:
      return !has_flag(e, "\\Seen");
    case Kind::recent:
      return recent;
    case Kind::new_:
      return recent && !has_flag(e, "\\Seen");
    case Kind::old:
      return !recent;
    case Kind::keyword:
      return has_flag(e, k.text);
    case Kind::unkeyword:
      return !has_flag(e, k.text);
    case Kind::before:
      return day_of(e.internal_date) < k.date;
    case Kind::on:
      return day_of(e.internal_date) == k.date;
    case Kind::since:
      return day_of(e.internal_date) >= k.date;
    case Kind::sentbefore:
    case Kind::senton:
    case Kind::sentsince: {
      if (s.message == nullptr) return false;
      auto date = mime::header_value(*s.message, "Date");
      auto day = date ? sent_day(*date) : std::nullopt;
      if (!day) return false;
      if (k.kind == Kind::sentbefore) return *day < k.date;
      if (k.kind == Kind::senton) return *day == k.date;
      return *day >= k.date;
    }
    case Kind::larger:
      return e.size > k.number;
    case Kind::smaller:
      return e.size < k.number;
    case Kind::modseq:
      return e.modseq >= k.number;
    case Kind::bcc:
      return header_contains(s, "Bcc", k.text);
    case Kind::cc:
      return header_contains(s, "Cc", k.text);
    case Kind::from:
      return header_contains(s, "From", k.text);
    case Kind::to:
      return header_contains(s, "To", k.text);
    case Kind::subject:
      return header_contains(s, "Subject", k.text);
    case Kind::header:
      return header_contains(s, k.field, k.text);
    case Kind::body:
      return body_contains(s, k.text);
    case Kind::text: {
      if (s.message == nullptr) return false;
      const std::string_view header = mime::header_section(*s.message);
      std::string decoded = mime::decode_encoded_words(std::string(header));
      return contains_folded(decoded, k.text) || body_contains(s, k.text);
    }
  }
  return false;
}

}  // namespace heron::server::imap
