// The store's access operations for IMAP and POP3 (mail_store.hpp): mailbox management,
// APPEND, flags with modseq, expunge, copy/move, \Recent, and change notification. Each test
// checks what a later read of the store returns, not what the call said.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <filesystem>

#include "base/fs.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace heron::store::sqlite {
namespace {

using Uids = std::vector<uint32_t>;
using Names = std::vector<std::string>;

class StoreAccess : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("heron-access-" + fs::random_hex(8));
    auto s = SqliteStore::open(dir_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    ASSERT_TRUE(store_->add_domain("example.org"));
    auto a = store_->add_account("ann@example.org", "pw");
    ASSERT_TRUE(a);
    account_ = a->id;
    inbox_ = mailbox("INBOX").id;
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Mailbox mailbox(std::string_view name) {
    auto m = store_->find_mailbox(account_, name);
    EXPECT_TRUE(m && *m) << name;
    return m && *m ? **m : Mailbox{};
  }
  Names mailbox_names() {
    Names out;
    auto list = store_->list_mailboxes(account_);  // kept: a range-for over *temporary dangles
    for (const Mailbox& m : *list) out.push_back(m.name);
    std::sort(out.begin(), out.end());
    return out;
  }
  uint32_t append(int64_t mailbox_id, const std::string& subject, Names flags = {}) {
    auto d = store_->append(mailbox_id, "Subject: " + subject + "\r\n\r\nbody\r\n", flags, 1000);
    EXPECT_TRUE(d) << d.error().message;
    return d ? d->uid : 0;
  }
  std::vector<Message> messages(int64_t mailbox_id) { return *store_->list_messages(mailbox_id); }
  Uids uids(int64_t mailbox_id) {
    Uids out;
    for (const Message& m : messages(mailbox_id)) out.push_back(m.uid);
    return out;
  }
  Names flags_of(int64_t mailbox_id, uint32_t uid) {
    for (const Message& m : messages(mailbox_id)) {
      if (m.uid == uid) return m.flags;
    }
    ADD_FAILURE() << "no uid " << uid;
    return {};
  }
  size_t blob_files() {
    size_t n = 0;
    auto entries = store_->blob_files().scan();
    for (const auto& e : *entries) n += e.is_temp ? 0 : 1;
    return n;
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  int64_t account_ = 0;
  int64_t inbox_ = 0;
};

TEST_F(StoreAccess, CreateMakesParentsAndSubscribes) {
  auto made = store_->create_mailbox(account_, "Projects/2026/Heron");
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(made->name, "Projects/2026/Heron");
  EXPECT_TRUE(made->subscribed);
  EXPECT_EQ(made->uidnext, 1u);
  EXPECT_NE(made->uidvalidity, 0u);
  EXPECT_EQ(mailbox_names(), (Names{"Archive", "Drafts", "INBOX", "Junk", "Projects",
                                    "Projects/2026", "Projects/2026/Heron", "Sent", "Trash"}));
  auto subs = store_->list_subscriptions(account_);
  ASSERT_TRUE(subs);
  EXPECT_TRUE(std::count(subs->begin(), subs->end(), "Projects/2026/Heron"));
  // UIDVALIDITY differs between mailboxes (strictly increasing per store).
  EXPECT_GT(made->uidvalidity, mailbox("Projects").uidvalidity);
}

TEST_F(StoreAccess, CreateRefusesTakenAndBadNames) {
  EXPECT_EQ(store_->create_mailbox(account_, "Sent").error().code, EEXIST);
  EXPECT_EQ(store_->create_mailbox(account_, "inbox").error().code, EEXIST);
  for (const char* bad : {"", "/a", "a/", "a//b", "a*b", "a%", "a\tb", "\xff\xfe"}) {
    EXPECT_EQ(store_->create_mailbox(account_, bad).error().code, EINVAL) << bad;
  }
  EXPECT_EQ(store_->create_mailbox(account_, "Stuff", "\\Bogus").error().code, EOPNOTSUPP);
  EXPECT_EQ(store_->create_mailbox(account_ + 99, "Stuff").error().code, ENOENT);
  // A first level spelled INBOX in any case is INBOX (RFC 9051 5.1).
  auto child = store_->create_mailbox(account_, "inbox/Receipts");
  ASSERT_TRUE(child);
  EXPECT_EQ(child->name, "INBOX/Receipts");
  auto special = store_->create_mailbox(account_, "Everything", "\\All");
  ASSERT_TRUE(special);
  EXPECT_EQ(special->special_use, "\\All");
}

TEST_F(StoreAccess, DeleteRemovesMessagesKeepsChildrenAndSubscription) {
  ASSERT_TRUE(store_->create_mailbox(account_, "Old/Child"));
  const int64_t old = mailbox("Old").id;
  append(old, "one");
  append(old, "two");
  EXPECT_EQ(blob_files(), 2u);
  ASSERT_TRUE(store_->delete_mailbox(account_, "Old"));
  EXPECT_FALSE(*store_->find_mailbox(account_, "Old"));
  EXPECT_TRUE(*store_->find_mailbox(account_, "Old/Child"));
  EXPECT_TRUE(store_->list_messages(old)->empty());
  EXPECT_EQ(blob_files(), 0u);  // no other row named them
  auto subs = *store_->list_subscriptions(account_);
  EXPECT_TRUE(std::count(subs.begin(), subs.end(), "Old"));  // RFC 9051 6.3.9
  EXPECT_EQ(store_->delete_mailbox(account_, "inbox").error().code, EPERM);
  EXPECT_EQ(store_->delete_mailbox(account_, "Old").error().code, ENOENT);
  // A name reused gets a new UIDVALIDITY.
  auto again = store_->create_mailbox(account_, "Old");
  ASSERT_TRUE(again);
  EXPECT_GT(again->uidvalidity, mailbox("Old/Child").uidvalidity);
}

TEST_F(StoreAccess, RenameMovesChildrenAndSubscriptionsKeepingUids) {
  ASSERT_TRUE(store_->create_mailbox(account_, "Work/Reports"));
  const Mailbox work = mailbox("Work");
  append(work.id, "w1");
  ASSERT_TRUE(store_->rename_mailbox(account_, "Work", "Archive/Work 2025"));
  EXPECT_FALSE(*store_->find_mailbox(account_, "Work"));
  const Mailbox moved = mailbox("Archive/Work 2025");
  EXPECT_EQ(moved.id, work.id);
  EXPECT_EQ(moved.uidvalidity, work.uidvalidity);
  EXPECT_EQ(uids(moved.id), (Uids{1}));
  EXPECT_TRUE(*store_->find_mailbox(account_, "Archive/Work 2025/Reports"));
  auto subs = *store_->list_subscriptions(account_);
  EXPECT_TRUE(std::count(subs.begin(), subs.end(), "Archive/Work 2025/Reports"));
  EXPECT_FALSE(std::count(subs.begin(), subs.end(), "Work/Reports"));

  EXPECT_EQ(store_->rename_mailbox(account_, "Sent", "Drafts").error().code, EEXIST);
  EXPECT_EQ(store_->rename_mailbox(account_, "Nope", "Other").error().code, ENOENT);
  EXPECT_EQ(store_->rename_mailbox(account_, "Sent", "Sent/Inner").error().code, EINVAL);
  EXPECT_EQ(store_->rename_mailbox(account_, "Sent", "INBOX").error().code, EEXIST);
}

TEST_F(StoreAccess, RenameInboxMovesItsMessagesAndEmptiesIt) {
  append(inbox_, "a");
  append(inbox_, "b");
  ASSERT_TRUE(store_->create_mailbox(account_, "INBOX/Sub"));
  const uint64_t before = mailbox("INBOX").highestmodseq;
  ASSERT_TRUE(store_->rename_mailbox(account_, "INBOX", "Old Mail"));
  const Mailbox inbox = mailbox("INBOX");
  EXPECT_EQ(inbox.id, inbox_);
  EXPECT_EQ(inbox.messages, 0u);
  EXPECT_EQ(inbox.uidnext, 3u);  // UIDs never go backwards
  EXPECT_GT(inbox.highestmodseq, before);
  EXPECT_EQ(*store_->expunged_since(inbox_, before), (Uids{1, 2}));
  const Mailbox old = mailbox("Old Mail");
  EXPECT_EQ(uids(old.id), (Uids{1, 2}));
  EXPECT_EQ(old.uidnext, 3u);
  EXPECT_TRUE(*store_->find_mailbox(account_, "INBOX/Sub"));  // children stay
  EXPECT_EQ(append(inbox_, "c"), 3u);
}

TEST_F(StoreAccess, MailboxChangesAgreeWithTheRowsModseq) {
  append(inbox_, "a");
  append(inbox_, "b");
  append(inbox_, "c");
  auto all = store_->mailbox_changes(inbox_, 0);
  ASSERT_TRUE(all && *all);
  EXPECT_EQ((*all)->changed.size(), 3u);
  EXPECT_TRUE((*all)->expunged.empty());
  const uint64_t at = (*all)->mailbox.highestmodseq;
  for (const Message& m : (*all)->changed) EXPECT_LE(m.modseq, at);
  ASSERT_TRUE(store_->update_flags(inbox_, {3}, FlagMode::add, {"\\Seen"}));
  ASSERT_TRUE(store_->expunge(inbox_, {1}, false));
  auto since = store_->mailbox_changes(inbox_, at);
  ASSERT_TRUE(since && *since);
  ASSERT_EQ((*since)->changed.size(), 1u);
  EXPECT_EQ((*since)->changed[0].uid, 3u);
  EXPECT_EQ((*since)->expunged, (Uids{1}));
  EXPECT_EQ((*since)->mailbox.highestmodseq, at + 2);
  EXPECT_FALSE(*store_->mailbox_changes(inbox_ + 1000, 0));
}

TEST_F(StoreAccess, SubscriptionsAreNamesThatNeedNotExist) {
  ASSERT_TRUE(store_->set_subscribed(account_, "Later/Maybe", true));
  ASSERT_TRUE(store_->set_subscribed(account_, "Junk", false));
  auto subs = *store_->list_subscriptions(account_);
  EXPECT_TRUE(std::count(subs.begin(), subs.end(), "Later/Maybe"));
  EXPECT_FALSE(std::count(subs.begin(), subs.end(), "Junk"));
  EXPECT_FALSE(mailbox("Junk").subscribed);
  EXPECT_TRUE(mailbox("Sent").subscribed);
  ASSERT_TRUE(store_->set_subscribed(account_, "Later/Maybe", true));  // idempotent
  EXPECT_EQ(store_->set_subscribed(account_, "a//b", true).error().code, EINVAL);
}

TEST_F(StoreAccess, AppendIsReadBackWithFlagsAndDate) {
  const std::string body = "From: a@b\r\nSubject: hi\r\n\r\nline\r\n";
  auto d = store_->append(inbox_, body, {"\\seen", "$Label1", "\\Recent"}, 1700000000);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->uid, 1u);
  EXPECT_EQ(d->mailbox_id, inbox_);
  EXPECT_EQ(d->account_id, account_);
  auto list = messages(inbox_);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].flags, (Names{"\\Seen", "$Label1"}));  // canonical case, no \Recent
  EXPECT_EQ(list[0].internal_date, 1700000000);
  EXPECT_EQ(list[0].size, body.size());
  EXPECT_EQ(*store_->read_message(list[0]), body);
  EXPECT_EQ(append(inbox_, "next"), 2u);

  ASSERT_TRUE(store_->create_mailbox(account_, "Gone"));
  const int64_t gone = mailbox("Gone").id;
  ASSERT_TRUE(store_->delete_mailbox(account_, "Gone"));
  EXPECT_EQ(store_->append(gone, body, {}, 0).error().code, ENOENT);
}

TEST_F(StoreAccess, FlagsChangeWithOneModseqPerOperation) {
  for (int i = 0; i < 3; ++i) append(inbox_, "m" + std::to_string(i));
  const uint64_t base = mailbox("INBOX").highestmodseq;

  auto added = store_->update_flags(inbox_, {1, 2, 99}, FlagMode::add, {"\\Seen", "Work"});
  ASSERT_TRUE(added) << added.error().message;
  ASSERT_EQ(added->changed.size(), 2u);  // 99 does not exist
  EXPECT_EQ(added->changed[0].uid, 1u);
  EXPECT_EQ(added->changed[0].modseq, base + 1);
  EXPECT_EQ(added->changed[1].modseq, base + 1);
  EXPECT_EQ(added->changed[0].flags, (Names{"\\Seen", "Work"}));
  EXPECT_EQ(mailbox("INBOX").highestmodseq, base + 1);
  EXPECT_EQ(flags_of(inbox_, 2), (Names{"\\Seen", "Work"}));
  EXPECT_EQ(flags_of(inbox_, 3), Names{});

  // Adding what is there changes nothing: no modseq bump.
  auto same = store_->update_flags(inbox_, {1}, FlagMode::add, {"\\SEEN"});
  ASSERT_TRUE(same);
  EXPECT_TRUE(same->changed.empty());
  EXPECT_EQ(mailbox("INBOX").highestmodseq, base + 1);

  auto removed = store_->update_flags(inbox_, {1}, FlagMode::remove, {"work"});
  ASSERT_TRUE(removed);
  EXPECT_EQ(flags_of(inbox_, 1), (Names{"\\Seen"}));
  auto replaced = store_->update_flags(inbox_, {2}, FlagMode::replace, {"\\Flagged"});
  ASSERT_TRUE(replaced);
  EXPECT_EQ(flags_of(inbox_, 2), (Names{"\\Flagged"}));
  EXPECT_EQ(mailbox("INBOX").highestmodseq, base + 3);

  // RFC 7162 UNCHANGEDSINCE: message 2 changed after base + 1, so it fails and keeps its flags.
  auto cond = store_->update_flags(inbox_, {2, 3}, FlagMode::add, {"\\Deleted"}, base + 1);
  ASSERT_TRUE(cond);
  EXPECT_EQ(cond->failed, (Uids{2}));
  ASSERT_EQ(cond->changed.size(), 1u);
  EXPECT_EQ(cond->changed[0].uid, 3u);
  EXPECT_EQ(flags_of(inbox_, 2), (Names{"\\Flagged"}));

  // What changed since a modseq is what a session polls for.
  auto since = store_->list_messages_since(inbox_, base + 2);
  ASSERT_TRUE(since);
  Uids changed;
  for (const Message& m : *since) changed.push_back(m.uid);
  EXPECT_EQ(changed, (Uids{2, 3}));
}

TEST_F(StoreAccess, ExpungeRemovesOnlyDeletedAndRecordsVanished) {
  for (int i = 0; i < 4; ++i) append(inbox_, "m" + std::to_string(i));
  ASSERT_TRUE(store_->update_flags(inbox_, {2, 4}, FlagMode::add, {"\\Deleted"}));
  const uint64_t before = mailbox("INBOX").highestmodseq;
  auto gone = store_->expunge(inbox_, {1, 2, 3, 4}, true);
  ASSERT_TRUE(gone) << gone.error().message;
  EXPECT_EQ(*gone, (Uids{2, 4}));
  EXPECT_EQ(uids(inbox_), (Uids{1, 3}));
  EXPECT_EQ(*store_->expunged_since(inbox_, before), (Uids{2, 4}));
  EXPECT_TRUE(store_->expunged_since(inbox_, before + 1)->empty());
  EXPECT_EQ(blob_files(), 2u);
  // POP3 (and UID EXPUNGE of a set) remove what they name, flagged or not.
  EXPECT_EQ(*store_->expunge(inbox_, {3}, false), (Uids{3}));
  EXPECT_TRUE(store_->expunge(inbox_, {3, 50}, false)->empty());
  EXPECT_EQ(uids(inbox_), (Uids{1}));
  EXPECT_EQ(append(inbox_, "later"), 5u);
}

TEST_F(StoreAccess, CopySharesBlobsAndMoveExpungesTheSource) {
  append(inbox_, "a", {"\\Flagged"});
  append(inbox_, "b");
  append(inbox_, "c");
  const Mailbox archive = mailbox("Archive");
  auto copied = store_->copy_messages(inbox_, {3, 1}, archive.id, false);
  ASSERT_TRUE(copied) << copied.error().message;
  EXPECT_EQ(copied->uidvalidity, archive.uidvalidity);
  using Pairs = std::vector<std::pair<uint32_t, uint32_t>>;
  EXPECT_EQ(copied->uids, (Pairs{{1, 1}, {3, 2}}));
  EXPECT_EQ(flags_of(archive.id, 1), (Names{"\\Flagged"}));
  EXPECT_EQ(blob_files(), 3u);  // shared, not copied
  EXPECT_EQ(uids(inbox_), (Uids{1, 2, 3}));
  EXPECT_EQ(*store_->read_message(messages(archive.id)[1]),
            *store_->read_message(messages(inbox_)[2]));

  const uint64_t before = mailbox("INBOX").highestmodseq;
  auto moved = store_->copy_messages(inbox_, {2}, archive.id, true);
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->uids, (Pairs{{2, 3}}));
  EXPECT_EQ(uids(inbox_), (Uids{1, 3}));
  EXPECT_EQ(*store_->expunged_since(inbox_, before), (Uids{2}));
  EXPECT_EQ(uids(archive.id), (Uids{1, 2, 3}));

  // Expunging one copy keeps the blob the other still names.
  ASSERT_TRUE(store_->expunge(inbox_, {1, 3}, false));
  EXPECT_EQ(blob_files(), 3u);
  ASSERT_TRUE(store_->expunge(archive.id, {1, 2, 3}, false));
  EXPECT_EQ(blob_files(), 0u);

  ASSERT_TRUE(store_->add_account("bob@example.org", "pw"));
  const int64_t bob = (*store_->find_account("bob@example.org"))->id;
  const int64_t bob_inbox = (**store_->find_mailbox(bob, "INBOX")).id;
  append(inbox_, "d");
  EXPECT_EQ(store_->copy_messages(inbox_, {4}, bob_inbox, false).error().code, EPERM);
}

TEST_F(StoreAccess, RecentIsClaimedOnce) {
  append(inbox_, "a");
  append(inbox_, "b");
  EXPECT_EQ(*store_->claim_recent(inbox_), 1u);  // both are \Recent for this session
  EXPECT_EQ(*store_->claim_recent(inbox_), 3u);  // and for no other
  append(inbox_, "c");
  EXPECT_EQ(*store_->claim_recent(inbox_), 3u);
  EXPECT_EQ(*store_->claim_recent(inbox_), 4u);
}

TEST_F(StoreAccess, WatchersHearCommittedChangesUntilDropped) {
  std::atomic<int> calls{0};
  std::atomic<int64_t> last{0};
  Watch watch = store_->watch(account_, [&](int64_t mailbox_id) {
    ++calls;
    last = mailbox_id;
  });
  Delivery d;
  d.body = "Subject: x\r\n\r\ny\r\n";
  d.targets.push_back(DeliveryTarget{account_, "INBOX", "", {}});
  ASSERT_TRUE(store_->deliver(std::move(d)));
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(last.load(), inbox_);
  ASSERT_TRUE(store_->update_flags(inbox_, {1}, FlagMode::add, {"\\Seen"}));
  EXPECT_EQ(calls.load(), 2);
  ASSERT_TRUE(store_->update_flags(inbox_, {1}, FlagMode::add, {"\\Seen"}));  // no change
  EXPECT_EQ(calls.load(), 2);
  ASSERT_TRUE(store_->create_mailbox(account_, "New"));
  EXPECT_EQ(calls.load(), 3);
  watch.reset();
  append(inbox_, "unheard");
  EXPECT_EQ(calls.load(), 3);
}

}  // namespace
}  // namespace heron::store::sqlite
