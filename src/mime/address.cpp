#include "mime/address.hpp"

#include "mime/lex.hpp"

namespace heron::mime {
namespace {

// The words before an address's "<", "@", ":" or end: a display name, or a local part.
struct Phrase {
  std::string display;  // words joined by one space where the source separated them
  std::string local;    // the same words joined with nothing between them (obs-local-part)
  int words = 0;        // atoms and quoted strings
  bool quoted = false;  // some word was a quoted string
  bool dotted = false;  // some "." stood between words
  std::string comment;  // the last comment seen
};

Phrase read_phrase(lex::Cursor& cur) {
  Phrase p;
  bool first = true;
  while (true) {
    const size_t before = cur.pos();
    cur.skip_cfws(&p.comment);
    const bool separated = cur.pos() != before;
    std::string word;
    const char c = cur.peek();
    if (c == '"') {
      word = cur.quoted_string();
      p.quoted = true;
      ++p.words;
    } else if (c == '.') {
      cur.advance();
      word = ".";
      p.dotted = true;
    } else {
      const std::string_view a = cur.atom();
      if (a.empty()) return p;
      word = std::string(a);
      ++p.words;
    }
    if (separated && !first && word != ".") p.display += ' ';
    p.display += word;
    p.local += word;
    first = false;
  }
}

// RFC 5322 3.4.1 domain: dot-atom, domain-literal, or obs-domain (CFWS around the dots).
std::string read_domain(lex::Cursor& cur, std::string* comment) {
  std::string out;
  cur.skip_cfws(comment);
  if (cur.peek() == '[') {
    while (!cur.done()) {
      const char c = cur.peek();
      cur.advance();
      if (c == '\\' && !cur.done()) {
        out += cur.peek();
        cur.advance();
        continue;
      }
      if (c == '\r' || c == '\n') continue;
      out += c;
      if (c == ']') break;
    }
    cur.skip_cfws(comment);
    return out;
  }
  while (true) {
    const std::string_view a = cur.atom();
    if (a.empty()) break;
    out += a;
    cur.skip_cfws(comment);
    if (cur.peek() != '.') break;
    cur.advance();
    out += '.';
    cur.skip_cfws(comment);
  }
  return out;
}

// Skips what cannot be read, up to the next "," or ";" outside quotes and comments.
void skip_junk(lex::Cursor& cur) {
  while (!cur.done()) {
    const char c = cur.peek();
    if (c == ',' || c == ';') return;
    if (c == '"') {
      cur.quoted_string();
    } else if (c == '(') {
      cur.skip_cfws();
    } else {
      cur.advance();
    }
  }
}

// "<" [route ":"] addr-spec ">", the cursor on "<".
void read_angle(lex::Cursor& cur, Address* a, std::string* comment) {
  cur.advance();
  cur.skip_cfws(comment);
  // RFC 5322 4.4 obs-route: "@a,@b:" (empty list elements allowed).
  if (cur.peek() == '@' || cur.peek() == ',') {
    const size_t start = cur.pos();
    std::string route;
    while (cur.peek() == '@' || cur.peek() == ',') {
      if (cur.peek() == ',') {
        cur.advance();
        cur.skip_cfws(comment);
        continue;
      }
      cur.advance();
      const std::string d = read_domain(cur, comment);
      if (!route.empty()) route += ',';
      route += '@';
      route += d;
    }
    if (cur.peek() == ':') {
      cur.advance();
      a->route = route;
    } else {
      cur.seek(start);  // "<@host>": not a route after all
    }
  }
  cur.skip_cfws(comment);
  const Phrase local = read_phrase(cur);
  a->mailbox = local.local;
  if (local.comment.size() > 0) *comment = local.comment;
  if (cur.peek() == '@') {
    cur.advance();
    a->host = read_domain(cur, comment);
  }
  cur.skip_cfws(comment);
  // Junk before ">" is dropped; a missing ">" ends at the next "," or ";".
  while (!cur.done() && cur.peek() != '>' && cur.peek() != ',' && cur.peek() != ';') {
    if (cur.peek() == '"') {
      cur.quoted_string();
    } else {
      cur.advance();
    }
  }
  if (cur.peek() == '>') cur.advance();
}

}  // namespace

std::vector<Address> parse_address_list(std::string_view value) {
  std::vector<Address> out;
  lex::Cursor cur(value);
  bool in_group = false;
  while (true) {
    cur.skip_cfws();
    if (cur.done()) break;
    const char c = cur.peek();
    if (c == ',') {
      cur.advance();
      continue;
    }
    if (c == ';') {
      cur.advance();
      if (in_group) out.push_back({Address::Kind::group_end, {}, {}, {}, {}});
      in_group = false;
      continue;
    }
    const size_t start = cur.pos();
    Phrase phrase = read_phrase(cur);
    std::string comment = phrase.comment;
    const char next = cur.peek();
    Address a;
    if (next == ':' && !in_group) {
      cur.advance();
      out.push_back({Address::Kind::group_start, phrase.display, {}, {}, {}});
      in_group = true;
      continue;
    }
    if (next == '<') {
      a.name = phrase.display;
      read_angle(cur, &a, &comment);
      cur.skip_cfws(&comment);
    } else if (next == '@' && phrase.words > 0) {
      a.mailbox = phrase.local;
      cur.advance();
      a.host = read_domain(cur, &comment);
    } else if (phrase.words > 0) {
      // No address: one bare word is a mailbox, anything else a name (as Dovecot reads them).
      if (phrase.words == 1 && !phrase.quoted) {
        a.mailbox = phrase.local;
      } else {
        a.name = phrase.display;
      }
    } else {
      // Nothing readable here ("@", ">", ...): keep an empty address for "<>" or "@b".
      if (next == '@') {
        cur.advance();
        a.host = read_domain(cur, &comment);
        out.push_back(std::move(a));
      }
      skip_junk(cur);
      if (cur.pos() == start) cur.advance();
      continue;
    }
    if (a.name.empty() && !comment.empty()) a.name = comment;
    out.push_back(std::move(a));
    cur.skip_cfws();
    if (!cur.done() && cur.peek() != ',' && cur.peek() != ';') skip_junk(cur);
  }
  if (in_group) out.push_back({Address::Kind::group_end, {}, {}, {}, {}});
  return out;
}

}  // namespace heron::mime
