#pragma once
// File-system durability helpers (DESIGN.md, "The durability rule").
//
// A file is durable once its data is fsynced and the directory entry that names it is fsynced
// too. write_durable() does the whole sequence: write to a temporary file in the same
// directory, fsync it, rename it into place, fsync the directory. A crash at any point leaves
// either the old state or the new one, plus at worst a stray temporary file.
// Thread: any. Failure: every step returns an Error carrying errno; nothing throws.

#include <filesystem>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace heron::fs {

// Opens (creating if needed) a directory chain with mode 0700 for new parts.
Result<void> ensure_dir(const std::filesystem::path& dir);

// fsync() on a directory, so renames and creations inside it are durable.
Result<void> sync_dir(const std::filesystem::path& dir);

// Writes data to path.tmp.<random>, fdatasync, rename to path. Does not sync the directory:
// callers that write many files sync each directory once (group commit).
Result<void> write_synced(const std::filesystem::path& path, std::string_view data);

// write_synced() followed by sync_dir() of the parent: the one-file durable write.
Result<void> write_durable(const std::filesystem::path& path, std::string_view data);

Result<std::string> read_file(const std::filesystem::path& path);

// A random lowercase-hex string of 2*bytes characters from the OS's CSPRNG.
std::string random_hex(size_t bytes);

}  // namespace heron::fs
