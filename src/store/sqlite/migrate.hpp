#pragma once
// Schema migrations for any of Heron's SQLite databases (heron.db, queue.db), versioned with
// PRAGMA user_version.
//
// Migrations form an ordered list; migration N takes the schema from version N-1 to N. Every
// pending migration runs inside ONE exclusive transaction together with the user_version
// bump, so a crash mid-migration leaves the old version intact and the next start retries.
// A database newer than the list knows is refused rather than guessed at. Before migrating a
// database from an older version (from > 0; a new one needs no copy), it is copied with the
// online backup API to <file>.pre-v<from>-<UTC time> (snapshot.hpp; fsynced) and
// <scope>.migrate.backup is logged with the path; if the copy fails, nothing is migrated.
// Thread: the caller's, on the writer connection (WAL mode, so the copy can be read through a
// second connection while this one holds the write lock), before any other use.
// Failure: an Error, and the database is left at its previous version.

#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "store/sqlite/db.hpp"

namespace heron::store::sqlite {

// Applies every migration past the file's version. Returns the version found before
// migrating. scope prefixes the log events ("store": store.migrate, store.migrate.failed).
Result<int> apply_migrations(Db& db, const std::vector<const char*>& migrations,
                             std::string_view scope);

}  // namespace heron::store::sqlite
