#include <gtest/gtest.h>

#include "mime/charset.hpp"
#include "mime/encoded_word.hpp"

namespace heron::mime {
namespace {

TEST(MimeEncodedWord, Rfc2047Examples) {
  // RFC 2047 8
  EXPECT_EQ(decode_encoded_words("=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>"),
            "Keith Moore <moore@cs.utk.edu>");
  EXPECT_EQ(decode_encoded_words("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?="),
            "Keld J\xc3\xb8rn Simonsen");
  EXPECT_EQ(decode_encoded_words("=?ISO-8859-1?Q?Andr=E9?= Pirard"), "Andr\xc3\xa9 Pirard");
  EXPECT_EQ(decode_encoded_words("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n"
                                 " =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?="),
            "If you can read this you understand the example.");
}

TEST(MimeEncodedWord, WhitespaceBetweenWords) {
  // RFC 2047 8, the table of (a) ... (ab) cases.
  EXPECT_EQ(decode_encoded_words("(=?ISO-8859-1?Q?a?=)"), "(a)");
  EXPECT_EQ(decode_encoded_words("(=?ISO-8859-1?Q?a?= b)"), "(a b)");
  EXPECT_EQ(decode_encoded_words("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(decode_encoded_words("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(decode_encoded_words("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(decode_encoded_words("(=?ISO-8859-1?Q?a_b?=)"), "(a b)");
  EXPECT_EQ(decode_encoded_words("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)"), "(a b)");
  EXPECT_EQ(decode_encoded_words("Re: =?utf-8?q?x?= tail"), "Re: x tail");
}

TEST(MimeEncodedWord, SplitCharacterAcrossWords) {
  // "€" (E2 82 AC) split over two B words of the same charset.
  EXPECT_EQ(decode_encoded_words("=?UTF-8?B?4oI=?= =?utf-8?B?rA==?="), "\xe2\x82\xac");
}

TEST(MimeEncodedWord, MixedCharsetsAndLanguage) {
  EXPECT_EQ(decode_encoded_words("=?iso-8859-1?q?caf=E9?= =?koi8-r?b?8NLJ18XU?="),
            "caf\xc3\xa9\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");
  EXPECT_EQ(decode_encoded_words("=?US-ASCII*EN?Q?Keith_Moore?="), "Keith Moore");  // RFC 2231 5
  EXPECT_EQ(decode_encoded_words("=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?="),
            "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88");
}

TEST(MimeEncodedWord, InvalidWordsAreLeftAsIs) {
  for (std::string_view s : {"=?", "=?utf-8?", "=?utf-8?X?abc?=", "=??Q?abc?=", "=?utf-8?Q?abc",
                             "a =? b ?= c", "=?x-unknown-charset?Q?abc?=",
                             "=?utf-8?B?/w==?=" /* not UTF-8 */, "=?utf-8//TRANSLIT?Q?a?="}) {
    EXPECT_EQ(decode_encoded_words(s), s) << s;
  }
  // An undecodable word keeps the blanks that follow it.
  EXPECT_EQ(decode_encoded_words("=?x-bad?Q?a?= =?utf-8?Q?b?="), "=?x-bad?Q?a?= b");
}

TEST(MimeEncodedWord, Tolerated) {
  // Not separated from text, and blanks inside Q text: mail readers decode both.
  EXPECT_EQ(decode_encoded_words("abc=?utf-8?q?d?=efg"), "abcdefg");
  EXPECT_EQ(decode_encoded_words("=?iso-8859-1?q?this is some text?="), "this is some text");
  // 8-bit text around words passes through.
  EXPECT_EQ(decode_encoded_words("caf\xc3\xa9 =?utf-8?q?x?="), "caf\xc3\xa9 x");
}

TEST(MimeCharset, ToUtf8) {
  EXPECT_EQ(to_utf8("caf\xe9", "ISO-8859-1"), "caf\xc3\xa9");
  EXPECT_EQ(to_utf8("\x80", "windows-1252"), "\xe2\x82\xac");
  EXPECT_EQ(to_utf8("abc", "us-ascii"), "abc");
  EXPECT_EQ(to_utf8("caf\xc3\xa9", "us-ascii"), "caf\xc3\xa9");  // mislabelled UTF-8 accepted
  EXPECT_EQ(to_utf8("\xff", "utf-8"), std::nullopt);
  EXPECT_EQ(to_utf8("abc", "x-nonesuch"), std::nullopt);
  EXPECT_EQ(to_utf8("abc", "UTF-8//TRANSLIT"), std::nullopt);        // no iconv options from mail
  EXPECT_EQ(to_utf8("\xb0\xa1", "ks_c_5601-1987"), "\xea\xb0\x80");  // alias to CP949
  EXPECT_EQ(to_utf8("\x82", "shift_jis"), std::nullopt);  // truncated multi-byte sequence
  std::string big(100000, '\xe9');
  EXPECT_EQ(to_utf8(big, "latin1")->size(), 200000u);
}

}  // namespace
}  // namespace heron::mime
