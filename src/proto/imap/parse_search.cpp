// SEARCH (RFC 9051 6.4.4 and 9 search-key; RFC 4731 ESEARCH RETURN options; RFC 7162 MODSEQ).

#include "base/strings.hpp"
#include "proto/imap/datetime.hpp"
#include "proto/imap/parse_detail.hpp"

namespace heron::proto::imap::detail {
namespace {

using Kind = SearchKey::Kind;
constexpr int kMaxDepth = 32;
constexpr size_t kMaxKeys = 1000;

struct Simple {
  const char* word;
  Kind kind;
};
constexpr Simple kSimple[] = {
    {"ALL", Kind::all},
    {"ANSWERED", Kind::answered},
    {"DELETED", Kind::deleted},
    {"DRAFT", Kind::draft},
    {"FLAGGED", Kind::flagged},
    {"NEW", Kind::new_},
    {"OLD", Kind::old},
    {"RECENT", Kind::recent},
    {"SEEN", Kind::seen},
    {"UNANSWERED", Kind::unanswered},
    {"UNDELETED", Kind::undeleted},
    {"UNDRAFT", Kind::undraft},
    {"UNFLAGGED", Kind::unflagged},
    {"UNSEEN", Kind::unseen},
};
struct WithText {
  const char* word;
  Kind kind;
};
constexpr WithText kText[] = {
    {"BCC", Kind::bcc},         {"BODY", Kind::body}, {"CC", Kind::cc}, {"FROM", Kind::from},
    {"SUBJECT", Kind::subject}, {"TEXT", Kind::text}, {"TO", Kind::to}};
constexpr WithText kDate[] = {{"BEFORE", Kind::before}, {"ON", Kind::on},
                              {"SINCE", Kind::since},   {"SENTBEFORE", Kind::sentbefore},
                              {"SENTON", Kind::senton}, {"SENTSINCE", Kind::sentsince}};

class SearchParser {
 public:
  SearchParser(Cursor& c, Failure& error) : c_(c), error_(error) {}

  bool key(SearchKey& out, int depth) {
    if (depth > kMaxDepth) return fail("Search keys nested too deeply");
    if (++count_ > kMaxKeys) return fail("Too many search keys");
    if (c_.eat('(')) {
      out.kind = Kind::all_of;
      do {
        out.children.emplace_back();
        if (!key(out.children.back(), depth + 1)) return false;
      } while (c_.space());
      return c_.eat(')') || fail("Expected ) in search keys");
    }
    for (const Simple& s : kSimple) {
      if (c_.eat_word(s.word)) return out.kind = s.kind, true;
    }
    for (const WithText& t : kText) {
      if (c_.eat_word(t.word)) {
        out.kind = t.kind;
        return space() && text(out.text);
      }
    }
    for (const WithText& t : kDate) {
      if (c_.eat_word(t.word)) {
        out.kind = t.kind;
        return space() && date(out.date);
      }
    }
    if (c_.eat_word("HEADER")) {
      out.kind = Kind::header;
      return space() && text(out.field) && space() && text(out.text);
    }
    const bool keyword = c_.eat_word("KEYWORD");
    if (keyword || c_.eat_word("UNKEYWORD")) {
      out.kind = keyword ? Kind::keyword : Kind::unkeyword;
      if (!space()) return false;
      auto flag = c_.atom();
      if (!flag) return fail("Expected a keyword");
      out.text = std::move(*flag);
      return true;
    }
    const bool larger = c_.eat_word("LARGER");
    if (larger || c_.eat_word("SMALLER")) {
      out.kind = larger ? Kind::larger : Kind::smaller;
      if (!space()) return false;
      auto n = c_.number64();
      if (!n) return fail("Expected a size");
      out.number = *n;
      return true;
    }
    return rest(out, depth);
  }

 private:
  bool rest(SearchKey& out, int depth) {
    if (c_.eat_word("NOT")) {
      out.kind = Kind::not_;
      out.children.emplace_back();
      return space() && key(out.children.back(), depth + 1);
    }
    if (c_.eat_word("OR")) {
      out.kind = Kind::any_of;
      out.children.resize(2);
      return space() && key(out.children[0], depth + 1) && space() &&
             key(out.children[1], depth + 1);
    }
    if (c_.eat_word("UID")) {
      out.kind = Kind::uid;
      if (!space()) return false;
      auto set = sequence_set(c_);
      if (!set) return fail("Expected a UID set");
      out.set = std::move(*set);
      return true;
    }
    if (c_.eat_word("MODSEQ")) {
      // RFC 7162 3.1.5: MODSEQ [entry-name entry-type-req] mod-sequence-valzer
      out.kind = Kind::modseq;
      if (!space()) return false;
      if (c_.peek() == '"') {
        if (!text(out.field) || !space()) return fail("Expected a MODSEQ entry");
        auto type = c_.atom();
        if (!type || !space()) return fail("Expected a MODSEQ entry type");
      }
      auto n = c_.number64();
      if (!n) return fail("Expected a mod-sequence");
      out.number = *n;
      return true;
    }
    if (c_.peek() == '$' || c_.peek() == '*' || (c_.peek() >= '1' && c_.peek() <= '9')) {
      out.kind = Kind::sequence;
      auto set = sequence_set(c_);
      if (!set) return fail("Expected a sequence set");
      out.set = std::move(*set);
      return true;
    }
    return fail("Unknown search key");
  }

  bool space() { return c_.space() || fail("Expected a space"); }
  bool text(std::string& out) {
    auto s = c_.astring();
    if (!s) return fail("Expected a string");
    out = std::move(*s);
    return true;
  }
  bool date(int64_t& out) {
    std::optional<std::string> s = c_.peek() == '"' ? c_.string() : c_.atom();
    std::optional<int64_t> d = s ? parse_date(*s) : std::nullopt;
    if (!d) return fail("Expected a date like 1-Feb-2024");
    out = *d;
    return true;
  }
  bool fail(const char* message) {
    if (error_.message.empty()) error_.message = message;
    return false;
  }

  Cursor& c_;
  Failure& error_;
  size_t count_ = 0;
};

}  // namespace

bool search_program(Cursor& c, Command& out, Failure& error) {
  // RFC 4731 3: RETURN (MIN MAX ALL COUNT SAVE); an empty list means ALL.
  if (c.eat_word("RETURN")) {
    out.search_return = true;
    if (!c.space() || !c.eat('(')) return error.message = "Expected RETURN (...)", false;
    bool any = false;
    while (!c.eat(')')) {
      if (any && !c.space()) return error.message = "Expected ) after RETURN options", false;
      if (c.eat_word("MIN")) {
        out.return_min = true;
      } else if (c.eat_word("MAX")) {
        out.return_max = true;
      } else if (c.eat_word("ALL")) {
        out.return_all = true;
      } else if (c.eat_word("COUNT")) {
        out.return_count = true;
      } else if (c.eat_word("SAVE")) {
        out.return_save = true;
      } else {
        return error.message = "Unknown RETURN option", false;
      }
      any = true;
    }
    if (!any) out.return_all = true;
    if (!c.space()) return error.message = "Expected search keys", false;
  }
  if (c.eat_word("CHARSET")) {
    auto charset = c.space() ? c.astring() : std::nullopt;
    if (!charset) return error.message = "Expected a charset", false;
    if (!str::iequals(*charset, "UTF-8") && !str::iequals(*charset, "US-ASCII")) {
      error.message = "Unsupported charset " + *charset;
      error.bad_charset = true;
      return false;
    }
    if (!c.space()) return error.message = "Expected search keys", false;
  }
  SearchParser parser(c, error);
  out.search.kind = Kind::all_of;
  do {
    out.search.children.emplace_back();
    if (!parser.key(out.search.children.back(), 1)) return false;
  } while (c.space());
  return true;
}

}  // namespace heron::proto::imap::detail
