// SASL response framing (RFC 4422, RFC 5034) and the PLAIN mechanism (RFC 4616).

#include <gtest/gtest.h>

#include "base/base64.hpp"
#include "proto/sasl/plain.hpp"

namespace heron::sasl {
namespace {

using Status = PlainResult::Status;
using RStatus = ClientResponse::Status;

std::string nul3(std::string_view a, std::string_view b, std::string_view c) {
  std::string s(a);
  s += '\0';
  s += b;
  s += '\0';
  s += c;
  return s;
}

TEST(SaslResponse, CancelEmptyAndData) {
  EXPECT_EQ(decode_response("*", false).status, RStatus::cancelled);
  EXPECT_EQ(decode_response("*", true).status, RStatus::cancelled);
  auto empty = decode_response("=", true);
  EXPECT_EQ(empty.status, RStatus::data);
  EXPECT_EQ(empty.data, "");
  // "=" only means empty as an initial response; in a continuation it is not base64.
  EXPECT_EQ(decode_response("=", false).status, RStatus::invalid);
  auto d = decode_response("Zm9v", false);
  EXPECT_EQ(d.status, RStatus::data);
  EXPECT_EQ(d.data, "foo");
  EXPECT_EQ(decode_response("not base64!", true).status, RStatus::invalid);
  EXPECT_EQ(decode_response(std::string(kMaxResponseLine + 4, 'A'), false).status,
            RStatus::invalid);
}

TEST(SaslPlain, Rfc4616Examples) {
  // RFC 4616 4: "\0tim\0tanstaaftanstaaf" and "Ursel\0Kurt\0xipj3plmq" (the second has an
  // authzid that differs, which Heron refuses: no proxy authorization).
  auto r = parse_plain(nul3("", "tim", "tanstaaftanstaaf"));
  ASSERT_EQ(r.status, Status::ok);
  EXPECT_EQ(r.credentials.authzid, "");
  EXPECT_EQ(r.credentials.authcid, "tim");
  EXPECT_EQ(r.credentials.password, "tanstaaftanstaaf");
  EXPECT_EQ(parse_plain(nul3("Ursel", "Kurt", "xipj3plmq")).status, Status::authzid_refused);
}

TEST(SaslPlain, AuthzidEqualToAuthcidIsAccepted) {
  auto r = parse_plain(nul3("Bob@Example.test", "bob@example.test", "pw"));
  ASSERT_EQ(r.status, Status::ok);
  EXPECT_EQ(r.credentials.authcid, "bob@example.test");
}

TEST(SaslPlain, Malformed) {
  EXPECT_EQ(parse_plain("").status, Status::malformed);
  EXPECT_EQ(parse_plain("user password").status, Status::malformed);
  EXPECT_EQ(parse_plain(std::string("user\0pw", 7)).status, Status::malformed);
  EXPECT_EQ(parse_plain(nul3("", "", "pw")).status, Status::malformed);
  EXPECT_EQ(parse_plain(nul3("", "u", "")).status, Status::malformed);
  EXPECT_EQ(parse_plain(nul3("", "u", std::string("p\0w", 3))).status, Status::malformed);
  EXPECT_EQ(parse_plain(nul3("", "u\xff", "pw")).status, Status::malformed);  // not UTF-8
}

TEST(SaslPlain, FieldLimits) {
  const std::string max(kMaxPlainField, 'a');
  EXPECT_EQ(parse_plain(nul3(max, max, max)).status, Status::ok);
  const std::string over(kMaxPlainField + 1, 'a');
  EXPECT_EQ(parse_plain(nul3("", over, "pw")).status, Status::too_long);
  EXPECT_EQ(parse_plain(nul3("", "u", over)).status, Status::too_long);
  EXPECT_EQ(parse_plain(nul3(over, "u", "pw")).status, Status::too_long);
  // The longest legal message still fits in one response line.
  const std::string line = base64::encode(nul3(max, max, max));
  auto d = decode_response(line, true);
  ASSERT_EQ(d.status, RStatus::data);
  EXPECT_EQ(parse_plain(d.data).status, Status::ok);
}

TEST(SaslPlain, Utf8Credentials) {
  auto r = parse_plain(nul3("", "j\xc3\xb6rg@example.test", "p\xc3\xa4ss"));
  ASSERT_EQ(r.status, Status::ok);
  EXPECT_EQ(r.credentials.password, "p\xc3\xa4ss");
}

}  // namespace
}  // namespace heron::sasl
