// Crash test of the access writes (APPEND, STORE, EXPUNGE): a child process loops from two
// threads over append -> add \Seen -> expunge every other message, writing an ack line after
// each call returned success, as an IMAP server sends OK; the parent kills it with SIGKILL at
// random moments, then checks every acknowledged effect against the store: appended messages
// are there byte-exact (unless their expunge was acknowledged), acknowledged \Seen is set, and
// acknowledged expunges are gone. See store_crash_test.cpp for what SIGKILL does and does not
// exercise.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "base/fs.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace heron::store::sqlite {
namespace {

std::string body_for(const std::string& tag) {
  return "Subject: " + tag + "\r\n\r\n" + tag + " appended\r\n";
}

[[noreturn]] void child_main(const std::filesystem::path& dir, const std::filesystem::path& acks,
                             int64_t mailbox_id, int round) {
  auto store = SqliteStore::open(dir);
  if (!store) _exit(2);
  int fd = ::open(acks.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) _exit(3);
  auto ack = [fd](const std::string& line) {
    if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(5);
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0;; ++i) {
        const std::string tag =
            "r" + std::to_string(round) + "t" + std::to_string(t) + "n" + std::to_string(i);
        auto d = (*store)->append(mailbox_id, body_for(tag), {}, 1000);
        if (!d) _exit(4);
        ack("append " + std::to_string(d->uid) + " " + tag + "\n");
        if (!(*store)->update_flags(mailbox_id, {d->uid}, FlagMode::add, {"\\Seen"})) _exit(6);
        ack("seen " + std::to_string(d->uid) + "\n");
        if (i % 2 == 1) {
          // Written before the call: a message whose expunge was in flight at the kill may be
          // gone without its ack, and that is not a loss.
          ack("expunging " + std::to_string(d->uid) + "\n");
          auto gone = (*store)->expunge(mailbox_id, {d->uid}, false);
          if (!gone || gone->size() != 1) _exit(7);
          ack("expunge " + std::to_string(d->uid) + "\n");
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  _exit(0);
}

TEST(StoreAccessCrash, KillNineLosesNoAcknowledgedChange) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("heron-access-crash-" + fs::random_hex(8));
  const auto acks = dir / "acks.txt";
  int64_t mailbox_id = 0;
  {
    auto store = SqliteStore::open(dir);
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->add_domain("example.org"));
    auto account = (*store)->add_account("crash@example.org", "pw");
    ASSERT_TRUE(account);
    auto made = (*store)->create_mailbox(account->id, "Crash");
    ASSERT_TRUE(made);
    mailbox_id = made->id;
  }  // closed: no SQLite connection may cross fork()

  std::random_device rd;
  const unsigned seed = rd();
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> delay_ms(150, 600);
  SCOPED_TRACE("seed " + std::to_string(seed));
  for (int round = 0; round < 4; ++round) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) child_main(dir, acks, mailbox_id, round);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with status " << WEXITSTATUS(status);
  }

  std::map<uint32_t, std::string> appended;
  std::set<uint32_t> seen, expunging, expunged;
  {
    std::ifstream in(acks);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string kind, tag;
      uint32_t uid = 0;
      ASSERT_TRUE(fields >> kind >> uid) << line;
      if (kind == "append") {
        ASSERT_TRUE(fields >> tag) << line;
        ASSERT_TRUE(appended.emplace(uid, tag).second) << "uid acknowledged twice: " << uid;
      } else if (kind == "seen") {
        seen.insert(uid);
      } else if (kind == "expunging") {
        expunging.insert(uid);
      } else {
        expunged.insert(uid);
      }
    }
  }
  ASSERT_FALSE(expunged.empty()) << "the child never got an expunge through";

  auto store = SqliteStore::open(dir, Options{.orphan_grace_seconds = 0});
  ASSERT_TRUE(store);
  auto report = (*store)->reconcile();
  ASSERT_TRUE(report);
  EXPECT_EQ(report->missing_blobs_quarantined, 0u);
  auto list = (*store)->list_messages(mailbox_id);
  ASSERT_TRUE(list);
  std::map<uint32_t, Message> by_uid;
  for (const Message& m : *list) by_uid.emplace(m.uid, m);
  for (const auto& [uid, tag] : appended) {
    auto it = by_uid.find(uid);
    if (expunged.count(uid)) {
      EXPECT_EQ(it, by_uid.end()) << "acknowledged expunge undone: uid " << uid;
      continue;
    }
    if (it == by_uid.end() && expunging.count(uid)) continue;  // expunged, ack not yet written
    ASSERT_NE(it, by_uid.end()) << "acknowledged append lost: uid " << uid;
    EXPECT_EQ(*(*store)->read_message(it->second), body_for(tag));
    if (seen.count(uid)) {
      EXPECT_EQ(it->second.flags, std::vector<std::string>{"\\Seen"}) << "uid " << uid;
    }
  }
  // Nothing acknowledged as expunged is reported as still there, and every expunge is on
  // record for sessions that had the message in view.
  auto vanished = (*store)->expunged_since(mailbox_id, 0);
  ASSERT_TRUE(vanished);
  for (uint32_t uid : expunged) {
    EXPECT_TRUE(std::binary_search(vanished->begin(), vanished->end(), uid)) << uid;
  }
  auto entries = (*store)->blob_files().scan();
  ASSERT_TRUE(entries);
  size_t files = 0;
  for (const auto& e : *entries) files += e.is_temp ? 0 : 1;
  EXPECT_EQ(files, list->size());
  std::cerr << "access crash test: " << appended.size() << " appends, " << seen.size()
            << " flag changes, " << expunged.size() << " expunges acknowledged; " << list->size()
            << " messages stored\n";
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace heron::store::sqlite
