// SummaryCache: rendered ENVELOPE/BODY/BODYSTRUCTURE kept per message, bounded by a budget
// with the least recently used entries evicted first.
#include <gtest/gtest.h>

#include <string>

#include "mime/structure.hpp"
#include "server/imap/summary_cache.hpp"

namespace heron::server::imap {
namespace {

MailboxView::Entry entry(std::string blob, std::string prefix = "Delivered-To: a@x.test\r\n") {
  MailboxView::Entry e;
  e.blob_id = std::move(blob);
  e.header_prefix = std::move(prefix);
  return e;
}

Summary summary(const std::string& tag) {
  return Summary{"(" + tag + ")", "(b)", "(bs)"};
}

TEST(ImapSummaryCache, FindsWhatWasPut) {
  SummaryCache cache(1 << 20);
  EXPECT_FALSE(cache.find(entry("aa"), false));
  cache.put(entry("aa"), false, summary("one"));
  auto s = cache.find(entry("aa"), false);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->envelope, "(one)");
  EXPECT_EQ(s->bodystructure, "(bs)");
}

TEST(ImapSummaryCache, KeyedByBlobPrefixAndUtf8) {
  SummaryCache cache(1 << 20);
  cache.put(entry("aa"), false, summary("ascii"));
  EXPECT_FALSE(cache.find(entry("aa"), true));  // UTF8=ACCEPT renders strings differently
  EXPECT_FALSE(cache.find(entry("aa", "Delivered-To: b@x.test\r\n"), false));
  EXPECT_FALSE(cache.find(entry("ab"), false));
  cache.put(entry("aa"), true, summary("utf8"));
  EXPECT_EQ(cache.find(entry("aa"), true)->envelope, "(utf8)");
  EXPECT_EQ(cache.find(entry("aa"), false)->envelope, "(ascii)");
}

TEST(ImapSummaryCache, EvictsLeastRecentlyUsedWithinBudget) {
  // Room for about three entries of this size.
  SummaryCache probe(1 << 20);
  probe.put(entry("00"), false, summary("x"));
  const size_t one = probe.bytes();
  SummaryCache cache(3 * one + one / 2);
  cache.put(entry("01"), false, summary("x"));
  cache.put(entry("02"), false, summary("x"));
  cache.put(entry("03"), false, summary("x"));
  ASSERT_TRUE(cache.find(entry("01"), false));  // 01 is now the most recently used
  cache.put(entry("04"), false, summary("x"));  // evicts 02, the least recently used
  EXPECT_EQ(cache.entries(), 3u);
  EXPECT_LE(cache.bytes(), 3 * one + one / 2);
  EXPECT_TRUE(cache.find(entry("01"), false));
  EXPECT_FALSE(cache.find(entry("02"), false));
  EXPECT_TRUE(cache.find(entry("03"), false));
  EXPECT_TRUE(cache.find(entry("04"), false));
}

TEST(ImapSummaryCache, ZeroBudgetKeepsNothing) {
  SummaryCache cache(0);
  cache.put(entry("aa"), false, summary("x"));
  EXPECT_FALSE(cache.find(entry("aa"), false));
  EXPECT_EQ(cache.entries(), 0u);
}

TEST(ImapSummaryCache, SummarizeMatchesTheThreeItems) {
  const std::string message =
      "From: Ann <ann@x.test>\r\nSubject: hi\r\nContent-Type: text/plain\r\n\r\nbody\r\n";
  const Summary s = summarize(message, mime::parse_structure(message), false);
  EXPECT_NE(s.envelope.find("\"hi\""), std::string::npos) << s.envelope;
  EXPECT_NE(s.envelope.find("(\"Ann\" NIL \"ann\" \"x.test\")"), std::string::npos) << s.envelope;
  EXPECT_EQ(s.body, "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 6 1)");
  // BODYSTRUCTURE carries the extension data BODY leaves out.
  EXPECT_GT(s.bodystructure.size(), s.body.size());
}

}  // namespace
}  // namespace heron::server::imap
