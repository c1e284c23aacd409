#pragma once
// The two kinds of connection every Heron SQLite database is opened with.
//
// The writer: journal_mode=WAL, so readers never block it nor wait for it; synchronous=FULL,
// so COMMIT returns only after the WAL is fsynced, which is what makes a commit durable
// (NORMAL would sync only at checkpoints and could lose the last commits on power loss);
// foreign keys on; a 5 s busy timeout, for the CLI and the server writing side by side.
// The reader: query_only, so a bug cannot write through it, with the same busy timeout.
// Thread: the caller's. Failure: an Error from SQLite.

#include <filesystem>
#include <memory>

#include "base/result.hpp"
#include "store/sqlite/db.hpp"

namespace heron::store::sqlite {

Result<std::unique_ptr<Db>> open_writer(const std::filesystem::path& path);
Result<std::unique_ptr<Db>> open_reader(const std::filesystem::path& path);

}  // namespace heron::store::sqlite
