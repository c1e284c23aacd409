#pragma once
// Small ASCII string helpers shared by every protocol. Mail protocols are case-insensitive
// only over ASCII, so none of these look at locale. Input: any bytes. Thread: any.

#include <string>
#include <string_view>
#include <vector>

namespace heron::str {

char ascii_lower(char c);
std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
std::string_view trim(std::string_view s);
std::vector<std::string_view> split(std::string_view s, char sep);
// True if every byte is 7-bit ASCII.
bool is_ascii(std::string_view s);
// Checks that s is well-formed UTF-8 (no overlongs, no surrogates).
bool is_valid_utf8(std::string_view s);
// Appends s with '"', '\\', CR, LF and TAB backslash-escaped and other control bytes as
// \u00XX: the body of a JSON string and of a TOML basic string alike. Other bytes verbatim.
void append_escaped(std::string& out, std::string_view s);

}  // namespace heron::str
