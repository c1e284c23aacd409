#pragma once
// Collects config errors with their source positions and words them the one way
// (docs/config.md, "Errors"):
//
//   <source>:<line>:<column>: <key.path>: expected <what>, got <what>
//
// Everything quoted back from the file is escaped and shortened, so a hostile or binary file
// cannot put control characters or megabytes into a log line. Private to src/config.
// Thread: owned by one parse() call.

#include <toml++/toml.h>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace heron::config::detail {

// A string value as the error shows it: in double quotes, escaped, at most about 64 bytes.
std::string quote_for_error(std::string_view text);

// What "got ..." says about a node: the value for scalars, "a table" or "an array" otherwise.
std::string describe(const toml::node& node);

// Plain Levenshtein distance; used to suggest the key a typo meant.
size_t edit_distance(std::string_view a, std::string_view b);

class Diagnostics {
 public:
  explicit Diagnostics(std::string_view source_name) : source_name_(source_name) {}

  // A message that already names its key (or is toml++'s own description).
  void add(const toml::source_position& where, std::string text);
  // "<path>: expected <expected>, got <describe(node)>" at the node.
  void expected(const toml::node& node, std::string_view path, std::string_view expected);
  // "<path>: expected <expected>, got nothing" at where (the enclosing table, usually).
  void missing(const toml::source_position& where, std::string_view path,
               std::string_view expected);
  // "[<path>: ]unknown key '<key>'[ (did you mean '<known>'?)]".
  void unknown_key(const toml::source_position& where, std::string_view path, std::string_view key,
                   std::initializer_list<std::string_view> known);

  bool empty() const { return entries_.empty(); }
  // One line per error in file order, "source:line:column: text"; at most kMaxShown lines
  // plus a count of the rest.
  std::string message() const;

  static constexpr size_t kMaxShown = 10;

 private:
  struct Entry {
    toml::source_position where;
    std::string text;
  };
  std::string source_name_;
  std::vector<Entry> entries_;
};

}  // namespace heron::config::detail
