// Fuzzes the SMTP command line parser and the path parser (proto/smtp/command.hpp, path.hpp).
// Input: one command line without its CRLF. Odd-sized inputs are parsed as if SMTPUTF8 had
// been declared. Checks only what must hold for any input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "proto/smtp/command.hpp"
#include "proto/smtp/path.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// A parsed mailbox written back with address() must parse to the same mailbox.
void check_round_trip(const heron::smtp::Path& p) {
  if (p.null || p.domain.empty()) return;
  const std::string text = "<" + p.address() + ">";
  if (text.size() > 256) return;  // requoting can make it longer than the limit
  heron::smtp::PathParse again = heron::smtp::parse_path(text, false, true);
  check(again.path.has_value());
  check(again.path->local == p.local);
  check(again.path->domain == p.domain);
  // A non-ASCII source route marks the original utf8 too, and is gone after address().
  check(!again.path->utf8 || p.utf8);
  check(again.rest.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const bool utf8 = (size % 2) == 1;

  heron::smtp::ParsedCommand parsed = heron::smtp::parse_command(in, utf8);
  if (parsed.command) {
    const heron::smtp::Command& cmd = *parsed.command;
    if (cmd.verb == heron::smtp::Verb::mail || cmd.verb == heron::smtp::Verb::rcpt) {
      check_round_trip(cmd.path);
      if (cmd.path.utf8 && cmd.verb == heron::smtp::Verb::rcpt) check(utf8);
      for (const heron::smtp::Param& p : cmd.params) check(!p.keyword.empty());
    }
    check(heron::smtp::parse_verb(in) == cmd.verb);
  } else {
    const int code = parsed.error.code;
    check(code == 500 || code == 501 || code == 553 || code == 555);
    const std::string wire = parsed.error.format();
    check(wire.size() >= 5 && wire.compare(wire.size() - 2, 2, "\r\n") == 0);
    check(wire.find('\r') == wire.size() - 2);  // one line, no stray CR
  }

  heron::smtp::PathParse pp = heron::smtp::parse_path(in, true, true, true);
  if (pp.path) {
    check(pp.error.empty());
    check(in.size() - pp.rest.size() <= 256);  // RFC 5321 4.5.3.1.3
    check_round_trip(*pp.path);
  } else {
    check(!pp.error.empty());
  }
  return 0;
}
