#pragma once
// The embedded store: SQLite (WAL) for metadata, immutable files for message bodies.
//
// Layout under the data directory:
//   heron.db            metadata, schema versioned by PRAGMA user_version with migrations
//   blobs/ab/<id>       message bodies, immutable, shared by all targets of one delivery
//   tmp/                half-written files; emptied at start-up
// Thread: any. One writer connection owned by the committer thread (group commit), and a
// mutex-guarded reader connection for lookups, so RCPT checks never wait for an fsync.
// Failure: Result errors; a failed batch fails every delivery in it, and none is visible.

#include <filesystem>
#include <memory>

#include "base/result.hpp"
#include "store/directory.hpp"
#include "store/mail_store.hpp"

namespace heron::store::sqlite {

struct Options {
  // Blob files with no row are removed by reconcile() only when older than this, so a
  // delivery that has written its blob but not yet committed is never touched.
  int64_t orphan_grace_seconds = 3600;
};

class SqliteStore final : public Directory, public MailStore {
 public:
  static Result<std::unique_ptr<SqliteStore>> open(const std::filesystem::path& data_dir,
                                                   Options options = {});
  ~SqliteStore() override;
  // ... implementations of every Directory and MailStore method ...
};

}  // namespace heron::store::sqlite
