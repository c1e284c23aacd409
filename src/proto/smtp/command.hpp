#pragma once
// SMTP command line parsing (RFC 5321 4.1, with ESMTP parameters of RFC 1869/5321 4.1.2).
//
// parse_command() turns one line (without its CRLF) into a Command, or a Reply explaining
// the syntax error (500/501/504/555). It checks syntax only; the session machine checks
// sequence and policy. Input: untrusted. Thread: any. Failure: the Reply, never an exception.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/smtp/path.hpp"
#include "proto/smtp/reply.hpp"

namespace heron::smtp {

enum class Verb { helo, ehlo, mail, rcpt, data, bdat, rset, noop, quit, help, vrfy, expn,
                  starttls, auth };

struct Param {
  std::string keyword;  // uppercase
  std::string value;  // empty when the keyword had no "=value"
};

struct Command {
  Verb verb = Verb::noop;
  std::string arg;  // HELO/EHLO domain, VRFY/EXPN/HELP/NOOP/AUTH text, as given
  Path path;  // MAIL, RCPT
  std::vector<Param> params;  // MAIL, RCPT
  uint64_t chunk_size = 0;  // BDAT
  bool last = false;  // BDAT ... LAST
};

struct ParsedCommand {
  std::optional<Command> command;
  Reply error;  // meaningful when !command
};

// smtputf8 tells whether non-ASCII is allowed in a MAIL FROM/RCPT TO path; MAIL FROM
// permits it itself when it carries the SMTPUTF8 parameter.
ParsedCommand parse_command(std::string_view line, bool smtputf8 = false);

// The verb that starts line (case-insensitive), or nullopt when it is none of ours. The
// session uses it to know which command a malformed line was (a BDAT it cannot size).
std::optional<Verb> parse_verb(std::string_view line);

// Looks a parameter up by keyword (case-insensitive); nullptr when absent.
const Param* find_param(const std::vector<Param>& params, std::string_view keyword);

}  // namespace heron::smtp
