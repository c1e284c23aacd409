#include "store/sqlite/schema.hpp"

#include <algorithm>
#include <vector>

#include "store/sqlite/migrate.hpp"

namespace heron::store::sqlite {
namespace {

// Migration 1: everything.
//
// Blobs are shared by message rows (one delivery to N recipients, and later IMAP COPY), so
// blobs.refcount counts the message rows naming a blob. Triggers keep it exact for every
// insert and delete of a message, whoever does it (delivery, expunge, account deletion, FK
// cascades), and code deletes blob rows whose count reached zero and then unlinks the files
// after commit. messages.quarantined marks rows whose blob file vanished (reconcile()).
constexpr const char* kMigration1 = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE domains (
  id      INTEGER PRIMARY KEY,
  name    TEXT NOT NULL UNIQUE,
  created INTEGER NOT NULL
);

CREATE TABLE accounts (
  id            INTEGER PRIMARY KEY,
  domain_id     INTEGER NOT NULL REFERENCES domains(id) ON DELETE RESTRICT,
  address       TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  created       INTEGER NOT NULL
);
CREATE INDEX accounts_domain ON accounts(domain_id);

CREATE TABLE aliases (
  id        INTEGER PRIMARY KEY,
  domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE RESTRICT,
  source    TEXT NOT NULL,
  target    TEXT NOT NULL,
  UNIQUE (source, target)
);
CREATE INDEX aliases_domain ON aliases(domain_id);

CREATE TABLE mailboxes (
  id            INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  special_use   TEXT NOT NULL DEFAULT '',
  uidvalidity   INTEGER NOT NULL,
  uidnext       INTEGER NOT NULL DEFAULT 1,
  highestmodseq INTEGER NOT NULL DEFAULT 1,
  subscribed    INTEGER NOT NULL DEFAULT 1,
  UNIQUE (account_id, name)
);

CREATE TABLE blobs (
  id       TEXT PRIMARY KEY,
  size     INTEGER NOT NULL,
  refcount INTEGER NOT NULL DEFAULT 0,
  created  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE messages (
  id            INTEGER PRIMARY KEY,
  mailbox_id    INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  uid           INTEGER NOT NULL,
  modseq        INTEGER NOT NULL,
  flags         TEXT NOT NULL DEFAULT '',
  internal_date INTEGER NOT NULL,
  size          INTEGER NOT NULL,
  blob_id       TEXT NOT NULL REFERENCES blobs(id),
  header_prefix BLOB NOT NULL,
  quarantined   INTEGER NOT NULL DEFAULT 0,
  UNIQUE (mailbox_id, uid)
);
CREATE INDEX messages_blob ON messages(blob_id);

CREATE TRIGGER messages_blob_ref AFTER INSERT ON messages BEGIN
  UPDATE blobs SET refcount = refcount + 1 WHERE id = NEW.blob_id;
END;
CREATE TRIGGER messages_blob_unref AFTER DELETE ON messages BEGIN
  UPDATE blobs SET refcount = refcount - 1 WHERE id = OLD.blob_id;
END;
)sql";

// Migration 2: what IMAP and POP3 need.
//  - subscriptions: RFC 9051 6.3.7, a subscription is a name that need not exist, so it is a
//    table of its own (the old mailboxes.subscribed column moves there);
//  - mailboxes.recent_uid: the \Recent watermark (RFC 3501 2.3.2), see claim_recent();
//  - expunged: UIDs removed from a mailbox, with the modseq of their removal, so a session can
//    learn what another one expunged (EXPUNGE responses, RFC 7162 VANISHED);
//  - messages(mailbox_id, modseq): finding what changed since a session last looked.
constexpr const char* kMigration2 = R"sql(
CREATE TABLE subscriptions (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  PRIMARY KEY (account_id, name)
) WITHOUT ROWID;
INSERT INTO subscriptions(account_id, name) SELECT account_id, name FROM mailboxes WHERE subscribed;
ALTER TABLE mailboxes DROP COLUMN subscribed;

ALTER TABLE mailboxes ADD COLUMN recent_uid INTEGER NOT NULL DEFAULT 1;
UPDATE mailboxes SET recent_uid = uidnext;

CREATE TABLE expunged (
  mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  uid        INTEGER NOT NULL,
  modseq     INTEGER NOT NULL,
  PRIMARY KEY (mailbox_id, uid)
) WITHOUT ROWID;
CREATE INDEX expunged_modseq ON expunged(mailbox_id, modseq);

CREATE INDEX messages_modseq ON messages(mailbox_id, modseq);
)sql";

// Migration 3: what submission (the MSA) needs.
//  - accounts.scram_sha256: SCRAM-SHA-256 keys in RFC 5803 form, set with the password
//    (accounts that exist already get them at their next password change);
//  - accounts.sender_check: 0 lets the account send with any MAIL FROM and From:.
constexpr const char* kMigration3 = R"sql(
ALTER TABLE accounts ADD COLUMN scram_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN sender_check INTEGER NOT NULL DEFAULT 1;
)sql";

const std::vector<const char*>& migrations() {
  static const std::vector<const char*> list = {kMigration1, kMigration2, kMigration3};
  return list;
}

}  // namespace

int schema_version() {
  return static_cast<int>(migrations().size());
}

Result<int> migrate(Db& db, int up_to) {
  const auto& all = migrations();
  const auto count = static_cast<size_t>(std::clamp(up_to, 0, static_cast<int>(all.size())));
  return apply_migrations(db, std::vector<const char*>(all.begin(), all.begin() + count), "store");
}

}  // namespace heron::store::sqlite
