// DKIM canonicalisation (RFC 6376 3.4) and header selection (5.4.2).

#include <gtest/gtest.h>

#include "mailauth/dkim/canon.hpp"

namespace heron::mailauth::dkim {
namespace {

// RFC 6376 3.4.5, the example message.
constexpr std::string_view kExample = "A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n";

TEST(DkimCanon, Rfc6376Example345) {
  const SplitMessage split = split_message(kExample);
  ASSERT_EQ(split.fields.size(), 2u);
  EXPECT_EQ(split.fields[0].name, "A");
  EXPECT_EQ(split.fields[1].name, "B");
  EXPECT_EQ(split.fields[1].raw, "B : Y\t\r\n\tZ  \r\n");
  EXPECT_EQ(canon_header(Canon::relaxed, split.fields[0].raw), "a:X\r\n");
  EXPECT_EQ(canon_header(Canon::relaxed, split.fields[1].raw), "b:Y Z\r\n");
  EXPECT_EQ(canon_body(Canon::relaxed, split.body), " C\r\nD E\r\n");
  EXPECT_EQ(canon_header(Canon::simple, split.fields[1].raw), "B : Y\t\r\n\tZ  \r\n");
  EXPECT_EQ(canon_body(Canon::simple, split.body), " C \r\nD \t E\r\n");
}

TEST(DkimCanon, EmptyBodyRules) {
  // RFC 6376 3.4.3: simple turns an empty body into one CRLF; 3.4.4: relaxed leaves it empty.
  EXPECT_EQ(canon_body(Canon::simple, ""), "\r\n");
  EXPECT_EQ(canon_body(Canon::relaxed, ""), "");
  EXPECT_EQ(canon_body(Canon::simple, "\r\n\r\n\r\n"), "\r\n");
  EXPECT_EQ(canon_body(Canon::relaxed, "\r\n\r\n\r\n"), "");
  // A body of blank-looking lines: simple keeps them, relaxed empties them.
  EXPECT_EQ(canon_body(Canon::simple, " \r\n\t\r\n"), " \r\n\t\r\n");
  EXPECT_EQ(canon_body(Canon::relaxed, " \r\n\t\r\n"), "");
}

TEST(DkimCanon, BodyWithoutFinalCrlfGetsOne) {
  EXPECT_EQ(canon_body(Canon::simple, "abc"), "abc\r\n");
  EXPECT_EQ(canon_body(Canon::relaxed, "abc \t"), "abc\r\n");
  EXPECT_EQ(canon_body(Canon::simple, "abc\r\n\r\nd"), "abc\r\n\r\nd\r\n");
}

TEST(DkimCanon, RelaxedBodyKeepsInnerEmptyLinesAndLeadingSpace) {
  EXPECT_EQ(canon_body(Canon::relaxed, "a\r\n\r\n  b  c\r\n\r\n"), "a\r\n\r\n b c\r\n");
}

TEST(DkimCanon, RelaxedHeaderTraps) {
  // Space before the colon, tabs, folding with only whitespace, empty value.
  EXPECT_EQ(canon_header(Canon::relaxed, "SUBJECT \t:\t Hello \r\n   World\t \r\n"),
            "subject:Hello World\r\n");
  EXPECT_EQ(canon_header(Canon::relaxed, "X-Empty:\r\n"), "x-empty:\r\n");
  EXPECT_EQ(canon_header(Canon::relaxed, "X-Empty: \r\n \r\n"), "x-empty:\r\n");
  EXPECT_EQ(canon_header(Canon::relaxed, "To: a@b.c,\r\n\tc@d.e\r\n"), "to:a@b.c, c@d.e\r\n");
}

TEST(DkimCanon, ToCrlf) {
  EXPECT_EQ(to_crlf("a\nb\r\nc\n"), "a\r\nb\r\nc\r\n");
  EXPECT_EQ(to_crlf("\n"), "\r\n");
}

TEST(DkimCanon, MessageWithoutBody) {
  const SplitMessage split = split_message("From: a@b\r\nTo: c@d\r\n");
  EXPECT_EQ(split.fields.size(), 2u);
  EXPECT_EQ(split.body, "");
}

TEST(DkimCanon, SelectHeadersBottomUpAndOversigned) {
  const SplitMessage split =
      split_message("Received: 1\r\nFrom: a\r\nReceived: 2\r\nTo: b\r\n\r\nbody");
  // RFC 6376 5.4.2: repeated names take instances from the bottom up; a name with no
  // instance left selects nothing (over-signing).
  const auto picked =
      select_headers(split.fields, {"received", "from", "RECEIVED", "received", "from", "cc"});
  ASSERT_EQ(picked.size(), 3u);
  EXPECT_EQ(picked[0]->raw, "Received: 2\r\n");
  EXPECT_EQ(picked[1]->raw, "From: a\r\n");
  EXPECT_EQ(picked[2]->raw, "Received: 1\r\n");
}

}  // namespace
}  // namespace heron::mailauth::dkim
