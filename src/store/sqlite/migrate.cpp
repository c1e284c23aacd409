#include "store/sqlite/migrate.hpp"

#include <ctime>
#include <filesystem>
#include <string>

#include "base/log.hpp"
#include "store/sqlite/snapshot.hpp"

namespace heron::store::sqlite {
namespace {

Result<int> user_version(Db& db) {
  auto st = db.stmt("PRAGMA user_version");
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error();
  return static_cast<int>((*st)->column_int(0));
}

// <db>.pre-v<from>-<UTC timestamp>; empty for an in-memory or temporary database.
std::filesystem::path pre_migration_path(Db& db, int from) {
  const char* file = sqlite3_db_filename(db.handle(), "main");
  if (file == nullptr || *file == '\0') return {};
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  return std::string(file) + ".pre-v" + std::to_string(from) + "-" + stamp;
}

}  // namespace

Result<int> apply_migrations(Db& db, const std::vector<const char*>& migrations,
                             std::string_view scope) {
  auto tx = Transaction::begin(db, "BEGIN EXCLUSIVE");
  if (!tx) return tx.error();
  auto found = user_version(db);
  if (!found) return found.error();
  const int from = *found;
  const int to = static_cast<int>(migrations.size());
  if (from > to) {
    return make_error("database schema version " + std::to_string(from) +
                      " is newer than this heron knows (" + std::to_string(to) + ")");
  }
  if (from == to) return from;
  const std::string prefix(scope);
  // An upgrade (not a fresh database) first keeps a copy of the old one, so an operator can go
  // back to the previous release. The copy is read through a second connection: this one holds
  // the write lock (in WAL mode readers still read), so the copy is exactly version `from`.
  if (from > 0) {
    const auto copy = pre_migration_path(db, from);
    if (!copy.empty()) {
      if (auto r = snapshot_file(sqlite3_db_filename(db.handle(), "main"), copy); !r) {
        log::error(prefix + ".migrate.backup_failed",
                   {{"path", copy.string()}, {"error", r.error().message}});
        return make_error("copy before migrating: " + r.error().message, r.error().code);
      }
      log::info(prefix + ".migrate.backup", {{"path", copy.string()}, {"from", from}, {"to", to}});
    }
  }
  for (int v = from + 1; v <= to; ++v) {
    if (auto r = db.exec(migrations[static_cast<size_t>(v - 1)]); !r) {
      log::error(prefix + ".migrate.failed", {{"version", v}, {"error", r.error().message}});
      return r.error();
    }
  }
  // PRAGMA takes no bound parameters; the value is our own integer.
  if (auto r = db.exec("PRAGMA user_version = " + std::to_string(to)); !r) return r.error();
  if (auto r = tx->commit(); !r) return r.error();
  log::info(prefix + ".migrate", {{"from", from}, {"to", to}});
  return from;
}

}  // namespace heron::store::sqlite
