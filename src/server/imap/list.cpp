#include "server/imap/list.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "base/strings.hpp"

namespace heron::server::imap {
namespace {

constexpr char kDelimiter = '/';

// Wildcard match by dynamic programming over the name (O(pattern x name), no backtracking).
// Runs of wildcards collapse first: "**" is "*", and "%*" or "*%" is "*".
bool glob(std::string_view pattern, std::string_view name) {
  std::string p;
  for (char c : pattern) {
    const bool wild = c == '*' || c == '%';
    if (wild && !p.empty() && (p.back() == '*' || p.back() == '%')) {
      if (c == '*') p.back() = '*';
      continue;
    }
    p += c;
  }
  // row[j]: pattern prefix matches name prefix of length j.
  std::vector<char> row(name.size() + 1, 0), next(name.size() + 1, 0);
  row[0] = 1;
  for (char c : p) {
    std::fill(next.begin(), next.end(), 0);
    if (c == '*') {
      char any = 0;
      for (size_t j = 0; j <= name.size(); ++j) {
        any |= row[j];
        next[j] = any;
      }
    } else if (c == '%') {
      char any = 0;
      for (size_t j = 0; j <= name.size(); ++j) {
        if (j > 0 && name[j - 1] == kDelimiter) any = 0;
        any |= row[j];
        next[j] = any;
      }
    } else {
      for (size_t j = 1; j <= name.size(); ++j) next[j] = row[j - 1] && name[j - 1] == c;
    }
    row.swap(next);
  }
  return row[name.size()] != 0;
}

// A pattern whose first level is INBOX in any case, with that level spelled "INBOX".
std::string inbox_folded(std::string_view pattern) {
  if (pattern.size() >= 5 && str::iequals(pattern.substr(0, 5), "INBOX") &&
      (pattern.size() == 5 || pattern[5] == kDelimiter || pattern[5] == '*' || pattern[5] == '%')) {
    return "INBOX" + std::string(pattern.substr(5));
  }
  return std::string(pattern);
}

// Every proper ancestor of a name: "a/b/c" -> "a", "a/b".
std::vector<std::string> ancestors(std::string_view name) {
  std::vector<std::string> out;
  for (size_t slash = name.find(kDelimiter); slash != std::string_view::npos;
       slash = name.find(kDelimiter, slash + 1)) {
    out.emplace_back(name.substr(0, slash));
  }
  return out;
}

bool inbox_first(const std::string& a, const std::string& b) {
  const bool ai = a == "INBOX", bi = b == "INBOX";
  if (ai != bi) return ai;
  return a < b;
}

}  // namespace

bool list_matches(std::string_view pattern, std::string_view name) {
  return glob(inbox_folded(pattern), name);
}

std::vector<ListEntry> list_mailboxes(const ListQuery& query,
                                      const std::vector<store::Mailbox>& mailboxes,
                                      const std::vector<std::string>& subscriptions) {
  std::vector<std::string> patterns;
  for (const std::string& p : query.patterns) {
    // RFC 9051 6.3.9: the reference is prepended; a pattern starting with the delimiter
    // ignores it only when the reference ends with one (no double delimiter).
    std::string full = query.reference;
    if (!full.empty() && full.back() == kDelimiter && !p.empty() && p.front() == kDelimiter) {
      full.pop_back();
    }
    patterns.push_back(full + p);
  }
  const bool only_empty = std::all_of(query.patterns.begin(), query.patterns.end(),
                                      [](const std::string& p) { return p.empty(); });
  if (only_empty && !query.lsub) {
    return {ListEntry{"", {"\\Noselect"}, false, false}};
  }
  auto matches = [&](std::string_view name) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& p) { return !p.empty() && list_matches(p, name); });
  };

  std::map<std::string, const store::Mailbox*, decltype(&inbox_first)> existing(&inbox_first);
  for (const store::Mailbox& m : mailboxes) existing.emplace(m.name, &m);
  const std::set<std::string> subscribed(subscriptions.begin(), subscriptions.end());
  std::set<std::string> has_children, child_subscribed;
  for (const auto& [name, m] : existing) {
    for (const std::string& a : ancestors(name)) has_children.insert(a);
  }
  for (const std::string& s : subscribed) {
    for (const std::string& a : ancestors(s)) child_subscribed.insert(a);
  }

  // Candidate names: existing mailboxes, their missing ancestors, and (for the subscribed
  // selections) subscribed names that may not exist.
  std::set<std::string, decltype(&inbox_first)> names(&inbox_first);
  for (const auto& [name, m] : existing) names.insert(name);
  for (const std::string& a : has_children) names.insert(a);
  if (query.select_subscribed || query.lsub) {
    names.insert(subscribed.begin(), subscribed.end());
    names.insert(child_subscribed.begin(), child_subscribed.end());
  }

  std::vector<ListEntry> out;
  for (const std::string& name : names) {
    if (!matches(name)) continue;
    auto it = existing.find(name);
    const store::Mailbox* box = it == existing.end() ? nullptr : it->second;
    const bool is_subscribed = subscribed.count(name) != 0;
    ListEntry e{name, {}, box != nullptr, false};

    if (query.lsub) {
      // RFC 3501 6.3.9: subscribed names; a parent of subscribed names that is not itself
      // subscribed is returned with \Noselect when "%" stops at it.
      if (!is_subscribed) {
        if (child_subscribed.count(name) == 0 || patterns.empty()) continue;
        e.attributes.push_back("\\Noselect");
        out.push_back(std::move(e));
        continue;
      }
      if (box == nullptr) e.attributes.push_back("\\Noselect");
      out.push_back(std::move(e));
      continue;
    }
    if (query.select_subscribed) {
      if (!is_subscribed) {
        // RFC 5258 3.5: with RECURSIVEMATCH a parent of subscribed names is returned with
        // CHILDINFO, without \Subscribed.
        if (!query.recursive_match || child_subscribed.count(name) == 0) continue;
        e.child_subscribed = true;
      }
    } else if (box == nullptr && has_children.count(name) == 0) {
      continue;
    }
    if (query.select_special_use && (box == nullptr || box->special_use.empty())) continue;

    if (box == nullptr) {
      e.attributes.push_back(query.extended ? "\\NonExistent" : "\\Noselect");
    }
    e.attributes.push_back(has_children.count(name) ? "\\HasChildren" : "\\HasNoChildren");
    if (box != nullptr && !box->special_use.empty()) e.attributes.push_back(box->special_use);
    if (is_subscribed && (query.return_subscribed || query.select_subscribed)) {
      e.attributes.push_back("\\Subscribed");
    }
    if (query.recursive_match && query.select_subscribed && is_subscribed &&
        child_subscribed.count(name) != 0) {
      e.child_subscribed = true;
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace heron::server::imap
