// Modified UTF-7 mailbox names, IMAP dates and sequence sets.

#include <gtest/gtest.h>

#include "proto/imap/datetime.hpp"
#include "proto/imap/mailbox_name.hpp"
#include "proto/imap/sequence_set.hpp"

namespace heron::proto {
namespace {

using imap::decode_mutf7;
using imap::encode_mutf7;

TEST(ImapMailboxName, Rfc3501Example) {
  EXPECT_EQ(decode_mutf7("~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
            "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
  EXPECT_EQ(encode_mutf7("~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"),
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
}

TEST(ImapMailboxName, AmpersandAndRoundTrips) {
  EXPECT_EQ(decode_mutf7("Tom &- Jerry"), "Tom & Jerry");
  EXPECT_EQ(encode_mutf7("Tom & Jerry"), "Tom &- Jerry");
  for (const char* s : {"Caf\xc3\xa9", "\xf0\x9f\x98\x80 smile", "a\xc3\xa9\xc3\xa9z", ""}) {
    EXPECT_EQ(decode_mutf7(encode_mutf7(s)), s) << s;
  }
  EXPECT_EQ(encode_mutf7("\xf0\x9f\x98\x80"), "&2D3eAA-");  // a surrogate pair
}

TEST(ImapMailboxName, StrictDecoding) {
  for (const char* bad : {"&", "&Jjo", "&Jjo!-", "&AGE-",  // "a" must not be encoded
                          "&Jjo-&Jjo-",                     // two runs back to back
                          "&2D0-",                          // a lone high surrogate
                          "&AM-", "\xc3\xa9",               // leftover bits; 8-bit on the wire
                          "a\tb", "&AAA-"}) {  // the last one is an encoded NUL
    EXPECT_FALSE(decode_mutf7(bad).has_value()) << bad;
  }
  EXPECT_EQ(decode_mutf7("&Jjo-!"), "\xe2\x98\xba!");
}

TEST(ImapDate, DateTimeAndDate) {
  EXPECT_EQ(imap::parse_date_time("17-Jul-1996 02:44:25 -0700"), 837596665);
  EXPECT_EQ(imap::parse_date_time(" 7-Jul-1996 02:44:25 +0000"), 836707465);
  EXPECT_EQ(imap::parse_date_time("07-jul-1996 02:44:25 +0000"), 836707465);
  EXPECT_FALSE(imap::parse_date_time("31-Feb-2024 00:00:00 +0000"));
  EXPECT_FALSE(imap::parse_date_time("17-Jul-1996 24:00:00 +0000"));
  EXPECT_FALSE(imap::parse_date_time("17-Jul-1996 02:44:25"));
  EXPECT_EQ(imap::parse_date("1-Feb-1994"), 760060800);
  EXPECT_EQ(imap::parse_date("29-Feb-2024"), 1709164800);
  EXPECT_FALSE(imap::parse_date("29-Feb-2023"));
  EXPECT_FALSE(imap::parse_date("1-Foo-1994"));
  EXPECT_EQ(imap::format_date_time(837596665), "\"17-Jul-1996 09:44:25 +0000\"");
  EXPECT_EQ(imap::format_date_time(0), "\"01-Jan-1970 00:00:00 +0000\"");
}

TEST(ImapSequenceSet, ResolveAndFormat) {
  imap::SequenceSet s;
  s.ranges = {{5, 2}, {imap::SequenceSet::kStar, 9}, {3, 3}, {20, imap::SequenceSet::kStar}};
  using Ranges = std::vector<std::pair<uint32_t, uint32_t>>;
  EXPECT_EQ(s.resolve(12), (Ranges{{2, 5}, {9, 20}}));
  EXPECT_EQ(s.resolve(0), (Ranges{{1, 20}}));  // "*" is 0 in an empty mailbox; 0 clamps to 1
  EXPECT_EQ(s.max_number(12), 20u);
  EXPECT_EQ(imap::format_numbers({1, 2, 3, 7, 9, 10}), "1:3,7,9:10");
  EXPECT_EQ(imap::format_numbers({}), "");
  EXPECT_EQ(imap::format_numbers({4}), "4");
}

}  // namespace
}  // namespace heron::proto
