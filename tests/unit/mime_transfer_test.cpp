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
