#include "proto/smtp/command.hpp"

#include <array>
#include <charconv>
#include <utility>

#include "base/strings.hpp"
#include "proto/smtp/dsn_params.hpp"

namespace heron::smtp {
namespace {

struct VerbName {
  std::string_view name;
  Verb verb;
};

constexpr std::array<VerbName, 14> kVerbs{{
    {"EHLO", Verb::ehlo},
    {"HELO", Verb::helo},
    {"MAIL", Verb::mail},
    {"RCPT", Verb::rcpt},
    {"DATA", Verb::data},
    {"BDAT", Verb::bdat},
    {"RSET", Verb::rset},
    {"NOOP", Verb::noop},
    {"QUIT", Verb::quit},
    {"HELP", Verb::help},
    {"VRFY", Verb::vrfy},
    {"EXPN", Verb::expn},
    {"STARTTLS", Verb::starttls},
    {"AUTH", Verb::auth},
}};

Reply syntax(std::string text) {
  return Reply{501, "5.5.4", std::move(text)};
}

ParsedCommand error(Reply reply) {
  ParsedCommand p;
  p.error = std::move(reply);
  return p;
}

ParsedCommand ok(Command cmd) {
  ParsedCommand p;
  p.command = std::move(cmd);
  return p;
}

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool parse_u64(std::string_view s, uint64_t& out) {
  if (!is_digits(s) || s.size() > 20) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool has_control(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 32 || c == 127) return true;
  }
  return false;
}

// RFC 5321 4.1.2: esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-").
bool is_keyword(std::string_view k) {
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (k.empty() || !alnum(k.front())) return false;
  for (char c : k) {
    if (!alnum(c) && c != '-') return false;
  }
  return true;
}

// RFC 5321 4.1.2: esmtp-value = 1*(%d33-60 / %d62-126), plus UTF-8 per RFC 6531 3.3.
bool is_value(std::string_view v) {
  if (v.empty()) return false;
  for (unsigned char c : v) {
    if (c < 33 || c == '=' || c == 127) return false;
  }
  return true;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return out;
}

// RFC 5321 4.1.2 Mail-parameters = esmtp-param *(SP esmtp-param). Extra spaces are tolerated.
bool parse_params(std::string_view rest, std::vector<Param>& out, Reply& err) {
  if (!rest.empty() && rest.front() != ' ') {
    err = syntax("Syntax: expected a space after the address");
    return false;
  }
  for (std::string_view item : str::split(rest, ' ')) {
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    if (!is_keyword(key)) {
      err = syntax("Syntax: bad parameter keyword");
      return false;
    }
    Param p;
    p.keyword = upper(key);
    if (eq != std::string_view::npos) {
      const std::string_view value = item.substr(eq + 1);
      if (!is_value(value)) {
        err = syntax("Syntax: bad parameter value");
        return false;
      }
      p.value = std::string(value);
    }
    if (find_param(out, p.keyword) != nullptr) {
      err = syntax("Syntax: duplicate parameter " + p.keyword);
      return false;
    }
    out.push_back(std::move(p));
  }
  return true;
}

// MAIL FROM parameters we implement: RFC 1870 SIZE, RFC 6152/3030 BODY, RFC 6531 SMTPUTF8,
// RFC 3461 RET/ENVID, and RFC 4954 5 AUTH (accepted and ignored: we never relay it).
bool check_mail_params(const std::vector<Param>& params, Reply& err) {
  for (const Param& p : params) {
    if (p.keyword == "SIZE") {
      uint64_t n = 0;
      if (!parse_u64(p.value, n)) {
        err = syntax("Syntax: SIZE=<octets>");
        return false;
      }
    } else if (p.keyword == "BODY") {
      if (!str::iequals(p.value, "7BIT") && !str::iequals(p.value, "8BITMIME") &&
          !str::iequals(p.value, "BINARYMIME")) {
        err = syntax("Syntax: BODY=7BIT|8BITMIME|BINARYMIME");
        return false;
      }
    } else if (p.keyword == "SMTPUTF8") {
      if (!p.value.empty()) {
        err = syntax("Syntax: SMTPUTF8 takes no value");
        return false;
      }
    } else if (p.keyword == "RET") {
      if (!str::iequals(p.value, "FULL") && !str::iequals(p.value, "HDRS")) {
        err = syntax("Syntax: RET=FULL|HDRS");
        return false;
      }
    } else if (p.keyword == "ENVID") {
      if (p.value.empty() || p.value.size() > 100 || !parse_envid(p.value)) {  // RFC 3461 4.4
        err = syntax("Syntax: ENVID=<xtext>");
        return false;
      }
    } else if (p.keyword == "AUTH") {
      // RFC 4954 5: AUTH=<> or AUTH=xtext(mailbox). A value that is not xtext is a 501.
      if (p.value.empty() || !xtext_decode(p.value)) {
        err = syntax("Syntax: AUTH=<mailbox>");
        return false;
      }
    } else {
      // RFC 5321 4.1.1.11: a parameter we do not implement.
      err = Reply{555, "5.5.4", "Unsupported parameter " + p.keyword};
      return false;
    }
  }
  return true;
}

// RCPT TO parameters: RFC 3461 4.1 NOTIFY and 4.2 ORCPT.
bool check_rcpt_params(const std::vector<Param>& params, Reply& err) {
  for (const Param& p : params) {
    if (p.keyword == "NOTIFY") {
      if (!parse_notify(p.value)) {
        err = syntax("Syntax: NOTIFY=NEVER or NOTIFY=SUCCESS,FAILURE,DELAY");
        return false;
      }
    } else if (p.keyword == "ORCPT") {
      if (!parse_orcpt(p.value)) {
        err = syntax("Syntax: ORCPT=<addr-type>;<xtext>");
        return false;
      }
    } else {
      err = Reply{555, "5.5.4", "Unsupported parameter " + p.keyword};
      return false;
    }
  }
  return true;
}

// "FROM:" / "TO:" then the path; a space after the colon is tolerated (common clients send
// one), but nothing inside the path.
ParsedCommand parse_mail_rcpt(Verb verb, std::string_view args, bool smtputf8) {
  const bool mail = verb == Verb::mail;
  const std::string_view prefix = mail ? "FROM:" : "TO:";
  if (!str::istarts_with(args, prefix)) {
    return error(syntax(mail ? "Syntax: MAIL FROM:<address>" : "Syntax: RCPT TO:<address>"));
  }
  args.remove_prefix(prefix.size());
  while (!args.empty() && args.front() == ' ') args.remove_prefix(1);

  // Non-ASCII is parsed here and judged below, so the reply can say 553 5.6.7 rather than
  // a generic syntax error.
  PathParse pp = parse_path(args, mail, true, !mail);
  if (!pp.path) return error(syntax("Syntax: " + pp.error));

  Command cmd;
  cmd.verb = verb;
  cmd.path = std::move(*pp.path);
  Reply err;
  if (!parse_params(pp.rest, cmd.params, err)) return error(std::move(err));
  if (mail) {
    if (!check_mail_params(cmd.params, err)) return error(std::move(err));
  } else if (!check_rcpt_params(cmd.params, err)) {
    return error(std::move(err));
  }
  // RFC 6531 3.4: a non-ASCII path needs SMTPUTF8 on this transaction's MAIL FROM.
  const bool utf8_ok = smtputf8 || (mail && find_param(cmd.params, "SMTPUTF8") != nullptr);
  if (cmd.path.utf8 && !utf8_ok) {
    return error(Reply{553, "5.6.7", "Non-ASCII address needs SMTPUTF8"});
  }
  return ok(std::move(cmd));
}

// RFC 3030 2: "BDAT" SP chunk-size [ SP end-marker ], end-marker = "LAST".
ParsedCommand parse_bdat(std::string_view args) {
  const size_t sp = args.find(' ');
  Command cmd;
  cmd.verb = Verb::bdat;
  if (!parse_u64(args.substr(0, sp), cmd.chunk_size)) {
    return error(syntax("Syntax: BDAT <size> [LAST]"));
  }
  if (sp != std::string_view::npos) {
    if (!str::iequals(str::trim(args.substr(sp + 1)), "LAST")) {
      return error(syntax("Syntax: BDAT <size> [LAST]"));
    }
    cmd.last = true;
  }
  return ok(std::move(cmd));
}

}  // namespace

std::optional<Verb> parse_verb(std::string_view line) {
  const std::string_view word = line.substr(0, line.find(' '));
  for (const VerbName& v : kVerbs) {
    if (str::iequals(word, v.name)) return v.verb;
  }
  return std::nullopt;
}

const Param* find_param(const std::vector<Param>& params, std::string_view keyword) {
  for (const Param& p : params) {
    if (str::iequals(p.keyword, keyword)) return &p;
  }
  return nullptr;
}

ParsedCommand parse_command(std::string_view line, bool smtputf8) {
  const std::optional<Verb> verb = parse_verb(line);
  if (!verb) return error(Reply{500, "5.5.1", "Command unrecognized"});
  const size_t sp = line.find(' ');
  // Commands end with CRLF; trailing blanks are tolerated, they carry nothing.
  const std::string_view raw =
      sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
  const std::string_view args = str::trim(raw);

  Command cmd;
  cmd.verb = *verb;
  switch (*verb) {
    case Verb::helo:
    case Verb::ehlo:
      // RFC 5321 4.1.1.1. The argument ends up in Received:, so no control characters and
      // no broken UTF-8; beyond that it is informational and not checked as a domain.
      if (args.empty() || has_control(args) || !str::is_valid_utf8(args)) {
        return error(
            syntax(*verb == Verb::ehlo ? "Syntax: EHLO hostname" : "Syntax: HELO hostname"));
      }
      cmd.arg = std::string(args);
      return ok(std::move(cmd));
    case Verb::mail:
    case Verb::rcpt:
      return parse_mail_rcpt(*verb, args, smtputf8);
    case Verb::bdat:
      return parse_bdat(args);
    case Verb::data:
    case Verb::rset:
    case Verb::quit:
    case Verb::starttls:
      // RFC 5321 4.1.1.4/4.1.1.5/4.1.1.10, RFC 3207 4: no arguments.
      if (!args.empty()) return error(syntax("Syntax: no parameters allowed"));
      return ok(std::move(cmd));
    case Verb::vrfy:
    case Verb::expn:
      if (args.empty()) return error(syntax("Syntax: argument required"));
      cmd.arg = std::string(args);
      return ok(std::move(cmd));
    case Verb::noop:
    case Verb::help:
    case Verb::auth:
      cmd.arg = std::string(args);
      return ok(std::move(cmd));
  }
  return error(Reply{500, "5.5.1", "Command unrecognized"});
}

}  // namespace heron::smtp
