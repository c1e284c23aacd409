#pragma once
// The `heron` subcommands. main.cpp parses the command line (CLI11) and calls these.
// Each returns the process exit code and prints its own errors to stderr.
// Thread: the main thread, at start-up. Failure: a message and a non-zero code.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "store/sqlite/queue_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace heron::app {

// Opens the store named by the config's data_dir, or prints why not (exit code 1).
std::unique_ptr<store::sqlite::SqliteStore> open_store(const config::Config& config);

// log_format: `--log-format text|json`, overriding [log] format; empty: the config's.
int serve(const config::Config& config, const std::string& log_format = {});
// `heron status [--json]` (app/ops.cpp): asks the running server's [http] endpoint.
int status(const config::Config& config, bool json);
// `heron serve --demo`: makes (first run) or reuses (later runs) ./demo-data, then serves.
int serve_demo(const std::filesystem::path& demo_dir);

int domain_add(const config::Config& c, const std::string& name);
int domain_list(const config::Config& c);
int domain_del(const config::Config& c, const std::string& name);

// An empty password with generate=false means "read it from stdin".
int user_add(const config::Config& c, const std::string& address,
             std::optional<std::string> password);
int user_list(const config::Config& c, const std::string& domain);
int user_passwd(const config::Config& c, const std::string& address,
                std::optional<std::string> password);
int user_del(const config::Config& c, const std::string& address);
int user_sender_check(const config::Config& c, const std::string& address, bool on);

int alias_add(const config::Config& c, const std::string& source,
              const std::vector<std::string>& targets);
int alias_list(const config::Config& c, const std::string& domain);
int alias_del(const config::Config& c, const std::string& source, const std::string& target);

int mailbox_list(const config::Config& c, const std::string& user);
int message_list(const config::Config& c, const std::string& user, const std::string& mailbox);
int message_get(const config::Config& c, const std::string& user, const std::string& mailbox,
                uint32_t uid);

// The outbound queue (app/queue.cpp).
std::unique_ptr<store::sqlite::SqliteQueue> open_queue(const config::Config& config);
int queue_list(const config::Config& c);
int queue_show(const config::Config& c, const std::string& id);
int queue_retry(const config::Config& c, const std::string& id_or_all);
int queue_delete(const config::Config& c, const std::string& id);
int queue_hold(const config::Config& c, const std::string& id, bool hold);
struct InjectOptions {
  std::string from;  // "<>" or "" for the null reverse-path
  std::vector<std::string> to;
  std::string notify;  // RFC 3461 NOTIFY value for every recipient; empty: none
  std::string ret;     // FULL or HDRS; empty: none
  std::string envid;
  bool smtputf8 = false;
  std::string file;  // "-" or empty: standard input
};
int queue_inject(const config::Config& c, const InjectOptions& options);
// `heron dns lookup TYPE NAME` (batch: "TYPE NAME" lines from stdin, type_name and name
// unused): prints status, secure flag, TTL and records; 0 when every status is ok.
int dns_lookup(const config::Config& c, const std::string& type_name, const std::string& name,
               bool batch);

// DKIM keys in <data_dir>/dkim (app/dkim.cpp). algo: rsa2048, rsa3072, rsa4096 or ed25519; an
// empty selector picks one from the key type and the month.
int dkim_keygen(const config::Config& c, const std::string& domain, std::string selector,
                const std::string& algo);
int dkim_list(const config::Config& c, const std::string& domain);
int dkim_del(const config::Config& c, const std::string& domain, const std::string& selector);
// Every DNS record to publish for a domain, in zone-file format.
int dns_records(const config::Config& c, const std::string& domain);

// Backups (app/backup.cpp, store/sqlite/backup.hpp). copy: never hard-link bodies.
int backup(const config::Config& c, const std::filesystem::path& dir, bool copy);
int backup_verify(const std::filesystem::path& dir);
// Restores a backup into the config's data_dir, which must not exist or be empty.
int restore(const config::Config& c, const std::filesystem::path& dir, bool copy);

// `heron quickstart` (app/quickstart.cpp): writes config_file and a fresh data directory.
struct QuickstartOptions {
  std::string domain;
  std::string hostname;
  std::filesystem::path data_dir = "/var/lib/heron";
  std::string admin = "postmaster";  // local part of the admin account
  std::string listen = "0.0.0.0";    // address of every listener
  int port_offset = 0;               // added to each standard port (staging next to a server)
  std::string user = "heron";        // [server] user the server drops to; "" for none
};
int quickstart(const QuickstartOptions& options, const std::filesystem::path& config_file);

// A random password of 20 characters from an unambiguous alphabet.
std::string generate_password();

}  // namespace heron::app
