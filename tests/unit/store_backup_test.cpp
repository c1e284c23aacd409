// store/sqlite/backup.hpp and the copy taken before a migration (migrate.hpp).

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "base/fs.hpp"
#include "store/sqlite/backup.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/queue_store.hpp"
#include "store/sqlite/schema.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/wal.hpp"

namespace heron::store::sqlite {
namespace {

namespace stdfs = std::filesystem;

class StoreBackup : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = stdfs::temp_directory_path() / ("heron-backup-" + fs::random_hex(8));
    data_ = root_ / "data";
    dest_ = root_ / "backup";
    auto s = SqliteStore::open(data_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    ASSERT_TRUE(store_->add_domain("example.org"));
    alice_ = account("alice@example.org");
    bob_ = account("bob@example.org");
  }
  void TearDown() override {
    store_.reset();
    stdfs::remove_all(root_);
  }
  Account account(std::string_view address) {
    auto a = store_->add_account(address, "pw");
    EXPECT_TRUE(a) << (a ? "" : a.error().message);
    return a ? *a : Account{};
  }
  int64_t inbox(SqliteStore& s, const Account& a) {
    auto m = s.find_mailbox(a.id, "INBOX");
    EXPECT_TRUE(m && *m);
    return m && *m ? (*m)->id : 0;
  }
  uint32_t deliver(const Account& a, const std::string& body) {
    Delivery d;
    d.body = body;
    DeliveryTarget t;
    t.account_id = a.id;
    t.header_prefix = "Delivered-To: " + a.address + "\r\n";
    d.targets.push_back(t);
    auto r = store_->deliver(std::move(d));
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? (*r)[0].uid : 0;
  }
  static std::string body(const std::string& tag) {
    std::string b = "Subject: " + tag + "\r\n\r\n";
    for (int i = 0; i < 20; ++i) b += "line " + std::to_string(i) + " of " + tag + "\r\n";
    return b;
  }
  // uid -> full message (prefix + body) for every message of a's INBOX in store s.
  std::map<uint32_t, std::string> contents(SqliteStore& s, const Account& a) {
    std::map<uint32_t, std::string> out;
    auto list = s.list_messages(inbox(s, a));
    EXPECT_TRUE(list);
    if (!list) return out;
    for (const auto& m : *list) {
      auto text = s.read_message(m);
      EXPECT_TRUE(text) << "uid " << m.uid << ": " << (text ? "" : text.error().message);
      out[m.uid] = text ? *text : "";
    }
    return out;
  }
  size_t files_in(const stdfs::path& dir) {
    size_t n = 0;
    for (const auto& e : stdfs::recursive_directory_iterator(dir)) n += e.is_regular_file();
    return n;
  }

  stdfs::path root_, data_, dest_;
  std::unique_ptr<SqliteStore> store_;
  Account alice_, bob_;
};

TEST_F(StoreBackup, HoldsEveryMessageQueueAndKeyButNoDeletedOne) {
  for (int i = 0; i < 10; ++i) deliver(alice_, body("a" + std::to_string(i)));
  for (int i = 0; i < 4; ++i) deliver(bob_, body("b" + std::to_string(i)));
  ASSERT_TRUE(store_->expunge(inbox(*store_, alice_), {2, 3, 4}, false));
  {
    auto queue = SqliteQueue::open(data_);
    ASSERT_TRUE(queue);
    NewQueueMessage m;
    m.sender = "alice@example.org";
    m.recipients.push_back(NewQueueRecipient{"carol@remote.test", "", 0});
    m.arrival = 1000;
    m.first_attempt = 1000;
    m.body = "Subject: out\r\n\r\nqueued\r\n";
    ASSERT_TRUE((*queue)->enqueue(m));
  }
  ASSERT_TRUE(fs::ensure_dir(data_ / "dkim" / "example.org"));
  ASSERT_TRUE(fs::write_durable(data_ / "dkim" / "example.org" / "s1.pem", "KEY"));

  auto report = backup_data_dir(data_, dest_);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->attempts, 1);
  EXPECT_EQ(report->messages, 11u);
  EXPECT_EQ(report->blobs, 11u);
  EXPECT_EQ(report->queue_messages, 1u);
  EXPECT_EQ(report->other_files, 1u);
  EXPECT_EQ(report->store_schema, schema_version());
  EXPECT_TRUE(report->linked);  // same file system

  // Exactly the live bodies, nothing else, in the backup.
  EXPECT_EQ(files_in(dest_ / "blobs"), 11u);
  EXPECT_EQ(files_in(dest_ / "queue"), 1u);
  struct stat st {};
  ASSERT_EQ(::stat((dest_ / "dkim" / "example.org" / "s1.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto manifest = nlohmann::json::parse(*fs::read_file(manifest_path(dest_)));
  EXPECT_EQ(manifest["store"]["messages"], 11);
  EXPECT_EQ(manifest["heron_version"], HERON_VERSION);

  auto verified = verify_backup(dest_);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_TRUE(verified->problems.empty());

  // The backup is a data directory: the same messages, byte for byte.
  auto backup = SqliteStore::open(dest_);
  ASSERT_TRUE(backup) << backup.error().message;
  EXPECT_EQ(contents(**backup, alice_), contents(*store_, alice_));
  EXPECT_EQ(contents(**backup, bob_), contents(*store_, bob_));
  EXPECT_EQ(contents(**backup, alice_).size(), 7u);
  auto reconciled = (*backup)->reconcile();
  ASSERT_TRUE(reconciled);
  EXPECT_EQ(reconciled->missing_blobs_quarantined, 0u);
  auto queue = SqliteQueue::open(dest_);
  ASSERT_TRUE(queue);
  auto queued = (*queue)->list();
  ASSERT_TRUE(queued);
  ASSERT_EQ(queued->size(), 1u);
  EXPECT_EQ(*(*queue)->read_body(queued->front()), "Subject: out\r\n\r\nqueued\r\n");
}

TEST_F(StoreBackup, VerifyFindsAMissingOrTruncatedBody) {
  deliver(alice_, body("one"));
  deliver(alice_, body("two"));
  BackupOptions copies;  // copies: truncating a hard link would truncate the live body too
  copies.method = BackupOptions::Method::copy;
  ASSERT_TRUE(backup_data_dir(data_, dest_, copies));
  std::vector<stdfs::path> files;
  for (const auto& e : stdfs::recursive_directory_iterator(dest_ / "blobs")) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  ASSERT_EQ(files.size(), 2u);
  stdfs::remove(files[0]);
  stdfs::resize_file(files[1], 10);
  auto verified = verify_backup(dest_);
  ASSERT_TRUE(verified);
  ASSERT_EQ(verified->problems.size(), 2u);
  const std::string all = verified->problems[0] + verified->problems[1];
  EXPECT_NE(all.find("body missing"), std::string::npos);
  EXPECT_NE(all.find("has 10 bytes"), std::string::npos);
}

TEST_F(StoreBackup, RefusesANonEmptyDirectory) {
  ASSERT_TRUE(fs::ensure_dir(dest_));
  ASSERT_TRUE(fs::write_durable(dest_ / "x", "x"));
  auto report = backup_data_dir(data_, dest_);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ENOTEMPTY);
  // An empty one is fine.
  stdfs::remove(dest_ / "x");
  EXPECT_TRUE(backup_data_dir(data_, dest_));
}

TEST_F(StoreBackup, CopyMethodSharesNoInode) {
  deliver(alice_, body("copied"));
  BackupOptions options;
  options.method = BackupOptions::Method::copy;
  auto report = backup_data_dir(data_, dest_, options);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_FALSE(report->linked);
  for (const auto& e : stdfs::recursive_directory_iterator(dest_ / "blobs")) {
    if (e.is_regular_file()) {
      EXPECT_EQ(stdfs::hard_link_count(e.path()), 1u);
    }
  }
  auto backup = SqliteStore::open(dest_);
  ASSERT_TRUE(backup);
  EXPECT_EQ(contents(**backup, alice_), contents(*store_, alice_));
}

// A body delivered after the link pass and expunged (file unlinked) between the snapshot and
// the fill pass: the first attempt sees a named body gone, and the backup starts over.
TEST_F(StoreBackup, RetriesWhenANamedBodyVanishesAfterTheSnapshot) {
  deliver(alice_, body("stays"));
  uint32_t doomed = 0;
  BackupOptions options;
  options.before_snapshot = [&](int attempt) {
    if (attempt == 1) doomed = deliver(alice_, body("doomed"));
  };
  options.after_snapshot = [&](int attempt) {
    if (attempt == 1) {
      ASSERT_TRUE(store_->expunge(inbox(*store_, alice_), {doomed}, false));
    }
  };
  auto report = backup_data_dir(data_, dest_, options);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->attempts, 2);
  EXPECT_EQ(report->messages, 1u);
  EXPECT_TRUE(verify_backup(dest_)->problems.empty());
  auto backup = SqliteStore::open(dest_);
  ASSERT_TRUE(backup);
  EXPECT_EQ(contents(**backup, alice_), contents(*store_, alice_));

  EXPECT_FALSE(report->locked);

  // One free attempt, then the last resort: the second attempt holds the write locks.
  stdfs::remove_all(dest_);
  options.max_attempts = 1;
  report = backup_data_dir(data_, dest_, options);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->attempts, 2);
  EXPECT_TRUE(report->locked);
  EXPECT_TRUE(verify_backup(dest_)->problems.empty());

  // Without the last resort the same race is an error, never a silent loss.
  stdfs::remove_all(dest_);
  options.lock_last_resort = false;
  auto failed = backup_data_dir(data_, dest_, options);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, EAGAIN);
}

// Backups taken while another thread delivers and expunges: each one holds every message
// delivered before it started, and every message it holds reads back byte for byte.
TEST_F(StoreBackup, SnapshotWhileAnotherThreadWrites) {
  std::map<uint32_t, std::string> before;
  for (int i = 0; i < 100; ++i) {
    const std::string b = body("pre" + std::to_string(i));
    before[deliver(alice_, b)] = "Delivered-To: alice@example.org\r\n" + b;
  }
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    const int64_t box = inbox(*store_, bob_);
    for (int i = 0; !stop; ++i) {
      const uint32_t uid = deliver(bob_, body("live" + std::to_string(i)));
      if (uid > 3) {
        auto gone = store_->expunge(box, {uid - 3}, false);
        EXPECT_TRUE(gone);
      }
      ++written;
    }
  });
  for (int round = 0; round < 4; ++round) {
    const stdfs::path dest = root_ / ("backup" + std::to_string(round));
    auto report = backup_data_dir(data_, dest);
    ASSERT_TRUE(report) << report.error().message;
    auto verified = verify_backup(dest);
    ASSERT_TRUE(verified);
    EXPECT_TRUE(verified->problems.empty()) << verified->problems.front();
    auto backup = SqliteStore::open(dest);
    ASSERT_TRUE(backup);
    EXPECT_EQ(contents(**backup, alice_), before);
    for (const auto& [uid, text] : contents(**backup, bob_)) {
      EXPECT_NE(text.find("Subject: live"), std::string::npos) << uid;
      EXPECT_EQ(text.substr(text.size() - 2), "\r\n");
    }
  }
  stop = true;
  writer.join();
  EXPECT_GT(written.load(), 0);
}

// Schema upgrade: a database at an older version is copied (at that version) before the
// migration; a fresh one and an up-to-date one are not.
TEST(StoreMigrationBackup, CopiesAnOlderDatabaseBeforeMigrating) {
  const stdfs::path dir = stdfs::temp_directory_path() / ("heron-migrate-" + fs::random_hex(8));
  auto pre_files = [&dir] {
    std::vector<stdfs::path> out;
    for (const auto& e : stdfs::directory_iterator(dir)) {
      if (e.path().filename().string().rfind("heron.db.pre-v", 0) == 0) out.push_back(e.path());
    }
    return out;
  };
  ASSERT_TRUE(fs::ensure_dir(dir));
  {
    auto db = open_writer(dir / "heron.db");
    ASSERT_TRUE(db);
    ASSERT_TRUE(migrate(**db, 1));
    ASSERT_TRUE((*db)->exec("INSERT INTO domains(name, created) VALUES ('old.example', 1)"));
  }
  {
    auto store = SqliteStore::open(dir);
    ASSERT_TRUE(store) << store.error().message;
    auto domains = (*store)->list_domains();
    ASSERT_TRUE(domains);
    EXPECT_EQ(domains->size(), 1u);
  }
  auto copies = pre_files();
  ASSERT_EQ(copies.size(), 1u);
  EXPECT_NE(copies[0].filename().string().find("heron.db.pre-v1-"), std::string::npos);
  {
    auto old = open_reader(copies[0]);
    ASSERT_TRUE(old);
    auto st = (*old)->stmt("PRAGMA user_version");
    ASSERT_TRUE(st && *(*st)->step());
    EXPECT_EQ((*st)->column_int(0), 1);
    auto name = (*old)->stmt("SELECT name FROM domains");
    ASSERT_TRUE(name && *(*name)->step());
    EXPECT_EQ((*name)->column_text(0), "old.example");
  }
  // Opening again (already current) takes no copy; nor does a fresh store.
  ASSERT_TRUE(SqliteStore::open(dir));
  EXPECT_EQ(pre_files().size(), 1u);
  stdfs::remove_all(dir);
  ASSERT_TRUE(SqliteStore::open(dir));
  EXPECT_TRUE(pre_files().empty());
  stdfs::remove_all(dir);
}

}  // namespace
}  // namespace heron::store::sqlite
