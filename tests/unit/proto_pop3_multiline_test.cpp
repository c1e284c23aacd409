// The POP3 multi-line message encoding: byte-stuffing, CRLF, TOP (RFC 1939 3 and 7).

#include <gtest/gtest.h>

#include "proto/pop3/multiline.hpp"

namespace heron::pop3 {
namespace {

std::string encoded(std::string_view message, std::optional<uint64_t> top = std::nullopt) {
  std::string out;
  append_message(out, message, top);
  return out;
}

TEST(Pop3Multiline, CrlfMessageGoesOutUnchanged) {
  const std::string m = "From: a@b\r\nSubject: x\r\n\r\nbody line\r\n\r\nlast\r\n";
  EXPECT_EQ(encoded(m), m);
}

TEST(Pop3Multiline, DotStuffing) {
  EXPECT_EQ(encoded("A: b\r\n\r\n.\r\n..x\r\n. y\r\nz.\r\n"),
            "A: b\r\n\r\n..\r\n...x\r\n.. y\r\nz.\r\n");
  EXPECT_EQ(encoded(".first\r\n"), "..first\r\n");
}

TEST(Pop3Multiline, BareLfBecomesCrlf) {
  EXPECT_EQ(encoded("A: b\n\nline\n.dot\n"), "A: b\r\n\r\nline\r\n..dot\r\n");
  EXPECT_EQ(encoded("mixed\r\nbare\nend\r\n"), "mixed\r\nbare\r\nend\r\n");
}

TEST(Pop3Multiline, LastLineGetsALineEnd) {
  EXPECT_EQ(encoded("A: b\r\n\r\nno end"), "A: b\r\n\r\nno end\r\n");
  EXPECT_EQ(encoded("A: b\r\n\r\nend with cr\r"), "A: b\r\n\r\nend with cr\r\n");
  EXPECT_EQ(encoded(""), "");
}

TEST(Pop3Multiline, BareCrInsideALineIsKept) {
  EXPECT_EQ(encoded("a\rb\r\n"), "a\rb\r\n");
}

TEST(Pop3Multiline, Top) {
  const std::string m = "A: 1\r\nB: 2\r\n\r\nl1\r\n.l2\r\nl3\r\n";
  EXPECT_EQ(encoded(m, 0), "A: 1\r\nB: 2\r\n\r\n");
  EXPECT_EQ(encoded(m, 2), "A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\n");
  EXPECT_EQ(encoded(m, 3), "A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\nl3\r\n");
  EXPECT_EQ(encoded(m, 100), "A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\nl3\r\n");
  // No blank line: the whole message is header.
  EXPECT_EQ(encoded("A: 1\r\nB: 2\r\n", 0), "A: 1\r\nB: 2\r\n");
  // An empty body line counts as a line.
  EXPECT_EQ(encoded("A: 1\n\n\nx\n", 1), "A: 1\r\n\r\n\r\n");
}

TEST(Pop3Multiline, AppendsToWhatIsThere) {
  std::string out = "+OK 3 octets\r\n";
  append_message(out, "x\r\n");
  EXPECT_EQ(out, "+OK 3 octets\r\nx\r\n");
}

}  // namespace
}  // namespace heron::pop3
