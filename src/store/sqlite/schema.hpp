#pragma once
// Schema of the embedded store, versioned with PRAGMA user_version.
//
// Migrations form an ordered list; migration N takes the schema from version N-1 to N. At open
// every pending migration runs inside ONE write transaction together with the user_version
// bump, so a crash mid-migration leaves the old version intact and the next start retries.
// A database newer than this binary knows is refused rather than guessed at.
// Thread: the caller's, on the writer connection, before any other use. Failure: an Error,
// and the database is left at its previous version.

#include "base/result.hpp"
#include "store/sqlite/db.hpp"

namespace heron::store::sqlite {

// The version a fully migrated database reports.
int schema_version();

// Applies every pending migration up to `up_to` (tests build old databases with a lower one).
// Returns the version found before migrating.
Result<int> migrate(Db& db, int up_to = schema_version());

}  // namespace heron::store::sqlite
