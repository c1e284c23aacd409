// The backup sequence of backup.hpp: link pass, snapshot, fill pass, prune, other files,
// fsync, manifest; and verify_backup().

#include "store/sqlite/backup.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "base/fs.hpp"
#include "base/log.hpp"
#include "store/blob_files.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/snapshot.hpp"
#include "store/sqlite/wal.hpp"

namespace heron::store::sqlite {
namespace {

namespace stdfs = std::filesystem;

Error errno_error(std::string_view what, const stdfs::path& path, int e) {
  return make_error(std::string(what) + " " + path.string() + ": " + std::strerror(e), e);
}

// Copies src to dst (temporary name, fdatasync when sync, rename) with the given mode. ENOENT
// when src does not exist. The caller fsyncs dst's directory (or the whole file system).
Result<uint64_t> copy_file(const stdfs::path& src, const stdfs::path& dst, mode_t mode, bool sync) {
  const int in = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return errno_error("open", src, errno);
  stdfs::path tmp = dst;
  tmp += ".tmp." + fs::random_hex(6);
  const int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (out < 0) {
    const int e = errno;
    ::close(in);
    return errno_error("create", tmp, e);
  }
  uint64_t total = 0;
  Result<uint64_t> result = uint64_t{0};
  char buf[1 << 16];
  while (true) {
    const ssize_t n = ::read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      result = errno_error("read", src, errno);
      break;
    }
    if (n == 0) break;
    ssize_t done = 0;
    while (done < n) {
      const ssize_t w = ::write(out, buf + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) break;
      done += w;
    }
    if (done < n) {
      result = errno_error("write", tmp, errno);
      break;
    }
    total += static_cast<uint64_t>(n);
  }
  ::close(in);
  if (result && ::fchmod(out, mode) != 0) result = errno_error("chmod", tmp, errno);
  if (result && sync && ::fdatasync(out) != 0) result = errno_error("fdatasync", tmp, errno);
  if (::close(out) != 0 && result) result = errno_error("close", tmp, errno);
  if (result && ::rename(tmp.c_str(), dst.c_str()) != 0) result = errno_error("rename", tmp, errno);
  if (!result) {
    ::unlink(tmp.c_str());
    return result;
  }
  return total;
}

// Puts one body file into the backup: a hard link while the file system allows, else a copy.
class Placer {
 public:
  explicit Placer(BackupOptions::Method method)
      : links_(method == BackupOptions::Method::automatic) {}

  // false: src does not exist (any more).
  Result<bool> place(const stdfs::path& src, const stdfs::path& dst) {
    if (links_) {
      if (::link(src.c_str(), dst.c_str()) == 0) {
        linked_ = true;
        return true;
      }
      const int e = errno;
      if (e == EEXIST) return true;  // ids are never reused: the same immutable body
      if (e == ENOENT) return false;
      if (e != EXDEV && e != EPERM && e != EMLINK && e != ENOTSUP && e != EACCES) {
        return errno_error("link", src, e);
      }
      links_ = false;  // another file system, or links refused: copy from now on
      log::info("backup.copying", {{"reason", std::strerror(e)}});
    }
    struct stat st {};
    if (::lstat(dst.c_str(), &st) == 0) return true;
    // No fdatasync per body: sync_file_system() flushes them all at once at the end.
    auto copied = copy_file(src, dst, 0600, false);
    if (!copied) {
      if (copied.error().code == ENOENT) return false;
      return copied.error();
    }
    return true;
  }

  bool linked() const { return linked_; }

 private:
  bool links_;
  bool linked_ = false;
};

// A body the snapshot names: its size, and whether a readable (unquarantined) row names it.
struct Wanted {
  uint64_t size = 0;
  bool live = true;
};

// Pass (a): every finished body file of src, placed into dst. Files that vanish meanwhile
// are skipped: if the snapshot names one, pass (c) finds out.
Result<void> place_all(const BlobFiles& src, const BlobFiles& dst, Placer& placer) {
  auto entries = src.scan();
  if (!entries) return entries.error();
  for (const auto& e : *entries) {
    if (e.is_temp || !BlobFiles::valid_id(e.name)) continue;
    if (auto r = placer.place(e.path, dst.path_of(e.name)); !r) return r.error();
  }
  return {};
}

Result<std::map<std::string, Wanted>> wanted_bodies(Db& db, std::string_view sql) {
  std::map<std::string, Wanted> out;
  auto st = db.stmt(sql);
  if (!st) return st.error();
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out[(*st)->column_text(0)] = {static_cast<uint64_t>((*st)->column_int(1)),
                                  (*st)->column_int(2) != 0};
  }
  return out;
}

// The body files named by the store snapshot, then by the queue snapshot.
constexpr std::string_view kStoreBodies =
    "SELECT b.id, b.size, EXISTS (SELECT 1 FROM messages m WHERE m.blob_id = b.id AND "
    "m.quarantined = 0) FROM blobs b";
constexpr std::string_view kQueueBodies =
    "SELECT blob_id, max(size), min(quarantined) = 0 FROM messages GROUP BY blob_id";

Result<int64_t> scalar(Db& db, std::string_view sql) {
  auto st = db.stmt(sql);
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return int64_t{0};
  return (*st)->column_int(0);
}

// A connection to a live database holding its write lock (BEGIN IMMEDIATE; released by
// closing the connection). In WAL mode readers, the snapshot included, still read.
Result<std::unique_ptr<Db>> lock_writes(const stdfs::path& path) {
  auto db = Db::open(path, Db::Mode::read_write_create);
  if (!db) return db.error();
  if (auto r = (*db)->exec("PRAGMA busy_timeout = 10000"); !r) return r.error();
  if (auto r = (*db)->exec("BEGIN IMMEDIATE"); !r) return r.error();
  return std::move(*db);
}

struct Fill {
  std::vector<std::string> vanished;  // named by a readable row, gone from the source
  uint64_t quarantined = 0;           // named only by quarantined rows, and gone
};

// Pass (c): every body the snapshot names that pass (a) did not place.
Result<Fill> fill(const std::map<std::string, Wanted>& wanted, const BlobFiles& src,
                  const BlobFiles& dst, Placer& placer) {
  Fill out;
  for (const auto& [id, w] : wanted) {
    if (!BlobFiles::valid_id(id)) return make_error("snapshot names an invalid body id " + id);
    auto placed = placer.place(src.path_of(id), dst.path_of(id));
    if (!placed) return placed.error();
    if (*placed) continue;
    if (w.live) {
      out.vanished.push_back(id);
    } else {
      ++out.quarantined;
    }
  }
  return out;
}

// Pass (c) for one database of the backup: the bodies its snapshot names, placed.
struct Snapshot {
  std::map<std::string, Wanted> wanted;
  Fill fill;
  int schema = 0;
  uint64_t messages = 0;
};

Result<Snapshot> fill_from_snapshot(const stdfs::path& db_path, std::string_view bodies_sql,
                                    const BlobFiles& src, const BlobFiles& dst, Placer& placer) {
  auto db = open_reader(db_path);
  if (!db) return db.error();
  Snapshot out;
  auto wanted = wanted_bodies(**db, bodies_sql);
  if (!wanted) return wanted.error();
  out.wanted = std::move(*wanted);
  auto filled = fill(out.wanted, src, dst, placer);
  if (!filled) return filled.error();
  out.fill = std::move(*filled);
  auto schema = scalar(**db, "PRAGMA user_version");
  if (!schema) return schema.error();
  auto messages = scalar(**db, "SELECT count(*) FROM messages");  // both databases have one
  if (!messages) return messages.error();
  out.schema = static_cast<int>(*schema);
  out.messages = static_cast<uint64_t>(*messages);
  return out;
}

// Pass (d): removes the files the snapshot does not name; checks the sizes of the others.
// Returns the bytes kept.
Result<uint64_t> prune(const std::map<std::string, Wanted>& wanted, const BlobFiles& dst) {
  auto entries = dst.scan();
  if (!entries) return entries.error();
  uint64_t bytes = 0;
  for (const auto& e : *entries) {
    const auto it = wanted.find(e.name);
    if (it == wanted.end()) {
      if (::unlink(e.path.c_str()) != 0) return errno_error("unlink", e.path, errno);
      continue;
    }
    struct stat st {};
    if (::lstat(e.path.c_str(), &st) != 0) return errno_error("stat", e.path, errno);
    if (static_cast<uint64_t>(st.st_size) != it->second.size) {
      return make_error("body " + e.path.string() + " has " + std::to_string(st.st_size) +
                        " bytes, its row says " + std::to_string(it->second.size));
    }
    bytes += static_cast<uint64_t>(st.st_size);
  }
  return bytes;
}

// Makes every body placed in the backup durable, and the directory entries naming them: one
// syncfs(2) of the backup's file system instead of one fdatasync per copied body and one
// fsync per shard directory (thousands of journal commits). Since Linux 5.8 syncfs reports
// writeback errors of the file system.
Result<void> sync_file_system(const stdfs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_error("open", dir, errno);
  const int rc = ::syncfs(fd);
  const int e = errno;
  ::close(fd);
  if (rc != 0) return errno_error("syncfs", dir, e);
  return {};
}

// Copies a small tree (dkim/, tls/) keeping file and directory modes. Returns files, bytes.
Result<std::pair<uint64_t, uint64_t>> copy_tree(const stdfs::path& src, const stdfs::path& dst) {
  std::pair<uint64_t, uint64_t> counts{0, 0};
  std::error_code ec;
  if (!stdfs::is_directory(src, ec)) return counts;
  std::vector<stdfs::path> dirs{dst};
  if (::mkdir(dst.c_str(), 0700) != 0 && errno != EEXIST) return errno_error("mkdir", dst, errno);
  for (auto it = stdfs::recursive_directory_iterator(src, ec); !ec && it != end(it);
       it.increment(ec)) {
    const stdfs::path target = dst / stdfs::relative(it->path(), src);
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) return errno_error("stat", it->path(), errno);
    if (S_ISDIR(st.st_mode)) {
      if (::mkdir(target.c_str(), st.st_mode & 07777) != 0 && errno != EEXIST) {
        return errno_error("mkdir", target, errno);
      }
      dirs.push_back(target);
    } else if (S_ISREG(st.st_mode)) {
      auto n = copy_file(it->path(), target, st.st_mode & 07777, true);
      if (!n) return n.error();
      ++counts.first;
      counts.second += *n;
    }
  }
  if (ec) return make_error("walking " + src.string() + ": " + ec.message(), ec.value());
  for (const auto& d : dirs) {
    if (auto r = fs::sync_dir(d); !r) return r.error();
  }
  return counts;
}

Result<void> prepare_dest(const stdfs::path& dest) {
  std::error_code ec;
  if (stdfs::exists(dest, ec)) {
    if (!stdfs::is_directory(dest, ec)) {
      return make_error(dest.string() + " exists and is not a directory", ENOTDIR);
    }
    if (!stdfs::is_empty(dest, ec)) {
      return make_error(dest.string() + " is not empty; a backup needs a new or empty directory",
                        ENOTEMPTY);
    }
  } else {
    // Missing parents too (/var/backups/heron/<date>); the new directories are private.
    const auto parent = dest.parent_path();
    if (!parent.empty()) {
      if (auto r = fs::ensure_dir(parent); !r) return r;
    }
    if (::mkdir(dest.c_str(), 0700) != 0) return errno_error("mkdir", dest, errno);
  }
  return {};
}

std::string iso_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

uint64_t size_of(const stdfs::path& p) {
  std::error_code ec;
  const auto n = stdfs::file_size(p, ec);
  return ec ? 0 : static_cast<uint64_t>(n);
}

Result<void> write_manifest(const stdfs::path& dest, const stdfs::path& source,
                            const BackupReport& r) {
  nlohmann::json doc = {
      {"format", 1},
      {"created", iso_now()},
      {"created_unix", static_cast<int64_t>(std::time(nullptr))},
      {"heron_version", HERON_VERSION},
      {"source", stdfs::absolute(source).string()},
      {"method", r.linked ? "link" : "copy"},
      {"attempts", r.attempts},
      {"locked", r.locked},
      {"seconds", r.seconds},
      {"store",
       {{"schema", r.store_schema},
        {"messages", r.messages},
        {"blobs", r.blobs},
        {"blob_bytes", r.blob_bytes},
        {"quarantined", r.quarantined}}},
      {"queue",
       {{"schema", r.queue_schema}, {"messages", r.queue_messages}, {"body_bytes", r.queue_bytes}}},
      {"other_files", r.other_files},
      {"total_bytes", r.total_bytes},
  };
  return fs::write_durable(manifest_path(dest), doc.dump(2) + "\n");
}

}  // namespace

stdfs::path manifest_path(const stdfs::path& dir) {
  return dir / "backup.json";
}

Result<BackupReport> backup_data_dir(const stdfs::path& data_dir, const stdfs::path& dest,
                                     const BackupOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  std::error_code ec;
  if (!stdfs::is_regular_file(data_dir / "heron.db", ec)) {
    return make_error("no store in " + data_dir.string() + " (heron.db missing)", ENOENT);
  }
  if (auto r = prepare_dest(dest); !r) return r.error();
  const bool has_queue = stdfs::is_regular_file(data_dir / "queue.db", ec);
  const BlobFiles src_blobs(data_dir / "blobs"), dst_blobs(dest / "blobs");
  const BlobFiles src_queue(data_dir / "queue"), dst_queue(dest / "queue");
  if (auto r = dst_blobs.prepare(); !r) return r.error();
  if (has_queue) {
    if (auto r = dst_queue.prepare(); !r) return r.error();
  }

  Placer placer(options.method);
  BackupReport report;
  std::map<std::string, Wanted> store_wanted, queue_wanted;
  const int free_attempts = std::max(1, options.max_attempts);
  const int max_attempts = free_attempts + (options.lock_last_resort ? 1 : 0);
  for (int attempt = 1;; ++attempt) {
    report.attempts = attempt;
    const bool locked = attempt > free_attempts;
    // (a)
    if (auto r = place_all(src_blobs, dst_blobs, placer); !r) return r.error();
    if (has_queue) {
      if (auto r = place_all(src_queue, dst_queue, placer); !r) return r.error();
    }
    if (options.before_snapshot) options.before_snapshot(attempt);
    // The last resort: hold the databases' write locks from before the snapshot until every
    // body it names is placed. No row can be deleted meanwhile, so no body it names can be
    // unlinked (fact 3). The server's commits wait (busy timeout) for that long.
    std::vector<std::unique_ptr<Db>> locks;
    if (locked) {
      log::warn("backup.locking", {{"attempt", attempt}});
      report.locked = true;
      for (const char* name : {"heron.db", "queue.db"}) {
        if (std::string_view(name) == "queue.db" && !has_queue) continue;
        auto lock = lock_writes(data_dir / name);
        if (!lock) return lock.error();
        locks.push_back(std::move(*lock));
      }
    }
    // (b)
    stdfs::remove(dest / "heron.db", ec);
    stdfs::remove(dest / "queue.db", ec);
    if (auto r = snapshot_file(data_dir / "heron.db", dest / "heron.db"); !r) return r.error();
    if (has_queue) {
      if (auto r = snapshot_file(data_dir / "queue.db", dest / "queue.db"); !r) return r.error();
    }
    if (options.after_snapshot) options.after_snapshot(attempt);
    // (c)
    std::vector<std::string> vanished;
    auto store = fill_from_snapshot(dest / "heron.db", kStoreBodies, src_blobs, dst_blobs, placer);
    if (!store) return store.error();
    store_wanted = std::move(store->wanted);
    vanished = std::move(store->fill.vanished);
    report.quarantined = store->fill.quarantined;
    report.store_schema = store->schema;
    report.messages = store->messages;
    if (has_queue) {
      auto queue =
          fill_from_snapshot(dest / "queue.db", kQueueBodies, src_queue, dst_queue, placer);
      if (!queue) return queue.error();
      queue_wanted = std::move(queue->wanted);
      vanished.insert(vanished.end(), queue->fill.vanished.begin(), queue->fill.vanished.end());
      report.quarantined += queue->fill.quarantined;
      report.queue_schema = queue->schema;
      report.queue_messages = queue->messages;
    }
    locks.clear();  // rolls back: the server commits again
    if (vanished.empty()) break;
    log::warn("backup.retry",
              {{"attempt", attempt}, {"vanished", vanished.size()}, {"first", vanished.front()}});
    if (attempt >= max_attempts) {
      return make_error("body " + vanished.front() + " (and " +
                            std::to_string(vanished.size() - 1) +
                            " more) vanished after the snapshot in every one of " +
                            std::to_string(attempt) + " attempts; the backup is incomplete",
                        EAGAIN);
    }
  }
  // (d)
  auto blob_bytes = prune(store_wanted, dst_blobs);
  if (!blob_bytes) return blob_bytes.error();
  report.blobs = store_wanted.size();
  report.blob_bytes = *blob_bytes;
  if (has_queue) {
    auto queue_bytes = prune(queue_wanted, dst_queue);
    if (!queue_bytes) return queue_bytes.error();
    report.queue_bytes = *queue_bytes;
  }
  uint64_t other_bytes = 0;
  for (const char* tree : {"dkim", "tls"}) {
    auto copied = copy_tree(data_dir / tree, dest / tree);
    if (!copied) return copied.error();
    report.other_files += copied->first;
    other_bytes += copied->second;
  }
  if (auto r = sync_file_system(dest); !r) return r.error();
  report.linked = placer.linked();
  report.total_bytes = report.blob_bytes + report.queue_bytes + other_bytes +
                       size_of(dest / "heron.db") + size_of(dest / "queue.db");
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (options.write_manifest) {
    if (auto r = write_manifest(dest, data_dir, report); !r) return r.error();
  }
  if (auto r = fs::sync_dir(dest); !r) return r.error();
  const stdfs::path parent = stdfs::absolute(dest).parent_path();
  if (auto r = fs::sync_dir(parent); !r) return r.error();
  return report;
}

Result<VerifyReport> verify_backup(const stdfs::path& dir) {
  VerifyReport report;
  std::error_code ec;
  if (!stdfs::is_regular_file(dir / "heron.db", ec)) {
    return make_error("no heron.db in " + dir.string(), ENOENT);
  }
  auto check = [&report](Db& db, std::string_view sql, const BlobFiles& files,
                         std::string_view what) -> Result<uint64_t> {
    auto quick = db.stmt("PRAGMA quick_check");
    if (!quick) return quick.error();
    auto row = (*quick)->step();
    if (!row) return row.error();
    if (*row && (*quick)->column_text(0) != "ok") {
      report.problems.push_back(std::string(what) + ": quick_check: " + (*quick)->column_text(0));
    }
    auto wanted = wanted_bodies(db, sql);
    if (!wanted) return wanted.error();
    for (const auto& [id, w] : *wanted) {
      struct stat st {};
      const auto path = files.path_of(id);
      if (!BlobFiles::valid_id(id) || ::lstat(path.c_str(), &st) != 0) {
        if (!w.live) {
          ++report.quarantined;  // lost before the backup; its rows say so already
          continue;
        }
        report.problems.push_back(std::string(what) + " body missing: " + path.string());
      } else if (static_cast<uint64_t>(st.st_size) != w.size) {
        report.problems.push_back(std::string(what) + " body " + path.string() + " has " +
                                  std::to_string(st.st_size) + " bytes, expected " +
                                  std::to_string(w.size));
      }
    }
    return static_cast<uint64_t>(wanted->size());
  };
  {
    auto db = open_reader(dir / "heron.db");
    if (!db) return db.error();
    auto blobs = check(**db, kStoreBodies, BlobFiles(dir / "blobs"), "store");
    if (!blobs) return blobs.error();
    report.blobs = *blobs;
    auto schema = scalar(**db, "PRAGMA user_version");
    auto messages = scalar(**db, "SELECT count(*) FROM messages");
    if (!schema || !messages) return make_error("reading " + (dir / "heron.db").string());
    report.store_schema = static_cast<int>(*schema);
    report.messages = static_cast<uint64_t>(*messages);
  }
  if (stdfs::is_regular_file(dir / "queue.db", ec)) {
    auto db = open_reader(dir / "queue.db");
    if (!db) return db.error();
    auto bodies = check(**db, kQueueBodies, BlobFiles(dir / "queue"), "queue");
    if (!bodies) return bodies.error();
    report.queue_messages = *bodies;
  }
  return report;
}

}  // namespace heron::store::sqlite
