#include "store/sqlite/db.hpp"

#include "base/log.hpp"

namespace heron::store::sqlite {

Stmt& Stmt::bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Stmt& Stmt::bind(int index, std::string_view text) {
  int rc =
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Stmt& Stmt::bind_blob(int index, std::string_view bytes) {
  // A zero-length blob must still be a blob, not NULL: pass a non-null pointer.
  static const char empty = 0;
  int rc = sqlite3_bind_blob64(stmt_, index, bytes.empty() ? &empty : bytes.data(), bytes.size(),
                               SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Stmt& Stmt::bind_null(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Result<bool> Stmt::step() {
  if (bind_error_ != SQLITE_OK) {
    return make_error(std::string("sqlite bind: ") + sqlite3_errstr(bind_error_), bind_error_);
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return make_error(
      std::string("sqlite step: ") + sqlite3_errmsg(db_) + " [" + sqlite3_sql(stmt_) + "]",
      sqlite3_extended_errcode(db_));
}

Result<void> Stmt::run() {
  while (true) {
    auto r = step();
    if (!r) return r.error();
    if (!*r) return {};
  }
}

int64_t Stmt::column_int(int index) const {
  return sqlite3_column_int64(stmt_, index);
}

std::string Stmt::column_text(int index) const {
  const unsigned char* p = sqlite3_column_text(stmt_, index);
  int n = sqlite3_column_bytes(stmt_, index);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

std::string Stmt::column_blob(int index) const {
  const void* p = sqlite3_column_blob(stmt_, index);
  int n = sqlite3_column_bytes(stmt_, index);
  return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

bool Stmt::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

void Stmt::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = SQLITE_OK;
}

Result<std::unique_ptr<Db>> Db::open(const std::filesystem::path& path, Mode mode) {
  sqlite3* raw = nullptr;
  // NOMUTEX: SqliteStore guards each connection with its own mutex, so SQLite's per-connection
  // mutex would only be paid for twice.
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |=
      mode == Mode::read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close_v2(raw);
    return make_error("sqlite open " + path.string() + ": " + msg, rc);
  }
  sqlite3_extended_result_codes(raw, 1);
  return std::unique_ptr<Db>(new Db(raw));
}

Db::~Db() {
  cache_.clear();  // statements must be finalized before the connection closes
  if (sqlite3_close(db_) != SQLITE_OK) {
    log::error("store.sqlite.close_failed", {{"error", sqlite3_errmsg(db_)}});
    sqlite3_close_v2(db_);
  }
}

Result<void> Db::exec(std::string_view sql) {
  std::string text(sql);
  char* msg = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &msg);
  if (rc != SQLITE_OK) {
    std::string m = msg ? msg : sqlite3_errstr(rc);
    sqlite3_free(msg);
    return make_error("sqlite exec: " + m + " [" + text.substr(0, 80) + "]",
                      sqlite3_extended_errcode(db_));
  }
  return {};
}

Result<StmtRef> Db::stmt(std::string_view sql) {
  std::string key(sql);
  auto it = cache_.find(key);
  if (it == cache_.end()) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()),
                                SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    if (rc != SQLITE_OK) return error("sqlite prepare [" + key + "]");
    it = cache_.emplace(std::move(key), std::make_unique<Stmt>(db_, raw)).first;
  }
  return StmtRef(it->second.get());
}

Error Db::error(std::string_view what) const {
  return make_error(std::string(what) + ": " + sqlite3_errmsg(db_), sqlite3_extended_errcode(db_));
}

Result<Transaction> Transaction::begin(Db& db, std::string_view begin_sql) {
  if (auto r = db.exec(begin_sql); !r) return r.error();
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ == nullptr) return;
  if (auto r = db_->exec("ROLLBACK"); !r) {
    // After some errors (SQLITE_FULL, IOERR) SQLite has already rolled back; that is fine.
    if (sqlite3_get_autocommit(db_->handle()) == 0) {
      log::error("store.sqlite.rollback_failed", {{"error", r.error().message}});
    }
  }
}

Result<void> Transaction::commit() {
  if (auto r = db_->exec("COMMIT"); !r) return r;  // the destructor rolls back
  db_ = nullptr;
  return {};
}

}  // namespace heron::store::sqlite
