#include <gtest/gtest.h>

#include "mime/address.hpp"

namespace heron::mime {

void PrintTo(const Address& a, std::ostream* os) {
  const char* kinds[] = {"mailbox", "group_start", "group_end"};
  *os << kinds[static_cast<int>(a.kind)] << "{name=\"" << a.name << "\" route=\"" << a.route
      << "\" mailbox=\"" << a.mailbox << "\" host=\"" << a.host << "\"}";
}

namespace {

using K = Address::Kind;

Address mbox(std::string name, std::string mailbox, std::string host, std::string route = {}) {
  return Address{K::mailbox, std::move(name), std::move(route), std::move(mailbox),
                 std::move(host)};
}
Address start(std::string name) {
  return Address{K::group_start, std::move(name), {}, {}, {}};
}
Address end() {
  return Address{K::group_end, {}, {}, {}, {}};
}

using List = std::vector<Address>;

TEST(MimeAddress, Rfc5322Examples) {
  // RFC 5322 A.1.2 and A.1.3
  EXPECT_EQ(parse_address_list("\"Joe Q. Public\" <john.q.public@example.com>"),
            (List{mbox("Joe Q. Public", "john.q.public", "example.com")}));
  EXPECT_EQ(parse_address_list("Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>"),
            (List{mbox("Mary Smith", "mary", "x.test"), mbox("", "jdoe", "example.org"),
                  mbox("Who?", "one", "y.test")}));
  EXPECT_EQ(
      parse_address_list("<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>"),
      (List{mbox("", "boss", "nil.test"),
            mbox("Giant; \"Big\" Box", "sysservices", "example.net")}));
  EXPECT_EQ(parse_address_list("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;"),
            (List{start("A Group"), mbox("Ed Jones", "c", "a.test"), mbox("", "joe", "where.test"),
                  mbox("John", "jdoe", "one.test"), end()}));
  EXPECT_EQ(parse_address_list("Undisclosed recipients:;"),
            (List{start("Undisclosed recipients"), end()}));
}

TEST(MimeAddress, ObsoleteSyntax) {
  // RFC 5322 A.6.1 (obs-route, empty list elements, obs-domain) and 4.4
  EXPECT_EQ(parse_address_list("Joe Q. Public <john.q.public@example.com>"),
            (List{mbox("Joe Q. Public", "john.q.public", "example.com")}));
  EXPECT_EQ(parse_address_list("Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example"),
            (List{mbox("Mary Smith", "mary", "example.net", "@node.test"),
                  mbox("", "jdoe", "test.example")}));
  EXPECT_EQ(parse_address_list("<@route1,@route2:user@host>"),
            (List{mbox("", "user", "host", "@route1,@route2")}));
  EXPECT_EQ(parse_address_list("john . doe @ example . com"),
            (List{mbox("", "john.doe", "example.com")}));
  EXPECT_EQ(parse_address_list("John Doe <jdoe@machine(comment).  example>"),
            (List{mbox("John Doe", "jdoe", "machine.example")}));
}

TEST(MimeAddress, CommentsAndFolding) {
  // RFC 5322 A.5: comments are not names, but a lone comment stands in for a missing name
  // (as Dovecot does).
  EXPECT_EQ(parse_address_list("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>"),
            (List{mbox("Pete", "pete", "silly.test")}));
  EXPECT_EQ(parse_address_list("a@b (Comment Name)"), (List{mbox("Comment Name", "a", "b")}));
  EXPECT_EQ(parse_address_list("(comment) user2 (c2) @ (c3) host2 (c4)"),
            (List{mbox("c4", "user2", "host2")}));
  EXPECT_EQ(parse_address_list("Mary Smith\r\n    \r\n\t<mary@example.net>"),
            (List{mbox("Mary Smith", "mary", "example.net")}));
  EXPECT_EQ(parse_address_list("\"John\r\n Doe\" <a@b.com>"),
            (List{mbox("John Doe", "a", "b.com")}));
  EXPECT_EQ(
      parse_address_list("A Group(Some people)\r\n :Chris Jones <c@(Chris's host.)public.example>,"
                         " joe@example.org; (the end of the group)"),
      (List{start("A Group"), mbox("Chris Jones", "c", "public.example"),
            mbox("", "joe", "example.org"), end()}));
}

TEST(MimeAddress, QuotedLocalPartsAndLiterals) {
  EXPECT_EQ(parse_address_list("\"john doe\"@x.test"), (List{mbox("", "john doe", "x.test")}));
  EXPECT_EQ(parse_address_list("a@[1.2.3.4]"), (List{mbox("", "a", "[1.2.3.4]")}));
  EXPECT_EQ(parse_address_list("\"a\\\"b\" <q@h>"), (List{mbox("a\"b", "q", "h")}));
}

TEST(MimeAddress, EncodedWordsStayEncoded) {
  // ENVELOPE sends them as they are; decoding is for search.
  EXPECT_EQ(parse_address_list("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>"),
            (List{mbox("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=", "keld", "dkuug.dk")}));
}

TEST(MimeAddress, Utf8) {
  // RFC 6532 3.2: UTF-8 in atoms, quoted strings and domains.
  EXPECT_EQ(parse_address_list("J\xc3\xb6rg <j\xc3\xb6@b\xc3\xbc\x63her.example>"),
            (List{mbox("J\xc3\xb6rg", "j\xc3\xb6", "b\xc3\xbc\x63her.example")}));
}

TEST(MimeAddress, MissingPartsAsDovecotShowsThem) {
  EXPECT_EQ(parse_address_list("foo"), (List{mbox("", "foo", "")}));
  EXPECT_EQ(parse_address_list("\"quoted only\""), (List{mbox("quoted only", "", "")}));
  EXPECT_EQ(parse_address_list("Name Without Address, k@l"),
            (List{mbox("Name Without Address", "", ""), mbox("", "k", "l")}));
  EXPECT_EQ(parse_address_list("<>, @, a@, @b, \"just name\" <>"),
            (List{mbox("", "", ""), mbox("", "", ""), mbox("", "a", ""), mbox("", "", "b"),
                  mbox("just name", "", "")}));
}

TEST(MimeAddress, GroupsWithoutEndOrEmpty) {
  EXPECT_EQ(parse_address_list("Mixed: a@b, <c@d>"),
            (List{start("Mixed"), mbox("", "a", "b"), mbox("", "c", "d"), end()}));
  EXPECT_EQ(parse_address_list("A:;, Empty:;, x@y"),
            (List{start("A"), end(), start("Empty"), end(), mbox("", "x", "y")}));
  // A stray ";" outside a group is ignored; a nested group is not a group.
  EXPECT_EQ(parse_address_list("x@y; G: a@b, H: c@d;"),
            (List{mbox("", "x", "y"), start("G"), mbox("", "a", "b"), mbox("", "H", ""), end()}));
}

TEST(MimeAddress, JunkIsSkippedToTheNextAddress) {
  EXPECT_EQ(parse_address_list("a@b@c, <a@b>garbage, \"unterminated"),
            (List{mbox("", "a", "b"), mbox("", "a", "b"), mbox("unterminated", "", "")}));
  EXPECT_EQ(parse_address_list(">>>, ok@x"), (List{mbox("", "ok", "x")}));
  EXPECT_EQ(parse_address_list("<unclosed@x, next@y"),
            (List{mbox("", "unclosed", "x"), mbox("", "next", "y")}));
  EXPECT_TRUE(parse_address_list("").empty());
  EXPECT_TRUE(parse_address_list("  ,  ").empty());
  EXPECT_TRUE(parse_address_list("(only a comment)").empty());
}

}  // namespace
}  // namespace heron::mime
