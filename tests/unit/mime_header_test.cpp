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
