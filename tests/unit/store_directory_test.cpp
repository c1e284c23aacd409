#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>

#include "base/crypto.hpp"
#include "base/fs.hpp"
#include "store/password.hpp"
#include "store/sqlite/schema.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/wal.hpp"

namespace heron::store::sqlite {
namespace {

class StoreDirectory : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("heron-store-dir-" + fs::random_hex(8));
    store_ = open_store();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<SqliteStore> open_store() {
    auto s = SqliteStore::open(dir_);
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    return s ? std::move(*s) : nullptr;
  }
  Account account(std::string_view address, std::string_view password = "pw") {
    auto a = store_->add_account(address, password);
    EXPECT_TRUE(a) << (a ? "" : a.error().message);
    return a ? *a : Account{};
  }
  std::vector<std::string> addresses(const Resolution& r) {
    std::vector<std::string> out;
    for (const Account& a : r.accounts) out.push_back(a.address);
    std::sort(out.begin(), out.end());
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
};

// One PRAGMA's value, read through a separate connection.
std::string pragma(const std::filesystem::path& db_path, const char* sql) {
  sqlite3* db = nullptr;
  std::string value = "?";
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
    if (sqlite3_step(st) == SQLITE_ROW) {
      value = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return value;
}
int user_version(const std::filesystem::path& db_path) {
  return std::stoi(pragma(db_path, "PRAGMA user_version"));
}

TEST_F(StoreDirectory, MigratesOnceAndReopens) {
  EXPECT_EQ(user_version(dir_ / "heron.db"), sqlite::schema_version());
  EXPECT_EQ(pragma(dir_ / "heron.db", "PRAGMA journal_mode"), "wal");
  ASSERT_TRUE(store_->add_domain("example.org"));
  store_.reset();
  store_ = open_store();
  ASSERT_TRUE(store_);
  EXPECT_EQ(user_version(dir_ / "heron.db"), sqlite::schema_version());
  auto domains = store_->list_domains();
  ASSERT_TRUE(domains);
  ASSERT_EQ(domains->size(), 1u);
  EXPECT_EQ((*domains)[0].name, "example.org");
  EXPECT_TRUE(std::filesystem::is_directory(dir_ / "blobs" / "00"));
  EXPECT_TRUE(std::filesystem::is_directory(dir_ / "blobs" / "ff"));
}

// A version 1 database (before IMAP) keeps its subscriptions, and no message in it is \Recent.
TEST(StoreMigration, Version1GainsSubscriptionsAndRecentWatermark) {
  const auto dir = std::filesystem::temp_directory_path() / ("heron-migrate-" + fs::random_hex(8));
  std::filesystem::create_directories(dir);
  {
    auto db = open_writer(dir / "heron.db");
    ASSERT_TRUE(db);
    ASSERT_TRUE(migrate(**db, 1));
    ASSERT_TRUE((*db)->exec(
        "INSERT INTO domains(id, name, created) VALUES (1, 'example.org', 0);"
        "INSERT INTO accounts(id, domain_id, address, password_hash, created) "
        "  VALUES (1, 1, 'ann@example.org', 'x', 0);"
        "INSERT INTO mailboxes(id, account_id, name, uidvalidity, uidnext, highestmodseq, "
        "  subscribed) VALUES (1, 1, 'INBOX', 7, 5, 9, 1), (2, 1, 'Hidden', 8, 1, 1, 0);"));
  }
  auto store = SqliteStore::open(dir);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(user_version(dir / "heron.db"), schema_version());
  auto subs = (*store)->list_subscriptions(1);
  ASSERT_TRUE(subs);
  EXPECT_EQ(*subs, std::vector<std::string>{"INBOX"});
  auto hidden = (*store)->find_mailbox(1, "Hidden");
  ASSERT_TRUE(hidden && *hidden);
  EXPECT_FALSE((*hidden)->subscribed);
  EXPECT_EQ((*hidden)->uidvalidity, 8u);
  EXPECT_EQ(*(*store)->claim_recent(1), 5u);  // uidnext at migration: nothing is \Recent
  store->reset();
  std::filesystem::remove_all(dir);
}

TEST_F(StoreDirectory, RefusesNewerSchema) {
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "heron.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto s = SqliteStore::open(dir_);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("newer"), std::string::npos);
}

TEST_F(StoreDirectory, DomainsCrud) {
  auto d = store_->add_domain("Example.ORG");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->name, "example.org");
  EXPECT_GT(d->id, 0);
  auto dup = store_->add_domain("example.org");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, EEXIST);
  for (const char* bad : {"", "-x.org", "a..b", "exa mple.org", "x_y.org", "a.org.", "@a.org"}) {
    auto r = store_->add_domain(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, EINVAL) << bad;
  }
  EXPECT_TRUE(*store_->is_local_domain("EXAMPLE.org"));
  EXPECT_FALSE(*store_->is_local_domain("example.net"));
  EXPECT_FALSE(*store_->is_local_domain("not a domain"));
  ASSERT_TRUE(store_->add_domain("b.example"));
  EXPECT_EQ(store_->list_domains()->size(), 2u);
  ASSERT_TRUE(store_->delete_domain("B.example"));
  EXPECT_EQ(store_->delete_domain("b.example").error().code, ENOENT);
  EXPECT_EQ(store_->list_domains()->size(), 1u);
}

TEST_F(StoreDirectory, DeleteDomainRefusedWhileInUse) {
  ASSERT_TRUE(store_->add_domain("example.org"));
  account("u@example.org");
  auto r = store_->delete_domain("example.org");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOTEMPTY);
  ASSERT_TRUE(store_->delete_account("u@example.org"));
  ASSERT_TRUE(store_->add_alias("@example.org", "x@elsewhere.net"));
  EXPECT_EQ(store_->delete_domain("example.org").error().code, ENOTEMPTY);
  ASSERT_TRUE(store_->delete_alias("@example.org"));
  EXPECT_TRUE(store_->delete_domain("example.org"));
}

TEST_F(StoreDirectory, AccountsCrudAndErrors) {
  auto unknown = store_->add_account("u@example.org", "pw");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ENOENT);
  ASSERT_TRUE(store_->add_domain("example.org"));
  Account a = account("Alice@Example.Org", "pw1");
  EXPECT_EQ(a.address, "alice@example.org");
  EXPECT_GT(a.id, 0);
  EXPECT_GT(a.created, 0);
  auto dup = store_->add_account("ALICE@example.org", "pw");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, EEXIST);
  for (const char* bad : {"alice", "@example.org", "a b@example.org", "a@", "<a>@example.org"}) {
    auto r = store_->add_account(bad, "pw");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, EINVAL) << bad;
  }
  auto found = store_->find_account("ALICE@EXAMPLE.ORG");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->id, a.id);
  EXPECT_EQ((*found)->password_hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ((*found)->password_hash.find("pw1"), std::string::npos);
  EXPECT_FALSE(*store_->find_account("bob@example.org"));

  ASSERT_TRUE(store_->add_domain("other.net"));
  account("bob@other.net");
  EXPECT_EQ(store_->list_accounts()->size(), 2u);
  auto in_org = store_->list_accounts("example.org");
  ASSERT_TRUE(in_org);
  ASSERT_EQ(in_org->size(), 1u);
  EXPECT_EQ((*in_org)[0].address, "alice@example.org");

  ASSERT_TRUE(store_->delete_account("alice@example.org"));
  EXPECT_EQ(store_->delete_account("alice@example.org").error().code, ENOENT);
  EXPECT_FALSE(*store_->find_account("alice@example.org"));
  EXPECT_TRUE(store_->list_mailboxes(a.id)->empty());
}

TEST_F(StoreDirectory, NewAccountHasSpecialUseMailboxes) {
  ASSERT_TRUE(store_->add_domain("example.org"));
  Account a = account("u@example.org");
  Account b = account("v@example.org");
  auto boxes = store_->list_mailboxes(a.id);
  ASSERT_TRUE(boxes);
  ASSERT_EQ(boxes->size(), 6u);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"INBOX", ""},        {"Sent", "\\Sent"}, {"Drafts", "\\Drafts"},
      {"Trash", "\\Trash"}, {"Junk", "\\Junk"}, {"Archive", "\\Archive"}};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ((*boxes)[i].name, expected[i].first);
    EXPECT_EQ((*boxes)[i].special_use, expected[i].second);
    EXPECT_EQ((*boxes)[i].uidnext, 1u);
    EXPECT_EQ((*boxes)[i].highestmodseq, 1u);
    EXPECT_TRUE((*boxes)[i].subscribed);
    EXPECT_EQ((*boxes)[i].messages, 0u);
    if (i > 0) {
      EXPECT_GT((*boxes)[i].uidvalidity, (*boxes)[i - 1].uidvalidity);
    }
  }
  auto other = store_->list_mailboxes(b.id);
  ASSERT_TRUE(other);
  EXPECT_GT(other->front().uidvalidity, boxes->back().uidvalidity);  // strictly increasing
  auto inbox = store_->find_mailbox(a.id, "inbox");
  ASSERT_TRUE(inbox && *inbox);
  EXPECT_EQ((*inbox)->name, "INBOX");
  EXPECT_FALSE(*store_->find_mailbox(a.id, "sent"));  // only INBOX is case-insensitive
}

TEST_F(StoreDirectory, Authenticate) {
  ASSERT_TRUE(store_->add_domain("example.org"));
  account("u@example.org", "right");
  auto ok = store_->authenticate("U@example.org", "right");
  ASSERT_TRUE(ok);
  ASSERT_TRUE(*ok);
  EXPECT_EQ((*ok)->address, "u@example.org");
  auto bad = store_->authenticate("u@example.org", "wrong");
  ASSERT_TRUE(bad);
  EXPECT_FALSE(*bad);
  auto unknown = store_->authenticate("nobody@example.org", "right");
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(*unknown);
  auto junk = store_->authenticate("not an address", "right");
  ASSERT_TRUE(junk);
  EXPECT_FALSE(*junk);
  ASSERT_TRUE(store_->set_password("u@example.org", "new"));
  EXPECT_FALSE(*store_->authenticate("u@example.org", "right"));
  EXPECT_TRUE(*store_->authenticate("u@example.org", "new"));
  EXPECT_EQ(store_->set_password("nobody@example.org", "x").error().code, ENOENT);
}

// Migration 3: SCRAM keys set with every password, and the per-account sender check.
TEST_F(StoreDirectory, ScramKeysFollowThePassword) {
  ASSERT_TRUE(store_->add_domain("example.org"));
  account("u@example.org", "pencil");
  auto found = store_->find_account("u@example.org");
  ASSERT_TRUE(found && *found);
  auto keys = parse_scram_sha256((*found)->scram_sha256);
  ASSERT_TRUE(keys) << (*found)->scram_sha256;
  EXPECT_EQ(*keys, crypto::derive_scram_sha256("pencil", keys->salt, keys->iterations));
  ASSERT_TRUE(store_->set_password("u@example.org", "eraser"));
  auto changed = parse_scram_sha256((*store_->find_account("u@example.org"))->scram_sha256);
  ASSERT_TRUE(changed);
  EXPECT_NE(changed->salt, keys->salt);
  EXPECT_EQ(*changed, crypto::derive_scram_sha256("eraser", changed->salt, changed->iterations));
}

TEST_F(StoreDirectory, SenderCheckSwitch) {
  ASSERT_TRUE(store_->add_domain("example.org"));
  account("u@example.org");
  EXPECT_TRUE((*store_->find_account("u@example.org"))->sender_check);
  ASSERT_TRUE(store_->set_sender_check("U@example.org", false));
  EXPECT_FALSE((*store_->find_account("u@example.org"))->sender_check);
  auto listed = store_->list_accounts();
  ASSERT_TRUE(listed);
  EXPECT_FALSE(listed->front().sender_check);
  ASSERT_TRUE(store_->set_sender_check("u@example.org", true));
  EXPECT_TRUE((*store_->find_account("u@example.org"))->sender_check);
  EXPECT_EQ(store_->set_sender_check("nobody@example.org", false).error().code, ENOENT);
}

// A version 2 database: accounts keep their hash, gain the sender check, and have no SCRAM
// keys until their next password change.
TEST(StoreMigration, Version2AccountsGainSubmissionColumns) {
  const auto dir = std::filesystem::temp_directory_path() / ("heron-migrate-" + fs::random_hex(8));
  std::filesystem::create_directories(dir);
  {
    auto db = open_writer(dir / "heron.db");
    ASSERT_TRUE(db);
    ASSERT_TRUE(migrate(**db, 2));
    ASSERT_TRUE(
        (*db)->exec("INSERT INTO domains(id, name, created) VALUES (1, 'example.org', 0);"
                    "INSERT INTO accounts(id, domain_id, address, password_hash, created) "
                    "  VALUES (1, 1, 'ann@example.org', 'x', 0);"));
  }
  auto store = SqliteStore::open(dir);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(user_version(dir / "heron.db"), schema_version());
  auto ann = (*store)->find_account("ann@example.org");
  ASSERT_TRUE(ann && *ann);
  EXPECT_EQ((*ann)->password_hash, "x");
  EXPECT_TRUE((*ann)->sender_check);
  EXPECT_EQ((*ann)->scram_sha256, "");
  store->reset();
  std::filesystem::remove_all(dir);
}

TEST_F(StoreDirectory, UnknownUserCostsAHashToo) {
  ASSERT_TRUE(store_->add_domain("example.org"));
  account("u@example.org", "right");
  (void)store_->authenticate("nobody@example.org", "x");  // builds the dummy hash once
  // The fastest of a few tries, so a scheduling hiccup cannot inflate one side.
  auto fastest = [&](const char* user) {
    auto best = std::chrono::steady_clock::duration::max();
    for (int i = 0; i < 3; ++i) {
      auto start = std::chrono::steady_clock::now();
      (void)store_->authenticate(user, "wrong");
      best = std::min(best, std::chrono::steady_clock::now() - start);
    }
    return best;
  };
  auto known = fastest("u@example.org");
  auto unknown = fastest("nobody@example.org");
  // Not a speed assertion: both must do the Argon2id work (tens of ms), so an unknown user
  // cannot be answered an order of magnitude faster than a known one.
  EXPECT_GT(unknown * 4, known);
}

TEST_F(StoreDirectory, AliasesCrud) {
  ASSERT_TRUE(store_->add_domain("example.org"));
  EXPECT_EQ(store_->add_alias("a@unknown.net", "x@example.org").error().code, ENOENT);
  auto a = store_->add_alias("Sales@Example.org", "Bob@Example.org");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->source, "sales@example.org");
  EXPECT_EQ(a->target, "bob@example.org");
  EXPECT_EQ(store_->add_alias("sales@example.org", "bob@example.org").error().code, EEXIST);
  EXPECT_EQ(store_->add_alias("x@example.org", "x@example.org").error().code, EINVAL);
  EXPECT_EQ(store_->add_alias("x@example.org", "@example.org").error().code, EINVAL);
  ASSERT_TRUE(store_->add_alias("sales@example.org", "carol@example.org"));
  ASSERT_TRUE(store_->add_alias("@example.org", "postmaster@example.org"));
  EXPECT_EQ(store_->list_aliases()->size(), 3u);
  EXPECT_EQ(store_->list_aliases("example.org")->size(), 3u);
  EXPECT_TRUE(store_->list_aliases("other.org")->empty());
  ASSERT_TRUE(store_->delete_alias("sales@example.org", "bob@example.org"));
  EXPECT_EQ(store_->delete_alias("sales@example.org", "bob@example.org").error().code, ENOENT);
  ASSERT_TRUE(store_->delete_alias("sales@example.org"));
  EXPECT_EQ(store_->list_aliases()->size(), 1u);
}

class StoreResolve : public StoreDirectory {
 protected:
  void SetUp() override {
    StoreDirectory::SetUp();
    ASSERT_TRUE(store_->add_domain("example.org"));
    ASSERT_TRUE(store_->add_domain("example.net"));
    alice_ = account("alice@example.org");
    bob_ = account("bob@example.org");
    carol_ = account("carol@example.net");
  }
  Resolution resolve(std::string_view address) {
    auto r = store_->resolve(address);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : Resolution{};
  }
  Account alice_, bob_, carol_;
};

using Status = Resolution::Status;
using Names = std::vector<std::string>;

TEST_F(StoreResolve, AccountAndCaseInsensitivity) {
  auto r = resolve("ALICE@Example.ORG");
  EXPECT_EQ(r.status, Status::local);
  EXPECT_EQ(addresses(r), Names{"alice@example.org"});
  EXPECT_EQ(r.accounts[0].id, alice_.id);
  EXPECT_TRUE(r.forwards.empty());
}

TEST_F(StoreResolve, UnknownUserAndNotLocal) {
  EXPECT_EQ(resolve("nobody@example.org").status, Status::unknown_user);
  EXPECT_EQ(resolve("alice@example.com").status, Status::not_local_domain);
  EXPECT_EQ(resolve("garbage").status, Status::not_local_domain);
  EXPECT_EQ(resolve("bad local@example.org").status, Status::unknown_user);
  EXPECT_EQ(resolve("@example.org").status, Status::unknown_user);
  EXPECT_EQ(resolve("bad local@example.com").status, Status::not_local_domain);
}

TEST_F(StoreResolve, AliasOneToMany) {
  ASSERT_TRUE(store_->add_alias("team@example.org", "alice@example.org"));
  ASSERT_TRUE(store_->add_alias("team@example.org", "bob@example.org"));
  ASSERT_TRUE(store_->add_alias("team@example.org", "carol@example.net"));
  auto r = resolve("Team@example.org");
  EXPECT_EQ(r.status, Status::local);
  EXPECT_EQ(addresses(r), (Names{"alice@example.org", "bob@example.org", "carol@example.net"}));
}

TEST_F(StoreResolve, AliasChainDedupesAccounts) {
  ASSERT_TRUE(store_->add_alias("all@example.org", "team@example.org"));
  ASSERT_TRUE(store_->add_alias("all@example.org", "alice@example.org"));
  ASSERT_TRUE(store_->add_alias("team@example.org", "alice@example.org"));
  ASSERT_TRUE(store_->add_alias("team@example.org", "bob@example.org"));
  auto r = resolve("all@example.org");
  EXPECT_EQ(r.status, Status::local);
  EXPECT_EQ(addresses(r), (Names{"alice@example.org", "bob@example.org"}));
}

TEST_F(StoreResolve, AliasLoopIsCut) {
  ASSERT_TRUE(store_->add_alias("a@example.org", "b@example.org"));
  ASSERT_TRUE(store_->add_alias("b@example.org", "a@example.org"));
  EXPECT_EQ(resolve("a@example.org").status, Status::unknown_user);
  ASSERT_TRUE(store_->add_alias("b@example.org", "bob@example.org"));
  auto r = resolve("a@example.org");
  EXPECT_EQ(r.status, Status::local);
  EXPECT_EQ(addresses(r), Names{"bob@example.org"});
}

TEST_F(StoreResolve, AliasDepthIsLimited) {
  // l0 -> l1 -> ... -> l10 -> bob: deeper than 8 levels, cut.
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(store_->add_alias("l" + std::to_string(i) + "@example.org",
                                  "l" + std::to_string(i + 1) + "@example.org"));
  }
  ASSERT_TRUE(store_->add_alias("l10@example.org", "bob@example.org"));
  EXPECT_EQ(resolve("l0@example.org").status, Status::unknown_user);
  EXPECT_EQ(resolve("l4@example.org").status, Status::local);
}

TEST_F(StoreResolve, CatchAll) {
  ASSERT_TRUE(store_->add_alias("@example.org", "bob@example.org"));
  auto r = resolve("whoever@example.org");
  EXPECT_EQ(r.status, Status::local);
  EXPECT_EQ(addresses(r), Names{"bob@example.org"});
  EXPECT_EQ(addresses(resolve("alice@example.org")), Names{"alice@example.org"});
  EXPECT_EQ(resolve("whoever@example.net").status, Status::unknown_user);
}

TEST_F(StoreResolve, CatchAllToUnknownLocalUserDoesNotLoop) {
  ASSERT_TRUE(store_->add_alias("@example.org", "ghost@example.org"));
  EXPECT_EQ(resolve("whoever@example.org").status, Status::unknown_user);
}

TEST_F(StoreResolve, PlusAddressing) {
  auto r = resolve("Alice+Lists@example.org");
  EXPECT_EQ(r.status, Status::local);
  EXPECT_EQ(addresses(r), Names{"alice@example.org"});
  EXPECT_EQ(resolve("nobody+x@example.org").status, Status::unknown_user);
  EXPECT_EQ(resolve("+x@example.org").status, Status::unknown_user);
}

TEST_F(StoreResolve, PlusAddressingThenAliasThenCatchAll) {
  ASSERT_TRUE(store_->add_alias("team@example.org", "bob@example.org"));
  ASSERT_TRUE(store_->add_alias("team@example.org", "alice@example.org"));
  EXPECT_EQ(addresses(resolve("team+tag@example.org")),
            (Names{"alice@example.org", "bob@example.org"}));
  // An exact alias on the tagged address wins over the stripped one.
  ASSERT_TRUE(store_->add_alias("team+vip@example.org", "carol@example.net"));
  EXPECT_EQ(addresses(resolve("team+vip@example.org")), Names{"carol@example.net"});
  ASSERT_TRUE(store_->add_alias("@example.org", "bob@example.org"));
  EXPECT_EQ(addresses(resolve("nobody+tag@example.org")), Names{"bob@example.org"});
}

TEST_F(StoreResolve, Forwards) {
  ASSERT_TRUE(store_->add_alias("ext@example.org", "Someone@Remote.example"));
  ASSERT_TRUE(store_->add_alias("ext@example.org", "alice@example.org"));
  auto r = resolve("ext@example.org");
  EXPECT_EQ(r.status, Status::local);
  EXPECT_EQ(addresses(r), Names{"alice@example.org"});
  EXPECT_EQ(r.forwards, Names{"someone@remote.example"});
  ASSERT_TRUE(store_->add_alias("only-ext@example.org", "x@remote.example"));
  auto f = resolve("only-ext@example.org");
  EXPECT_EQ(f.status, Status::local);
  EXPECT_TRUE(f.accounts.empty());
  EXPECT_EQ(f.forwards, Names{"x@remote.example"});
}

}  // namespace
}  // namespace heron::store::sqlite
