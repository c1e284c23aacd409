// The command parser's entry point and the commands with simple arguments. FETCH, SEARCH,
// LIST/STATUS and APPEND have files of their own.

#include <algorithm>

#include "base/strings.hpp"
#include "proto/imap/command.hpp"
#include "proto/imap/parse_detail.hpp"

namespace heron::proto::imap {

using detail::Cursor;
using detail::Failure;

namespace detail {

std::optional<SequenceSet> sequence_set(Cursor& c) {
  SequenceSet set;
  if (c.eat('$')) {
    set.saved = true;
    return set;
  }
  auto bound = [&]() -> std::optional<uint32_t> {
    if (c.eat('*')) return SequenceSet::kStar;
    return c.nz_number();
  };
  do {
    auto first = bound();
    if (!first) return std::nullopt;
    uint32_t last = *first;
    if (c.eat(':')) {
      auto b = bound();
      if (!b) return std::nullopt;
      last = *b;
    }
    set.ranges.push_back({*first, last});
    if (set.ranges.size() > 100000) return std::nullopt;
  } while (c.eat(','));
  return set;
}

bool flag_list(Cursor& c, std::vector<std::string>& out, bool no_recent, Failure& error) {
  if (!c.eat('(')) {
    error.message = "Expected a flag list";
    return false;
  }
  if (c.eat(')')) return true;
  do {
    auto f = c.flag();
    if (!f || *f == "\\*") {
      error.message = "Invalid flag";
      return false;
    }
    if (no_recent && str::iequals(*f, "\\Recent")) {
      error.message = "\\Recent cannot be set";
      return false;
    }
    if (f->front() == '\\') {
      static constexpr const char* kSystem[] = {"\\Seen",    "\\Answered", "\\Flagged",
                                                "\\Deleted", "\\Draft",    "\\Recent"};
      if (std::none_of(std::begin(kSystem), std::end(kSystem),
                       [&](const char* s) { return str::iequals(*f, s); })) {
        error.message = "Unknown system flag " + *f;
        return false;
      }
    }
    out.push_back(std::move(*f));
  } while (c.space());
  if (!c.eat(')')) {
    error.message = "Expected ) after flags";
    return false;
  }
  return true;
}

}  // namespace detail

namespace {

std::string upper(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

bool mailbox(Cursor& c, std::string& out, Failure& error) {
  auto m = c.astring();
  if (!m) {
    error.message = "Expected a mailbox name";
    return false;
  }
  out = std::move(*m);
  return true;
}

bool need_space(Cursor& c, Failure& error) {
  if (c.space()) return true;
  error.message = "Expected a space";
  return false;
}

bool login(Cursor& c, Command& out, Failure& error) {
  auto user = c.astring();
  if (!user) return error.message = "Expected user name", false;
  if (!c.space()) return error.message = "Expected a space after the user name", false;
  auto password = c.astring();
  if (!password) return error.message = "Expected password", false;
  out.user = std::move(*user);
  out.password = std::move(*password);
  return true;
}

bool authenticate(Cursor& c, Command& out, Failure& error) {
  auto mech = c.atom();
  if (!mech) return error.message = "Expected a SASL mechanism", false;
  out.mechanism = upper(std::move(*mech));
  if (c.space()) {
    // RFC 4959: initial-response = base64 / "="
    auto ir = c.astring_atom();
    if (!ir) return error.message = "Expected an initial response", false;
    out.initial_response = std::move(*ir);
  }
  return true;
}

bool enable(Cursor& c, Command& out, Failure& error) {
  do {
    auto cap = c.atom();
    if (!cap) return error.message = "Expected a capability name", false;
    out.capabilities.push_back(upper(std::move(*cap)));
  } while (c.space());
  return true;
}

bool id(Cursor& c, Command& out, Failure& error) {
  if (c.nil()) {
    out.id_nil = true;
    return true;
  }
  if (!c.eat('(')) return error.message = "Expected ( or NIL", false;
  if (c.eat(')')) return true;  // tolerated, though RFC 2971 wants NIL
  do {
    auto key = c.string();
    if (!key || !c.space()) return error.message = "Expected an ID field name", false;
    std::optional<std::string> value;
    if (!c.nil()) {
      value = c.string();
      if (!value) return error.message = "Expected an ID value or NIL", false;
    }
    out.id_params.emplace_back(std::move(*key), std::move(value));
    if (out.id_params.size() > 30) return error.message = "Too many ID fields", false;
  } while (c.space());
  if (!c.eat(')')) return error.message = "Expected )", false;
  return true;
}

bool select(Cursor& c, Command& out, Failure& error) {
  if (!mailbox(c, out.mailbox, error)) return false;
  if (c.space()) {
    // RFC 4466 select-params; CONDSTORE is the one Heron knows (RFC 7162 3.1.8).
    if (!c.eat('(')) return error.message = "Expected (", false;
    do {
      auto p = c.atom();
      if (!p) return error.message = "Expected a SELECT parameter", false;
      if (!str::iequals(*p, "CONDSTORE")) {
        error.message = "Unknown SELECT parameter " + *p;
        return false;
      }
      out.condstore = true;
    } while (c.space());
    if (!c.eat(')')) return error.message = "Expected )", false;
  }
  return true;
}

bool create(Cursor& c, Command& out, Failure& error) {
  if (!mailbox(c, out.mailbox, error)) return false;
  if (c.space()) {
    // RFC 6154 5.1: CREATE name (USE (\Sent))
    if (!c.eat('(') || !c.eat_word("USE") || !c.space() || !c.eat('(')) {
      return error.message = "Expected (USE (...))", false;
    }
    auto use = c.flag();
    if (!use || use->front() != '\\') return error.message = "Expected a special-use flag", false;
    out.special_use = std::move(*use);
    if (!c.eat(')') || !c.eat(')')) return error.message = "Only one special use is allowed", false;
  }
  return true;
}

bool store(Cursor& c, Command& out, Failure& error) {
  auto set = detail::sequence_set(c);
  if (!set || !c.space()) return error.message = "Expected a sequence set", false;
  out.set = std::move(*set);
  if (c.eat('(')) {
    // RFC 7162 3.1.3: (UNCHANGEDSINCE n)
    if (!c.eat_word("UNCHANGEDSINCE") || !c.space()) {
      return error.message = "Expected UNCHANGEDSINCE", false;
    }
    auto n = c.number64();
    if (!n || !c.eat(')') || !c.space()) return error.message = "Expected a mod-sequence", false;
    out.unchanged_since = *n;
    out.has_unchanged_since = true;
  }
  if (c.eat('+')) {
    out.store_mode = StoreMode::add;
  } else if (c.eat('-')) {
    out.store_mode = StoreMode::remove;
  }
  if (!c.eat_word("FLAGS")) {
    if (!c.eat_word("FLAGS.SILENT")) return error.message = "Expected FLAGS", false;
    out.silent = true;
  } else if (c.eat('.')) {
    if (!c.eat_word("SILENT")) return error.message = "Expected FLAGS.SILENT", false;
    out.silent = true;
  }
  if (!need_space(c, error)) return false;
  if (c.peek() == '(') return detail::flag_list(c, out.flags, true, error);
  // RFC 9051 9: store-att-flags also allows flags without parentheses.
  do {
    auto f = c.flag();
    if (!f) return error.message = "Expected a flag", false;
    out.flags.push_back(std::move(*f));
  } while (c.space());
  return true;
}

bool copy(Cursor& c, Command& out, Failure& error) {
  auto set = detail::sequence_set(c);
  if (!set || !c.space()) return error.message = "Expected a sequence set", false;
  out.set = std::move(*set);
  return mailbox(c, out.mailbox, error);
}

// Arguments of `name` (after the space that follows it, when it takes any).
bool arguments(Cursor& c, Command& out, Failure& error) {
  const std::string& n = out.name;
  auto no_args = [&] {
    return n == "CAPABILITY" || n == "NOOP" || n == "LOGOUT" || n == "STARTTLS" ||
           n == "NAMESPACE" || n == "CHECK" || n == "CLOSE" || n == "UNSELECT" || n == "IDLE" ||
           (n == "EXPUNGE" && !out.uid);
  };
  if (no_args()) return true;
  if (!need_space(c, error)) return false;
  if (n == "LOGIN") return login(c, out, error);
  if (n == "AUTHENTICATE") return authenticate(c, out, error);
  if (n == "ENABLE") return enable(c, out, error);
  if (n == "ID") return id(c, out, error);
  if (n == "SELECT" || n == "EXAMINE") return select(c, out, error);
  if (n == "CREATE") return create(c, out, error);
  if (n == "DELETE" || n == "SUBSCRIBE" || n == "UNSUBSCRIBE") {
    return mailbox(c, out.mailbox, error);
  }
  if (n == "RENAME") {
    return mailbox(c, out.mailbox, error) && need_space(c, error) &&
           mailbox(c, out.new_name, error);
  }
  if (n == "LIST" || n == "LSUB") return detail::list_args(c, out, error);
  if (n == "STATUS") {
    return mailbox(c, out.mailbox, error) && need_space(c, error) &&
           detail::status_items(c, out.status_items, error);
  }
  if (n == "APPEND") return detail::append_args(c, out, error);
  if (n == "EXPUNGE") {  // UID EXPUNGE set (RFC 4315 2.1)
    auto set = detail::sequence_set(c);
    if (!set) return error.message = "Expected a UID set", false;
    out.set = std::move(*set);
    return true;
  }
  if (n == "FETCH") {
    auto set = detail::sequence_set(c);
    if (!set || !c.space()) return error.message = "Expected a sequence set", false;
    out.set = std::move(*set);
    return detail::fetch_items(c, out, error);
  }
  if (n == "STORE") return store(c, out, error);
  if (n == "COPY" || n == "MOVE") return copy(c, out, error);
  if (n == "SEARCH") return detail::search_program(c, out, error);
  error.message = "Unknown command";
  return false;
}

bool known(const std::string& n, bool uid) {
  static constexpr const char* kAny[] = {
      "CAPABILITY", "NOOP",      "LOGOUT",      "STARTTLS", "AUTHENTICATE", "LOGIN",
      "ENABLE",     "ID",        "SELECT",      "EXAMINE",  "CREATE",       "DELETE",
      "RENAME",     "SUBSCRIBE", "UNSUBSCRIBE", "LIST",     "LSUB",         "NAMESPACE",
      "STATUS",     "APPEND",    "CHECK",       "CLOSE",    "UNSELECT",     "EXPUNGE",
      "SEARCH",     "FETCH",     "STORE",       "COPY",     "MOVE",         "IDLE"};
  static constexpr const char* kUid[] = {"FETCH", "STORE", "SEARCH", "COPY", "MOVE", "EXPUNGE"};
  if (uid)
    return std::any_of(std::begin(kUid), std::end(kUid), [&](const char* k) { return n == k; });
  return std::any_of(std::begin(kAny), std::end(kAny), [&](const char* k) { return n == k; });
}

}  // namespace

ParseResult parse(const RawCommand& raw) {
  ParseResult result;
  Cursor c(raw);
  std::string tag = raw.lines.empty() ? std::string() : tag_of(raw.lines.front());
  if (tag.empty()) {
    result.error.message = "Missing or invalid tag";
    return result;
  }
  result.error.tag = tag;
  c.astring_atom();  // the tag, already checked
  Command cmd;
  cmd.tag = std::move(tag);
  if (!c.space()) {
    result.error.message = "Missing command";
    return result;
  }
  auto name = c.atom();
  if (!name) {
    result.error.message = "Missing command";
    return result;
  }
  cmd.name = upper(std::move(*name));
  if (cmd.name == "UID") {
    cmd.uid = true;
    auto sub = c.space() ? c.atom() : std::nullopt;
    if (!sub) {
      result.error.message = "Expected a command after UID";
      return result;
    }
    cmd.name = upper(std::move(*sub));
  }
  if (!known(cmd.name, cmd.uid)) {
    result.error.message = "Unknown command " + (cmd.uid ? "UID " : std::string()) + cmd.name;
    return result;
  }
  Failure failure;
  if (!arguments(c, cmd, failure)) {
    result.error.message = cmd.name + ": " + failure.message;
    result.error.bad_charset = failure.bad_charset;
    return result;
  }
  if (!c.at_end()) {
    result.error.message = cmd.name + ": unexpected text after the arguments";
    return result;
  }
  result.command = std::move(cmd);
  return result;
}

}  // namespace heron::proto::imap
