#include <gtest/gtest.h>

#include "mime/header.hpp"

namespace heron::mime {
namespace {

TEST(Header, FindsUnfoldedValueCaseInsensitively) {
  std::string msg =
      "Received: x\r\nsubject: Hello\r\n  folded\r\n\tagain\r\nFrom: a@b\r\n\r\nSubject: body\r\n";
  EXPECT_EQ(header_value(msg, "Subject"), "Hello  folded\tagain");
  EXPECT_EQ(header_value(msg, "FROM"), "a@b");
  EXPECT_EQ(header_value(msg, "To"), std::nullopt);
}

TEST(Header, StopsAtTheBody) {
  EXPECT_EQ(header_value("A: 1\r\n\r\nB: 2\r\n", "B"), std::nullopt);
  EXPECT_EQ(header_value("\r\nB: 2\r\n", "B"), std::nullopt);
  EXPECT_EQ(header_value("A: 1\n\nB: 2\n", "B"), std::nullopt);
  EXPECT_EQ(header_value("A: 1", "A"), "1");
}

}  // namespace
}  // namespace heron::mime

namespace heron::mime {
namespace {

TEST(Header, FieldsKeepTheirRawBytes) {
  const std::string msg =
      "Subject: hi\r\nX-A: 1\r\n  2\r\nnot a field\r\n\tstray fold\r\nFrom : a@b\r\n"
      "subject: second\r\n\r\nBody: x\r\n";
  const std::vector<HeaderField> fields = header_fields(msg);
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[1].name, "X-A");
  EXPECT_EQ(fields[1].raw, "X-A: 1\r\n  2\r\n");
  EXPECT_EQ(fields[1].value, " 1\r\n  2");
  EXPECT_EQ(fields[1].unfolded(), "1  2");
  EXPECT_EQ(fields[2].name, "From");  // "From :" (RFC 5322 4.5.3)
  ASSERT_EQ(find_fields(msg, "SUBJECT").size(), 2u);
  EXPECT_EQ(find_fields(msg, "subject")[1].raw, "subject: second\r\n");
  EXPECT_EQ(find_field(msg, "subject")->unfolded(), "hi");
  EXPECT_FALSE(find_field(msg, "Body"));
}

TEST(Header, LengthIncludesTheEmptyLine) {
  EXPECT_EQ(header_length("A: 1\r\n\r\nbody"), 8u);
  EXPECT_EQ(header_length("A: 1\n\nbody"), 6u);
  EXPECT_EQ(header_length("\r\nbody"), 2u);
  EXPECT_EQ(header_length("A: 1\r\n"), 6u);
  EXPECT_EQ(header_length(""), 0u);
}

TEST(Header, UnfoldedValueKeepsTrailingBlanks) {
  const auto f = find_field("Date:    Wed, 2 Jan 2002  \r\n\r\n", "date");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->unfolded(), "Wed, 2 Jan 2002  ");
  EXPECT_EQ(find_field("Subject:\r\n folded\r\n\r\n", "subject")->unfolded(), "folded");
  EXPECT_EQ(find_field("Subject:", "subject")->unfolded(), "");
}

}  // namespace
}  // namespace heron::mime
