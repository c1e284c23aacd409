#pragma once
// The Organizational Domain of RFC 7489 3.2, from the Public Suffix List (PSL).
//
// The list format (publicsuffix.org/list): one rule per line, "//" comments, blank lines
// ignored, only the text up to the first blank counts. A rule is a suffix ("co.uk"), a
// wildcard ("*.kawasaki.jp": any one label in place of "*") or an exception
// ("!city.kawasaki.jp": that name is not a public suffix, its parent is). Both the ICANN and the
// PRIVATE sections are loaded unless the caller asks for ICANN only.
//
// The algorithm (PSL "Algorithm", RFC 7489 3.2 steps 3-4): among the rules matching the
// domain, an exception rule wins, else the one with the most labels; no match means the
// implicit rule "*" (the TLD is the public suffix). The Organizational Domain is the public
// suffix plus one more label of the domain. A domain that is itself a public suffix (or has a
// single label) is its own Organizational Domain. The rules with non-ASCII labels are kept both
// as written (UTF-8) and in their A-label form ("xn--..."), so a domain matches in either
// form. Domains are compared in lowercase, one trailing dot ignored.
//
// The process-wide list (default_list()) is loaded on first use from Debian's `publicsuffix`
// package, /usr/share/publicsuffix/public_suffix_list.dat; if that file cannot be read the
// event "dmarc.psl.load_failed" is logged and an empty list is used (every domain then gets
// its last two labels).
// Input: untrusted domains; the list file is trusted configuration. Thread: a loaded list is
// immutable and may be shared by any threads; default_list() is thread-safe (a function-local
// static). Failure: load() returns an Error if the file cannot be read; lookups never fail.

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/result.hpp"

namespace heron::mailauth::dmarc {

inline constexpr std::string_view kDefaultPublicSuffixPath =
    "/usr/share/publicsuffix/public_suffix_list.dat";

class PublicSuffixList {
 public:
  enum class Sections { all, icann_only };

  PublicSuffixList() = default;  // no rules: the implicit "*" only

  static PublicSuffixList parse(std::string_view text, Sections sections = Sections::all);
  static Result<PublicSuffixList> load(const std::string& path, Sections sections = Sections::all);

  // Loaded once, lazily, from kDefaultPublicSuffixPath.
  static const PublicSuffixList& default_list();

  // "www.example.co.uk" -> "example.co.uk"; "co.uk" -> "co.uk"; "" -> "".
  std::string organizational_domain(std::string_view domain) const;
  // The public suffix of `domain` ("co.uk" for "www.example.co.uk").
  std::string public_suffix(std::string_view domain) const;

  size_t rule_count() const { return rules_.size() + wildcards_.size() + exceptions_.size(); }

 private:
  void add_rule(std::string_view rule);
  // Number of labels (counted from the right) of the public suffix of `labels`.
  size_t suffix_labels(const std::vector<std::string_view>& labels) const;

  std::unordered_set<std::string> rules_;       // "co.uk"
  std::unordered_set<std::string> wildcards_;   // "*.kawasaki.jp" stored as "kawasaki.jp"
  std::unordered_set<std::string> exceptions_;  // "!city.kawasaki.jp" stored as "city.kawasaki.jp"
};

// RFC 3492 punycode of one label with its "xn--" prefix ("münchen" -> "xn--mnchen-3ya");
// an ASCII label is returned unchanged, invalid UTF-8 gives "". Exposed for tests.
std::string to_a_label(std::string_view label);

}  // namespace heron::mailauth::dmarc
