// Crash test of the durability rule: a child process delivers in a loop from several threads
// and records each delivery only after deliver() returned success; the parent kills it with
// SIGKILL at a random moment, several times, then checks that every acknowledged delivery is
// present and byte-exact, and that reconcile() finds no row without its blob.
// (SIGKILL keeps the page cache, so this exercises the ordering of writes, renames and
// commits, not power loss; the fsyncs cover the latter.)

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "base/fs.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace heron::store::sqlite {
namespace {

std::string body_for(const std::string& tag) {
  std::string body = "Subject: " + tag + "\r\n\r\n";
  while (body.size() < 2048) body += tag + " lorem ipsum dolor sit amet\r\n";
  return body;
}
std::string prefix_for(const std::string& tag) {
  return "X-Tag: " + tag + "\r\n";
}

[[noreturn]] void child_main(const std::filesystem::path& dir, const std::filesystem::path& acks,
                             int64_t account_id, int round) {
  auto store = SqliteStore::open(dir);
  if (!store) _exit(2);
  int fd = ::open(acks.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) _exit(3);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0;; ++i) {
        const std::string tag =
            "r" + std::to_string(round) + "t" + std::to_string(t) + "n" + std::to_string(i);
        Delivery d;
        d.body = body_for(tag);
        d.targets.push_back(DeliveryTarget{account_id, "INBOX", prefix_for(tag), {}});
        auto r = (*store)->deliver(std::move(d));
        if (!r) _exit(4);
        // Acknowledged only now, as an SMTP 250 would be. One write(2) per line: a SIGKILL
        // cannot split it.
        const std::string line = std::to_string((*r)[0].uid) + " " + tag + "\n";
        if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(5);
      }
    });
  }
  for (auto& th : threads) th.join();
  _exit(0);
}

TEST(StoreCrash, KillNineLosesNoAcknowledgedDelivery) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("heron-store-crash-" + fs::random_hex(8));
  const auto acks = dir / "acks.txt";
  int64_t account_id = 0;
  {
    auto store = SqliteStore::open(dir);
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->add_domain("example.org"));
    auto account = (*store)->add_account("crash@example.org", "pw");
    ASSERT_TRUE(account);
    account_id = account->id;
  }  // closed: no SQLite connection may cross fork()

  std::random_device rd;
  const unsigned seed = rd();
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> delay_ms(150, 700);
  SCOPED_TRACE("seed " + std::to_string(seed));
  constexpr int kRounds = 5;
  for (int round = 0; round < kRounds; ++round) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) child_main(dir, acks, account_id, round);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with status " << WEXITSTATUS(status);
  }

  std::map<uint32_t, std::string> acked;
  {
    std::ifstream in(acks);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      uint32_t uid = 0;
      std::string tag;
      ASSERT_TRUE(fields >> uid >> tag) << line;
      ASSERT_TRUE(acked.emplace(uid, tag).second) << "uid acknowledged twice: " << uid;
    }
  }
  ASSERT_FALSE(acked.empty()) << "the child never got a delivery through";

  // Grace 0: every unreferenced blob goes, which must never include a referenced one.
  auto store = SqliteStore::open(dir, Options{.orphan_grace_seconds = 0});
  ASSERT_TRUE(store);
  auto report = (*store)->reconcile();
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->missing_blobs_quarantined, 0u);
  auto inbox = (*store)->find_mailbox(account_id, "INBOX");
  ASSERT_TRUE(inbox && *inbox);
  auto list = (*store)->list_messages((*inbox)->id);
  ASSERT_TRUE(list);
  std::map<uint32_t, Message> by_uid;
  for (const Message& m : *list) by_uid.emplace(m.uid, m);
  EXPECT_GE(by_uid.size(), acked.size());
  for (const auto& [uid, tag] : acked) {
    auto it = by_uid.find(uid);
    ASSERT_NE(it, by_uid.end()) << "acknowledged delivery lost: uid " << uid << " " << tag;
    auto text = (*store)->read_message(it->second);
    ASSERT_TRUE(text) << text.error().message;
    EXPECT_EQ(*text, prefix_for(tag) + body_for(tag)) << "uid " << uid;
  }
  // Every row's blob exists, and no blob file is left without a row.
  auto entries = (*store)->blob_files().scan();
  ASSERT_TRUE(entries);
  size_t files = 0;
  for (const auto& e : *entries) files += e.is_temp ? 0 : 1;
  EXPECT_EQ(files, list->size());
  std::cerr << "crash test: " << acked.size() << " acknowledged, " << list->size() << " stored, "
            << report->orphan_blobs_removed << " orphans and " << report->temp_files_removed
            << " temporaries removed\n";
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace heron::store::sqlite
