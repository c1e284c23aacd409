#pragma once
// Online backup of a data directory (`heron backup DIR`), its check (`--verify`) and restore.
//
// A backup is itself a valid data directory: heron.db and queue.db (consistent snapshots,
// snapshot.hpp), blobs/ and queue/ (every body file the snapshots name, and only those),
// dkim/ and tls/ (copied with their modes), and backup.json (the manifest).
//
// Consistency while the server runs and mail flows. Three facts about the store make it work:
// (1) a row naming a blob is committed only after the blob file was renamed into place and
// fsynced; (2) a blob file is never modified after that rename, and ids are random and never
// reused; (3) a blob file is unlinked only after the commit that deleted its last row. The
// sequence is: (a) hard-link (or copy) every blob file present now into the backup;
// (b) snapshot the database; (c) add every blob the snapshot names that (a) did not find;
// (d) drop from the backup the files the snapshot does not name. A blob named by the snapshot
// existed when the snapshot was taken (1), and if it already existed during (a) it could not
// have been unlinked before (b) (3), so (a) got it. Only blobs delivered between (a) and (b)
// are fetched in (c); one of them may have been expunged and unlinked in between: then the
// attempt fails and the whole backup is retried from (a) (max_attempts). Under heavy churn
// (say POP3 clients deleting each message right after it arrives) every attempt may lose that
// race, so the last resort is an attempt that holds the databases' write locks from before (b)
// to after (c): no row can then be deleted, so no body the snapshot names can vanish (3). The
// server's commits wait for that long (its busy timeout is 5 s): about the time the snapshot
// takes plus placing the bodies delivered during (a). A backup that returns success therefore
// holds every body its snapshot names, byte for byte (2); it never silently misses one. Bodies
// whose rows were already quarantined in the source (file lost before the backup) cannot be copied;
// they are counted, logged and reported, not fatal. heron.db and queue.db are snapshotted one after
// the other, not atomically together; they share no rows, so each is consistent on its own.
//
// Hard links are used when the backup is on the same file system (fast, no extra space, and
// safe because blobs are immutable); Method::copy forces copies (for a backup directory that
// must not share inodes with the live one). Copies are written to a temporary name and
// renamed. Then one syncfs(2) of the backup's file system makes every body and directory
// entry durable, and only after it the manifest is written durably: a backup that returned
// success survives a crash, and a directory without backup.json is an unfinished backup.
// Input: trusted paths from the operator. Thread: the caller's; may run while another process
// (heron serve) writes the same data directory. Failure: an Error; the partial backup
// directory is left for the operator to remove.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace heron::store::sqlite {

struct BackupOptions {
  enum class Method { automatic, copy };
  Method method = Method::automatic;  // automatic: hard links where the file system allows
  int max_attempts = 2;               // attempts that never block the server's writes
  bool lock_last_resort = true;       // then one attempt holding the databases' write locks
  bool write_manifest = true;         // false for a restore, which writes a data directory
  // Test hooks, called in each attempt around the database snapshot.
  std::function<void(int attempt)> before_snapshot;
  std::function<void(int attempt)> after_snapshot;
};

struct BackupReport {
  int attempts = 0;
  bool locked = false;  // the last resort was needed: the server's writes waited
  bool linked = false;  // at least one body was hard-linked rather than copied
  int store_schema = 0;
  int queue_schema = 0;  // 0: the data directory had no queue.db
  uint64_t messages = 0;
  uint64_t blobs = 0;
  uint64_t blob_bytes = 0;
  uint64_t quarantined = 0;  // message bodies already missing in the source
  uint64_t queue_messages = 0;
  uint64_t queue_bytes = 0;
  uint64_t other_files = 0;  // dkim/ and tls/ files
  uint64_t total_bytes = 0;  // databases, bodies and other files
  double seconds = 0;
};

// Backs up data_dir into dest, which must not exist or be an empty directory.
Result<BackupReport> backup_data_dir(const std::filesystem::path& data_dir,
                                     const std::filesystem::path& dest,
                                     const BackupOptions& options = {});

struct VerifyReport {
  int store_schema = 0;
  uint64_t messages = 0;
  uint64_t blobs = 0;
  uint64_t queue_messages = 0;
  uint64_t quarantined = 0;  // bodies missing whose rows are all quarantined (not a problem)
  std::vector<std::string> problems;  // empty: the backup is complete
};

// Checks a backup (or a stopped data directory): the databases pass PRAGMA quick_check and
// every body a row names is present with the size the row records.
Result<VerifyReport> verify_backup(const std::filesystem::path& dir);

// The manifest file of a backup.
std::filesystem::path manifest_path(const std::filesystem::path& dir);

}  // namespace heron::store::sqlite
