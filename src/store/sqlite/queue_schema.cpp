#include "store/sqlite/queue_schema.hpp"

#include <vector>

#include "store/sqlite/migrate.hpp"

namespace heron::store::sqlite {
namespace {

// Migration 1: messages and their recipients.
//
// One body file per message (never shared, so no reference count): messages.blob_id names it
// under <data_dir>/queue/. States are words rather than numbers so that an operator reading
// the file with sqlite3 sees what they mean. AUTOINCREMENT: a queue id is never reused, so a
// log line naming one can only mean one message. recipients.domain is the lowercase domain
// that claims group by; lease_until > now means a worker holds the recipient.
constexpr const char* kMigration1 = R"sql(
CREATE TABLE messages (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  blob_id     TEXT NOT NULL,
  size        INTEGER NOT NULL,
  sender      TEXT NOT NULL,
  ret         TEXT NOT NULL DEFAULT '' CHECK (ret IN ('', 'full', 'hdrs')),
  envid       TEXT NOT NULL DEFAULT '',
  smtputf8    INTEGER NOT NULL DEFAULT 0,
  eightbit    INTEGER NOT NULL DEFAULT 0,
  origin      TEXT NOT NULL DEFAULT '',
  arrival     INTEGER NOT NULL,
  held        INTEGER NOT NULL DEFAULT 0,
  quarantined INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_blob ON messages(blob_id);

CREATE TABLE recipients (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id     INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  address        TEXT NOT NULL,
  domain         TEXT NOT NULL,
  orcpt          TEXT NOT NULL DEFAULT '',
  notify         INTEGER NOT NULL DEFAULT 0,
  state          TEXT NOT NULL DEFAULT 'queued'
                 CHECK (state IN ('queued', 'delivered', 'failed')),
  attempts       INTEGER NOT NULL DEFAULT 0,
  next_attempt   INTEGER NOT NULL,
  last_attempt   INTEGER NOT NULL DEFAULT 0,
  status         TEXT NOT NULL DEFAULT '',
  diagnostic     TEXT NOT NULL DEFAULT '',
  remote_mta     TEXT NOT NULL DEFAULT '',
  dsn            TEXT NOT NULL DEFAULT 'none' CHECK (dsn IN ('none', 'pending', 'sent')),
  delay_notified INTEGER NOT NULL DEFAULT 0,
  lease_until    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX recipients_message ON recipients(message_id);
CREATE INDEX recipients_due ON recipients(state, next_attempt);
CREATE INDEX recipients_dsn_pending ON recipients(dsn) WHERE dsn = 'pending';
)sql";

const std::vector<const char*>& migrations() {
  static const std::vector<const char*> list = {kMigration1};
  return list;
}

}  // namespace

int queue_schema_version() {
  return static_cast<int>(migrations().size());
}

Result<int> migrate_queue(Db& db) {
  return apply_migrations(db, migrations(), "queue");
}

}  // namespace heron::store::sqlite
