// SqliteStore's Directory role: domains, accounts, aliases, authentication and resolution.
//
// Writes take the writer mutex (shared with the committer) and run in one BEGIN IMMEDIATE
// transaction each; reads take the reader connection. Password hashing (~40 ms) always runs
// outside both locks so it never delays a delivery or a lookup.

#include <cerrno>
#include <ctime>
#include <map>
#include <set>

#include "base/fs.hpp"
#include "base/log.hpp"
#include "base/metrics.hpp"
#include "store/address.hpp"
#include "store/password.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace heron::store::sqlite {
namespace {

constexpr int kMaxAliasDepth = 8;

struct SpecialMailbox {
  const char* name;
  const char* special_use;
};
// RFC 6154 special-use mailboxes every new account gets, after INBOX.
constexpr SpecialMailbox kDefaultMailboxes[] = {
    {"INBOX", ""},        {"Sent", "\\Sent"}, {"Drafts", "\\Drafts"},
    {"Trash", "\\Trash"}, {"Junk", "\\Junk"}, {"Archive", "\\Archive"},
};

int64_t now_seconds() {
  return static_cast<int64_t>(std::time(nullptr));
}

Error invalid(std::string_view what, std::string_view value) {
  return make_error(std::string(what) + ": " + std::string(value), EINVAL);
}

// A hash to verify against when the user does not exist, so that an unknown user costs the
// same Argon2id work as a wrong password and the timing does not reveal which accounts exist.
const std::string& dummy_hash() {
  static const std::string hash = [] {
    auto h = hash_password(fs::random_hex(16));
    return h ? *h : std::string();
  }();
  return hash;
}

Account account_from_row(const Stmt& st) {
  Account a;
  a.id = st.column_int(0);
  a.address = st.column_text(1);
  a.password_hash = st.column_text(2);
  a.created = st.column_int(3);
  a.scram_sha256 = st.column_text(4);
  a.sender_check = st.column_int(5) != 0;
  return a;
}

constexpr const char* kAccountColumns =
    "SELECT id, address, password_hash, created, scram_sha256, sender_check FROM accounts";

// 0 when there is no such domain.
Result<int64_t> domain_id(Db& db, std::string_view name) {
  auto st = db.stmt("SELECT id FROM domains WHERE name = ?");
  if (!st) return st.error();
  (*st)->bind(1, name);
  auto row = (*st)->step();
  if (!row) return row.error();
  return *row ? (*st)->column_int(0) : 0;
}

Result<std::optional<Account>> load_account(Db& db, std::string_view address) {
  auto st = db.stmt(std::string(kAccountColumns) + " WHERE address = ?");
  if (!st) return st.error();
  (*st)->bind(1, address);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<Account>();
  return std::optional<Account>(account_from_row(**st));
}

}  // namespace

// ---- domains

Result<Domain> SqliteStore::add_domain(std::string_view name) {
  auto domain = normalize_domain(name);
  if (!domain) return invalid("invalid domain name", name);
  std::lock_guard lk(writer_mutex_);
  auto existing = domain_id(*writer_, *domain);
  if (!existing) return existing.error();
  if (*existing != 0) return make_error("domain exists: " + *domain, EEXIST);
  auto st = writer_->stmt("INSERT INTO domains(name, created) VALUES (?, ?)");
  if (!st) return st.error();
  (*st)->bind(1, *domain).bind(2, now_seconds());
  if (auto r = (*st)->run(); !r) return r.error();
  log::info("store.domain.added", {{"domain", *domain}});
  return Domain{writer_->last_insert_rowid(), *domain};
}

Result<void> SqliteStore::delete_domain(std::string_view name) {
  auto domain = normalize_domain(name);
  if (!domain) return invalid("invalid domain name", name);
  std::lock_guard lk(writer_mutex_);
  auto tx = Transaction::begin(*writer_);
  if (!tx) return tx.error();
  auto id = domain_id(*writer_, *domain);
  if (!id) return id.error();
  if (*id == 0) return make_error("no such domain: " + *domain, ENOENT);
  auto st = writer_->stmt(
      "SELECT (SELECT count(*) FROM accounts WHERE domain_id = ?1) + "
      "(SELECT count(*) FROM aliases WHERE domain_id = ?1)");
  if (!st) return st.error();
  (*st)->bind(1, *id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if ((*st)->column_int(0) != 0) {
    return make_error("domain still has accounts or aliases: " + *domain, ENOTEMPTY);
  }
  auto del = writer_->stmt("DELETE FROM domains WHERE id = ?");
  if (!del) return del.error();
  (*del)->bind(1, *id);
  if (auto r = (*del)->run(); !r) return r;
  if (auto r = tx->commit(); !r) return r;
  log::info("store.domain.deleted", {{"domain", *domain}});
  return {};
}

Result<std::vector<Domain>> SqliteStore::list_domains() {
  std::lock_guard lk(reader_mutex_);
  auto st = reader_->stmt("SELECT id, name FROM domains ORDER BY name");
  if (!st) return st.error();
  std::vector<Domain> out;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(Domain{(*st)->column_int(0), (*st)->column_text(1)});
  }
  return out;
}

Result<bool> SqliteStore::is_local_domain(std::string_view name) {
  auto domain = normalize_domain(name);
  if (!domain) return false;
  std::lock_guard lk(reader_mutex_);
  auto id = domain_id(*reader_, *domain);
  if (!id) return id.error();
  return *id != 0;
}

// ---- accounts

Result<Account> SqliteStore::add_account(std::string_view address, std::string_view password) {
  auto addr = parse_address(address);
  if (!addr) return invalid("invalid address", address);
  auto hash = hash_password(password);  // outside the lock: ~40 ms of CPU
  if (!hash) return hash.error();
  auto scram = scram_sha256_secret(password);
  if (!scram) return scram.error();
  const std::string canonical = addr->str();

  std::lock_guard lk(writer_mutex_);
  auto tx = Transaction::begin(*writer_);
  if (!tx) return tx.error();
  auto did = domain_id(*writer_, addr->domain);
  if (!did) return did.error();
  if (*did == 0) return make_error("not a local domain: " + addr->domain, ENOENT);
  auto existing = load_account(*writer_, canonical);
  if (!existing) return existing.error();
  if (*existing) return make_error("account exists: " + canonical, EEXIST);

  Account account;
  account.address = canonical;
  account.password_hash = std::move(*hash);
  account.scram_sha256 = std::move(*scram);
  account.created = now_seconds();
  {
    auto st = writer_->stmt(
        "INSERT INTO accounts(domain_id, address, password_hash, created, scram_sha256) "
        "VALUES (?, ?, ?, ?, ?)");
    if (!st) return st.error();
    (*st)
        ->bind(1, *did)
        .bind(2, canonical)
        .bind(3, account.password_hash)
        .bind(4, account.created)
        .bind(5, account.scram_sha256);
    if (auto r = (*st)->run(); !r) return r.error();
    account.id = writer_->last_insert_rowid();
  }
  for (const SpecialMailbox& mb : kDefaultMailboxes) {
    if (auto r = insert_mailbox(*writer_, account.id, mb.name, mb.special_use); !r) {
      return r.error();
    }
  }
  if (auto r = tx->commit(); !r) return r.error();
  log::info("store.account.added", {{"address", canonical}});
  return account;
}

Result<void> SqliteStore::set_password(std::string_view address, std::string_view password) {
  auto addr = parse_address(address);
  if (!addr) return invalid("invalid address", address);
  auto hash = hash_password(password);
  if (!hash) return hash.error();
  auto scram = scram_sha256_secret(password);
  if (!scram) return scram.error();
  std::lock_guard lk(writer_mutex_);
  auto st =
      writer_->stmt("UPDATE accounts SET password_hash = ?, scram_sha256 = ? WHERE address = ?");
  if (!st) return st.error();
  (*st)->bind(1, *hash).bind(2, *scram).bind(3, addr->str());
  if (auto r = (*st)->run(); !r) return r;
  if (writer_->changes() == 0) return make_error("no such account: " + addr->str(), ENOENT);
  log::info("store.account.password_set", {{"address", addr->str()}});
  return {};
}

Result<void> SqliteStore::set_sender_check(std::string_view address, bool on) {
  auto addr = parse_address(address);
  if (!addr) return invalid("invalid address", address);
  std::lock_guard lk(writer_mutex_);
  auto st = writer_->stmt("UPDATE accounts SET sender_check = ? WHERE address = ?");
  if (!st) return st.error();
  (*st)->bind(1, int64_t{on ? 1 : 0}).bind(2, addr->str());
  if (auto r = (*st)->run(); !r) return r;
  if (writer_->changes() == 0) return make_error("no such account: " + addr->str(), ENOENT);
  log::info("store.account.sender_check", {{"address", addr->str()}, {"on", on}});
  return {};
}

Result<void> SqliteStore::delete_account(std::string_view address) {
  auto addr = parse_address(address);
  if (!addr) return invalid("invalid address", address);
  std::vector<std::string> unreferenced;
  {
    std::lock_guard lk(writer_mutex_);
    auto tx = Transaction::begin(*writer_);
    if (!tx) return tx.error();
    auto account = load_account(*writer_, addr->str());
    if (!account) return account.error();
    if (!*account) return make_error("no such account: " + addr->str(), ENOENT);
    const int64_t id = (*account)->id;
    // Messages first and explicitly, so the refcount trigger runs for each row.
    for (const char* sql :
         {"DELETE FROM messages WHERE mailbox_id IN (SELECT id FROM mailboxes WHERE account_id = "
          "?)",
          "DELETE FROM mailboxes WHERE account_id = ?", "DELETE FROM accounts WHERE id = ?"}) {
      auto st = writer_->stmt(sql);
      if (!st) return st.error();
      (*st)->bind(1, id);
      if (auto r = (*st)->run(); !r) return r;
    }
    auto ids = collect_unreferenced_blobs(*writer_);
    if (!ids) return ids.error();
    unreferenced = std::move(*ids);
    if (auto r = tx->commit(); !r) return r;
  }
  // Only after the commit: until then a crash would have left rows naming removed files.
  remove_blob_files(unreferenced);
  log::info("store.account.deleted",
            {{"address", addr->str()}, {"blobs_removed", unreferenced.size()}});
  return {};
}

Result<std::vector<Account>> SqliteStore::list_accounts(std::string_view domain) {
  std::optional<std::string> d;
  if (!domain.empty()) {
    d = normalize_domain(domain);
    if (!d) return invalid("invalid domain name", domain);
  }
  std::lock_guard lk(reader_mutex_);
  auto st = d ? reader_->stmt(std::string(kAccountColumns) +
                              " WHERE domain_id = (SELECT id FROM domains WHERE name = ?)"
                              " ORDER BY address")
              : reader_->stmt(std::string(kAccountColumns) + " ORDER BY address");
  if (!st) return st.error();
  if (d) (*st)->bind(1, *d);
  std::vector<Account> out;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(account_from_row(**st));
  }
  return out;
}

Result<std::optional<Account>> SqliteStore::find_account(std::string_view address) {
  auto addr = parse_address(address);
  if (!addr) return std::optional<Account>();
  std::lock_guard lk(reader_mutex_);
  return load_account(*reader_, addr->str());
}

Result<std::optional<Account>> SqliteStore::authenticate(std::string_view address,
                                                         std::string_view password) {
  std::optional<Account> account;
  if (auto addr = parse_address(address)) {
    std::lock_guard lk(reader_mutex_);
    auto found = load_account(*reader_, addr->str());
    if (!found) return found.error();
    account = std::move(*found);
  }
  // Verify outside the lock; an unknown user pays the same hash as a known one.
  const bool ok = verify_password(account ? account->password_hash : dummy_hash(), password);
  if (!ok || !account) {
    metrics::inc("heron_store_auth_failures_total");
    return std::optional<Account>();
  }
  return account;
}

// ---- aliases

Result<Alias> SqliteStore::add_alias(std::string_view source, std::string_view target) {
  auto src = parse_address(source, /*allow_catch_all=*/true);
  if (!src) return invalid("invalid alias source", source);
  auto dst = parse_address(target);
  if (!dst) return invalid("invalid alias target", target);
  if (src->str() == dst->str()) return invalid("alias points to itself", source);
  std::lock_guard lk(writer_mutex_);
  auto tx = Transaction::begin(*writer_);
  if (!tx) return tx.error();
  auto did = domain_id(*writer_, src->domain);
  if (!did) return did.error();
  if (*did == 0) return make_error("not a local domain: " + src->domain, ENOENT);
  auto exists = writer_->stmt("SELECT 1 FROM aliases WHERE source = ? AND target = ?");
  if (!exists) return exists.error();
  (*exists)->bind(1, src->str()).bind(2, dst->str());
  auto row = (*exists)->step();
  if (!row) return row.error();
  if (*row) return make_error("alias exists: " + src->str() + " -> " + dst->str(), EEXIST);
  auto st = writer_->stmt("INSERT INTO aliases(domain_id, source, target) VALUES (?, ?, ?)");
  if (!st) return st.error();
  (*st)->bind(1, *did).bind(2, src->str()).bind(3, dst->str());
  if (auto r = (*st)->run(); !r) return r.error();
  Alias alias{writer_->last_insert_rowid(), src->str(), dst->str()};
  if (auto r = tx->commit(); !r) return r.error();
  log::info("store.alias.added", {{"source", alias.source}, {"target", alias.target}});
  return alias;
}

Result<void> SqliteStore::delete_alias(std::string_view source, std::string_view target) {
  auto src = parse_address(source, /*allow_catch_all=*/true);
  if (!src) return invalid("invalid alias source", source);
  std::optional<Address> dst;
  if (!target.empty()) {
    dst = parse_address(target);
    if (!dst) return invalid("invalid alias target", target);
  }
  std::lock_guard lk(writer_mutex_);
  auto st = dst ? writer_->stmt("DELETE FROM aliases WHERE source = ? AND target = ?")
                : writer_->stmt("DELETE FROM aliases WHERE source = ?");
  if (!st) return st.error();
  (*st)->bind(1, src->str());
  if (dst) (*st)->bind(2, dst->str());
  if (auto r = (*st)->run(); !r) return r;
  if (writer_->changes() == 0) return make_error("no such alias: " + src->str(), ENOENT);
  log::info("store.alias.deleted", {{"source", src->str()}, {"target", target}});
  return {};
}

Result<std::vector<Alias>> SqliteStore::list_aliases(std::string_view domain) {
  std::optional<std::string> d;
  if (!domain.empty()) {
    d = normalize_domain(domain);
    if (!d) return invalid("invalid domain name", domain);
  }
  std::lock_guard lk(reader_mutex_);
  auto st = d ? reader_->stmt(
                    "SELECT id, source, target FROM aliases WHERE domain_id = "
                    "(SELECT id FROM domains WHERE name = ?) ORDER BY source, target")
              : reader_->stmt("SELECT id, source, target FROM aliases ORDER BY source, target");
  if (!st) return st.error();
  if (d) (*st)->bind(1, *d);
  std::vector<Alias> out;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(Alias{(*st)->column_int(0), (*st)->column_text(1), (*st)->column_text(2)});
  }
  return out;
}

// ---- resolution

namespace {

// One resolve() call's walk over aliases, on the reader connection inside one read
// transaction (a consistent snapshot).
class Resolver {
 public:
  explicit Resolver(Db& db) : db_(db) {}

  // Adds what address leads to; true if it matched anything (alias, account, catch-all).
  Result<bool> expand(const Address& address, int depth) {
    const std::string key = address.str();
    if (depth > kMaxAliasDepth) {
      log::warn("store.resolve.too_deep", {{"address", key}});
      return false;
    }
    if (!visited_.insert(key).second) return false;  // a loop: already being expanded
    auto local = is_local(address.domain);
    if (!local) return local.error();
    if (!*local) {
      if (forward_set_.insert(key).second) result.forwards.push_back(key);
      return true;
    }
    // 1. exact alias
    auto matched = expand_alias(key, depth);
    if (!matched) return matched;
    if (*matched) return true;
    // 2. account
    auto account = load_account(db_, key);
    if (!account) return account.error();
    if (*account) {
      if (account_ids_.insert((*account)->id).second) result.accounts.push_back(**account);
      return true;
    }
    // 3. plus-addressing: the base address goes through aliases and accounts again (and
    //    ends in the catch-all, so step 4 is not repeated here).
    if (auto base = strip_subaddress(address.local)) {
      return expand(Address{*base, address.domain}, depth);
    }
    // 4. catch-all
    const std::string catch_all = "@" + address.domain;
    if (!visited_.insert(catch_all).second) return false;
    return expand_alias(catch_all, depth);
  }

  Resolution result;

 private:
  Result<bool> expand_alias(const std::string& source, int depth) {
    std::vector<std::string> targets;
    {
      auto st = db_.stmt("SELECT target FROM aliases WHERE source = ? ORDER BY id");
      if (!st) return st.error();
      (*st)->bind(1, source);
      while (true) {
        auto row = (*st)->step();
        if (!row) return row.error();
        if (!*row) break;
        targets.push_back((*st)->column_text(0));
      }
    }  // the statement is reset before recursing, which reuses it
    if (targets.empty()) return false;
    for (const std::string& t : targets) {
      auto addr = parse_address(t);
      if (!addr) continue;  // stored targets were checked on the way in
      if (auto r = expand(*addr, depth + 1); !r) return r;
    }
    return true;
  }

  Result<bool> is_local(const std::string& domain) {
    auto it = local_domains_.find(domain);
    if (it != local_domains_.end()) return it->second;
    auto st = db_.stmt("SELECT 1 FROM domains WHERE name = ?");
    if (!st) return st.error();
    (*st)->bind(1, domain);
    auto row = (*st)->step();
    if (!row) return row.error();
    local_domains_.emplace(domain, *row);
    return *row;
  }

  Db& db_;
  std::set<std::string> visited_;
  std::set<std::string> forward_set_;
  std::set<int64_t> account_ids_;
  std::map<std::string, bool> local_domains_;
};

}  // namespace

Result<Resolution> SqliteStore::resolve(std::string_view address) {
  Resolution none;
  none.status = Resolution::Status::not_local_domain;
  auto addr = parse_address(address);
  if (!addr) {
    // A local part we could never have stored, at one of our domains, is an unknown user
    // there (550 5.1.1), not a relay attempt.
    const size_t at = address.rfind('@');
    if (at == std::string_view::npos) return none;
    auto local = is_local_domain(address.substr(at + 1));
    if (!local) return local.error();
    if (*local) none.status = Resolution::Status::unknown_user;
    return none;
  }
  std::lock_guard lk(reader_mutex_);
  auto tx = Transaction::begin(*reader_, "BEGIN");  // one snapshot for the whole walk
  if (!tx) return tx.error();
  auto did = domain_id(*reader_, addr->domain);
  if (!did) return did.error();
  if (*did == 0) return none;
  Resolver resolver(*reader_);
  auto matched = resolver.expand(*addr, 0);
  if (!matched) return matched.error();
  Resolution out = std::move(resolver.result);
  out.status = out.accounts.empty() && out.forwards.empty() ? Resolution::Status::unknown_user
                                                            : Resolution::Status::local;
  return out;
}

}  // namespace heron::store::sqlite
