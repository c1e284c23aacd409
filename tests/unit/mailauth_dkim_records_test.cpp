// DKIM tag lists (RFC 6376 3.2), DKIM-Signature fields (3.5) and key records (3.6.1).

#include <gtest/gtest.h>

#include "mailauth/dkim/records.hpp"
#include "mailauth/dkim/tag_list.hpp"

namespace heron::mailauth::dkim {
namespace {

TEST(DkimTagList, ParsesValuesWithFoldingAndTrailingSemicolon) {
  const std::string text = " v = 1 ;a=rsa-sha256;\r\n\th=from : to;  ";
  auto list = TagList::parse(text);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->tags().size(), 3u);
  EXPECT_EQ(*list->get("v"), "1");
  EXPECT_EQ(*list->get("a"), "rsa-sha256");
  EXPECT_EQ(*list->get("h"), "from : to");
  const Tag* h = list->find("h");
  // value_begin is just after '=', value_end at the ';'.
  EXPECT_EQ(text.substr(h->value_begin, h->value_end - h->value_begin), "from : to");
  EXPECT_FALSE(list->get("b").has_value());
}

TEST(DkimTagList, EmptyValueAndEmptyList) {
  auto list = TagList::parse("p=; n=");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(*list->get("p"), "");
  EXPECT_EQ(*list->get("n"), "");
  EXPECT_TRUE(TagList::parse("").ok());
  EXPECT_FALSE(TagList::parse(" ; ").ok());  // a tag-spec needs a name
}

TEST(DkimTagList, RejectsSyntaxErrors) {
  EXPECT_FALSE(TagList::parse("v=1; v=1").ok());                 // duplicate
  EXPECT_FALSE(TagList::parse("v").ok());                        // no '='
  EXPECT_FALSE(TagList::parse("1v=1").ok());                     // name must start with a letter
  EXPECT_FALSE(TagList::parse(std::string("a=b\x01", 4)).ok());  // control character
  EXPECT_FALSE(TagList::parse("a b=1").ok());                    // space inside a name
}

TEST(DkimTagList, StripFws) {
  EXPECT_EQ(strip_fws(" ab\r\n\tcd = "), "abcd=");
}

constexpr std::string_view kSig =
    "v=1; a=rsa-sha256; c=relaxed/simple; d=Example.COM; s=Sel; i=joe@sub.example.com;\r\n"
    " h=From : To : Subject; bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; l=10; t=100; "
    "x=200;\r\n"
    " b=dGVzd\r\n HRlc3Q=";

TEST(DkimSignature, ParsesEveryTag) {
  auto sig = parse_signature(kSig);
  ASSERT_TRUE(sig.ok()) << sig.error().message;
  EXPECT_EQ(sig->algorithm, Algorithm::rsa_sha256);
  EXPECT_EQ(sig->header_canon, Canon::relaxed);
  EXPECT_EQ(sig->body_canon, Canon::simple);
  EXPECT_EQ(sig->domain, "example.com");
  EXPECT_EQ(sig->selector, "sel");
  EXPECT_EQ(sig->identity, "joe@sub.example.com");
  EXPECT_EQ(sig->signed_headers, (std::vector<std::string>{"From", "To", "Subject"}));
  EXPECT_EQ(sig->b_text, "dGVzdHRlc3Q=");
  EXPECT_EQ(sig->signature, "testtest");
  EXPECT_EQ(sig->body_hash.size(), 32u);
  EXPECT_EQ(*sig->body_length, 10u);
  EXPECT_EQ(*sig->timestamp, 100);
  EXPECT_EQ(*sig->expiration, 200);
}

std::string with(std::string_view from, std::string_view to) {
  std::string s(kSig);
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  s.replace(at, from.size(), to);
  return s;
}

TEST(DkimSignature, DefaultsWhenOptionalTagsAreAbsent) {
  auto sig = parse_signature("v=1; a=ed25519-sha256; d=example.net; s=s; h=from; bh=AAAA; b=AAAA");
  ASSERT_TRUE(sig.ok()) << sig.error().message;
  EXPECT_EQ(sig->algorithm, Algorithm::ed25519_sha256);
  EXPECT_EQ(sig->header_canon, Canon::simple);
  EXPECT_EQ(sig->body_canon, Canon::simple);
  EXPECT_EQ(sig->identity, "@example.net");
  EXPECT_FALSE(sig->body_length);
  // c=relaxed alone means relaxed/simple (RFC 6376 3.5 c=).
  auto relaxed =
      parse_signature("v=1; a=rsa-sha256; c=relaxed; d=e.x; s=s; h=from; bh=AAAA; b=AAAA");
  ASSERT_TRUE(relaxed.ok());
  EXPECT_EQ(relaxed->header_canon, Canon::relaxed);
  EXPECT_EQ(relaxed->body_canon, Canon::simple);
}

TEST(DkimSignature, RejectsViolations) {
  EXPECT_FALSE(parse_signature(with("v=1", "v=2")).ok());
  EXPECT_FALSE(parse_signature(with("a=rsa-sha256", "a=rsa-sha512")).ok());
  EXPECT_FALSE(parse_signature(with("From : To", "To")).ok());  // h= without From
  EXPECT_FALSE(parse_signature(with("joe@sub.example.com", "joe@example.org")).ok());
  EXPECT_FALSE(parse_signature(with("joe@sub.example.com", "joe@badexample.com")).ok());
  EXPECT_FALSE(parse_signature(with("joe@sub.example.com", "joe")).ok());
  EXPECT_FALSE(parse_signature(with("x=200", "x=50")).ok());  // x= before t=
  EXPECT_FALSE(parse_signature(with("l=10", "l=ten")).ok());
  EXPECT_FALSE(parse_signature(with("c=relaxed/simple", "c=nowsp/simple")).ok());
  EXPECT_FALSE(parse_signature(with("d=Example.COM", "d=legitimate.com(.attacker.com")).ok());
  EXPECT_FALSE(parse_signature(with(" s=Sel;", "")).ok());  // missing s=
  EXPECT_FALSE(parse_signature(with("b=dGVzd", "b=!!!")).ok());
  EXPECT_TRUE(parse_signature(with("i=joe@sub.example.com", "i=@EXAMPLE.com")).ok());
  EXPECT_TRUE(parse_signature(with("a=rsa-sha256", "a=rsa-sha1")).ok());  // refused later, as fail
}

TEST(DkimKeyRecord, ParsesTagsAndDefaults) {
  auto key = parse_key_record(
      "v=DKIM1; k=ed25519; h=sha256; t=y:s; s=email; "
      "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->type, KeyType::ed25519);
  EXPECT_EQ(key->public_key.size(), 32u);
  EXPECT_EQ(key->hashes, std::vector<std::string>{"sha256"});
  EXPECT_TRUE(key->testing);
  EXPECT_TRUE(key->strict_identity);
  EXPECT_TRUE(key->email_service);

  auto plain = parse_key_record("p=AAAA");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->type, KeyType::rsa);
  EXPECT_FALSE(plain->testing);
  EXPECT_TRUE(plain->email_service);

  auto revoked = parse_key_record("v=DKIM1; p=");
  ASSERT_TRUE(revoked.ok());
  EXPECT_TRUE(revoked->public_key.empty());
}

TEST(DkimKeyRecord, RejectsDefects) {
  EXPECT_FALSE(parse_key_record("v=DKIM1: g=*; k=rsa; p=AAAA").ok());  // dkimpy badversion.txt
  EXPECT_FALSE(parse_key_record("k=rsa; v=DKIM1; p=AAAA").ok());       // v= not first
  EXPECT_FALSE(parse_key_record("v=DKIM1; k=ed25519-sha256; p=AAAA").ok());  // dkimpy badk.txt
  EXPECT_FALSE(parse_key_record("v=DKIM1; k=rsa").ok());                     // no p=
  EXPECT_FALSE(parse_key_record("v=DKIM1; p=@@@@").ok());
  auto tlsrpt = parse_key_record("v=DKIM1; s=tlsrpt; p=AAAA");
  ASSERT_TRUE(tlsrpt.ok());
  EXPECT_FALSE(tlsrpt->email_service);
}

}  // namespace
}  // namespace heron::mailauth::dkim
