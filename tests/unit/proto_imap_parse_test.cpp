// The IMAP command parser (proto/imap/command.hpp): each command's arguments, and malformed
// input answered with the tag and a reason.

#include <gtest/gtest.h>

#include "proto/imap/command.hpp"

namespace heron::proto::imap {
namespace {

// A command from its wire text; "{n}" literals are split out as the reader would.
RawCommand raw(std::string text) {
  RawCommand r;
  size_t pos = 0;
  while (true) {
    const size_t open = text.find('{', pos);
    const size_t close = open == std::string::npos ? open : text.find("}\r\n", open);
    if (close == std::string::npos) {
      r.lines.push_back(text.substr(pos));
      return r;
    }
    size_t start = open;
    bool binary = start > 0 && text[start - 1] == '~';
    if (binary) --start;
    std::string digits = text.substr(open + 1, close - open - 1);
    if (!digits.empty() && (digits.back() == '+' || digits.back() == '-')) digits.pop_back();
    const size_t n = std::stoul(digits);
    r.lines.push_back(text.substr(pos, start - pos));
    r.literals.push_back(text.substr(close + 3, n));
    r.binary.push_back(binary);
    pos = close + 3 + n;
  }
}

Command ok(const std::string& text) {
  auto r = parse(raw(text));
  EXPECT_TRUE(r) << text << ": " << r.error.message;
  return r ? *r : Command{};
}

ParseError fails(const std::string& text) {
  auto r = parse(raw(text));
  EXPECT_FALSE(r) << text;
  return r.error;
}

TEST(ImapParse, TagsNamesAndUid) {
  Command c = ok("A1 noop");
  EXPECT_EQ(c.tag, "A1");
  EXPECT_EQ(c.name, "NOOP");
  c = ok("x uid fetch 1:* flags");
  EXPECT_TRUE(c.uid);
  EXPECT_EQ(c.name, "FETCH");
  EXPECT_EQ(fails("a FROB").tag, "a");
  EXPECT_EQ(fails("* NOOP").tag, "");
  EXPECT_EQ(fails("a UID SELECT x").message, "Unknown command UID SELECT");
  EXPECT_EQ(fails("a NOOP extra").message, "NOOP: unexpected text after the arguments");
  EXPECT_EQ(fails("a").message, "Missing command");
}

TEST(ImapParse, LoginAuthenticateEnableId) {
  Command c = ok("a LOGIN \"ann@x\" {6}\r\npa\"ss ");
  EXPECT_EQ(c.user, "ann@x");
  EXPECT_EQ(c.password, "pa\"ss ");
  c = ok("a LOGIN ann \"p\\\\w\\\"d\"");
  EXPECT_EQ(c.password, "p\\w\"d");
  c = ok("a AUTHENTICATE plain AGEAYg==");
  EXPECT_EQ(c.mechanism, "PLAIN");
  EXPECT_EQ(c.initial_response, "AGEAYg==");
  c = ok("a AUTHENTICATE PLAIN =");
  EXPECT_EQ(c.initial_response, "=");
  EXPECT_FALSE(ok("a AUTHENTICATE PLAIN").initial_response);
  c = ok("a ENABLE imap4rev2 UTF8=ACCEPT");
  EXPECT_EQ(c.capabilities, (std::vector<std::string>{"IMAP4REV2", "UTF8=ACCEPT"}));
  c = ok("a ID (\"name\" \"mutt\" \"os\" NIL)");
  ASSERT_EQ(c.id_params.size(), 2u);
  EXPECT_FALSE(c.id_params[1].second);
  EXPECT_TRUE(ok("a ID NIL").id_nil);
  fails("a LOGIN onlyuser");
  fails("a LOGIN \"unterminated");
}

TEST(ImapParse, MailboxCommands) {
  Command c = ok("a SELECT \"INBOX\" (CONDSTORE)");
  EXPECT_EQ(c.mailbox, "INBOX");
  EXPECT_TRUE(c.condstore);
  c = ok("a CREATE Archive/2026 (USE (\\Archive))");
  EXPECT_EQ(c.mailbox, "Archive/2026");
  EXPECT_EQ(c.special_use, "\\Archive");
  c = ok("a RENAME old {3}\r\nnew");
  EXPECT_EQ(c.new_name, "new");
  c = ok("a STATUS INBOX (MESSAGES unseen SIZE HIGHESTMODSEQ)");
  EXPECT_EQ(c.status_items,
            (std::vector<std::string>{"MESSAGES", "UNSEEN", "SIZE", "HIGHESTMODSEQ"}));
  EXPECT_EQ(fails("a STATUS INBOX (FOO)").message, "STATUS: Unknown STATUS item FOO");
  fails("a SELECT INBOX (QRESYNC)");
}

TEST(ImapParse, ListForms) {
  Command c = ok("a LIST \"\" *");
  EXPECT_EQ(c.reference, "");
  EXPECT_EQ(c.patterns, (std::vector<std::string>{"*"}));
  EXPECT_FALSE(c.list_extended);
  c = ok("a LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (\"INBOX\" Work/%) RETURN (CHILDREN "
         "SPECIAL-USE STATUS (MESSAGES UIDNEXT))");
  EXPECT_TRUE(c.list_extended);
  EXPECT_TRUE(c.select_subscribed);
  EXPECT_TRUE(c.select_recursive);
  EXPECT_EQ(c.patterns, (std::vector<std::string>{"INBOX", "Work/%"}));
  EXPECT_TRUE(c.return_children);
  EXPECT_TRUE(c.return_status);
  EXPECT_EQ(c.status_items, (std::vector<std::string>{"MESSAGES", "UIDNEXT"}));
  fails("a LIST (RECURSIVEMATCH) \"\" *");  // RFC 5258: needs another option
  c = ok("a LSUB \"\" %");
  EXPECT_EQ(c.patterns, (std::vector<std::string>{"%"}));
}

TEST(ImapParse, AppendOneAndMany) {
  Command c = ok("a APPEND Sent (\\Seen $sent) \" 5-Feb-2024 10:20:30 +0100\" {5}\r\nhello");
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].flags, (std::vector<std::string>{"\\Seen", "$sent"}));
  EXPECT_EQ(c.messages[0].internal_date, 1707124830);
  EXPECT_EQ(c.messages[0].body, "hello");
  c = ok("a APPEND INBOX {1}\r\nx ~{2}\r\nyz");
  ASSERT_EQ(c.messages.size(), 2u);
  EXPECT_FALSE(c.messages[0].binary);
  EXPECT_TRUE(c.messages[1].binary);
  EXPECT_EQ(fails("a APPEND INBOX notaliteral").message,
            "APPEND: Expected the message as a literal");
  fails("a APPEND INBOX (\\Recent) {1}\r\nx");
  fails("a APPEND INBOX \"31-Feb-2024 00:00:00 +0000\" {1}\r\nx");
}

TEST(ImapParse, FetchItems) {
  Command c = ok("a FETCH 1:3,5 (UID FLAGS BODY.PEEK[HEADER.FIELDS (From Subject)]<0.100> "
                 "BODY[1.2.MIME] BINARY.PEEK[2] BINARY.SIZE[2] RFC822.SIZE BODYSTRUCTURE)");
  ASSERT_EQ(c.fetch.size(), 8u);
  using K = FetchItem::Kind;
  EXPECT_EQ(c.fetch[2].kind, K::body_section);
  EXPECT_TRUE(c.fetch[2].peek);
  EXPECT_EQ(c.fetch[2].section.text, Section::Text::header_fields);
  EXPECT_EQ(c.fetch[2].section.fields, (std::vector<std::string>{"From", "Subject"}));
  EXPECT_EQ(c.fetch[2].section_text, "HEADER.FIELDS (From Subject)");
  EXPECT_EQ(c.fetch[2].partial, (Partial{0, 100}));
  EXPECT_EQ(c.fetch[3].section.part, (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(c.fetch[3].section.text, Section::Text::mime);
  EXPECT_EQ(c.fetch[3].section_text, "1.2.MIME");
  EXPECT_EQ(c.fetch[4].kind, K::binary);
  EXPECT_EQ(c.fetch[5].kind, K::binary_size);
  EXPECT_EQ(c.set.ranges.size(), 2u);
  EXPECT_EQ(ok("a FETCH * ALL").fetch.size(), 4u);
  EXPECT_EQ(ok("a FETCH 1 FULL").fetch.size(), 5u);
  EXPECT_EQ(ok("a FETCH 1 BODY[]").fetch[0].section_text, "");
  EXPECT_EQ(ok("a FETCH 1 (FLAGS) (CHANGEDSINCE 12345)").changed_since, 12345u);
  fails("a FETCH 0 FLAGS");
  fails("a FETCH 1 BODY[0]");
  fails("a FETCH 1 BODY[]<0.0>");
  fails("a FETCH 1 BINARY[TEXT]");
  fails("a FETCH 1 (FLAGS");
  fails("a FETCH 1 BODY[HEADER.FIELDS ()]");
}

TEST(ImapParse, StoreCopyExpunge) {
  Command c = ok("a STORE 1:* +FLAGS.SILENT (\\Deleted $Junk)");
  EXPECT_EQ(c.store_mode, StoreMode::add);
  EXPECT_TRUE(c.silent);
  EXPECT_EQ(c.flags, (std::vector<std::string>{"\\Deleted", "$Junk"}));
  c = ok("a STORE 2 (UNCHANGEDSINCE 7) -FLAGS \\Seen");
  EXPECT_TRUE(c.has_unchanged_since);
  EXPECT_EQ(c.unchanged_since, 7u);
  EXPECT_EQ(c.store_mode, StoreMode::remove);
  fails("a STORE 1 FLAGS (\\Recent)");
  fails("a STORE 1 FLAGS (\\Bogus)");
  fails("a STORE 1 XFLAGS (\\Seen)");
  c = ok("a UID MOVE 4:7 \"Archive\"");
  EXPECT_EQ(c.mailbox, "Archive");
  c = ok("a UID EXPUNGE 3,9");
  EXPECT_EQ(c.set.ranges.size(), 2u);
  fails("a EXPUNGE 3");
  EXPECT_TRUE(ok("a COPY $ Trash").set.saved);
}

TEST(ImapParse, SearchKeys) {
  Command c = ok("a SEARCH CHARSET UTF-8 OR (FROM bob SUBJECT {4}\r\ncaf\xc3) NOT SEEN 2:* "
                 "SENTSINCE 1-Feb-2024 HEADER X-Spam yes UID 5:9 LARGER 100 KEYWORD $Work");
  const SearchKey& root = c.search;
  using K = SearchKey::Kind;
  ASSERT_EQ(root.kind, K::all_of);
  ASSERT_EQ(root.children.size(), 7u);
  EXPECT_EQ(root.children[0].kind, K::any_of);
  EXPECT_EQ(root.children[0].children[0].kind, K::all_of);
  EXPECT_EQ(root.children[0].children[0].children[1].text, "caf\xc3");
  EXPECT_EQ(root.children[0].children[1].kind, K::not_);
  EXPECT_EQ(root.children[1].kind, K::sequence);
  EXPECT_EQ(root.children[2].kind, K::sentsince);
  EXPECT_EQ(root.children[2].date, 1706745600);
  EXPECT_EQ(root.children[3].field, "X-Spam");
  EXPECT_EQ(root.children[4].kind, K::uid);
  EXPECT_EQ(root.children[5].number, 100u);
  EXPECT_EQ(root.children[6].text, "$Work");
  c = ok("a SEARCH RETURN (MIN COUNT) UNSEEN");
  EXPECT_TRUE(c.search_return && c.return_min && c.return_count && !c.return_all);
  EXPECT_TRUE(ok("a SEARCH RETURN () ALL").return_all);
  EXPECT_TRUE(fails("a SEARCH CHARSET KOI8-R ALL").bad_charset);
  fails("a SEARCH BEFORE 32-Jan-2024");
  fails("a SEARCH FROB");
  fails("a SEARCH OR SEEN");
  std::string deep = "a SEARCH ";
  for (int i = 0; i < 40; ++i) deep += "NOT ";
  fails(deep + "SEEN");
}

}  // namespace
}  // namespace heron::proto::imap
