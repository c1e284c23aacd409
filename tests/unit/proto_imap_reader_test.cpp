// The IMAP command reader (proto/imap/reader.hpp): lines, literals of every kind, limits, and
// recovery after errors.

#include <gtest/gtest.h>

#include "proto/imap/reader.hpp"

namespace heron::proto::imap {
using namespace std::string_literals;
namespace {

using Item = Reader::Item;

Reader make(uint64_t max_line = 1000, uint64_t max_literal = 100) {
  Reader::Limits l;
  l.max_line = max_line;
  l.max_literal = max_literal;
  l.max_literals = 3;
  return Reader(l);
}

TEST(ImapReader, WholeLinesInAnyChunking) {
  const std::string input = "a1 NOOP\r\na2 CAPABILITY\r\n";
  for (size_t chunk = 1; chunk <= input.size(); ++chunk) {
    Reader r = make();
    std::vector<std::string> lines;
    for (size_t i = 0; i < input.size(); i += chunk) {
      r.feed(input.substr(i, chunk));
      for (Item it = r.next(); it.kind != Item::need_more; it = r.next()) {
        ASSERT_EQ(it.kind, Item::complete);
        ASSERT_EQ(it.command.lines.size(), 1u);
        lines.push_back(it.command.lines[0]);
      }
    }
    EXPECT_EQ(lines, (std::vector<std::string>{"a1 NOOP", "a2 CAPABILITY"})) << chunk;
  }
}

TEST(ImapReader, SynchronizingLiteralAsksForContinuation) {
  Reader r = make();
  r.feed("a LOGIN {3}\r\n");
  EXPECT_EQ(r.next().kind, Item::continuation);
  EXPECT_EQ(r.next().kind, Item::need_more);
  r.feed("b\0b {2+}\r\nxy\r\n"s);
  Item it = r.next();
  ASSERT_EQ(it.kind, Item::complete);
  EXPECT_EQ(it.command.lines, (std::vector<std::string>{"a LOGIN ", " ", ""}));
  EXPECT_EQ(it.command.literals, (std::vector<std::string>{"b\0b"s, "xy"}));
  EXPECT_EQ(it.command.binary, (std::vector<bool>{false, false}));
}

TEST(ImapReader, LiteralBytesAreNeverParsedAsLines) {
  Reader r = make();
  r.feed("a APPEND INBOX {10+}\r\nx\r\n. \r\nb C\r\n");
  Item it = r.next();
  ASSERT_EQ(it.kind, Item::complete);
  EXPECT_EQ(it.command.literals[0], "x\r\n. \r\nb C");
  EXPECT_EQ(it.command.lines[1], "");
}

TEST(ImapReader, Literal8) {
  Reader r = make();
  r.feed("a APPEND X ~{2+}\r\n\x00\x01 {1+}\r\nz\r\n"s);
  Item it = r.next();
  ASSERT_EQ(it.kind, Item::complete);
  EXPECT_EQ(it.command.binary, (std::vector<bool>{true, false}));
  EXPECT_EQ(it.command.literals[0], "\x00\x01"s);
  EXPECT_EQ(it.command.lines[0], "a APPEND X ");
}

TEST(ImapReader, TooBigSynchronizingLiteralIsRefusedAndTheStreamGoesOn) {
  Reader r = make();
  r.feed("a APPEND INBOX {101}\r\nb NOOP\r\n");
  Item it = r.next();
  ASSERT_EQ(it.kind, Item::error);
  EXPECT_EQ(it.tag, "a");
  EXPECT_TRUE(it.too_big);
  EXPECT_FALSE(it.fatal);
  it = r.next();
  ASSERT_EQ(it.kind, Item::complete);
  EXPECT_EQ(it.command.lines[0], "b NOOP");
}

TEST(ImapReader, TooBigNonSynchronizingLiteralIsFatal) {
  Reader r = make();
  r.feed("a APPEND INBOX {101+}\r\n");
  Item it = r.next();
  ASSERT_EQ(it.kind, Item::error);
  EXPECT_TRUE(it.fatal);
  EXPECT_TRUE(it.too_big);
  // "{n-}" is no literal (RFC 7888 has none): the line is a command as it stands.
  Reader m = make();
  m.feed("a LOGIN {5-}\r\n");
  it = m.next();
  ASSERT_EQ(it.kind, Item::complete);
  EXPECT_EQ(it.command.lines[0], "a LOGIN {5-}");
}

TEST(ImapReader, LongLineIsSkippedToItsEnd) {
  Reader r = make(20);
  r.feed("a1 SEARCH " + std::string(50, 'x'));
  Item it = r.next();
  ASSERT_EQ(it.kind, Item::error);
  EXPECT_EQ(it.tag, "a1");
  EXPECT_FALSE(it.fatal);
  r.feed(std::string(30, 'y') + "\r\na2 NOOP\r\n");
  it = r.next();
  ASSERT_EQ(it.kind, Item::complete);
  EXPECT_EQ(it.command.lines[0], "a2 NOOP");
}

TEST(ImapReader, TooManyLiterals) {
  Reader r = make();
  r.feed("a X {1+}\r\na {1+}\r\nb {1+}\r\nc {1+}\r\nd\r\n");
  Item it = r.next();
  ASSERT_EQ(it.kind, Item::error);
  EXPECT_TRUE(it.fatal);  // non-synchronizing: the bytes are already on their way
}

TEST(ImapReader, BlankLinesAreIgnoredAndBareLfEndsALine) {
  Reader r = make();
  r.feed("\r\n\na NOOP\n");
  Item it = r.next();
  ASSERT_EQ(it.kind, Item::complete);
  EXPECT_EQ(it.command.lines[0], "a NOOP");
}

TEST(ImapReader, NextLineForAuthenticateAndIdle) {
  Reader r = make(10);
  r.feed("DON");
  EXPECT_EQ(r.next_line().kind, Item::need_more);
  r.feed("E\r\nx {5}\r\n");
  Item it = r.next_line();
  ASSERT_EQ(it.kind, Item::line);
  EXPECT_EQ(it.text, "DONE");
  it = r.next_line();  // not parsed for literals
  ASSERT_EQ(it.kind, Item::line);
  EXPECT_EQ(it.text, "x {5}");
  r.feed(std::string(20, 'z'));
  EXPECT_EQ(r.next_line().kind, Item::error);
}

TEST(ImapReader, TagOf) {
  EXPECT_EQ(tag_of("a001 NOOP"), "a001");
  EXPECT_EQ(tag_of("a.b] LOGIN"), "a.b]");
  EXPECT_EQ(tag_of("+ x"), "");
  EXPECT_EQ(tag_of("a+b NOOP"), "");
  EXPECT_EQ(tag_of("* NOOP"), "");
  EXPECT_EQ(tag_of("solo"), "solo");
}

}  // namespace
}  // namespace heron::proto::imap
