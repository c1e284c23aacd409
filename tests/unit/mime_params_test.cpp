#include <gtest/gtest.h>

#include "mime/params.hpp"

namespace heron::mime {
namespace {

TEST(MimeParams, TypeSubtypeAndParams) {
  const auto ct = parse_content_type(" TEXT/Plain ; charset=\"ISO-8859-1\" (comment); x=y");
  ASSERT_TRUE(ct);
  EXPECT_EQ(ct->type, "text");
  EXPECT_EQ(ct->subtype, "plain");
  ASSERT_EQ(ct->params.size(), 2u);
  EXPECT_EQ(ct->params[0].name, "charset");
  EXPECT_EQ(ct->params[0].value, "ISO-8859-1");  // values keep their case
  EXPECT_EQ(ct->params[1].name, "x");
  // Folded, with comments around the slash.
  const auto folded = parse_content_type("multipart/mixed;\r\n\tboundary=\"a b\"");
  ASSERT_TRUE(folded);
  EXPECT_EQ(find_param(folded->params, "BOUNDARY")->value, "a b");
  EXPECT_TRUE(parse_content_type("message (c) / (d) rfc822"));
}

TEST(MimeParams, InvalidTypes) {
  for (std::string_view v :
       {"", "text", "text/", "/plain", "garbage", "text/plain charset=x", ";"}) {
    EXPECT_FALSE(parse_content_type(v)) << v;
  }
}

TEST(MimeParams, LenientValues) {
  const auto ct = parse_content_type(
      "multipart/alternative; boundary=----=_Part_1_2.3; ;; bad param; k=v; p=; q=\"a\\\"b\"");
  ASSERT_TRUE(ct);
  ASSERT_EQ(ct->params.size(), 4u);
  EXPECT_EQ(ct->params[0].value, "----=_Part_1_2.3");
  EXPECT_EQ(ct->params[1].name, "k");
  EXPECT_EQ(ct->params[2].value, "");
  EXPECT_EQ(ct->params[3].value, "a\"b");
  // Duplicates are kept; lookup finds the first.
  const auto dup = parse_content_type("application/x; a=1; a=2");
  ASSERT_EQ(dup->params.size(), 2u);
  EXPECT_EQ(find_param(dup->params, "a")->value, "1");
}

TEST(MimeParams, Rfc2231Continuations) {
  // RFC 2231 3
  const auto ct = parse_content_type(
      "message/external-body; access-type=URL; URL*0=\"ftp://\"; URL*1=\"cs.utk.edu/pub/moore/"
      "bulk-mailer/bulk-mailer.tar\"");
  ASSERT_TRUE(ct);
  ASSERT_EQ(ct->params.size(), 2u);
  EXPECT_EQ(ct->params[1].name, "url");
  EXPECT_EQ(ct->params[1].value, "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar");
  EXPECT_FALSE(ct->params[1].extended);
  // Out of order pieces are joined where the first one stood.
  const Params p = parse_params("; name*1=b; x=1; name*0=a");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].name, "name");
  EXPECT_EQ(p[0].value, "ab");
  // A gap: the pieces stay separate, as Dovecot shows them.
  const Params gap = parse_params("; name*0=a; name*2=c");
  ASSERT_EQ(gap.size(), 2u);
  EXPECT_EQ(gap[0].name, "name*0");
  EXPECT_EQ(gap[1].name, "name*2");
}

TEST(MimeParams, Rfc2231ExtendedValues) {
  // RFC 2231 4
  const Params p = parse_params("; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_TRUE(p[0].extended);
  EXPECT_EQ(p[0].name, "title");
  EXPECT_EQ(p[0].value, "us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A");
  EXPECT_EQ(p[0].decoded(), "This is ***fun***");
  EXPECT_EQ(p[0].charset(), "us-ascii");
  EXPECT_EQ(p[0].language(), "en-us");
  // RFC 2231 4.1: extended and plain pieces mixed; plain ones are escaped when joined.
  const Params mixed = parse_params(
      "; title*0*=us-ascii'en'This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; "
      "title*2=\"isn't it!\"");
  ASSERT_EQ(mixed.size(), 1u);
  EXPECT_TRUE(mixed[0].extended);
  EXPECT_EQ(mixed[0].decoded(), "This is even more ***fun*** isn't it!");
  // Charset conversion, and a UTF-8 character split across pieces.
  const Params euro = parse_params("; name*0*=utf-8''%E2%82; name*1*=%AC; name*2=.txt");
  EXPECT_EQ(euro[0].decoded(), "\xe2\x82\xac.txt");
  const Params latin1 = parse_params("; filename*=iso-8859-1''caf%E9");
  EXPECT_EQ(latin1[0].decoded(), "caf\xc3\xa9");
  // Unknown charset: the bytes as they are.
  const Params unknown = parse_params("; f*=x-nonesuch''a%41");
  EXPECT_EQ(unknown[0].decoded(), "aA");
}

TEST(MimeParams, EncodedWordsInPlainValues) {
  const Params p = parse_params("; name=\"=?utf-8?q?r=C3=A9sum=C3=A9?=.pdf\"");
  EXPECT_EQ(p[0].decoded(), "r\xc3\xa9sum\xc3\xa9.pdf");
  EXPECT_EQ(p[0].value, "=?utf-8?q?r=C3=A9sum=C3=A9?=.pdf");
}

TEST(MimeParams, Disposition) {
  const auto d = parse_disposition(
      "Attachment; filename=genome.jpeg;\r\n"
      " modification-date=\"Wed, 12 Feb 1997 16:29:51 -0500\"");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->type, "attachment");
  ASSERT_EQ(d->params.size(), 2u);
  EXPECT_EQ(d->params[1].value, "Wed, 12 Feb 1997 16:29:51 -0500");
  EXPECT_FALSE(parse_disposition("  ; filename=x"));
}

TEST(MimeParams, ManyParamsAreCapped) {
  std::string v = "text/plain";
  for (int i = 0; i < 1000; ++i) v += "; a*" + std::to_string(i * 2) + "=x";
  const auto ct = parse_content_type(v);
  ASSERT_TRUE(ct);
  EXPECT_EQ(ct->params.size(), 256u);
}

}  // namespace
}  // namespace heron::mime
