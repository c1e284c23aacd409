#include "config/detail/diagnostics.hpp"

#include <algorithm>
#include <sstream>

#include "base/strings.hpp"

namespace heron::config::detail {
namespace {

constexpr size_t kMaxQuoted = 64;

}  // namespace

std::string quote_for_error(std::string_view text) {
  bool truncated = false;
  if (text.size() > kMaxQuoted) {
    size_t cut = kMaxQuoted;
    // Back up to a UTF-8 lead byte so the message stays valid UTF-8.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut);
    truncated = true;
  }
  std::string out = "\"";
  str::append_escaped(out, text);
  out += truncated ? "\"..." : "\"";
  return out;
}

std::string describe(const toml::node& node) {
  if (node.is_table()) return "a table";
  if (node.is_array()) return "an array";
  if (const auto* s = node.as_string()) return quote_for_error(s->get());
  std::ostringstream out;
  node.visit([&out](const auto& v) {
    if constexpr (toml::is_value<decltype(v)> && !toml::is_string<decltype(v)>) out << v;
  });
  return out.str();
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

void Diagnostics::add(const toml::source_position& where, std::string text) {
  entries_.push_back({where, std::move(text)});
}

void Diagnostics::expected(const toml::node& node, std::string_view path,
                           std::string_view expected) {
  add(node.source().begin,
      std::string(path) + ": expected " + std::string(expected) + ", got " + describe(node));
}

void Diagnostics::missing(const toml::source_position& where, std::string_view path,
                          std::string_view expected) {
  add(where, std::string(path) + ": expected " + std::string(expected) + ", got nothing");
}

void Diagnostics::unknown_key(const toml::source_position& where, std::string_view path,
                              std::string_view key, std::initializer_list<std::string_view> known) {
  std::string text = path.empty() ? "" : std::string(path) + ": ";
  // The key is quoted TOML-style, then shown in single quotes as users expect.
  std::string shown = quote_for_error(key);
  shown.front() = '\'';
  shown[shown.rfind('"')] = '\'';
  text += "unknown key " + shown;
  // Suggest only for short keys: a fuzzer's megabyte key would make this quadratic.
  if (key.size() <= 64) {
    std::string_view best;
    size_t best_distance = 3;  // at most two edits away
    for (std::string_view k : known) {
      const size_t d = edit_distance(key, k);
      if (d < best_distance && d < k.size()) {
        best = k;
        best_distance = d;
      }
    }
    if (!best.empty()) text += " (did you mean '" + std::string(best) + "'?)";
  }
  add(where, std::move(text));
}

std::string Diagnostics::message() const {
  std::vector<const Entry*> sorted;
  sorted.reserve(entries_.size());
  for (const auto& e : entries_) sorted.push_back(&e);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Entry* a, const Entry* b) {
    return a->where.line != b->where.line ? a->where.line < b->where.line
                                          : a->where.column < b->where.column;
  });
  std::string out;
  const size_t shown = std::min(sorted.size(), kMaxShown);
  for (size_t i = 0; i < shown; ++i) {
    if (i > 0) out += '\n';
    out += source_name_;
    if (sorted[i]->where.line > 0) {
      out += ':' + std::to_string(sorted[i]->where.line) + ':' +
             std::to_string(sorted[i]->where.column);
    }
    out += ": " + sorted[i]->text;
  }
  if (sorted.size() > shown) {
    out += '\n' + source_name_ + ": " + std::to_string(sorted.size() - shown) + " more errors";
  }
  return out;
}

}  // namespace heron::config::detail
