#pragma once
// A thin RAII layer over the SQLite C API: one connection (Db) and its prepared statements
// (Stmt), with errors as Result values instead of return codes.
//
// Statements are prepared once per connection and cached by their SQL text (Db::stmt), so the
// delivery path never re-parses SQL. A cached statement is borrowed through a StmtRef, which
// resets it and clears its bindings when it goes out of scope, so a failure half-way through a
// step loop never leaves a statement holding a read lock.
// Input: trusted SQL from our own code; bound values may be anything (always bound, never
// spliced into SQL text). Thread: a Db and its statements belong to whoever holds the mutex
// guarding them (SqliteStore decides). Failure: Error{message, code} with the SQLite extended
// result code in code.

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/result.hpp"

namespace heron::store::sqlite {

class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Parameters are numbered from 1, as in SQLite. Text and blobs are copied by SQLite.
  Stmt& bind(int index, int64_t value);
  Stmt& bind(int index, std::string_view text);
  Stmt& bind_blob(int index, std::string_view bytes);
  Stmt& bind_null(int index);

  // One step: true when a row is ready, false when the statement is done.
  Result<bool> step();
  // Runs a statement that returns no rows (or ignores them) to completion.
  Result<void> run();

  int64_t column_int(int index) const;
  std::string column_text(int index) const;
  std::string column_blob(int index) const;
  bool column_is_null(int index) const;

  void reset();

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  // The first bind error is remembered and reported by the next step(), so call sites can
  // chain bind() calls without checking each one.
  int bind_error_ = SQLITE_OK;
};

// A borrowed cached statement, reset (and its bindings cleared) on destruction.
class StmtRef {
 public:
  explicit StmtRef(Stmt* stmt) : stmt_(stmt) {}
  ~StmtRef() {
    if (stmt_ != nullptr) stmt_->reset();
  }
  StmtRef(StmtRef&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  StmtRef(const StmtRef&) = delete;
  StmtRef& operator=(const StmtRef&) = delete;
  StmtRef& operator=(StmtRef&&) = delete;

  Stmt* operator->() const { return stmt_; }
  Stmt& operator*() const { return *stmt_; }

 private:
  Stmt* stmt_;
};

class Db {
 public:
  enum class Mode { read_write_create, read_only };

  static Result<std::unique_ptr<Db>> open(const std::filesystem::path& path, Mode mode);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Runs one or more statements with no parameters and no rows (PRAGMA, BEGIN, DDL).
  Result<void> exec(std::string_view sql);
  // The cached prepared statement for sql. sql must outlive nothing: it is copied as the key.
  Result<StmtRef> stmt(std::string_view sql);

  int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
  int64_t changes() const { return sqlite3_changes64(db_); }
  sqlite3* handle() const { return db_; }

  // An Error carrying SQLite's current message for this connection.
  Error error(std::string_view what) const;

 private:
  explicit Db(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache_;
};

// Opens a transaction on construction (exec of begin_sql) and rolls it back on destruction
// unless commit() succeeded: every early return on an error path undoes the partial work.
class Transaction {
 public:
  static Result<Transaction> begin(Db& db, std::string_view begin_sql = "BEGIN IMMEDIATE");
  ~Transaction();
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;

  Result<void> commit();

 private:
  explicit Transaction(Db* db) : db_(db) {}
  Db* db_;
};

}  // namespace heron::store::sqlite
