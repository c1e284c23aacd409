#include "proto/pop3/command.hpp"

#include <array>
#include <utility>

#include "base/strings.hpp"

namespace heron::pop3 {
namespace {

struct VerbName {
  Verb verb;
  std::string_view name;
  size_t max_args;
};

constexpr std::array<VerbName, 16> kVerbs{{
    {Verb::user, "USER", 1},
    {Verb::pass, "PASS", 1},
    {Verb::apop, "APOP", 2},
    {Verb::stat, "STAT", 0},
    {Verb::list, "LIST", 1},
    {Verb::retr, "RETR", 1},
    {Verb::dele, "DELE", 1},
    {Verb::noop, "NOOP", 0},
    {Verb::rset, "RSET", 0},
    {Verb::quit, "QUIT", 0},
    {Verb::top, "TOP", 2},
    {Verb::uidl, "UIDL", 1},
    {Verb::capa, "CAPA", 0},
    {Verb::auth, "AUTH", 2},
    {Verb::stls, "STLS", 0},
    {Verb::utf8, "UTF8", 0},
}};

std::optional<uint64_t> parse_digits(std::string_view arg) {
  if (arg.empty() || arg.size() > 20) return std::nullopt;
  uint64_t v = 0;
  for (char c : arg) {
    if (c < '0' || c > '9') return std::nullopt;
    if (v > (UINT64_MAX - 9) / 10) return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

}  // namespace

std::string_view verb_name(Verb verb) {
  for (const auto& v : kVerbs) {
    if (v.verb == verb) return v.name;
  }
  return "?";
}

ParsedCommand parse_command(std::string_view line) {
  ParsedCommand out;
  for (char c : line) {
    // CR or LF inside a line, or NUL: never part of a command (RFC 1939 3: printable ASCII,
    // with UTF-8 allowed in arguments by RFC 6856).
    if (c == '\0' || c == '\r' || c == '\n') {
      out.error = "Invalid characters in command";
      return out;
    }
  }
  const size_t space = line.find(' ');
  const std::string_view keyword = line.substr(0, space);
  std::string_view rest =
      space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
  if (keyword.empty()) {
    out.error = "Empty command";
    return out;
  }
  const VerbName* found = nullptr;
  for (const auto& v : kVerbs) {
    if (str::iequals(keyword, v.name)) {
      found = &v;
      break;
    }
  }
  if (found == nullptr) {
    out.error = "Unknown command";
    return out;
  }
  Command cmd;
  cmd.verb = found->verb;
  if (cmd.verb == Verb::pass) {
    if (!rest.empty()) cmd.args.emplace_back(rest);  // verbatim, spaces included
  } else {
    for (std::string_view part : str::split(rest, ' ')) {
      if (part.empty()) continue;  // tolerate runs of spaces
      if (cmd.args.size() == found->max_args) {
        out.error = "Too many arguments";
        return out;
      }
      cmd.args.emplace_back(part);
    }
  }
  out.command = std::move(cmd);
  return out;
}

std::optional<uint32_t> parse_message_number(std::string_view arg) {
  auto v = parse_digits(arg);
  if (!v || *v == 0 || *v > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(*v);
}

std::optional<uint64_t> parse_line_count(std::string_view arg) {
  if (!arg.empty() && arg.size() <= 40 &&
      arg.find_first_not_of("0123456789") == std::string_view::npos && !parse_digits(arg)) {
    return UINT32_MAX;  // all digits but huge: every line
  }
  return parse_digits(arg);
}

}  // namespace heron::pop3
