#include "store/sqlite/wal.hpp"

#include <initializer_list>

namespace heron::store::sqlite {
namespace {

Result<std::unique_ptr<Db>> open_with(const std::filesystem::path& path,
                                      std::initializer_list<const char*> pragmas) {
  auto db = Db::open(path, Db::Mode::read_write_create);
  if (!db) return db.error();
  for (const char* pragma : pragmas) {
    if (auto r = (*db)->exec(pragma); !r) return r.error();
  }
  return std::move(*db);
}

}  // namespace

Result<std::unique_ptr<Db>> open_writer(const std::filesystem::path& path) {
  return open_with(path, {"PRAGMA busy_timeout = 5000", "PRAGMA journal_mode = WAL",
                          "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON"});
}

Result<std::unique_ptr<Db>> open_reader(const std::filesystem::path& path) {
  return open_with(path, {"PRAGMA busy_timeout = 5000", "PRAGMA query_only = ON"});
}

}  // namespace heron::store::sqlite
