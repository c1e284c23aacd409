#pragma once
// What operators see of a running server: the /status document the HTTP endpoint serves
// (server/http) and `heron status` prints, the queue and store gauges of /metrics, and the
// client side of `heron status`.
// Thread: status_json() and the gauges run on the blocking pool (they read the queue store
// and walk data_dir); status() on the main thread of the `heron status` command.
// Failure: a store error shows as "error" in the document instead of the numbers; status()
// returns 1 with a message when the server cannot be reached.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "store/queue_store.hpp"

namespace heron::app {

struct QueueSummary {
  uint64_t messages = 0;
  uint64_t recipients = 0;  // still to be delivered
  uint64_t held = 0;
  int64_t oldest_age_seconds = 0;  // of the oldest message; 0 when empty
  std::string error;               // set when the store could not be read
};
QueueSummary summarize_queue(store::QueueStore& queue, int64_t now);

// Bytes of the regular files under dir (the store: database, WAL, blobs).
uint64_t directory_bytes(const std::filesystem::path& dir);

struct ListenerStatus {
  std::string name;
  std::string role;
  std::string address;
  uint16_t port = 0;
  uint64_t connections = 0;
};

struct ServerStatus {
  std::string version;
  std::string hostname;
  int64_t uptime_seconds = 0;
  bool shutting_down = false;
  std::vector<ListenerStatus> listeners;
  QueueSummary queue;
  std::string data_dir;
  uint64_t store_bytes = 0;
};

std::string status_json(const ServerStatus& status);
// The human summary `heron status` prints, from a /status document; empty if it is not one.
std::string format_status(const std::string& json);

// `heron status`: GETs /status from [http] of the config and prints it (json: as is).
int status(const config::Config& config, bool json);

}  // namespace heron::app
