#pragma once
// POP3 command line parsing (RFC 1939 3, RFC 2449 3).
//
// parse_command() turns one line (without its CRLF) into a Command, or the text of the
// "-ERR" explaining why not. Keywords are case-insensitive; arguments are separated by
// spaces (runs of spaces are tolerated). PASS takes the rest of the line as one argument,
// spaces included (RFC 1939 7: "a POP3 server may treat spaces in the argument as part of the
// password"). It checks syntax only; the session machine checks state and policy.
// Input: untrusted. Thread: any. Failure: the error text, never an exception.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heron::pop3 {

enum class Verb {
  user,
  pass,
  apop,
  stat,
  list,
  retr,
  dele,
  noop,
  rset,
  quit,
  top,
  uidl,  // RFC 1939
  capa,  // RFC 2449
  auth,  // RFC 5034
  stls,  // RFC 2595
  utf8,  // RFC 6856
};

// RFC 1939 3: arguments "may be up to 40 characters long"; user names are whole addresses
// today, and an AUTH initial response may be longer, so the limit is the line's.
inline constexpr size_t kMaxArgs = 2;

struct Command {
  Verb verb = Verb::noop;
  std::vector<std::string> args;  // PASS: one argument, the rest of the line as sent
};

struct ParsedCommand {
  std::optional<Command> command;
  std::string error;  // the "-ERR" text when !command
};

ParsedCommand parse_command(std::string_view line);

// RFC 1939 5: a message-number (1-based, decimal digits only, no sign); nullopt otherwise.
std::optional<uint32_t> parse_message_number(std::string_view arg);
// TOP's line count: a non-negative decimal number (RFC 1939 7); nullopt otherwise. Values past
// 2^32 are clamped, as no message has that many lines.
std::optional<uint64_t> parse_line_count(std::string_view arg);

std::string_view verb_name(Verb verb);

}  // namespace heron::pop3
