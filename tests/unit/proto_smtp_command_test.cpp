#include <gtest/gtest.h>

#include <string>

#include "proto/smtp/command.hpp"

namespace heron::smtp {
namespace {

Command ok(std::string_view line, bool smtputf8 = false) {
  ParsedCommand p = parse_command(line, smtputf8);
  EXPECT_TRUE(p.command.has_value()) << line << ": " << p.error.format();
  return p.command.value_or(Command{});
}

std::string err(std::string_view line, bool smtputf8 = false) {
  ParsedCommand p = parse_command(line, smtputf8);
  EXPECT_FALSE(p.command.has_value()) << line;
  return p.error.format();
}

TEST(SmtpCommand, VerbsAreCaseInsensitive) {
  EXPECT_EQ(ok("EHLO client.example").verb, Verb::ehlo);
  EXPECT_EQ(ok("ehlo client.example").verb, Verb::ehlo);
  EXPECT_EQ(ok("HeLo client.example").verb, Verb::helo);
  EXPECT_EQ(ok("data").verb, Verb::data);
  EXPECT_EQ(ok("RSET").verb, Verb::rset);
  EXPECT_EQ(ok("QUIT").verb, Verb::quit);
  EXPECT_EQ(ok("STARTTLS").verb, Verb::starttls);
  EXPECT_EQ(ok("Noop").verb, Verb::noop);
  EXPECT_EQ(ok("HELP").verb, Verb::help);
  EXPECT_EQ(ok("AUTH PLAIN").verb, Verb::auth);
}

TEST(SmtpCommand, ParseVerb) {
  EXPECT_EQ(parse_verb("bdat x"), Verb::bdat);
  EXPECT_EQ(parse_verb("MAIL FROM:<>"), Verb::mail);
  EXPECT_EQ(parse_verb("MAILFROM:<>"), std::nullopt);
  EXPECT_EQ(parse_verb(""), std::nullopt);
  EXPECT_EQ(parse_verb("XCLIENT a=b"), std::nullopt);
}

TEST(SmtpCommand, UnknownCommand) {
  EXPECT_EQ(err("XYZZY"), "500 5.5.1 Command unrecognized\r\n");
  EXPECT_EQ(err(""), "500 5.5.1 Command unrecognized\r\n");
  EXPECT_EQ(err("MAILFROM:<a@b>"), "500 5.5.1 Command unrecognized\r\n");
  EXPECT_EQ(err(" MAIL FROM:<a@b>"), "500 5.5.1 Command unrecognized\r\n");
}

TEST(SmtpCommand, HeloArgument) {
  EXPECT_EQ(ok("EHLO client.example").arg, "client.example");
  EXPECT_EQ(ok("EHLO [192.0.2.1]").arg, "[192.0.2.1]");
  EXPECT_EQ(ok("HELO  client.example  ").arg, "client.example");
  EXPECT_EQ(err("EHLO"), "501 5.5.4 Syntax: EHLO hostname\r\n");
  EXPECT_EQ(err("HELO "), "501 5.5.4 Syntax: HELO hostname\r\n");
  EXPECT_EQ(err("EHLO a\x01"
                "b"),
            "501 5.5.4 Syntax: EHLO hostname\r\n");
  EXPECT_EQ(err("EHLO \xff"), "501 5.5.4 Syntax: EHLO hostname\r\n");
}

TEST(SmtpCommand, MailFrom) {
  Command c = ok("MAIL FROM:<alice@example.org>");
  EXPECT_EQ(c.verb, Verb::mail);
  EXPECT_EQ(c.path.address(), "alice@example.org");
  EXPECT_TRUE(c.params.empty());
  EXPECT_TRUE(ok("mail from:<>").path.null);
  // A space after the colon is common and tolerated.
  EXPECT_EQ(ok("MAIL FROM: <alice@example.org>").path.local, "alice");
  EXPECT_EQ(err("MAIL FROM:alice@example.org"), "501 5.5.4 Syntax: path must start with '<'\r\n");
  EXPECT_EQ(err("MAIL TO:<a@b>"), "501 5.5.4 Syntax: MAIL FROM:<address>\r\n");
  EXPECT_EQ(err("MAIL"), "501 5.5.4 Syntax: MAIL FROM:<address>\r\n");
  EXPECT_EQ(err("MAIL FROM:<alice @example.org>"), "501 5.5.4 Syntax: bad local part\r\n");
}

TEST(SmtpCommand, MailParameters) {
  Command c = ok("MAIL FROM:<a@example.org> size=1000 BODY=8BITMIME");
  ASSERT_EQ(c.params.size(), 2u);
  EXPECT_EQ(c.params[0].keyword, "SIZE");
  EXPECT_EQ(c.params[0].value, "1000");
  ASSERT_NE(find_param(c.params, "body"), nullptr);
  EXPECT_EQ(find_param(c.params, "BODY")->value, "8BITMIME");
  EXPECT_EQ(find_param(c.params, "SMTPUTF8"), nullptr);

  EXPECT_EQ(ok("MAIL FROM:<a@example.org> BODY=7bit").params[0].value, "7bit");
  EXPECT_EQ(ok("MAIL FROM:<a@example.org> BODY=BINARYMIME").params.size(), 1u);
  EXPECT_EQ(ok("MAIL FROM:<a@example.org> SMTPUTF8").params[0].keyword, "SMTPUTF8");
  EXPECT_EQ(ok("MAIL FROM:<a@example.org>  SIZE=1   RET=HDRS ").params.size(), 2u);
  Command dsn = ok("MAIL FROM:<a@example.org> RET=FULL ENVID=QQ314159");
  EXPECT_EQ(find_param(dsn.params, "ENVID")->value, "QQ314159");

  EXPECT_EQ(err("MAIL FROM:<a@example.org> SIZE=abc"), "501 5.5.4 Syntax: SIZE=<octets>\r\n");
  EXPECT_EQ(err("MAIL FROM:<a@example.org> SIZE="), "501 5.5.4 Syntax: bad parameter value\r\n");
  EXPECT_EQ(err("MAIL FROM:<a@example.org> SIZE=99999999999999999999999"),
            "501 5.5.4 Syntax: SIZE=<octets>\r\n");
  EXPECT_EQ(err("MAIL FROM:<a@example.org> BODY=9BIT"),
            "501 5.5.4 Syntax: BODY=7BIT|8BITMIME|BINARYMIME\r\n");
  EXPECT_EQ(err("MAIL FROM:<a@example.org> SMTPUTF8=yes"),
            "501 5.5.4 Syntax: SMTPUTF8 takes no value\r\n");
  EXPECT_EQ(err("MAIL FROM:<a@example.org> RET=ALL"), "501 5.5.4 Syntax: RET=FULL|HDRS\r\n");
  EXPECT_EQ(err("MAIL FROM:<a@example.org> SIZE=1 SIZE=2"),
            "501 5.5.4 Syntax: duplicate parameter SIZE\r\n");
  EXPECT_EQ(err("MAIL FROM:<a@example.org>SIZE=1"),
            "501 5.5.4 Syntax: expected a space after the address\r\n");
  EXPECT_EQ(err("MAIL FROM:<a@example.org> -X=1"), "501 5.5.4 Syntax: bad parameter keyword\r\n");
  EXPECT_EQ(err("MAIL FROM:<a@example.org> X=a=b"), "501 5.5.4 Syntax: bad parameter value\r\n");
}

TEST(SmtpCommand, UnknownParameterIs555) {
  EXPECT_EQ(err("MAIL FROM:<a@example.org> x-foo"), "555 5.5.4 Unsupported parameter X-FOO\r\n");
  EXPECT_EQ(err("RCPT TO:<b@example.org> X-FOO=1"), "555 5.5.4 Unsupported parameter X-FOO\r\n");
}

// RFC 4954 5 AUTH on MAIL; RFC 3461 NOTIFY and ORCPT on RCPT (whether DSN is advertised is
// the session machine's business).
TEST(SmtpCommand, AuthAndDsnParameters) {
  Command mail = ok("MAIL FROM:<a@example.org> AUTH=<>");
  ASSERT_EQ(mail.params.size(), 1u);
  EXPECT_EQ(mail.params[0].keyword, "AUTH");
  Command rcpt = ok("RCPT TO:<b@example.org> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;b+2B1@example.org");
  ASSERT_EQ(rcpt.params.size(), 2u);
  EXPECT_EQ(rcpt.params[0].value, "SUCCESS,DELAY");
  EXPECT_EQ(err("RCPT TO:<b@example.org> NOTIFY=NEVER,SUCCESS"),
            "501 5.5.4 Syntax: NOTIFY=NEVER or NOTIFY=SUCCESS,FAILURE,DELAY\r\n");
  EXPECT_EQ(err("RCPT TO:<b@example.org> ORCPT=nosemicolon"),
            "501 5.5.4 Syntax: ORCPT=<addr-type>;<xtext>\r\n");
  EXPECT_EQ(err("MAIL FROM:<a@example.org> ENVID=a+ZZ"), "501 5.5.4 Syntax: ENVID=<xtext>\r\n");
}

TEST(SmtpCommand, RcptTo) {
  Command c = ok("RCPT TO:<bob@example.net>");
  EXPECT_EQ(c.verb, Verb::rcpt);
  EXPECT_EQ(c.path.local, "bob");
  EXPECT_EQ(ok("rcpt to: <bob@example.net>").path.domain, "example.net");
  EXPECT_EQ(ok("RCPT TO:<Postmaster>").path.local, "Postmaster");
  EXPECT_EQ(err("RCPT TO:<>"), "501 5.5.4 Syntax: null path not allowed here\r\n");
  EXPECT_EQ(err("RCPT FROM:<a@b>"), "501 5.5.4 Syntax: RCPT TO:<address>\r\n");
  EXPECT_EQ(err("MAIL FROM:<Postmaster>"), "501 5.5.4 Syntax: missing '@domain'\r\n");
}

TEST(SmtpCommand, NonAsciiAddressNeedsSmtputf8) {
  const std::string from = "MAIL FROM:<j\xc3\xb6rg@example.org>";
  EXPECT_EQ(err(from), "553 5.6.7 Non-ASCII address needs SMTPUTF8\r\n");
  EXPECT_TRUE(ok(from + " SMTPUTF8").path.utf8);
  const std::string to =
      "RCPT TO:<m\xc3\xbcller@b\xc3\xbc"
      "cher.example>";
  EXPECT_EQ(err(to), "553 5.6.7 Non-ASCII address needs SMTPUTF8\r\n");
  EXPECT_EQ(ok(to, true).path.local, "m\xc3\xbcller");
  // Broken UTF-8 is a syntax error whatever was declared.
  EXPECT_EQ(err("MAIL FROM:<j\xc3@example.org> SMTPUTF8"),
            "501 5.5.4 Syntax: invalid UTF-8 in address\r\n");
}

TEST(SmtpCommand, Bdat) {
  Command c = ok("BDAT 1000");
  EXPECT_EQ(c.verb, Verb::bdat);
  EXPECT_EQ(c.chunk_size, 1000u);
  EXPECT_FALSE(c.last);
  Command last = ok("BDAT 0 LAST");
  EXPECT_EQ(last.chunk_size, 0u);
  EXPECT_TRUE(last.last);
  EXPECT_TRUE(ok("bdat 5 last").last);
  EXPECT_EQ(ok("BDAT 18446744073709551615").chunk_size, 18446744073709551615u);
  const std::string syntax = "501 5.5.4 Syntax: BDAT <size> [LAST]\r\n";
  EXPECT_EQ(err("BDAT"), syntax);
  EXPECT_EQ(err("BDAT x"), syntax);
  EXPECT_EQ(err("BDAT -1"), syntax);
  EXPECT_EQ(err("BDAT 18446744073709551616"), syntax);
  EXPECT_EQ(err("BDAT 10 FIRST"), syntax);
  EXPECT_EQ(err("BDAT 10 LAST more"), syntax);
}

TEST(SmtpCommand, CommandsWithoutArguments) {
  const std::string syntax = "501 5.5.4 Syntax: no parameters allowed\r\n";
  EXPECT_EQ(err("DATA now"), syntax);
  EXPECT_EQ(err("RSET x"), syntax);
  EXPECT_EQ(err("QUIT please"), syntax);
  EXPECT_EQ(err("STARTTLS x"), syntax);
  EXPECT_EQ(ok("DATA ").verb, Verb::data);  // trailing blanks carry nothing
}

TEST(SmtpCommand, TextArguments) {
  EXPECT_EQ(ok("VRFY alice").arg, "alice");
  EXPECT_EQ(ok("EXPN staff").arg, "staff");
  EXPECT_EQ(ok("NOOP anything at all").arg, "anything at all");
  EXPECT_EQ(ok("HELP").arg, "");
  EXPECT_EQ(err("VRFY"), "501 5.5.4 Syntax: argument required\r\n");
  EXPECT_EQ(err("EXPN "), "501 5.5.4 Syntax: argument required\r\n");
}

}  // namespace
}  // namespace heron::smtp
