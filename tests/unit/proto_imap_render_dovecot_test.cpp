// BODYSTRUCTURE, BODY and ENVELOPE compared with what Dovecot 2.3.19 (Debian 12) answers for the
// same messages. The answers were recorded by tools/dovecot-compare/record.sh into
// tests/data/mime/dovecot/; each names its message (tests/data/mime/, or tests/data/shared/ for
// copies of ../shared/testdata/). Strings are compared decoded (quoted or literal) and lowercased:
// Heron lowercases types and parameter names, and prefers escaped quoted strings where Dovecot
// sends literals. Where Heron differs on purpose, kKnown says which items and why; the test checks
// that those items really still differ, so the list cannot go stale.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "mime/structure.hpp"
#include "proto/imap/message_render.hpp"

namespace heron::proto::imap {
namespace {

struct Known {
  std::string_view id;
  std::string_view items;  // items not compared, space-separated
  std::string_view why;
};

// clang-format off
constexpr Known kKnown[] = {
  // RFC 2046 5.1.1: the CRLF before a boundary is the boundary's. Dovecot counts it in a
  // message/rfc822 part whose encapsulated message has no empty line after its header.
  {"local__rfc822_header_only", "BODYSTRUCTURE BODY", "CRLF before boundary (rfc822)"},
  {"shared__stalwart-mail-parser__rfc__008", "BODYSTRUCTURE BODY", "CRLF before boundary (rfc822)"},
  {"shared__stalwart-mail-parser__malformed__022", "BODYSTRUCTURE BODY", "CRLF before boundary (rfc822)"},
  {"shared__stalwart-mail-parser__thirdparty__007", "BODYSTRUCTURE BODY", "CRLF before boundary (rfc822)"},
  {"shared__stalwart-mail-parser__thirdparty__015", "BODYSTRUCTURE BODY", "CRLF before boundary (rfc822)"},
  // Same, and Dovecot lists plain parameters before RFC 2231 ones; Heron keeps header order.
  {"local__encodings", "BODYSTRUCTURE BODY", "CRLF before boundary (rfc822), parameter order"},
  // Repeated Date/Subject: Heron takes the first field, Dovecot the last.
  {"local__repeated_fields", "ENVELOPE", "first of repeated fields"},
  {"shared__stalwart-mail-parser__malformed__019", "ENVELOPE", "first of repeated fields"},
  // Boundaries longer than RFC 2046's 70 characters: Heron picks the longest matching one,
  // Dovecot compares only a prefix, so nested boundaries collide.
  {"shared__stalwart-mail-parser__malformed__016", "BODYSTRUCTURE BODY", "long boundaries"},
  // RFC 2045 5.2: an invalid Content-Type means text/plain; Dovecot shows ("" "").
  {"shared__stalwart-mail-parser__malformed__017", "BODYSTRUCTURE BODY", "invalid Content-Type"},
  {"shared__cpython-test_email__msg_14", "BODYSTRUCTURE BODY", "invalid Content-Type"},
  // A multipart without a boundary parameter is text/plain (as Cyrus); Dovecot shows a
  // multipart holding one empty text/plain part.
  {"local__multipart_no_boundary", "BODYSTRUCTURE BODY", "multipart without boundary"},
  {"shared__cpython-test_email__msg_25", "BODYSTRUCTURE BODY", "multipart without boundary"},
  {"shared__cpython-test_email__msg_41", "BODYSTRUCTURE BODY", "multipart without boundary"},
  // RFC 5322 2.2.3 unfolding removes only CRLF; Dovecot also turns the fold's TAB into a space.
  {"shared__cpython-test_email__msg_27", "ENVELOPE", "TAB kept when unfolding"},
  // RFC 2231: plain pieces joined to an extended value are percent-encoded (Dovecot: as is).
  {"shared__cpython-test_email__msg_29", "BODYSTRUCTURE BODY", "RFC 2231 escaping"},
  // "charset*" is the charset: Heron adds no default charset=us-ascii next to it.
  {"shared__cpython-test_email__msg_32", "BODYSTRUCTURE BODY", "charset* present"},
  {"shared__cpython-test_email__msg_33", "BODYSTRUCTURE BODY", "charset* present"},
  // Address lists: Heron skips a bad address and goes on, Dovecot stops; obs-local-part
  // "john . doe" is john.doe (Dovecot garbles it).
  {"local__addresses_junk", "ENVELOPE", "address recovery"},
  {"local__addresses_obsolete", "ENVELOPE", "obsolete address syntax"},
};
// clang-format on

struct Token {
  enum Kind { open, close, string, atom } kind;
  std::string text;
  bool operator==(const Token&) const = default;
};

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return s;
}

std::vector<Token> tokenize(std::string_view d) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < d.size()) {
    const char c = d[i];
    if (c == ' ' || c == '\r' || c == '\n') {
      ++i;
    } else if (c == '(' || c == ')') {
      out.push_back({c == '(' ? Token::open : Token::close, {}});
      ++i;
    } else if (c == '"') {
      std::string s;
      for (++i; i < d.size() && d[i] != '"'; ++i) {
        if (d[i] == '\\') ++i;
        if (i < d.size()) s += d[i];
      }
      ++i;
      out.push_back({Token::string, lower(s)});
    } else if (c == '{' || c == '~') {
      if (c == '~') ++i;
      const size_t close = d.find('}', i);
      const size_t n = std::stoul(std::string(d.substr(i + 1, close - i - 1)));
      const size_t start = close + 3;  // "}\r\n"
      out.push_back({Token::string, lower(std::string(d.substr(start, n)))});
      i = start + n;
    } else {
      const size_t start = i;
      while (i < d.size() && d[i] != ' ' && d[i] != '(' && d[i] != ')' && d[i] != '\r') ++i;
      out.push_back({Token::atom, std::string(d.substr(start, i - start))});
    }
  }
  return out;
}

// "* 1 FETCH (NAME value NAME value ...)" -> {NAME: tokens of value}
std::map<std::string, std::vector<Token>> fetch_items(std::string_view response) {
  std::map<std::string, std::vector<Token>> items;
  const size_t start = response.find("FETCH (");
  if (start == std::string_view::npos) return items;
  const std::vector<Token> t = tokenize(response.substr(start + 7));
  size_t i = 0;
  while (i < t.size() && t[i].kind == Token::atom) {
    const std::string name = t[i++].text;
    const size_t begin = i;
    int depth = 0;
    do {
      if (t[i].kind == Token::open) ++depth;
      if (t[i].kind == Token::close) --depth;
      ++i;
    } while (depth > 0 && i < t.size());
    items[name] = std::vector<Token>(t.begin() + static_cast<std::ptrdiff_t>(begin),
                                     t.begin() + static_cast<std::ptrdiff_t>(i));
  }
  return items;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string to_crlf(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out += '\r';
    out += s[i];
  }
  return out;
}

const Known* known(std::string_view id) {
  for (const Known& k : kKnown) {
    if (k.id == id) return &k;
  }
  return nullptr;
}

TEST(RenderDovecot, SameAnswersAsDovecot) {
  const std::filesystem::path dir =
      std::filesystem::path(HERON_SOURCE_DIR) / "tests/data/mime/dovecot";
  size_t compared = 0;
  size_t known_seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string id = entry.path().stem().string();
    const std::string answer = read_file(entry.path());
    const std::string first_line = answer.substr(0, answer.find('\n'));
    std::string where = first_line.substr(std::string("message: ").size());
    std::filesystem::path message_path;
    if (where.starts_with("shared:")) {
      message_path = std::filesystem::path(HERON_TESTDATA_DIR) / where.substr(7);
    } else {
      message_path = std::filesystem::path(HERON_SOURCE_DIR) / where;
    }
    ASSERT_TRUE(std::filesystem::exists(message_path)) << message_path;
    const std::string message = to_crlf(read_file(message_path));
    const mime::Structure s = mime::parse_structure(message);
    const std::string ours = "* 1 FETCH (BODYSTRUCTURE " + body_structure(message, s, true) +
                             " BODY " + body_structure(message, s, false) + " ENVELOPE " +
                             envelope(message, s) + ")\r\n";
    auto theirs_items = fetch_items(answer);
    auto our_items = fetch_items(ours);
    const Known* k = known(id);
    if (k != nullptr) ++known_seen;
    for (const char* item : {"BODYSTRUCTURE", "BODY", "ENVELOPE"}) {
      ASSERT_TRUE(theirs_items.count(item)) << id << " has no " << item;
      const bool skipped =
          k != nullptr && (" " + std::string(k->items) + " ").find(" " + std::string(item) + " ") !=
                              std::string::npos;
      if (skipped) {
        EXPECT_NE(our_items[item], theirs_items[item])
            << id << ": " << item << " now matches Dovecot; remove it from kKnown";
      } else {
        EXPECT_EQ(our_items[item], theirs_items[item])
            << id << ": " << item << "\n heron:   " << ours << " dovecot: " << answer;
      }
    }
    ++compared;
  }
  EXPECT_GE(compared, 170u);
  EXPECT_EQ(known_seen, std::size(kKnown)) << "a kKnown entry names no recorded answer";
}

}  // namespace
}  // namespace heron::proto::imap
