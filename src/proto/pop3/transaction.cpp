// The TRANSACTION-state commands of RFC 1939 5 and 7: STAT, LIST, UIDL, RETR, TOP, DELE,
// RSET. NOOP and QUIT are in the table in authorization.cpp.
#include "proto/pop3/machine.hpp"

namespace heron::pop3 {

std::optional<size_t> Machine::message_index(std::string_view arg) {
  auto n = parse_message_number(arg);
  if (!n) {
    reject("Invalid message number");
    return std::nullopt;
  }
  // RFC 1939 5: a message marked deleted is not to be referred to.
  if (*n > maildrop_.size() || deleted_[*n - 1]) {
    err("No such message");
    return std::nullopt;
  }
  return *n - 1;
}

std::pair<size_t, uint64_t> Machine::totals() const {
  size_t count = 0;
  uint64_t octets = 0;
  for (size_t i = 0; i < maildrop_.size(); ++i) {
    if (deleted_[i]) continue;
    ++count;
    octets += maildrop_[i].size;
  }
  return {count, octets};
}

Machine::Step Machine::on_stat() {
  // RFC 1939 5 STAT: "+OK nn mm", deleted messages not counted.
  const auto [count, octets] = totals();
  ok(std::to_string(count) + " " + std::to_string(octets));
  return std::nullopt;
}

// LIST and UIDL: one message with an argument, the scan listing without.
Machine::Step Machine::on_list(Command& cmd, bool uidl) {
  auto field = [&](size_t i) {
    return uidl ? maildrop_[i].uidl : std::to_string(maildrop_[i].size);
  };
  if (!cmd.args.empty()) {
    if (cmd.args.size() > 1) return reject("Too many arguments");
    auto i = message_index(cmd.args.front());
    if (!i) return state_ == State::closed ? Step(Event::close) : std::nullopt;
    ok(std::to_string(*i + 1) + " " + field(*i));
    return std::nullopt;
  }
  ok(uidl ? "Unique-ID listing follows" : "Scan listing follows");
  for (size_t i = 0; i < maildrop_.size(); ++i) {
    if (deleted_[i]) continue;
    out_ += std::to_string(i + 1);
    out_ += ' ';
    out_ += field(i);
    out_ += "\r\n";
  }
  out_ += ".\r\n";
  return std::nullopt;
}

Machine::Step Machine::on_retr(Command& cmd, bool top) {
  const size_t want = top ? 2 : 1;
  if (cmd.args.size() != want)
    return reject(top ? "TOP needs a message number and a line count"
                      : "RETR needs a message number");
  std::optional<uint64_t> lines;
  if (top) {
    lines = parse_line_count(cmd.args[1]);
    if (!lines) return reject("Invalid line count");
  }
  auto i = message_index(cmd.args.front());
  if (!i) return state_ == State::closed ? Step(Event::close) : std::nullopt;
  pending_index_ = *i;
  pending_top_ = lines;
  wait_ = Wait::retrieve;
  return Event::retrieve;
}

Machine::Step Machine::on_dele(Command& cmd) {
  if (cmd.args.size() != 1) return reject("DELE needs a message number");
  auto n = parse_message_number(cmd.args.front());
  if (!n) return reject("Invalid message number");
  if (*n > maildrop_.size()) {
    err("No such message");
    return std::nullopt;
  }
  if (deleted_[*n - 1]) {
    err("Message " + std::to_string(*n) + " already deleted");
    return std::nullopt;
  }
  deleted_[*n - 1] = true;
  ok("Message " + std::to_string(*n) + " deleted");
  return std::nullopt;
}

Machine::Step Machine::on_rset() {
  // RFC 1939 5 RSET: unmarks every message.
  deleted_.assign(maildrop_.size(), false);
  const auto [count, octets] = totals();
  ok("maildrop has " + std::to_string(count) + " messages (" + std::to_string(octets) + " octets)");
  return std::nullopt;
}

}  // namespace heron::pop3
