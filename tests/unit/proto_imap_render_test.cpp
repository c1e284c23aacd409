// The IMAP message renderer: exact wire strings for ENVELOPE and BODYSTRUCTURE, and the bytes of
// BODY[section] and BINARY[part]. Section answers were checked against Dovecot 2.3.19 for the
// same messages (tools/dovecot-compare); where Heron differs it says so.
#include <gtest/gtest.h>

#include "mime/structure.hpp"
#include "proto/imap/message_render.hpp"
#include "proto/imap/render_string.hpp"

namespace heron::proto::imap {
namespace {

using Text = Section::Text;

std::string crlf(std::string_view lf) {
  std::string out;
  for (char c : lf) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// A multipart with a text part, a forwarded message holding a multipart/alternative, and a
// digest (whose first part defaults to message/rfc822).
const std::string kNested = crlf(
    "From: a@b.c\n"
    "Subject: outer\n"
    "Content-Type: multipart/mixed; boundary=b1\n"
    "\n"
    "--b1\n"
    "Content-Type: text/plain\n"
    "\n"
    "hello\n"
    "--b1\n"
    "Content-Type: message/rfc822\n"
    "Content-Description: fwd\n"
    "\n"
    "From: Inner Person <inner@x.y>\n"
    "Subject: inner\n"
    "Content-Type: multipart/alternative; boundary=b2\n"
    "\n"
    "--b2\n"
    "Content-Type: text/plain\n"
    "\n"
    "alt1\n"
    "--b2\n"
    "Content-Type: text/html\n"
    "\n"
    "<b>alt2</b>\n"
    "--b2--\n"
    "\n"
    "--b1\n"
    "Content-Type: multipart/digest; boundary=d\n"
    "\n"
    "--d\n"
    "\n"
    "From: d1@x\n"
    "Subject: digest1\n"
    "\n"
    "d1 body\n"
    "--d\n"
    "Content-Type: text/plain\n"
    "\n"
    "d2 body\n"
    "--d--\n"
    "--b1--\n");

const std::string kSimple = crlf(
    "Subject: hi\n"
    "X-A: 1\n"
    "  2\n"
    "From: a@b.c\n"
    "subject: second\n"
    "\n"
    "body\n");

std::string section(const std::string& m, Section sec, std::optional<Partial> partial = {}) {
  const mime::Structure s = mime::parse_structure(m);
  const SectionData d = section_text(m, s, sec, partial);
  if (!d.ok()) return "<none>";
  return std::string(d.bytes());
}

Section part(std::vector<uint32_t> p, Text t = Text::none, std::vector<std::string> f = {}) {
  return Section{std::move(p), t, std::move(f)};
}

TEST(ImapRender, BodyStructureNestedAsDovecot) {
  const mime::Structure s = mime::parse_structure(kNested);
  // Byte for byte what Dovecot 2.3.19 sends for this message.
  EXPECT_EQ(
      body_structure(kNested, s, true),
      R"((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 5 0 NIL NIL NIL NIL))"
      R"(("message" "rfc822" NIL NIL "fwd" "7bit" 194 (NIL "inner" (("Inner Person" NIL "inner" "x.y")) )"
      R"((("Inner Person" NIL "inner" "x.y")) (("Inner Person" NIL "inner" "x.y")) NIL NIL NIL NIL NIL) )"
      R"((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 4 0 NIL NIL NIL NIL))"
      R"(("text" "html" ("charset" "us-ascii") NIL NIL "7bit" 11 0 NIL NIL NIL NIL) "alternative" )"
      R"(("boundary" "b2") NIL NIL NIL) 13 NIL NIL NIL NIL))"
      R"((("message" "rfc822" NIL NIL NIL "7bit" 39 (NIL "digest1" ((NIL NIL "d1" "x")) ((NIL NIL "d1" "x")) )"
      R"(((NIL NIL "d1" "x")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 7 0 )"
      R"(NIL NIL NIL NIL) 3 NIL NIL NIL NIL)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 7 0 )"
      R"(NIL NIL NIL NIL) "digest" ("boundary" "d") NIL NIL NIL) "mixed" ("boundary" "b1") NIL NIL NIL))");
  EXPECT_EQ(
      body_structure(kNested, s, false),
      R"((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 5 0)("message" "rfc822" NIL NIL "fwd" )"
      R"("7bit" 194 (NIL "inner" (("Inner Person" NIL "inner" "x.y")) (("Inner Person" NIL "inner" "x.y")) )"
      R"((("Inner Person" NIL "inner" "x.y")) NIL NIL NIL NIL NIL) (("text" "plain" ("charset" "us-ascii") )"
      R"(NIL NIL "7bit" 4 0)("text" "html" ("charset" "us-ascii") NIL NIL "7bit" 11 0) "alternative") 13))"
      R"((("message" "rfc822" NIL NIL NIL "7bit" 39 (NIL "digest1" ((NIL NIL "d1" "x")) ((NIL NIL "d1" "x")) )"
      R"(((NIL NIL "d1" "x")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 7 0) 3))"
      R"(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 7 0) "digest") "mixed"))");
}

TEST(ImapRender, BodyStructureExtensionData) {
  const std::string m = crlf(
      "Content-Type: multipart/mixed; boundary=\"XyZ\"; Foo=Bar\n"
      "Content-Disposition: inline\n"
      "Content-Language: fr\n"
      "\n"
      "--XyZ\n"
      "Content-Type: Text/HTML; CHARSET=UTF-8\n"
      "Content-Transfer-Encoding: QUOTED-PRINTABLE\n"
      "Content-ID: <id1@x>\n"
      "Content-Description: a desc\n"
      "Content-Language: en, de\n"
      "Content-Location: http://x/y\n"
      "Content-MD5: abcd\n"
      "Content-Disposition: INLINE; FileName=foo.html\n"
      "\n"
      "<p>hi</p>\n"
      "--XyZ\n"
      "Content-Type: application/octet-stream; name*0=\"long\"; name*1=\"name.bin\"\n"
      "Content-Disposition: attachment; filename*=utf-8'en'%E2%82%AC%20rates.txt\n"
      "\n"
      "AAAA\n"
      "--XyZ--\n");
  const mime::Structure s = mime::parse_structure(m);
  EXPECT_EQ(
      body_structure(m, s, true),
      R"((("text" "html" ("charset" "UTF-8") "<id1@x>" "a desc" "quoted-printable" 9 0 "abcd" )"
      R"(("inline" ("filename" "foo.html")) ("en" "de") "http://x/y"))"
      R"(("application" "octet-stream" ("name" "longname.bin") NIL NIL "7bit" 4 NIL )"
      R"(("attachment" ("filename*" "utf-8'en'%E2%82%AC%20rates.txt")) NIL NIL) "mixed" )"
      R"(("boundary" "XyZ" "foo" "Bar") ("inline" NIL) ("fr") NIL))");
}

TEST(ImapRender, BodyStructureOfEdgeCases) {
  struct Case {
    std::string message;
    std::string expected;
  };
  const Case cases[] = {
      // Empty body, header only, no final CRLF: Dovecot gives the same.
      {"Subject: x\r\n\r\n",
       R"(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL))"},
      {"Subject: x",
       R"(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL))"},
      {"Subject: x\r\n\r\nline1\r\nline2",
       R"(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 NIL NIL NIL NIL))"},
      // Text types get charset=us-ascii appended; others get no default.
      {"Content-Type: text/plain; format=flowed\r\n\r\nx",
       R"(("text" "plain" ("format" "flowed" "charset" "us-ascii") NIL NIL "7bit" 1 0 NIL NIL NIL NIL))"},
      {"Content-Type: image/png\r\n\r\nx",
       R"(("image" "png" NIL NIL NIL "7bit" 1 NIL NIL NIL NIL))"},
      // A multipart with no part gets an empty one (Dovecot too).
      {"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x--\r\n",
       R"((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL) "mixed" ("boundary" "x") NIL NIL NIL))"},
      // No boundary: text/plain (Dovecot: a multipart holding one empty part).
      {"Content-Type: multipart/mixed\r\n\r\n--x\r\nhi\r\n--x--\r\n",
       R"(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 16 3 NIL NIL NIL NIL))"},
      // An encoded message/rfc822 is not looked into (Dovecot: same shape, but it counts the
      // CRLF before a boundary into such parts).
      {"Content-Type: message/rfc822\r\nContent-Transfer-Encoding: "
       "base64\r\n\r\nU3ViamVjdDogeA==\r\n",
       R"(("message" "rfc822" NIL NIL NIL "base64" 18 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) )"
       R"(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL) 1 NIL NIL NIL NIL))"},
      // message/global (RFC 6532, RFC 9051) is an encapsulated message too.
      {"Content-Type: message/global\r\n\r\nSubject: s\r\n\r\nb\r\n",
       R"(("message" "global" NIL NIL NIL "7bit" 17 (NIL "s" NIL NIL NIL NIL NIL NIL NIL NIL) )"
       R"(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 3 1 NIL NIL NIL NIL) 3 NIL NIL NIL NIL))"},
  };
  for (const Case& c : cases) {
    const mime::Structure s = mime::parse_structure(c.message);
    EXPECT_EQ(body_structure(c.message, s, true), c.expected) << c.message;
  }
}

TEST(ImapRender, LfOnlyMessageCountsItsOwnBytes) {
  const std::string m =
      "Subject: lf\nContent-Type: multipart/alternative; boundary=lf\n\n--lf\nContent-Type: "
      "text/plain\n\none\ntwo\n--lf--\n";
  const mime::Structure s = mime::parse_structure(m);
  EXPECT_EQ(body_structure(m, s, false),
            R"((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 7 1) "alternative"))");
  EXPECT_EQ(section(m, part({1})), "one\ntwo");
}

TEST(ImapRender, Envelope) {
  const std::string m = crlf(
      "Date:    Tue, 1 Jul 2003 10:52:37 +0200  \n"
      "From: \"Joe Q. Public\" <john.q.public@example.com>\n"
      "To: A Group:Ed Jones <c@a.test>,joe@where.test;, Empty:;, x@y\n"
      "Cc: <@route1,@route2:user@host>, \"Giant; \\\"Big\\\" Box\" <sys@example.net>\n"
      "Cc: second@cc\n"
      "Bcc: foo, \"only name\", <>\n"
      "Subject: Test =?ISO-8859-1?Q?caf=E9?=\n"
      " folded\n"
      "In-Reply-To: <a@b> <c@d>\n"
      "Message-ID: <5678.21-Nov-1997@example.com>\n"
      "\n"
      "body\n");
  const mime::Structure s = mime::parse_structure(m);
  EXPECT_EQ(
      envelope(m, s),
      R"(("Tue, 1 Jul 2003 10:52:37 +0200  " "Test =?ISO-8859-1?Q?caf=E9?= folded" )"
      R"((("Joe Q. Public" NIL "john.q.public" "example.com")) )"
      R"((("Joe Q. Public" NIL "john.q.public" "example.com")) )"
      R"((("Joe Q. Public" NIL "john.q.public" "example.com")) )"
      R"(((NIL NIL "A Group" NIL)("Ed Jones" NIL "c" "a.test")(NIL NIL "joe" "where.test"))"
      R"((NIL NIL NIL NIL)(NIL NIL "Empty" NIL)(NIL NIL NIL NIL)(NIL NIL "x" "y")) )"
      R"(((NIL "@route1,@route2" "user" "host")("Giant; \"Big\" Box" NIL "sys" "example.net"))"
      R"((NIL NIL "second" "cc")) )"
      R"(((NIL NIL "foo" "MISSING_DOMAIN")("only name" NIL "MISSING_MAILBOX" "MISSING_DOMAIN"))"
      R"((NIL NIL "MISSING_MAILBOX" "MISSING_DOMAIN")) )"
      R"("<a@b> <c@d>" "<5678.21-Nov-1997@example.com>"))");
}

TEST(ImapRender, EnvelopeDefaultsAndAbsentFields) {
  EXPECT_EQ(envelope_from_header("Sender: s@x\r\nReply-To:\r\nSubject:  \r\n"),
            R"((NIL "" NIL ((NIL NIL "s" "x")) NIL NIL NIL NIL NIL NIL))");
  EXPECT_EQ(envelope_from_header("From: undisclosed-recipients:;\r\n"),
            R"((NIL NIL ((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) )"
            R"(((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) )"
            R"(((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) NIL NIL NIL NIL NIL))");
  EXPECT_EQ(envelope_from_header(""), "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
}

TEST(ImapRender, EightBitHeadersGoAsLiteralsUnlessUtf8) {
  const std::string h = "From: J\xc3\xb6rg <j@x.test>\r\nSubject: caf\xc3\xa9\r\n";
  // As Dovecot sends them to a client that did not enable UTF8=ACCEPT.
  EXPECT_EQ(
      envelope_from_header(h),
      "(NIL {5}\r\ncaf\xc3\xa9 (({5}\r\nJ\xc3\xb6rg NIL \"j\" \"x.test\")) (({5}\r\nJ\xc3\xb6rg "
      "NIL \"j\" \"x.test\")) (({5}\r\nJ\xc3\xb6rg NIL \"j\" \"x.test\")) NIL NIL NIL NIL NIL)");
  EXPECT_EQ(
      envelope_from_header(h, RenderOptions{true}),
      "(NIL \"caf\xc3\xa9\" ((\"J\xc3\xb6rg\" NIL \"j\" \"x.test\")) ((\"J\xc3\xb6rg\" NIL \"j\" "
      "\"x.test\")) ((\"J\xc3\xb6rg\" NIL \"j\" \"x.test\")) NIL NIL NIL NIL NIL)");
  // Invalid UTF-8 stays a literal even then.
  EXPECT_EQ(envelope_from_header("Subject: \xff\r\n", RenderOptions{true}).substr(0, 12),
            "(NIL {1}\r\n\xff ");
}

TEST(ImapRender, Strings) {
  std::string out;
  append_string(out, "plain", false);
  EXPECT_EQ(out, "\"plain\"");
  out.clear();
  append_string(out, "a\"b\\c", false);
  EXPECT_EQ(out, "\"a\\\"b\\\\c\"");
  out.clear();
  append_string(out, "two\r\nlines", false);
  EXPECT_EQ(out, "{10}\r\ntwo\r\nlines");
  out.clear();
  append_string(out, std::string("nu\0l", 4), false);  // NUL cannot be sent in any string
  EXPECT_EQ(out, "\"nul\"");
  out.clear();
  append_string(out, std::string(2000, 'x'), false);
  EXPECT_EQ(out.substr(0, 8), "{2000}\r\n");
  out.clear();
  append_nstring(out, std::nullopt, false);
  EXPECT_EQ(out, "NIL");
}

TEST(ImapRender, SectionsOfASinglePartMessage) {
  // All checked against Dovecot 2.3.19.
  EXPECT_EQ(section(kSimple, part({})), kSimple);
  EXPECT_EQ(section(kSimple, part({1})), "body\r\n");
  EXPECT_EQ(section(kSimple, part({1}, Text::mime)), kSimple.substr(0, kSimple.size() - 6));
  EXPECT_EQ(section(kSimple, part({}, Text::header)), kSimple.substr(0, kSimple.size() - 6));
  EXPECT_EQ(section(kSimple, part({}, Text::text)), "body\r\n");
  EXPECT_EQ(section(kSimple, part({}, Text::header_fields, {"SUBJECT", "x-a"})),
            "Subject: hi\r\nX-A: 1\r\n  2\r\nsubject: second\r\n\r\n");
  EXPECT_EQ(section(kSimple, part({}, Text::header_fields_not, {"Subject"})),
            "X-A: 1\r\n  2\r\nFrom: a@b.c\r\n\r\n");
  EXPECT_EQ(section(kSimple, part({}, Text::header_fields, {"nonexist"})), "\r\n");
  // Dovecot sends empty strings for these; Heron reports "no such part".
  EXPECT_EQ(section(kSimple, part({2})), "<none>");
  EXPECT_EQ(section(kSimple, part({1}, Text::header)), "<none>");
  EXPECT_EQ(section(kSimple, part({1}, Text::text)), "<none>");
}

TEST(ImapRender, SectionsOfNestedParts) {
  const std::string inner_header =
      "From: Inner Person <inner@x.y>\r\nSubject: inner\r\n"
      "Content-Type: multipart/alternative; boundary=b2\r\n\r\n";
  const std::string inner_text =
      "--b2\r\nContent-Type: text/plain\r\n\r\nalt1\r\n--b2\r\nContent-Type: text/html\r\n\r\n"
      "<b>alt2</b>\r\n--b2--\r\n";
  EXPECT_EQ(section(kNested, part({1})), "hello");
  EXPECT_EQ(section(kNested, part({1}, Text::mime)), "Content-Type: text/plain\r\n\r\n");
  EXPECT_EQ(section(kNested, part({1, 1})), "hello");  // a leaf's part 1 is itself
  EXPECT_EQ(section(kNested, part({2})), inner_header + inner_text);
  EXPECT_EQ(section(kNested, part({2}, Text::mime)),
            "Content-Type: message/rfc822\r\nContent-Description: fwd\r\n\r\n");
  EXPECT_EQ(section(kNested, part({2}, Text::header)), inner_header);
  EXPECT_EQ(section(kNested, part({2}, Text::text)), inner_text);
  EXPECT_EQ(section(kNested, part({2}, Text::header_fields, {"subject"})),
            "Subject: inner\r\n\r\n");
  EXPECT_EQ(section(kNested, part({2, 1})), "alt1");
  EXPECT_EQ(section(kNested, part({2, 1}, Text::mime)), "Content-Type: text/plain\r\n\r\n");
  EXPECT_EQ(section(kNested, part({2, 2}, Text::mime)), "Content-Type: text/html\r\n\r\n");
  EXPECT_EQ(section(kNested, part({2, 1, 1})), "alt1");
  EXPECT_EQ(section(kNested, part({2, 3})), "<none>");
  EXPECT_EQ(section(kNested, part({2, 1}, Text::header)), "<none>");
  EXPECT_EQ(section(kNested, part({3, 1})), "From: d1@x\r\nSubject: digest1\r\n\r\nd1 body");
  EXPECT_EQ(section(kNested, part({3, 1}, Text::header)), "From: d1@x\r\nSubject: digest1\r\n\r\n");
  EXPECT_EQ(section(kNested, part({3, 1}, Text::mime)), "\r\n");
  EXPECT_EQ(section(kNested, part({3, 1, 1})), "d1 body");
  EXPECT_EQ(section(kNested, part({4})), "<none>");
  EXPECT_EQ(section(kNested, part({1}, Text::header)), "<none>");
}

TEST(ImapRender, NestedEnvelope) {
  const mime::Structure s = mime::parse_structure(kNested);
  const uint32_t rfc822 = resolve_part(s, {2});
  ASSERT_NE(rfc822, mime::Part::none);
  EXPECT_EQ(
      envelope(kNested, s, s[rfc822].first_child),
      R"((NIL "inner" (("Inner Person" NIL "inner" "x.y")) (("Inner Person" NIL "inner" "x.y")) )"
      R"((("Inner Person" NIL "inner" "x.y")) NIL NIL NIL NIL NIL))");
}

TEST(ImapRender, MessageRfc822AtTheTop) {
  const std::string m = crlf("Content-Type: message/rfc822\n\nSubject: in\n\ninner body\n");
  EXPECT_EQ(section(m, part({1})), crlf("Subject: in\n\ninner body\n"));
  EXPECT_EQ(section(m, part({1}, Text::header)), crlf("Subject: in\n\n"));
  EXPECT_EQ(section(m, part({1}, Text::text)), crlf("inner body\n"));
  EXPECT_EQ(section(m, part({1, 1})), crlf("inner body\n"));
  EXPECT_EQ(section(m, part({}, Text::header)), crlf("Content-Type: message/rfc822\n\n"));
}

TEST(ImapRender, Partial) {
  EXPECT_EQ(section(kSimple, part({}, Text::text), Partial{1, 2}), "od");
  EXPECT_EQ(section(kSimple, part({}), Partial{30, 5}), ": a@b");
  EXPECT_EQ(section(kSimple, part({}), Partial{500, 5}), "");
  EXPECT_EQ(section(kSimple, part({1}), Partial{4, 100}), "\r\n");
  EXPECT_EQ(section(kSimple, part({}, Text::header_fields, {"from"}), Partial{0, 4}), "From");
  EXPECT_EQ(section(kSimple, part({}), Partial{UINT64_MAX, UINT64_MAX}), "");
}

const std::string kEncoded = crlf(
    "Content-Type: multipart/mixed; boundary=\"=_o\"\n"
    "\n"
    "--=_o\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "\n"
    "caf=C3=A9 =\n"
    "soft break\n"
    "--=_o\n"
    "Content-Type: application/pdf\n"
    "Content-Transfer-Encoding: BASE64\n"
    "\n"
    "JVBERi0xLjQK\n"
    "AA==\n"
    "--=_o\n"
    "Content-Type: image/png\n"
    "Content-Transfer-Encoding: x-uuencode\n"
    "\n"
    "begin 644 a\n"
    "--=_o\n"
    "Content-Type: message/rfc822\n"
    "\n"
    "Subject: s\n"
    "\n"
    "b\n"
    "--=_o--\n");

TEST(ImapRender, Binary) {
  const mime::Structure s = mime::parse_structure(kEncoded);
  const SectionData qp = binary_text(kEncoded, s, {1});
  ASSERT_TRUE(qp.ok());
  EXPECT_EQ(qp.bytes(), "caf\xc3\xa9 soft break");  // as Dovecot decodes it
  const SectionData pdf = binary_text(kEncoded, s, {2});
  EXPECT_EQ(pdf.bytes(), std::string("%PDF-1.4\n\0", 10));
  EXPECT_TRUE(pdf.has_nul());
  EXPECT_EQ(binary_size(kEncoded, s, {2}).size, 10u);
  EXPECT_EQ(binary_text(kEncoded, s, {2}, Partial{1, 3}).bytes(), "PDF");
  EXPECT_EQ(binary_text(kEncoded, s, {3}).status(), SectionData::Status::unknown_cte);
  EXPECT_EQ(binary_size(kEncoded, s, {3}).status, SectionData::Status::unknown_cte);
  EXPECT_EQ(binary_text(kEncoded, s, {4}).bytes(), "Subject: s\r\n\r\nb");  // not decoded
  EXPECT_EQ(binary_text(kEncoded, s, {}).bytes(), kEncoded);
  EXPECT_EQ(binary_text(kEncoded, s, {9}).status(), SectionData::Status::no_such_part);
  EXPECT_EQ(binary_size(kSimple, mime::parse_structure(kSimple), {1}).size, 6u);
}

TEST(ImapRender, ResolvePart) {
  const mime::Structure s = mime::parse_structure(kNested);
  EXPECT_EQ(resolve_part(s, {}), 0u);
  EXPECT_EQ(resolve_part(s, {0}), mime::Part::none);
  EXPECT_EQ(resolve_part(s, {2, 2, 1, 1, 1}), resolve_part(s, {2, 2}));
  EXPECT_EQ(resolve_part(s, {2, 2, 2}), mime::Part::none);
  EXPECT_EQ(resolve_part(mime::Structure{}, {1}), mime::Part::none);
}

}  // namespace
}  // namespace heron::proto::imap
