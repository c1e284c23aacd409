// Crash test of the queue's durability: a child process enqueues in a loop from several
// threads and reports each queue id through a pipe only after enqueue() returned it (as an
// SMTP server would answer 250 only then); the parent kills it with SIGKILL at a random
// moment, several times, then reopens the queue and checks that every acknowledged message is
// there exactly once, byte-exact, with all its recipients still queued, and that reconcile()
// finds no row without its body and leaves no body without its row.
// (SIGKILL keeps the page cache, so this exercises the ordering of writes, renames and
// commits, not power loss; the fsyncs cover the latter.)

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "base/fs.hpp"
#include "store/sqlite/queue_store.hpp"

namespace heron::store::sqlite {
namespace {

std::string body_for(const std::string& tag) {
  std::string body = "Subject: " + tag + "\r\n\r\n";
  while (body.size() < 2048) body += tag + " lorem ipsum dolor sit amet\r\n";
  return body;
}

[[noreturn]] void child_main(const std::filesystem::path& dir, int ack_fd, int round) {
  auto queue = SqliteQueue::open(dir);
  if (!queue) _exit(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0;; ++i) {
        const std::string tag =
            "r" + std::to_string(round) + "t" + std::to_string(t) + "n" + std::to_string(i);
        NewQueueMessage m;
        m.sender = "sender@example.org";
        for (const char* r : {"a@one.example", "b@two.example", "c@one.example"}) {
          m.recipients.push_back(NewQueueRecipient{r, "", 0});
        }
        m.envid = tag;
        m.arrival = 1'700'000'000 + i;
        m.body = body_for(tag);
        auto id = (*queue)->enqueue(std::move(m));
        if (!id) _exit(4);
        // Acknowledged only now. One write(2) of less than PIPE_BUF: a SIGKILL cannot split it.
        const std::string line = std::to_string(*id) + " " + tag + "\n";
        if (::write(ack_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
          _exit(5);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  _exit(0);
}

// Reads everything the child wrote until it is killed at `deadline` and the pipe drains.
std::string read_until_killed(int fd, pid_t pid, std::chrono::steady_clock::time_point deadline) {
  std::string acks;
  char buf[4096];
  bool killed = false;
  while (true) {
    if (!killed && std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, 10);
    if ((p.revents & (POLLIN | POLLHUP)) == 0) continue;
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      acks.append(buf, static_cast<size_t>(n));
    } else if (n == 0) {
      break;  // every writer is gone: the child is dead
    }
  }
  return acks;
}

TEST(StoreQueueCrash, KillNineLosesNoAcknowledgedMessage) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("heron-queue-crash-" + fs::random_hex(8));
  {
    auto queue = SqliteQueue::open(dir);  // create the schema before the first child
    ASSERT_TRUE(queue);
  }  // closed: no SQLite connection may cross fork()

  std::random_device rd;
  const unsigned seed = rd();
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> delay_ms(150, 700);
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::map<int64_t, std::string> acked;
  constexpr int kRounds = 5;
  for (int round = 0; round < kRounds; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      child_main(dir, fds[1], round);
    }
    ::close(fds[1]);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms(rng));
    const std::string acks = read_until_killed(fds[0], pid, deadline);
    ::close(fds[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with status " << WEXITSTATUS(status);

    std::istringstream lines(acks);
    std::string line;
    while (std::getline(lines, line)) {
      std::istringstream fields(line);
      int64_t id = 0;
      std::string tag;
      ASSERT_TRUE(fields >> id >> tag) << line;
      ASSERT_TRUE(acked.emplace(id, tag).second) << "queue id acknowledged twice: " << id;
    }
  }
  ASSERT_FALSE(acked.empty()) << "the child never got a message through";

  // Grace 0: every body without a row goes, which must never include one with a row.
  auto queue = SqliteQueue::open(dir, QueueOptions{.orphan_grace_seconds = 0});
  ASSERT_TRUE(queue);
  auto report = (*queue)->reconcile();
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->missing_blobs_quarantined, 0u);
  auto list = (*queue)->list();
  ASSERT_TRUE(list);
  std::map<int64_t, const QueuedMessage*> by_id;
  std::map<std::string, int> copies;  // envid -> messages carrying it
  for (const QueuedMessage& m : *list) {
    by_id.emplace(m.id, &m);
    ++copies[m.envid];
  }
  for (const auto& [id, tag] : acked) {
    auto it = by_id.find(id);
    ASSERT_NE(it, by_id.end()) << "acknowledged message lost: " << id << " " << tag;
    const QueuedMessage& m = *it->second;
    EXPECT_EQ(m.envid, tag);
    EXPECT_EQ(copies[tag], 1) << "message stored more than once: " << tag;
    ASSERT_EQ(m.recipients.size(), 3u) << tag;
    for (const QueuedRecipient& r : m.recipients) {
      EXPECT_EQ(r.state, RecipientState::queued) << tag;
      EXPECT_EQ(r.lease_until, 0) << tag;
    }
    auto body = (*queue)->read_body(m);
    ASSERT_TRUE(body) << body.error().message;
    EXPECT_EQ(*body, body_for(tag)) << id;
  }
  // Every row's body exists, and no body file is left without a row.
  auto entries = (*queue)->blob_files().scan();
  ASSERT_TRUE(entries);
  size_t files = 0;
  for (const auto& e : *entries) files += e.is_temp ? 0 : 1;
  EXPECT_EQ(files, list->size());
  std::cerr << "queue crash test: " << acked.size() << " acknowledged, " << list->size()
            << " stored, " << report->orphan_blobs_removed << " orphans and "
            << report->temp_files_removed << " temporaries removed\n";
  queue->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace heron::store::sqlite
