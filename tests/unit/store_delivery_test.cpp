#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "base/fs.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace heron::store::sqlite {
namespace {

class StoreDelivery : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("heron-store-mail-" + fs::random_hex(8));
    store_ = open_store();
    ASSERT_TRUE(store_);
    ASSERT_TRUE(store_->add_domain("example.org"));
    alice_ = account("alice@example.org");
    bob_ = account("bob@example.org");
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<SqliteStore> open_store(Options options = {}) {
    auto s = SqliteStore::open(dir_, options);
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    return s ? std::move(*s) : nullptr;
  }
  Account account(std::string_view address) {
    auto a = store_->add_account(address, "pw");
    EXPECT_TRUE(a) << (a ? "" : a.error().message);
    return a ? *a : Account{};
  }
  Mailbox mailbox(const Account& a, std::string_view name = "INBOX") {
    auto m = store_->find_mailbox(a.id, name);
    EXPECT_TRUE(m && *m);
    return m && *m ? **m : Mailbox{};
  }
  std::vector<Message> messages(const Account& a, std::string_view name = "INBOX") {
    auto m = store_->list_messages(mailbox(a, name).id);
    EXPECT_TRUE(m);
    return m ? *m : std::vector<Message>{};
  }
  static Delivery delivery(std::string body, std::vector<const Account*> to) {
    Delivery d;
    d.body = std::move(body);
    for (const Account* a : to) {
      DeliveryTarget t;
      t.account_id = a->id;
      t.header_prefix = "Delivered-To: " + a->address + "\r\n";
      d.targets.push_back(t);
    }
    return d;
  }
  // Blob files on disk (temporaries excluded).
  size_t blob_file_count() {
    auto entries = store_->blob_files().scan();
    EXPECT_TRUE(entries);
    return static_cast<size_t>(
        std::count_if(entries->begin(), entries->end(), [](const auto& e) { return !e.is_temp; }));
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  Account alice_, bob_;
};

TEST_F(StoreDelivery, UidsAndModseqsIncrement) {
  for (uint32_t i = 1; i <= 3; ++i) {
    auto r =
        store_->deliver(delivery("Subject: " + std::to_string(i) + "\r\n\r\nhi\r\n", {&alice_}));
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ((*r)[0].uid, i);
    EXPECT_EQ((*r)[0].account_id, alice_.id);
    EXPECT_EQ((*r)[0].mailbox_id, mailbox(alice_).id);
  }
  auto inbox = mailbox(alice_);
  EXPECT_EQ(inbox.uidnext, 4u);
  EXPECT_EQ(inbox.highestmodseq, 4u);
  EXPECT_EQ(inbox.messages, 3u);
  auto list = messages(alice_);
  ASSERT_EQ(list.size(), 3u);
  for (size_t i = 0; i < list.size(); ++i) {
    EXPECT_EQ(list[i].uid, i + 1);
    EXPECT_EQ(list[i].modseq, i + 2);
    EXPECT_GT(list[i].internal_date, 0);
  }
  EXPECT_EQ(inbox.total_size, list[0].size + list[1].size + list[2].size);
}

TEST_F(StoreDelivery, ReadMessageIsByteExactWithPrefix) {
  std::string body = "From: a@b\r\nSubject: x\r\n\r\nline\r\n";
  body += std::string("\0\x01\xff binary-ish\r\n", 16);
  Delivery d = delivery(body, {&alice_});
  d.internal_date = 1700000000;
  d.targets[0].flags = {"\\Seen", "$Label1", "bad flag"};
  ASSERT_TRUE(store_->deliver(d));
  auto list = messages(alice_);
  ASSERT_EQ(list.size(), 1u);
  const Message& m = list[0];
  EXPECT_EQ(m.internal_date, 1700000000);
  EXPECT_EQ(m.flags, (std::vector<std::string>{"\\Seen", "$Label1"}));
  EXPECT_EQ(m.header_prefix, "Delivered-To: alice@example.org\r\n");
  EXPECT_EQ(m.size, m.header_prefix.size() + body.size());
  auto text = store_->read_message(m);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, m.header_prefix + body);
}

TEST_F(StoreDelivery, OneBlobSharedByAllTargets) {
  Account carol = account("carol@example.org");
  auto r = store_->deliver(delivery("Subject: shared\r\n\r\nbody\r\n", {&alice_, &bob_, &carol}));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ(blob_file_count(), 1u);
  std::set<std::string> blob_ids;
  for (const Account* a : {&alice_, &bob_, &carol}) {
    auto list = messages(*a);
    ASSERT_EQ(list.size(), 1u);
    blob_ids.insert(list[0].blob_id);
    EXPECT_EQ(*store_->read_message(list[0]),
              "Delivered-To: " + a->address + "\r\nSubject: shared\r\n\r\nbody\r\n");
  }
  EXPECT_EQ(blob_ids.size(), 1u);

  // The blob stays while any row names it, and goes with the last one.
  ASSERT_TRUE(store_->delete_account("alice@example.org"));
  ASSERT_TRUE(store_->delete_account("bob@example.org"));
  EXPECT_EQ(blob_file_count(), 1u);
  EXPECT_TRUE(store_->read_message(messages(carol)[0]));
  ASSERT_TRUE(store_->delete_account("carol@example.org"));
  EXPECT_EQ(blob_file_count(), 0u);
}

TEST_F(StoreDelivery, MailboxChoiceAndFallbackToInbox) {
  Delivery d = delivery("Subject: j\r\n\r\n", {&alice_, &bob_});
  d.targets[0].mailbox = "Junk";
  d.targets[1].mailbox = "No Such Folder";
  ASSERT_TRUE(store_->deliver(d));
  EXPECT_EQ(messages(alice_, "Junk").size(), 1u);
  EXPECT_EQ(messages(alice_).size(), 0u);
  EXPECT_EQ(messages(bob_).size(), 1u);
}

TEST_F(StoreDelivery, FailedDeliveryLeavesNothing) {
  Account ghost;
  ghost.id = 999999;
  ghost.address = "ghost@example.org";
  auto r = store_->deliver(delivery("x", {&alice_, &ghost}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOENT);
  EXPECT_TRUE(messages(alice_).empty());
  EXPECT_EQ(mailbox(alice_).uidnext, 1u);  // rolled back with its savepoint
  EXPECT_EQ(blob_file_count(), 0u);
  EXPECT_FALSE(store_->deliver(Delivery{}));  // no targets
  // The store keeps working after a failure.
  auto ok = store_->deliver(delivery("y", {&alice_}));
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)[0].uid, 1u);
}

TEST_F(StoreDelivery, AsyncCallbackComesAfterCommit) {
  std::atomic<int> done{0};
  for (int i = 0; i < 5; ++i) {
    store_->deliver_async(delivery("async", {&bob_}), [&](Result<std::vector<Delivered>> r) {
      EXPECT_TRUE(r);
      ++done;
    });
  }
  store_.reset();  // the destructor drains the queue
  EXPECT_EQ(done.load(), 5);
  store_ = open_store();
  EXPECT_EQ(messages(bob_).size(), 5u);
}

TEST_F(StoreDelivery, ConcurrentDeliveriesGetConsecutiveUidsInSharedBatches) {
  constexpr int kThreads = 16;
  constexpr int kEach = 20;
  const uint64_t batches_before = store_->batches_committed();
  std::vector<std::vector<uint32_t>> uids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto r =
            store_->deliver(delivery(std::string(2048, 'a' + static_cast<char>(t)), {&alice_}));
        if (r) uids[t].push_back((*r)[0].uid);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<uint32_t> all;
  for (const auto& v : uids) {
    EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
    all.insert(all.end(), v.begin(), v.end());
  }
  ASSERT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
  std::sort(all.begin(), all.end());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], i + 1);
  const uint64_t batches = store_->batches_committed() - batches_before;
  EXPECT_GT(batches, 0u);
  EXPECT_LT(batches, static_cast<uint64_t>(kThreads * kEach));
  auto list = messages(alice_);
  std::set<uint64_t> modseqs;
  for (const Message& m : list) modseqs.insert(m.modseq);
  EXPECT_EQ(modseqs.size(), list.size());
  EXPECT_EQ(blob_file_count(), list.size());
}

TEST_F(StoreDelivery, ReopenSeesEverything) {
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(store_->deliver(delivery("m" + std::to_string(i), {&alice_, &bob_})));
  auto before = messages(alice_);
  store_.reset();
  store_ = open_store();
  auto after = messages(alice_);
  ASSERT_EQ(after.size(), 4u);
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].uid, before[i].uid);
    EXPECT_EQ(after[i].blob_id, before[i].blob_id);
    EXPECT_EQ(*store_->read_message(after[i]),
              "Delivered-To: alice@example.org\r\nm" + std::to_string(i));
  }
  EXPECT_EQ(mailbox(bob_).uidnext, 5u);
  auto report = store_->reconcile();
  ASSERT_TRUE(report);
  EXPECT_EQ(report->orphan_blobs_removed, 0u);
  EXPECT_EQ(report->missing_blobs_quarantined, 0u);
}

TEST_F(StoreDelivery, ReconcileOrphansTemporariesAndMissingBlobs) {
  ASSERT_TRUE(store_->deliver(delivery("keep", {&alice_})));
  ASSERT_TRUE(store_->deliver(delivery("lost", {&alice_, &bob_})));
  auto list = messages(alice_);
  ASSERT_EQ(list.size(), 2u);
  const BlobFiles& blobs = store_->blob_files();

  const std::string old_orphan = BlobFiles::new_id();
  const std::string fresh_orphan = BlobFiles::new_id();
  ASSERT_TRUE(fs::write_synced(blobs.path_of(old_orphan), "old"));
  ASSERT_TRUE(fs::write_synced(blobs.path_of(fresh_orphan), "fresh"));
  std::filesystem::last_write_time(
      blobs.path_of(old_orphan),
      std::filesystem::file_time_type::clock::now() - std::chrono::hours(2));
  auto temp = blobs.path_of(BlobFiles::new_id());
  temp += ".tmp.abcdef";
  ASSERT_TRUE(fs::write_synced(temp, "half"));
  std::filesystem::remove(blobs.path_of(list[1].blob_id));

  auto report = store_->reconcile();
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->orphan_blobs_removed, 1u);
  EXPECT_EQ(report->missing_blobs_quarantined, 2u);  // alice's and bob's rows
  EXPECT_EQ(report->temp_files_removed, 1u);
  EXPECT_FALSE(std::filesystem::exists(blobs.path_of(old_orphan)));
  EXPECT_TRUE(std::filesystem::exists(blobs.path_of(fresh_orphan)));
  EXPECT_FALSE(std::filesystem::exists(temp));

  // Quarantined rows stay listed; their body cannot be read; the others are untouched.
  auto after = messages(alice_);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_TRUE(store_->read_message(after[0]));
  auto lost = store_->read_message(after[1]);
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, ENOENT);

  // A second pass finds nothing new.
  auto again = store_->reconcile();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->orphan_blobs_removed, 0u);
  EXPECT_EQ(again->missing_blobs_quarantined, 0u);
  EXPECT_EQ(again->temp_files_removed, 0u);
}

}  // namespace
}  // namespace heron::store::sqlite
