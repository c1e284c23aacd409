#include <gtest/gtest.h>

#include "mime/structure.hpp"

namespace heron::mime {
namespace {

// The header and body bytes of part i.
std::string header_of(const Structure& s, std::string_view m, uint32_t i) {
  return std::string(s[i].header(m));
}
std::string body_of(const Structure& s, std::string_view m, uint32_t i) {
  return std::string(s[i].body(m));
}

// Invariants every tree must keep, whatever the input.
void check_tree(const Structure& s, std::string_view m) {
  ASSERT_FALSE(s.parts.empty());
  for (uint32_t i = 0; i < s.parts.size(); ++i) {
    const Part& p = s[i];
    EXPECT_LE(p.header_begin, p.body_begin);
    EXPECT_LE(p.body_begin, p.body_end);
    EXPECT_LE(p.body_end, m.size());
    const uint32_t min_children = p.kind == PartKind::leaf ? 0 : 1;
    const uint32_t max_children = p.kind == PartKind::multipart ? UINT32_MAX : min_children;
    EXPECT_GE(p.child_count, min_children);
    EXPECT_LE(p.child_count, max_children);
    for (uint32_t c = p.first_child; c != Part::none; c = s[c].next_sibling) {
      EXPECT_EQ(s[c].parent, i);
      EXPECT_GT(c, i);
      EXPECT_GE(s[c].header_begin, p.body_begin);
      EXPECT_LE(s[c].body_end, p.body_end);
    }
  }
}

TEST(MimeStructure, SinglePartMessage) {
  const std::string m = "Subject: x\r\nFrom: a@b\r\n\r\nline1\r\nline2\r\n";
  const Structure s = parse_structure(m);
  check_tree(s, m);
  ASSERT_EQ(s.parts.size(), 1u);
  EXPECT_EQ(header_of(s, m, 0), "Subject: x\r\nFrom: a@b\r\n\r\n");  // empty line included
  EXPECT_EQ(body_of(s, m, 0), "line1\r\nline2\r\n");
  EXPECT_EQ(s[0].lines, 2u);
  EXPECT_EQ(s[0].kind, PartKind::leaf);
}

TEST(MimeStructure, BodyWithoutFinalLineBreak) {
  const std::string m = "Subject: x\r\n\r\nline1\r\nline2";
  const Structure s = parse_structure(m);
  EXPECT_EQ(body_of(s, m, 0), "line1\r\nline2");
  EXPECT_EQ(s[0].body_size(), 12u);
  EXPECT_EQ(s[0].lines, 1u);  // LF bytes, as Dovecot counts
}

TEST(MimeStructure, HeaderOnlyAndEmptyMessages) {
  for (const std::string m : {"Subject: x\r\n", "Subject: x", "", "\r\n", "Subject: x\r\n\r\n"}) {
    const Structure s = parse_structure(m);
    check_tree(s, m);
    ASSERT_EQ(s.parts.size(), 1u) << m;
    EXPECT_EQ(s[0].body_size(), 0u) << m;
    EXPECT_EQ(s[0].header_size(), m.size()) << m;
  }
}

TEST(MimeStructure, LfOnlyInput) {
  const std::string m =
      "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/html\n\n<p>\n--b\n\n"
      "two\n--b--\n";
  const Structure s = parse_structure(m);
  check_tree(s, m);
  ASSERT_EQ(s.parts.size(), 3u);
  EXPECT_EQ(header_of(s, m, 0), "Content-Type: multipart/mixed; boundary=b\n\n");
  EXPECT_EQ(header_of(s, m, 1), "Content-Type: text/html\n\n");
  EXPECT_EQ(body_of(s, m, 1), "<p>");  // the LF before the boundary is the boundary's
  EXPECT_EQ(body_of(s, m, 2), "two");
}

TEST(MimeStructure, MultipartPreambleEpilogueAndPadding) {
  const std::string m =
      "Content-Type: multipart/mixed; boundary=\"XyZ\"\r\n\r\n"
      "preamble\r\n"
      "--XyZ  \t\r\n"  // transport padding
      "Content-Type: text/plain\r\n\r\n"
      "first\r\n\r\n"  // the body keeps its own empty line
      "--XyZ\r\n"
      "\r\n"
      "second\r\n"
      "--XyZ--\r\n"
      "epilogue\r\n";
  const Structure s = parse_structure(m);
  check_tree(s, m);
  ASSERT_EQ(s.parts.size(), 3u);
  EXPECT_EQ(s[0].kind, PartKind::multipart);
  EXPECT_EQ(s[0].child_count, 2u);
  EXPECT_EQ(body_of(s, m, 0), m.substr(m.find("preamble")));  // all of it, epilogue included
  EXPECT_EQ(header_of(s, m, 1), "Content-Type: text/plain\r\n\r\n");
  EXPECT_EQ(body_of(s, m, 1), "first\r\n");
  EXPECT_EQ(s[1].lines, 1u);
  EXPECT_EQ(header_of(s, m, 2), "\r\n");
  EXPECT_EQ(body_of(s, m, 2), "second");
  EXPECT_EQ(s.child(0, 2), 2u);
  EXPECT_EQ(s.child(0, 3), Part::none);
}

TEST(MimeStructure, BoundaryLinesMatchByPrefix) {
  // RFC 2046 5.1.1 forbids boundaries that are prefixes of body lines, so a line that starts
  // with the boundary is one; what follows it (or "--") is ignored.
  const std::string m =
      "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\na\r\n--xyz\r\n\r\nb\r\n"
      "--x garbage\r\n\r\nc\r\n--x--junk\r\nepi\r\n";
  const Structure s = parse_structure(m);
  ASSERT_EQ(s[0].child_count, 3u);
  EXPECT_EQ(body_of(s, m, 1), "a");
  EXPECT_EQ(body_of(s, m, 2), "b");
  EXPECT_EQ(body_of(s, m, 3), "c");
}

TEST(MimeStructure, OuterBoundaryEndsInnerMultipart) {
  const std::string m =
      "Content-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\n"
      "Content-Type: multipart/alternative; boundary=inner\r\n\r\n--inner\r\n\r\ni1\r\n"
      "--inner\r\n\r\ni2\r\n--outer\r\n\r\no2\r\n--outer--\r\n";
  const Structure s = parse_structure(m);
  check_tree(s, m);
  ASSERT_EQ(s[0].child_count, 2u);
  const uint32_t alt = s.child(0, 1);
  EXPECT_EQ(s[alt].kind, PartKind::multipart);
  ASSERT_EQ(s[alt].child_count, 2u);
  EXPECT_EQ(body_of(s, m, s.child(alt, 2)), "i2");
  EXPECT_EQ(body_of(s, m, s.child(0, 2)), "o2");
}

TEST(MimeStructure, LongestBoundaryWinsThenInnermost) {
  // Inner "ab", outer "abc": "--abc" is the outer one (as Dovecot decides).
  const std::string m =
      "Content-Type: multipart/mixed; boundary=abc\r\n\r\n--abc\r\n"
      "Content-Type: multipart/alternative; boundary=ab\r\n\r\n--ab\r\n\r\ni1\r\n--abc\r\n\r\n"
      "o2\r\n--abc--\r\n";
  const Structure s = parse_structure(m);
  ASSERT_EQ(s[0].child_count, 2u);
  EXPECT_EQ(s[s.child(0, 1)].child_count, 1u);
  // The same boundary nested: the innermost multipart takes the line.
  const std::string same =
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b\r\n\r\ny\r\n--b--\r\n";
  const Structure t = parse_structure(same);
  check_tree(t, same);
  ASSERT_EQ(t[0].child_count, 1u);
  EXPECT_EQ(t[t.child(0, 1)].child_count, 2u);
}

TEST(MimeStructure, MissingCloseDelimiter) {
  const std::string m = "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nabc\r\n";
  const Structure s = parse_structure(m);
  ASSERT_EQ(s[0].child_count, 1u);
  EXPECT_EQ(body_of(s, m, 1), "abc\r\n");  // no boundary follows: the line break stays
}

TEST(MimeStructure, PartsCutShortByBoundaries) {
  // As Dovecot: a header ended by a boundary has no body, and the empty line right before a
  // boundary is the boundary's CRLF, not the end of the header.
  const std::string m =
      "Content-Type: multipart/mixed; boundary=x\r\n\r\n"
      "--x\r\nContent-Type: text/plain\r\n\r\n"
      "--x\r\n\r\n"
      "--x\r\nno header here\r\n"
      "--x\r\nContent-Type: text/html\r\n"
      "--x--\r\n";
  const Structure s = parse_structure(m);
  check_tree(s, m);
  ASSERT_EQ(s[0].child_count, 4u);
  EXPECT_EQ(header_of(s, m, 1), "Content-Type: text/plain\r\n");
  EXPECT_EQ(body_of(s, m, 1), "");
  EXPECT_EQ(header_of(s, m, 2), "");
  EXPECT_EQ(header_of(s, m, 3), "no header here");
  EXPECT_EQ(header_of(s, m, 4), "Content-Type: text/html");
  EXPECT_EQ(part_info(m, s, 4).content_type.subtype, "html");
}

TEST(MimeStructure, EmptyPartRightBeforeAnOuterBoundary) {
  // Found by the fuzzer: "--d" (not a close delimiter) starts a part that the outer boundary
  // ends at once; that empty part must stay inside its parent.
  const std::string m =
      "Content-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\n"
      "Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nx\r\n--dtext--\r\n"
      "--b1--\r\n";
  const Structure s = parse_structure(m);
  check_tree(s, m);
  const uint32_t digest = s.child(0, 1);
  ASSERT_EQ(s[digest].child_count, 2u);
  const uint32_t last = s.child(digest, 2);
  EXPECT_EQ(s[last].header_begin, s[digest].body_end);
  EXPECT_EQ(s[last].body_size(), 0u);
}

TEST(MimeStructure, MultipartWithoutPartsGetsAnEmptyOne) {
  for (const std::string m : {"Content-Type: multipart/mixed; boundary=x\r\n\r\njust text\r\n",
                              "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x--\r\n",
                              "Content-Type: multipart/mixed; boundary=x\r\n"}) {
    const Structure s = parse_structure(m);
    check_tree(s, m);
    ASSERT_EQ(s.parts.size(), 2u) << m;
    EXPECT_TRUE(s[1].synthetic);
    EXPECT_EQ(s[1].body_size(), 0u);
    EXPECT_EQ(part_info(m, s, 1).content_type.type, "text");
  }
}

TEST(MimeStructure, MultipartWithoutBoundaryIsText) {
  const std::string m = "Content-Type: multipart/mixed\r\n\r\n--x\r\nhi\r\n--x--\r\n";
  const Structure s = parse_structure(m);
  ASSERT_EQ(s.parts.size(), 1u);
  EXPECT_TRUE(s[0].forced_text);
  const PartInfo info = part_info(m, s, 0);
  EXPECT_TRUE(info.content_type.is("text", "plain"));
  EXPECT_EQ(body_of(s, m, 0), "--x\r\nhi\r\n--x--\r\n");
  const std::string empty = "Content-Type: multipart/mixed; boundary=\"\"\r\n\r\nx\r\n";
  EXPECT_TRUE(parse_structure(empty)[0].forced_text);
}

TEST(MimeStructure, MessageRfc822Part) {
  const std::string inner =
      "From: Inner <i@x>\r\nSubject: inner\r\nContent-Type: multipart/alternative; boundary=b2\r\n"
      "\r\n--b2\r\nContent-Type: text/plain\r\n\r\nalt1\r\n--b2--\r\n";
  const std::string m =
      "Content-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\n"
      "Content-Type: message/rfc822\r\n\r\n" +
      inner + "--b1--\r\n";
  const Structure s = parse_structure(m);
  check_tree(s, m);
  const uint32_t rfc822 = s.child(0, 1);
  ASSERT_EQ(s[rfc822].kind, PartKind::message);
  EXPECT_EQ(body_of(s, m, rfc822), inner.substr(0, inner.size() - 2));
  EXPECT_EQ(s[rfc822].lines, 8u);
  const uint32_t nested = s[rfc822].first_child;
  EXPECT_EQ(s[nested].kind, PartKind::multipart);
  EXPECT_EQ(header_of(s, m, nested), inner.substr(0, inner.find("\r\n\r\n") + 4));
  EXPECT_EQ(body_of(s, m, s.child(nested, 1)), "alt1");
  EXPECT_EQ(s[nested].depth, 2u);
}

TEST(MimeStructure, DigestPartsDefaultToMessage) {
  // RFC 2046 5.1.5
  const std::string m =
      "Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nFrom: d1@x\r\nSubject: one"
      "\r\n\r\nd1 body\r\n--d\r\nContent-Type: text/plain\r\n\r\nd2 body\r\n--d--\r\n";
  const Structure s = parse_structure(m);
  check_tree(s, m);
  const uint32_t first = s.child(0, 1);
  EXPECT_EQ(s[first].kind, PartKind::message);
  EXPECT_TRUE(part_info(m, s, first).content_type.is("message", "rfc822"));
  EXPECT_EQ(body_of(s, m, s[first].first_child), "d1 body");
  EXPECT_EQ(s[s.child(0, 2)].kind, PartKind::leaf);
  // Outside a digest, no Content-Type means text/plain.
  EXPECT_TRUE(part_info("\r\nx", parse_structure("\r\nx"), 0).content_type.is("text", "plain"));
}

TEST(MimeStructure, EncodedMessageIsNotLookedInto) {
  const std::string m =
      "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      "U3ViamVjdDogeA0KDQpib2R5DQo=\r\n";
  const Structure s = parse_structure(m);
  check_tree(s, m);
  ASSERT_EQ(s[0].kind, PartKind::message);
  EXPECT_TRUE(s[1].synthetic);
  EXPECT_EQ(s[1].body_size(), 0u);
}

TEST(MimeStructure, DepthLimitMakesAnOpaqueLeaf) {
  std::string m;
  for (int i = 0; i < 60; ++i) m += "Content-Type: message/rfc822\r\n\r\n";
  m += "Subject: deep\r\n\r\nbody\r\n";
  const Structure s = parse_structure(m, Limits{10, 10000});
  check_tree(s, m);
  EXPECT_TRUE(s.truncated);
  EXPECT_EQ(s.parts.size(), 11u);
  EXPECT_TRUE(s.parts.back().forced_text);
  EXPECT_EQ(s.parts.back().depth, 10u);
  const Structure full = parse_structure(m);
  EXPECT_EQ(full.parts.size(), 51u);  // default depth limit 50
}

TEST(MimeStructure, PartLimitStopsSplitting) {
  std::string m = "Content-Type: multipart/mixed; boundary=b\r\n\r\n";
  for (int i = 0; i < 100; ++i) m += "--b\r\n\r\npart " + std::to_string(i) + "\r\n";
  m += "--b--\r\n";
  const Structure s = parse_structure(m, Limits{50, 20});
  check_tree(s, m);
  EXPECT_TRUE(s.truncated);
  EXPECT_EQ(s.parts.size(), 20u);
  EXPECT_EQ(s[0].body_end, m.size());
  EXPECT_EQ(parse_structure(m).parts.size(), 101u);
}

TEST(MimeStructure, PartInfoFieldsAndDefaults) {
  const std::string m =
      "Content-Type: TEXT/HTML; CHARSET=UTF-8\r\n"
      "Content-Transfer-Encoding: QUOTED-PRINTABLE (comment)\r\n"
      "Content-ID: <id1@x>\r\nContent-Description: a\r\n desc\r\n"
      "Content-Language: en, de (German)\r\nContent-Location: http://x/y\r\n"
      "Content-MD5: abcd\r\nContent-Disposition: INLINE; FileName=foo.html\r\n\r\nbody";
  const Structure s = parse_structure(m);
  const PartInfo info = part_info(m, s, 0);
  EXPECT_TRUE(info.content_type.is("text", "html"));
  ASSERT_EQ(info.content_type.params.size(), 1u);  // charset present: no default added
  EXPECT_EQ(info.content_type.params[0].name, "charset");
  EXPECT_EQ(info.encoding, "quoted-printable");
  EXPECT_EQ(info.transfer, TransferEncoding::quoted_printable);
  EXPECT_EQ(info.id, "<id1@x>");
  EXPECT_EQ(info.description, "a desc");
  EXPECT_EQ(info.languages, (std::vector<std::string>{"en", "de"}));
  EXPECT_EQ(info.location, "http://x/y");
  EXPECT_EQ(info.md5, "abcd");
  ASSERT_TRUE(info.disposition.has_value());
  EXPECT_EQ(info.disposition->type, "inline");
  EXPECT_EQ(find_param(info.disposition->params, "filename")->value, "foo.html");

  const std::string plain = "Subject: x\r\n\r\n";
  const PartInfo d = part_info(plain, parse_structure(plain), 0);
  EXPECT_TRUE(d.content_type.is("text", "plain"));
  EXPECT_EQ(find_param(d.content_type.params, "charset")->value, "us-ascii");
  EXPECT_EQ(d.encoding, "7bit");
  EXPECT_FALSE(d.id || d.description || d.md5 || d.location || d.disposition);

  // RFC 2045 5.2: an invalid Content-Type is text/plain; an unusable encoding is 7bit.
  const std::string bad = "Content-Type: text\r\nContent-Transfer-Encoding: 8 bit\r\n\r\n";
  const PartInfo b = part_info(bad, parse_structure(bad), 0);
  EXPECT_TRUE(b.content_type.is("text", "plain"));
  EXPECT_EQ(b.encoding, "7bit");
}

TEST(MimeStructure, EightBitHeadersAreJustBytes) {
  const std::string m = "Subject: caf\xc3\xa9 \xff\r\nContent-Type: text/plain; name=\xe9\r\n\r\nx";
  const Structure s = parse_structure(m);
  check_tree(s, m);
  EXPECT_EQ(find_param(part_info(m, s, 0).content_type.params, "name")->value, "\xe9");
}

}  // namespace
}  // namespace heron::mime
