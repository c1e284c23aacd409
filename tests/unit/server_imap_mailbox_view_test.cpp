// MailboxView: message numbers, deferred EXPUNGE, EXISTS and flag updates (RFC 9051 7.4.1,
// 7.5.1; RFC 7162 VANISHED).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/imap/mailbox_view.hpp"

namespace heron::server::imap {
namespace {

store::Message msg(uint32_t uid, uint64_t modseq, std::vector<std::string> flags = {}) {
  store::Message m;
  m.uid = uid;
  m.modseq = modseq;
  m.flags = std::move(flags);
  return m;
}

// A view of UIDs 10, 20, 30, 40 (modseq = uid), none recent.
MailboxView four() {
  MailboxView v;
  v.reset({msg(10, 10), msg(20, 20), msg(30, 30), msg(40, 40)}, 100, 7, 41, 40);
  return v;
}

TEST(ImapMailboxView, NumbersFollowUidOrder) {
  MailboxView v;
  v.reset({msg(30, 3), msg(10, 1), msg(20, 2)}, 100, 7, 31, 3);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v.at(1).uid, 10u);
  EXPECT_EQ(v.at(3).uid, 30u);
  EXPECT_EQ(v.msn_of(20), 2u);
  EXPECT_FALSE(v.msn_of(25));
  EXPECT_EQ(v.max_uid(), 30u);
  EXPECT_TRUE(v.take_updates(true).empty());  // SELECT already told everything
}

TEST(ImapMailboxView, MsnRangeForUidSets) {
  MailboxView v = four();
  EXPECT_EQ(v.msn_range(15, 35), std::make_pair(2u, 3u));
  EXPECT_EQ(v.msn_range(35, 15), std::make_pair(2u, 3u));
  EXPECT_EQ(v.msn_range(1, 4294967295u), std::make_pair(1u, 4u));
  EXPECT_FALSE(v.msn_range(41, 50));
  EXPECT_FALSE(v.msn_range(11, 19));
}

TEST(ImapMailboxView, NewMessagesGiveExistsAndRecent) {
  MailboxView v = four();
  v.apply({msg(50, 41), msg(60, 42)}, {}, 60, 61, 42);
  auto u = v.take_updates(false);
  EXPECT_EQ(u.exists, 6u);
  EXPECT_EQ(u.recent, 1u);  // only uid 60 is at or above the recent watermark
  EXPECT_TRUE(v.is_recent(6));
  EXPECT_FALSE(v.is_recent(5));
  EXPECT_EQ(v.uidnext(), 61u);
  EXPECT_EQ(v.highest_modseq(), 42u);
  EXPECT_TRUE(v.take_updates(true).empty());
}

TEST(ImapMailboxView, ExpungeWaitsUntilAllowedAndKeepsNumbers) {
  MailboxView v = four();
  v.apply({}, {20}, 100, 41, 41);
  auto during_fetch = v.take_updates(false);
  EXPECT_TRUE(during_fetch.expunged_msns.empty());
  EXPECT_EQ(v.size(), 4u);
  EXPECT_TRUE(v.is_ghost(2));
  EXPECT_EQ(v.at(3).uid, 30u);  // numbers unchanged while the EXPUNGE is pending

  auto after = v.take_updates(true);
  EXPECT_EQ(after.expunged_msns, std::vector<uint32_t>{2});
  EXPECT_FALSE(after.exists);
  EXPECT_EQ(v.size(), 3u);
  EXPECT_EQ(v.at(2).uid, 30u);
}

TEST(ImapMailboxView, SeveralExpungesHighestNumberFirst) {
  MailboxView v = four();
  v.apply({}, {10, 30, 40}, 100, 41, 41);
  auto u = v.take_updates(true);
  // 40 is #4, 30 is #3, 10 is #1: each number is right at the moment the client reads it.
  EXPECT_EQ(u.expunged_msns, (std::vector<uint32_t>{4, 3, 1}));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v.at(1).uid, 20u);
}

TEST(ImapMailboxView, VanishedForQresyncClients) {
  MailboxView v = four();
  v.apply({}, {40, 10}, 100, 41, 41);
  auto u = v.take_updates(true, true);
  EXPECT_TRUE(u.expunged_msns.empty());
  EXPECT_EQ(u.vanished_uids, (std::vector<uint32_t>{10, 40}));
}

TEST(ImapMailboxView, MessageThatCameAndWentUnannouncedIsNeverMentioned) {
  MailboxView v = four();
  v.apply({msg(50, 41)}, {}, 100, 51, 41);
  v.apply({}, {50}, 100, 51, 42);
  auto u = v.take_updates(true);
  EXPECT_TRUE(u.expunged_msns.empty());
  EXPECT_FALSE(u.exists);
  EXPECT_EQ(v.size(), 4u);
}

TEST(ImapMailboxView, AnnouncedDuringFetchThenExpungedIsExpunged) {
  MailboxView v = four();
  v.apply({msg(50, 41)}, {}, 100, 51, 41);
  v.apply({}, {50}, 100, 51, 42);
  auto during = v.take_updates(false);
  EXPECT_EQ(during.exists, 5u);  // EXISTS may go out; the ghost keeps number 5
  auto after = v.take_updates(true);
  EXPECT_EQ(after.expunged_msns, std::vector<uint32_t>{5});
}

TEST(ImapMailboxView, ExpungeAndArrivalTogether) {
  MailboxView v = four();
  v.apply({msg(50, 41)}, {10}, 100, 51, 42);
  auto u = v.take_updates(true);
  EXPECT_EQ(u.expunged_msns, std::vector<uint32_t>{1});
  EXPECT_EQ(u.exists, 4u);  // 4 known - 1 expunged + 1 new
  EXPECT_EQ(v.at(4).uid, 50u);
}

TEST(ImapMailboxView, OthersFlagChangesAreReportedOnce) {
  MailboxView v = four();
  v.apply({msg(30, 41, {"\\Seen"})}, {}, 100, 41, 41);
  auto u = v.take_updates(false);
  EXPECT_EQ(u.flag_msns, std::vector<uint32_t>{3});
  EXPECT_EQ(v.at(3).flags, std::vector<std::string>{"\\Seen"});
  EXPECT_EQ(v.at(3).modseq, 41u);
  EXPECT_TRUE(v.take_updates(false).flag_msns.empty());
}

TEST(ImapMailboxView, FlagNumbersAreAfterTheExpunges) {
  MailboxView v = four();
  v.apply({msg(40, 41, {"\\Flagged"})}, {10}, 100, 41, 42);
  auto u = v.take_updates(true);
  EXPECT_EQ(u.expunged_msns, std::vector<uint32_t>{1});
  EXPECT_EQ(u.flag_msns, std::vector<uint32_t>{3});  // uid 40 is now #3
}

TEST(ImapMailboxView, StaleChangeIsIgnored) {
  MailboxView v = four();
  v.apply({msg(30, 25, {"\\Seen"})}, {}, 100, 41, 40);
  EXPECT_TRUE(v.at(3).flags.empty());
  EXPECT_TRUE(v.take_updates(true).empty());
}

TEST(ImapMailboxView, OwnStoreIsNotReportedBack) {
  MailboxView v = four();
  v.apply_own_flags(20, 41, {"\\Deleted"});
  EXPECT_EQ(v.at(2).flags, std::vector<std::string>{"\\Deleted"});
  // The view's HIGHESTMODSEQ is how far the store was pulled; its own STORE does not move
  // it, or another session's change below 41 could be skipped.
  EXPECT_EQ(v.highest_modseq(), 40u);
  EXPECT_TRUE(v.take_updates(true).empty());
  // The store's echo of the same change, seen later, is not news either.
  v.apply({msg(20, 41, {"\\Deleted"})}, {}, 100, 41, 41);
  EXPECT_TRUE(v.take_updates(true).empty());
}

TEST(ImapMailboxView, UidBelowTheHighestThatWasNeverSeenIsIgnored) {
  MailboxView v = four();
  v.apply({msg(15, 41)}, {}, 100, 41, 41);
  EXPECT_EQ(v.size(), 4u);
  EXPECT_TRUE(v.take_updates(true).empty());
}

TEST(ImapMailboxView, FirstUnseenSkipsGhosts) {
  MailboxView v;
  v.reset({msg(1, 1, {"\\Seen"}), msg(2, 2), msg(3, 3)}, 100, 7, 4, 3);
  EXPECT_EQ(v.first_unseen(), 2u);
  v.apply({}, {2}, 100, 4, 4);
  EXPECT_EQ(v.first_unseen(), 3u);
  v.take_updates(true);
  EXPECT_EQ(v.first_unseen(), 2u);  // uid 3 is now #2
}

TEST(ImapMailboxView, RecentCountFromWatermark) {
  MailboxView v;
  v.reset({msg(1, 1), msg(2, 2), msg(3, 3)}, 2, 7, 4, 3);
  EXPECT_EQ(v.recent_count(), 2u);
  EXPECT_FALSE(v.is_recent(1));
  EXPECT_TRUE(v.is_recent(2));
}

// --- Sharing the message list between sessions (ViewCache) ---

// UIDs 10, 20, 30, 40 of mailbox 5 at HIGHESTMODSEQ 40, through `cache`.
MailboxView four_in(ViewCache& cache) {
  MailboxView v(&cache, 5);
  v.reset({msg(10, 10), msg(20, 20), msg(30, 30), msg(40, 40)}, 100, 7, 41, 40);
  return v;
}

TEST(ImapMailboxViewSharing, SessionsAtTheSameModseqShareOneList) {
  ViewCache cache;
  MailboxView a = four_in(cache);
  MailboxView b = four_in(cache);
  EXPECT_EQ(a.snapshot(), b.snapshot());
  EXPECT_EQ(cache.size(), 1u);
  // Another mailbox, or the same one at another modseq, is another list.
  MailboxView c(&cache, 6);
  c.reset({msg(10, 10)}, 100, 7, 11, 10);
  EXPECT_NE(c.snapshot(), a.snapshot());
}

TEST(ImapMailboxViewSharing, AChangeIsPrivateUntilToldThenSharedAgain) {
  ViewCache cache;
  MailboxView a = four_in(cache);
  MailboxView b = four_in(cache);
  const auto* before = a.snapshot();
  a.apply({msg(30, 41, {"\\Seen"})}, {}, 100, 41, 41);
  EXPECT_EQ(a.at(3).flags, std::vector<std::string>{"\\Seen"});
  EXPECT_TRUE(b.at(3).flags.empty());  // b has not pulled the change yet
  EXPECT_EQ(a.take_updates(true).flag_msns, std::vector<uint32_t>{3});
  EXPECT_TRUE(a.shared());
  EXPECT_NE(a.snapshot(), before);
  // b pulls the same change: it ends on a's list, and still tells its own client.
  b.apply({msg(30, 41, {"\\Seen"})}, {}, 100, 41, 41);
  EXPECT_EQ(b.take_updates(true).flag_msns, std::vector<uint32_t>{3});
  EXPECT_EQ(b.snapshot(), a.snapshot());
  EXPECT_EQ(b.at(3).flags, std::vector<std::string>{"\\Seen"});
}

TEST(ImapMailboxViewSharing, GhostsStayPrivateAndKeepNumbersWhileOthersMoveOn) {
  ViewCache cache;
  MailboxView a = four_in(cache);
  MailboxView b = four_in(cache);
  a.apply({}, {20}, 100, 41, 41);
  EXPECT_EQ(a.take_updates(true).expunged_msns, std::vector<uint32_t>{2});
  ASSERT_EQ(a.size(), 3u);
  // b is in a FETCH: the ghost keeps number 2 although a's shared list no longer has it.
  b.apply({}, {20}, 100, 41, 41);
  EXPECT_TRUE(b.take_updates(false).empty());
  EXPECT_EQ(b.size(), 4u);
  EXPECT_TRUE(b.is_ghost(2));
  EXPECT_EQ(b.at(3).uid, 30u);
  EXPECT_EQ(b.take_updates(true).expunged_msns, std::vector<uint32_t>{2});
  EXPECT_EQ(b.snapshot(), a.snapshot());
  EXPECT_EQ(b.at(2).uid, 30u);
}

TEST(ImapMailboxViewSharing, NewMessagesAndRecentArePerSession) {
  ViewCache cache;
  MailboxView a = four_in(cache);
  MailboxView b = four_in(cache);
  a.apply({msg(50, 41)}, {}, 50, 51, 41);  // a claimed uid 50 as \Recent
  b.apply({msg(50, 41)}, {}, 51, 51, 41);  // b did not
  EXPECT_EQ(a.take_updates(true).recent, 1u);
  EXPECT_FALSE(b.take_updates(true).recent);
  EXPECT_EQ(a.snapshot(), b.snapshot());
  EXPECT_TRUE(a.is_recent(5));
  EXPECT_FALSE(b.is_recent(5));
}

TEST(ImapMailboxViewSharing, OwnStoreAheadOfTheStoreIsNotShared) {
  ViewCache cache;
  MailboxView a = four_in(cache);
  MailboxView b = four_in(cache);
  a.apply_own_flags(20, 45, {"\\Deleted"});
  EXPECT_TRUE(a.take_updates(true).empty());
  EXPECT_FALSE(a.shared());  // the list at modseq 40 does not have this change
  EXPECT_TRUE(b.at(2).flags.empty());
  // Once a has pulled the store up to 45 its list is the store's again, and shared.
  a.apply({msg(20, 45, {"\\Deleted"})}, {}, 100, 41, 45);
  EXPECT_TRUE(a.take_updates(true).empty());
  EXPECT_TRUE(a.shared());
  b.apply({msg(20, 45, {"\\Deleted"})}, {}, 100, 41, 45);
  EXPECT_EQ(b.take_updates(true).flag_msns, std::vector<uint32_t>{2});
  EXPECT_EQ(a.snapshot(), b.snapshot());
}

TEST(ImapMailboxViewSharing, ADifferentListUnderTheSameModseqIsNotAdopted) {
  ViewCache cache;
  MailboxView a = four_in(cache);
  MailboxView b(&cache, 5);
  b.reset({msg(10, 10), msg(20, 20), msg(30, 30)}, 100, 7, 41, 40);  // a store bug
  EXPECT_NE(a.snapshot(), b.snapshot());
  EXPECT_EQ(b.size(), 3u);
}

TEST(ImapMailboxViewSharing, AListLivesAsLongAsASessionHoldsIt) {
  ViewCache cache;
  {
    MailboxView a = four_in(cache);
    EXPECT_EQ(cache.size(), 1u);
  }
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace heron::server::imap
