// app/ops: the /status document, its human rendering for `heron status`, and data_dir size.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "app/ops.hpp"

namespace heron::app {
namespace {

ServerStatus sample() {
  ServerStatus s;
  s.version = "0.1.0";
  s.hostname = "mx.example.test";
  s.uptime_seconds = 3725;
  s.listeners = {{"mx", "mx", "127.0.0.1", 25, 3}, {"imaps", "imaps", "::1", 993, 2}};
  s.queue.messages = 4;
  s.queue.recipients = 5;
  s.queue.held = 1;
  s.queue.oldest_age_seconds = 90;
  s.data_dir = "/var/lib/heron";
  s.store_bytes = 3 * 1024 * 1024;
  return s;
}

TEST(AppOps, StatusJsonHasEveryField) {
  auto doc = nlohmann::json::parse(status_json(sample()));
  EXPECT_EQ(doc["version"], "0.1.0");
  EXPECT_EQ(doc["uptime_seconds"], 3725);
  EXPECT_EQ(doc["connections"], 5);
  ASSERT_EQ(doc["listeners"].size(), 2u);
  EXPECT_EQ(doc["listeners"][1]["name"], "imaps");
  EXPECT_EQ(doc["listeners"][1]["address"], "::1");
  EXPECT_EQ(doc["listeners"][1]["port"], 993);
  EXPECT_EQ(doc["queue"]["messages"], 4);
  EXPECT_EQ(doc["queue"]["oldest_age_seconds"], 90);
  EXPECT_FALSE(doc["queue"].contains("error"));
  EXPECT_EQ(doc["store"]["bytes"], 3 * 1024 * 1024);
  EXPECT_FALSE(doc["shutting_down"]);
}

TEST(AppOps, HumanSummary) {
  EXPECT_EQ(format_status(status_json(sample())),
            "heron 0.1.0 on mx.example.test, up 1h2m\n"
            "connections: 5\n"
            "listeners:\n"
            "  mx             mx           127.0.0.1:25  3 connections\n"
            "  imaps          imaps        ::1:993  2 connections\n"
            "queue: 4 messages, 5 recipients to deliver, 1 held, oldest 1m30s\n"
            "store: 3.0 MiB in /var/lib/heron\n");
}

TEST(AppOps, QueueErrorAndNonsense) {
  ServerStatus s = sample();
  s.queue.error = "database is locked";
  s.shutting_down = true;
  const std::string text = format_status(status_json(s));
  EXPECT_NE(text.find("(shutting down)"), std::string::npos);
  EXPECT_NE(text.find("queue: unreadable: database is locked\n"), std::string::npos);
  EXPECT_EQ(format_status("not json"), "");
  EXPECT_EQ(format_status("[1,2]"), "");
}

TEST(AppOps, DirectoryBytesCountsRegularFiles) {
  auto dir = std::filesystem::temp_directory_path() / "heron-ops-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "blobs" / "ab");
  std::ofstream(dir / "db") << std::string(100, 'x');
  std::ofstream(dir / "blobs" / "ab" / "1") << std::string(23, 'y');
  EXPECT_EQ(directory_bytes(dir), 123u);
  EXPECT_EQ(directory_bytes(dir / "missing"), 0u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace heron::app
