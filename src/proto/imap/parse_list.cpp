// LIST and LSUB (RFC 9051 6.3.9, RFC 5258 LIST-EXTENDED, RFC 6154 SPECIAL-USE, RFC 5819
// LIST-STATUS), STATUS items (RFC 9051 6.3.11, RFC 8438 SIZE, RFC 7162 HIGHESTMODSEQ), and
// APPEND (RFC 9051 6.3.12, RFC 3502 MULTIAPPEND, RFC 3516 literal8).

#include <algorithm>

#include "base/strings.hpp"
#include "proto/imap/datetime.hpp"
#include "proto/imap/parse_detail.hpp"

namespace heron::proto::imap::detail {
namespace {

bool select_options(Cursor& c, Command& out, Failure& error) {
  if (!c.eat('(')) return true;
  out.list_extended = true;
  bool first = true;
  while (!c.eat(')')) {
    if (!first && !c.space()) return error.message = "Expected ) after selection options", false;
    first = false;
    if (c.eat_word("SUBSCRIBED")) {
      out.select_subscribed = true;
    } else if (c.eat_word("REMOTE")) {
      out.select_remote = true;
    } else if (c.eat_word("RECURSIVEMATCH")) {
      out.select_recursive = true;
    } else if (c.eat_word("SPECIAL-USE")) {
      out.select_special_use = true;
    } else {
      return error.message = "Unknown LIST selection option", false;
    }
  }
  if (!c.space()) return error.message = "Expected a space", false;
  // RFC 5258 3: RECURSIVEMATCH alone is an error; it must modify another option.
  if (out.select_recursive && !out.select_subscribed && !out.select_special_use) {
    return error.message = "RECURSIVEMATCH needs another selection option", false;
  }
  return true;
}

bool return_options(Cursor& c, Command& out, Failure& error) {
  if (!c.eat('(')) return error.message = "Expected RETURN (...)", false;
  out.list_extended = true;
  bool first = true;
  while (!c.eat(')')) {
    if (!first && !c.space()) return error.message = "Expected ) after RETURN options", false;
    first = false;
    if (c.eat_word("SUBSCRIBED")) {
      out.return_subscribed = true;
    } else if (c.eat_word("CHILDREN")) {
      out.return_children = true;
    } else if (c.eat_word("SPECIAL-USE")) {
      out.return_special_use = true;
    } else if (c.eat_word("STATUS")) {
      out.return_status = true;
      if (!c.space() || !status_items(c, out.status_items, error)) {
        if (error.message.empty()) error.message = "Expected STATUS (...)";
        return false;
      }
    } else {
      return error.message = "Unknown LIST return option", false;
    }
  }
  return true;
}

}  // namespace

bool status_items(Cursor& c, std::vector<std::string>& out, Failure& error) {
  static constexpr const char* kItems[] = {"MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN",
                                           "DELETED",  "SIZE",    "RECENT",      "HIGHESTMODSEQ"};
  if (!c.eat('(')) return error.message = "Expected ( before STATUS items", false;
  do {
    auto item = c.atom();
    if (!item) return error.message = "Expected a STATUS item", false;
    auto known = std::find_if(std::begin(kItems), std::end(kItems),
                              [&](const char* k) { return str::iequals(*item, k); });
    if (known == std::end(kItems)) return error.message = "Unknown STATUS item " + *item, false;
    out.emplace_back(*known);
  } while (c.space());
  if (!c.eat(')')) return error.message = "Expected ) after STATUS items", false;
  return true;
}

bool list_args(Cursor& c, Command& out, Failure& error) {
  if (out.name == "LIST" && !select_options(c, out, error)) return false;
  auto reference = c.astring();
  if (!reference || !c.space()) return error.message = "Expected a reference name", false;
  out.reference = std::move(*reference);
  if (out.name == "LIST" && c.eat('(')) {
    out.list_extended = true;
    do {
      auto p = c.list_mailbox();
      if (!p) return error.message = "Expected a mailbox pattern", false;
      out.patterns.push_back(std::move(*p));
      if (out.patterns.size() > 100) return error.message = "Too many patterns", false;
    } while (c.space());
    if (!c.eat(')')) return error.message = "Expected ) after patterns", false;
  } else {
    auto p = c.list_mailbox();
    if (!p) return error.message = "Expected a mailbox pattern", false;
    out.patterns.push_back(std::move(*p));
  }
  if (out.name == "LIST" && c.space()) {
    if (!c.eat_word("RETURN") || !c.space()) return error.message = "Expected RETURN", false;
    return return_options(c, out, error);
  }
  return true;
}

bool append_args(Cursor& c, Command& out, Failure& error) {
  auto mailbox = c.astring();
  if (!mailbox) return error.message = "Expected a mailbox name", false;
  out.mailbox = std::move(*mailbox);
  // One or more: SP [flag-list SP] [date-time SP] literal (RFC 3502).
  while (c.space()) {
    AppendMessage m;
    if (c.peek() == '(') {
      if (!flag_list(c, m.flags, true, error)) return false;
      if (!c.space()) return error.message = "Expected a space after the flags", false;
    }
    if (c.peek() == '"') {
      auto text = c.string();
      auto date = text ? parse_date_time(*text) : std::nullopt;
      if (!date) return error.message = "Invalid date-time", false;
      m.internal_date = *date;
      if (!c.space()) return error.message = "Expected a space after the date", false;
    }
    // RFC 3516 4.4: "APPEND ... ~{n}" is written literal8 by the reader.
    if (!c.at_literal()) return error.message = "Expected the message as a literal", false;
    m.binary = c.literal_is_binary();
    auto body = c.string();
    if (!body) return error.message = "Expected the message as a literal", false;
    m.body = std::move(*body);
    out.messages.push_back(std::move(m));
  }
  if (out.messages.empty()) return error.message = "Expected a message", false;
  return true;
}

}  // namespace heron::proto::imap::detail
