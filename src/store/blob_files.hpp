#pragma once
// Message bodies as immutable files: <root>/<shard>/<blob id>, shard = the id's first two hex
// digits (256 directories, all created at open so the delivery path never mkdirs).
//
// Durability (DESIGN.md, "The durability rule"): write() goes through fs::write_synced, which
// writes <path>.tmp.<random>, fdatasyncs it and renames it into place. The rename is durable
// only once the shard directory is fsynced, which the caller does ONCE per shard per batch
// (sync_shards) before committing the rows that name the blobs: the rows never point at a
// file a crash could take back. A crash before the commit leaves at worst an orphan file or a
// stray .tmp. file, which reconcile() removes. A blob file is never modified after its rename.
// Ids are lowercase hex (new_id()); anything else is refused, so an id can never name a path
// outside the root. Thread: any; methods touch only the files they are given. Failure: Error
// with errno.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace heron::store {

class BlobFiles {
 public:
  explicit BlobFiles(std::filesystem::path root) : root_(std::move(root)) {}

  // Creates the root and its 256 shard directories, and makes their entries durable.
  Result<void> prepare() const;

  // A fresh random id (32 hex digits) in the given shard (two hex digits), or in a random
  // shard when shard is empty. A committer puts one batch into one shard so that the batch
  // needs a single directory fsync.
  static std::string new_id(std::string_view shard = {});
  static std::string new_shard();
  static bool valid_id(std::string_view id);

  std::filesystem::path path_of(std::string_view id) const;
  std::filesystem::path shard_dir(std::string_view shard) const { return root_ / shard; }
  const std::filesystem::path& root() const { return root_; }

  // Writes and fdatasyncs the blob, renamed into place; the shard still needs sync_shard().
  Result<void> write(std::string_view id, std::string_view data) const;
  Result<void> sync_shard(std::string_view shard) const;
  Result<std::string> read(std::string_view id) const;
  // Unlinks the blob; a blob that is already gone is not an error.
  Result<void> remove(std::string_view id) const;

  struct Entry {
    std::string name;  // a blob id, or any other name found in a shard (e.g. *.tmp.*)
    std::filesystem::path path;
    int64_t mtime = 0;     // unix seconds
    bool is_temp = false;  // a half-written fs::write_synced temporary
  };
  // Every file in every shard directory, for reconcile().
  Result<std::vector<Entry>> scan() const;

 private:
  std::filesystem::path root_;
};

}  // namespace heron::store
