// `heron backup DIR`, `heron backup --verify DIR` and `heron restore DIR` (docs/admin.md,
// "Backups"). The work is store/sqlite/backup.hpp; this file prints and logs it.

#include <iostream>

#include <fmt/core.h>

#include "app/commands.hpp"
#include "base/log.hpp"
#include "base/metrics.hpp"
#include "store/sqlite/backup.hpp"

namespace heron::app {
namespace {

namespace stdfs = std::filesystem;
using store::sqlite::BackupOptions;
using store::sqlite::BackupReport;

std::string megabytes(uint64_t bytes) {
  return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
}

void print_report(const std::string& verb, const stdfs::path& dir, const BackupReport& r) {
  const double secs = r.seconds > 0 ? r.seconds : 1e-6;
  std::cout << verb << " " << dir.string() << "\n"
            << fmt::format("  store   schema {}, {} messages, {} bodies, {}\n", r.store_schema,
                           r.messages, r.blobs, megabytes(r.blob_bytes));
  if (r.queue_schema > 0) {
    std::cout << fmt::format("  queue   schema {}, {} messages, {}\n", r.queue_schema,
                             r.queue_messages, megabytes(r.queue_bytes));
  }
  std::cout << fmt::format("  other   {} files (dkim/, tls/)\n", r.other_files);
  if (r.quarantined > 0) {
    std::cout << fmt::format(
        "  WARNING {} bodies were already missing in the source (quarantined messages)\n",
        r.quarantined);
  }
  std::cout << fmt::format(
      "  total   {} in {:.2f} s ({:.0f} messages/s, {:.1f} MB/s), {}, {} "
      "attempt{}\n",
      megabytes(r.total_bytes), r.seconds, static_cast<double>(r.messages) / secs,
      static_cast<double>(r.total_bytes) / 1e6 / secs,
      r.linked ? "bodies hard-linked" : "bodies copied", r.attempts, r.attempts == 1 ? "" : "s");
}

int failed(const std::string& what, const stdfs::path& dir, const Error& error) {
  log::error(what + ".failed", {{"dir", dir.string()}, {"error", error.message}});
  metrics::inc("heron_" + what + "_failures_total");
  std::cerr << "heron " << what << ": " << error.message << "\n";
  return 1;
}

}  // namespace

int backup(const config::Config& c, const stdfs::path& dir, bool copy) {
  log::info("backup.started", {{"dir", dir.string()}, {"data_dir", c.data_dir.string()}});
  BackupOptions options;
  if (copy) options.method = BackupOptions::Method::copy;
  auto report = store::sqlite::backup_data_dir(c.data_dir, dir, options);
  if (!report) return failed("backup", dir, report.error());
  log::info("backup.finished", {{"dir", dir.string()},
                                {"messages", report->messages},
                                {"blobs", report->blobs},
                                {"queue_messages", report->queue_messages},
                                {"bytes", report->total_bytes},
                                {"seconds", report->seconds},
                                {"attempts", report->attempts},
                                {"locked", report->locked},
                                {"linked", report->linked}});
  print_report("backup written to", dir, *report);
  return 0;
}

int backup_verify(const stdfs::path& dir) {
  auto report = store::sqlite::verify_backup(dir);
  if (!report) return failed("backup", dir, report.error());
  std::cout << fmt::format("{}: schema {}, {} messages, {} bodies, {} queued messages\n",
                           dir.string(), report->store_schema, report->messages, report->blobs,
                           report->queue_messages);
  if (report->quarantined > 0) {
    std::cout << "  note: " << report->quarantined
              << " bodies of quarantined messages were already missing in the source\n";
  }
  for (const auto& p : report->problems) std::cout << "  PROBLEM " << p << "\n";
  if (!report->problems.empty()) {
    std::cerr << "heron backup --verify: " << report->problems.size() << " problems\n";
    return 1;
  }
  std::cout << "  ok: every body the databases name is present with its size\n";
  return 0;
}

int restore(const config::Config& c, const stdfs::path& dir, bool copy) {
  std::error_code ec;
  if (!stdfs::is_regular_file(store::sqlite::manifest_path(dir), ec)) {
    std::cerr << "heron restore: " << dir.string()
              << " has no backup.json: not a backup made by heron backup\n";
    return 1;
  }
  auto verified = store::sqlite::verify_backup(dir);
  if (!verified) return failed("restore", dir, verified.error());
  if (!verified->problems.empty()) {
    for (const auto& p : verified->problems) std::cerr << "  PROBLEM " << p << "\n";
    std::cerr << "heron restore: the backup is incomplete; nothing restored\n";
    return 1;
  }
  log::info("restore.started", {{"dir", dir.string()}, {"data_dir", c.data_dir.string()}});
  BackupOptions options;
  options.write_manifest = false;
  if (copy) options.method = BackupOptions::Method::copy;
  // A restore is a backup of the backup into the (new or empty) data directory.
  auto report = store::sqlite::backup_data_dir(dir, c.data_dir, options);
  if (!report) return failed("restore", dir, report.error());
  log::info("restore.finished", {{"dir", dir.string()},
                                 {"data_dir", c.data_dir.string()},
                                 {"messages", report->messages},
                                 {"bytes", report->total_bytes}});
  print_report("restored into", c.data_dir, *report);
  std::cout << "start heron; it takes over the directory as its [server] user\n";
  return 0;
}

}  // namespace heron::app
