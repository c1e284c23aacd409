#pragma once
// Schema of the outbound queue's own database, <data_dir>/queue.db, versioned with PRAGMA
// user_version and migrated by apply_migrations() (migrate.hpp). It is a separate file from
// heron.db so that the queue's write load (every attempt result is a commit) never takes the
// mail store's writer lock, and so that either can be backed up or inspected alone.
// Thread: the caller's, on the writer connection, before any other use. Failure: an Error,
// and the database is left at its previous version.

#include "base/result.hpp"
#include "store/sqlite/db.hpp"

namespace heron::store::sqlite {

int queue_schema_version();
// Applies every pending migration of queue.db. Returns the version found before migrating.
Result<int> migrate_queue(Db& db);

}  // namespace heron::store::sqlite
