#pragma once
// Consistent copies of a live SQLite database, for `heron backup` and the copy taken before a
// schema migration.
//
// The copy goes through SQLite's online backup API (sqlite3_backup_init/step/finish) with a
// single step over every page: that step holds ONE read transaction on the source, so the copy
// is the database exactly as some commit left it. In WAL mode a reader never blocks the writer
// and the writer never blocks a reader, so a running server keeps committing while the copy is
// made (its commits simply land after the snapshot). The copy is written to <dest>.tmp.<random>,
// fsynced, renamed to dest, and dest's directory fsynced: once snapshot_database() returns, the
// copy survives a crash, and a crash before leaves at worst a stray temporary file.
// Input: trusted paths. Thread: the caller's; the source connection must not be used by
// another thread meanwhile. Failure: an Error (dest is then absent); SQLITE_BUSY on the source
// is retried for a few seconds first.

#include <sqlite3.h>

#include <filesystem>

#include "base/result.hpp"

namespace heron::store::sqlite {

// Copies the "main" database of source into the new file dest (which must not exist).
Result<void> snapshot_database(sqlite3* source, const std::filesystem::path& dest);

// Opens a read connection on source_path and snapshots it into dest.
Result<void> snapshot_file(const std::filesystem::path& source_path,
                           const std::filesystem::path& dest);

}  // namespace heron::store::sqlite
