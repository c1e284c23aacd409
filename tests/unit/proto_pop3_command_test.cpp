// POP3 command line parsing (RFC 1939 3) and argument numbers.

#include <gtest/gtest.h>

#include "proto/pop3/command.hpp"

namespace heron::pop3 {
namespace {

Command parsed(std::string_view line) {
  auto p = parse_command(line);
  EXPECT_TRUE(p.command) << line << ": " << p.error;
  return p.command.value_or(Command{});
}

std::string error_of(std::string_view line) {
  auto p = parse_command(line);
  EXPECT_FALSE(p.command) << line;
  return p.error;
}

TEST(Pop3Command, KeywordsAreCaseInsensitive) {
  EXPECT_EQ(parsed("stat").verb, Verb::stat);
  EXPECT_EQ(parsed("StAt").verb, Verb::stat);
  EXPECT_EQ(parsed("UIDL").verb, Verb::uidl);
  EXPECT_EQ(parsed("top 1 10").verb, Verb::top);
  EXPECT_EQ(parsed("capa").verb, Verb::capa);
  EXPECT_EQ(parsed("stls").verb, Verb::stls);
  EXPECT_EQ(parsed("utf8").verb, Verb::utf8);
  EXPECT_EQ(parsed("auth PLAIN").verb, Verb::auth);
}

TEST(Pop3Command, Arguments) {
  auto c = parsed("TOP 3 0");
  ASSERT_EQ(c.args.size(), 2u);
  EXPECT_EQ(c.args[0], "3");
  EXPECT_EQ(c.args[1], "0");
  EXPECT_EQ(parsed("LIST").args.size(), 0u);
  EXPECT_EQ(parsed("LIST  2 ").args, std::vector<std::string>{"2"});  // runs of spaces
  EXPECT_EQ(parsed("USER bob@example.test").args, std::vector<std::string>{"bob@example.test"});
}

TEST(Pop3Command, PassKeepsSpaces) {
  auto c = parsed("PASS  two words ");
  ASSERT_EQ(c.args.size(), 1u);
  EXPECT_EQ(c.args[0], " two words ");
  EXPECT_TRUE(parsed("PASS").args.empty());
}

TEST(Pop3Command, Errors) {
  EXPECT_EQ(error_of(""), "Empty command");
  EXPECT_EQ(error_of(" STAT"), "Empty command");
  EXPECT_EQ(error_of("XTND"), "Unknown command");
  EXPECT_EQ(error_of("STATS"), "Unknown command");
  EXPECT_EQ(error_of("STAT 1"), "Too many arguments");
  EXPECT_EQ(error_of("RETR 1 2"), "Too many arguments");
  EXPECT_EQ(error_of("TOP 1 2 3"), "Too many arguments");
  EXPECT_EQ(error_of(std::string("USER a\0b", 8)), "Invalid characters in command");
  EXPECT_EQ(error_of("USER a\rb"), "Invalid characters in command");
}

TEST(Pop3Command, MessageNumbers) {
  EXPECT_EQ(parse_message_number("1"), 1u);
  EXPECT_EQ(parse_message_number("4294967295"), 4294967295u);
  EXPECT_FALSE(parse_message_number("0"));
  EXPECT_FALSE(parse_message_number("4294967296"));
  EXPECT_FALSE(parse_message_number("-1"));
  EXPECT_FALSE(parse_message_number("+1"));
  EXPECT_FALSE(parse_message_number("1a"));
  EXPECT_FALSE(parse_message_number(""));
  EXPECT_FALSE(parse_message_number("99999999999999999999999"));
}

TEST(Pop3Command, LineCounts) {
  EXPECT_EQ(parse_line_count("0"), 0u);
  EXPECT_EQ(parse_line_count("10"), 10u);
  EXPECT_EQ(parse_line_count("99999999999999999999999"), 4294967295u);  // clamped
  EXPECT_FALSE(parse_line_count("-1"));
  EXPECT_FALSE(parse_line_count("x"));
  EXPECT_FALSE(parse_line_count(""));
}

}  // namespace
}  // namespace heron::pop3
