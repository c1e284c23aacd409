// base/journal and log::journal_entry(): journald's native datagram format.

#include <gtest/gtest.h>

#include <string>

#include "base/journal.hpp"
#include "base/log.hpp"

namespace heron {
namespace {

TEST(BaseJournal, FieldNamesAreUpperCaseAndSafe) {
  EXPECT_EQ(journal::field_name("smtp.rcpt"), "SMTP_RCPT");
  EXPECT_EQ(journal::field_name("sid"), "SID");
  EXPECT_EQ(journal::field_name("_SYSTEMD_UNIT"), "F_SYSTEMD_UNIT");  // trusted fields stay ours
  EXPECT_EQ(journal::field_name("1x"), "F1X");
  EXPECT_EQ(journal::field_name(""), "F");
  EXPECT_EQ(journal::field_name(std::string(100, 'a')).size(), 64u);
}

TEST(BaseJournal, PlainValueIsKeyEqualsValue) {
  std::string out;
  journal::encode_field(out, "PRIORITY", "6");
  EXPECT_EQ(out, "PRIORITY=6\n");
}

TEST(BaseJournal, ValueWithLineFeedIsLengthPrefixed) {
  std::string out;
  journal::encode_field(out, "MESSAGE", "a\nFORGED=1");
  const std::string expected =
      std::string("MESSAGE\n") + std::string("\x0a\0\0\0\0\0\0\0", 8) + "a\nFORGED=1\n";
  EXPECT_EQ(out, expected);
}

TEST(BaseJournal, EntryCarriesMessagePriorityEventAndFields) {
  const std::string entry =
      log::journal_entry(log::Format::text, log::Level::warn, "smtp.rcpt", {{"ip", "192.0.2.1"}});
  EXPECT_EQ(entry,
            "MESSAGE=smtp.rcpt ip=192.0.2.1\n"
            "PRIORITY=4\n"
            "SYSLOG_IDENTIFIER=heron\n"
            "HERON_EVENT=smtp.rcpt\n"
            "HERON_IP=192.0.2.1\n");
}

TEST(BaseJournal, JsonFormatGoesIntoMessage) {
  const std::string entry =
      log::journal_entry(log::Format::json, log::Level::error, "x.y", {{"k", "v"}});
  EXPECT_EQ(entry.substr(0, entry.find('\n')),
            "MESSAGE={\"level\":\"error\",\"event\":\"x.y\",\"k\":\"v\"}");
  EXPECT_NE(entry.find("PRIORITY=3\n"), std::string::npos);
}

TEST(BaseJournal, ParseFormat) {
  log::Format f = log::Format::text;
  EXPECT_TRUE(log::parse_format("json", f));
  EXPECT_EQ(f, log::Format::json);
  EXPECT_TRUE(log::parse_format("text", f));
  EXPECT_EQ(f, log::Format::text);
  EXPECT_FALSE(log::parse_format("xml", f));
}

}  // namespace
}  // namespace heron
