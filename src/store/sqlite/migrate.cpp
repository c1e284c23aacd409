#include "store/sqlite/migrate.hpp"

#include <string>

#include "base/log.hpp"

namespace heron::store::sqlite {
namespace {

Result<int> user_version(Db& db) {
  auto st = db.stmt("PRAGMA user_version");
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error();
  return static_cast<int>((*st)->column_int(0));
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
