// Strict base64: RFC 4648 section 10 test vectors, and refusal of everything non-canonical.

#include <gtest/gtest.h>

#include "base/base64.hpp"

namespace heron::base64 {
namespace {

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(encode(plain), encoded);
    auto d = decode(encoded);
    ASSERT_TRUE(d) << encoded;
    EXPECT_EQ(*d, plain);
  }
}

TEST(Base64, BinaryRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t n = 0; n <= all.size(); n += 37) {
    auto d = decode(encode(all.substr(0, n)));
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, all.substr(0, n));
  }
}

TEST(Base64, RefusesNonCanonical) {
  EXPECT_FALSE(decode("Zg"));         // unpadded
  EXPECT_FALSE(decode("Zg="));        // length not a multiple of 4
  EXPECT_FALSE(decode("Zm9v Yg=="));  // whitespace
  EXPECT_FALSE(decode("Zm9vYg==\r\n"));
  EXPECT_FALSE(decode("Zm=vYg=="));  // padding in the middle
  EXPECT_FALSE(decode("Zg==Zg=="));  // padding before the end
  EXPECT_FALSE(decode("Z==="));      // too much padding
  EXPECT_FALSE(decode("===="));
  EXPECT_FALSE(decode("Zm9-"));  // base64url alphabet
  EXPECT_FALSE(decode("Zh=="));  // non-zero bits dropped by the padding
  EXPECT_FALSE(decode("Zm9="));
  EXPECT_FALSE(decode(std::string("Zm9\0", 4)));
}

}  // namespace
}  // namespace heron::base64
