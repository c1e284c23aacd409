#include <gtest/gtest.h>

#include "mime/transfer.hpp"

namespace heron::mime {
namespace {

TEST(MimeTransfer, Names) {
  EXPECT_EQ(parse_transfer_encoding(""), TransferEncoding::seven_bit);
  EXPECT_EQ(parse_transfer_encoding(" BASE64 (c)"), TransferEncoding::base64);
  EXPECT_EQ(parse_transfer_encoding("Quoted-Printable"), TransferEncoding::quoted_printable);
  EXPECT_EQ(parse_transfer_encoding("8bit"), TransferEncoding::eight_bit);
  EXPECT_EQ(parse_transfer_encoding("binary"), TransferEncoding::binary);
  EXPECT_EQ(parse_transfer_encoding("x-uuencode"), TransferEncoding::unknown);
  EXPECT_EQ(parse_transfer_encoding("8 bit"), TransferEncoding::seven_bit);  // not a token
  EXPECT_EQ(transfer_encoding_name(" 7BIT\r\n "), "7bit");
  EXPECT_EQ(transfer_encoding_name("8 bit"), "");
}

TEST(MimeTransfer, Base64) {
  EXPECT_EQ(decode_base64("SGVsbG8sIHdvcmxkIQ=="), "Hello, world!");
  EXPECT_EQ(decode_base64("SGVs\r\nbG8s\r\nIHdvcmxkIQ"), "Hello, world!");  // no padding
  EXPECT_EQ(decode_base64("SG*V!s bG8"), "Hello");                          // junk skipped
  EXPECT_EQ(decode_base64("SGk=ignored"), "Hi");
  EXPECT_EQ(decode_base64(""), "");
  EXPECT_EQ(decode_base64("A"), "");
}

TEST(MimeTransfer, QuotedPrintable) {
  EXPECT_EQ(decode_quoted_printable("caf=C3=A9"), "caf\xc3\xa9");
  EXPECT_EQ(decode_quoted_printable("caf=c3=a9"), "caf\xc3\xa9");  // lowercase hex tolerated
  EXPECT_EQ(decode_quoted_printable("soft =\r\nbreak"), "soft break");
  EXPECT_EQ(decode_quoted_printable("soft =  \r\nbreak =\nlf"), "soft break lf");
  EXPECT_EQ(decode_quoted_printable("trailing   \r\nnext\t\r\n"), "trailing\r\nnext\r\n");
  EXPECT_EQ(decode_quoted_printable("keep = this =ZZ =4"), "keep = this =ZZ =4");
  EXPECT_EQ(decode_quoted_printable("end="), "end");
  EXPECT_EQ(decode_quoted_printable("a_b", true), "a b");
  EXPECT_EQ(decode_quoted_printable("a_b"), "a_b");
}

TEST(MimeTransfer, DecodeBody) {
  EXPECT_EQ(decode_body("x\r\n", TransferEncoding::seven_bit), "x\r\n");
  EXPECT_EQ(decode_body("eA==", TransferEncoding::base64), "x");
  EXPECT_EQ(decode_body("x", TransferEncoding::unknown), std::nullopt);
}

}  // namespace
}  // namespace heron::mime

#include "mime/part_text.hpp"

namespace heron::mime {
namespace {

TEST(MimePartText, DecodesAndConverts) {
  const std::string m =
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\ncaf=E9\r\n"
      "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      "Y2Fmw6k=\r\n"
      "--b\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\nraw \xe9\r\n"
      "--b\r\nContent-Type: text/plain; charset*=us-ascii''iso-8859-1\r\n\r\n\xe9\r\n"
      "--b--\r\n";
  const Structure s = parse_structure(m);
  EXPECT_EQ(part_text_utf8(m, s, s.child(0, 1)), "caf\xc3\xa9");
  EXPECT_EQ(part_text_utf8(m, s, s.child(0, 2)), "caf\xc3\xa9");
  EXPECT_EQ(part_text_utf8(m, s, s.child(0, 3)), "raw \xe9");  // left as it is
  EXPECT_EQ(part_text_utf8(m, s, s.child(0, 4)), "\xc3\xa9");
  EXPECT_EQ(part_text_utf8(m, s, 99), "");
}

}  // namespace
}  // namespace heron::mime
