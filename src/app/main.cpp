// heron: the one binary. Parses the command line and dispatches to app/commands.hpp.

#include <malloc.h>

#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/commands.hpp"
#include "config/config.hpp"

namespace {

std::string default_config_path() {
  if (const char* env = std::getenv("HERON_CONFIG")) return env;
  return "/etc/heron/heron.toml";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace heron;
  // Argon2id takes 19 MiB per password check. glibc raises its mmap threshold to the size of
  // the largest mmapped block freed, so after the first check those 19 MiB come from the
  // calling thread's arena and stay there: about 300 MB kept by the blocking pool's threads
  // (measured by bench/imap_bench.py). A fixed threshold keeps big blocks mmapped, so they go
  // back to the system when freed.
  mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
  CLI::App cli{"Heron: an all-in-one mail server (SMTP, IMAP, POP3)", "heron"};
  cli.set_version_flag("--version", std::string("heron ") + HERON_VERSION);
  std::string config_path = default_config_path();
  cli.add_option("-c,--config", config_path, "Configuration file (env HERON_CONFIG)")
      ->capture_default_str();
  cli.require_subcommand(1);

  auto* serve = cli.add_subcommand("serve", "Run the server in the foreground");
  bool demo = false;
  std::string demo_dir = "demo-data";
  serve->add_flag("--demo", demo, "Run with embedded defaults in ./demo-data");
  serve->add_option("--demo-dir", demo_dir, "Data directory for --demo")->capture_default_str();
  std::string log_format;
  serve->add_option("--log-format", log_format, "Log as text or json (overrides [log] format)")
      ->check(CLI::IsMember({"text", "json"}));

  auto* stat = cli.add_subcommand(
      "status", "Show the running server: version, uptime, listeners, queue, store ([http])");
  bool status_json = false;
  stat->add_flag("--json", status_json, "Print the /status JSON document as is");

  std::string name, address, domain, source, target, user, mailbox = "INBOX";
  std::vector<std::string> targets;
  std::optional<std::string> password;
  bool password_stdin = false;
  uint32_t uid = 0;

  auto* dom = cli.add_subcommand("domain", "Manage local domains")->require_subcommand(1);
  auto* dom_add = dom->add_subcommand("add", "Add a local domain");
  dom_add->add_option("name", name, "Domain name")->required();
  auto* dom_list = dom->add_subcommand("list", "List local domains");
  auto* dom_del = dom->add_subcommand("del", "Delete a domain (it must have no users or aliases)");
  dom_del->add_option("name", name, "Domain name")->required();

  auto* usr = cli.add_subcommand("user", "Manage accounts")->require_subcommand(1);
  auto add_password_options = [&](CLI::App* sub) {
    sub->add_option("--password", password, "The password (default: generate and print one)");
    sub->add_flag("--password-stdin", password_stdin, "Read the password from standard input");
  };
  auto* usr_add = usr->add_subcommand("add", "Add an account with INBOX and special-use folders");
  usr_add->add_option("address", address, "user@domain")->required();
  add_password_options(usr_add);
  auto* usr_list = usr->add_subcommand("list", "List accounts");
  usr_list->add_option("domain", domain, "Only this domain");
  auto* usr_passwd = usr->add_subcommand("passwd", "Set an account's password");
  usr_passwd->add_option("address", address, "user@domain")->required();
  add_password_options(usr_passwd);
  auto* usr_del = usr->add_subcommand("del", "Delete an account and all its mail");
  usr_del->add_option("address", address, "user@domain")->required();
  std::string on_off;
  auto* usr_sender =
      usr->add_subcommand("sender-check",
                          "Submission: require MAIL FROM and From: to be the account's (on, the "
                          "default) or let it send as anyone (off)");
  usr_sender->add_option("address", address, "user@domain")->required();
  usr_sender->add_option("state", on_off, "on or off")
      ->required()
      ->check(CLI::IsMember({"on", "off"}));

  auto* ali = cli.add_subcommand("alias", "Manage aliases and catch-alls")->require_subcommand(1);
  auto* ali_add =
      ali->add_subcommand("add", "Alias an address (or @domain, a catch-all) to targets");
  ali_add->add_option("source", source, "alias@domain, or @domain for a catch-all")->required();
  ali_add->add_option("targets", targets, "One or more target addresses")->required();
  auto* ali_list = ali->add_subcommand("list", "List aliases");
  ali_list->add_option("domain", domain, "Only this domain");
  auto* ali_del = ali->add_subcommand("del", "Delete an alias, or one of its targets");
  ali_del->add_option("source", source, "alias@domain or @domain")->required();
  ali_del->add_option("target", target, "Only this target");

  auto* mbx = cli.add_subcommand("mailbox", "Inspect mailboxes")->require_subcommand(1);
  auto* mbx_list = mbx->add_subcommand("list", "List a user's mailboxes");
  mbx_list->add_option("user", user, "user@domain")->required();

  auto* msg = cli.add_subcommand("message", "Inspect messages")->require_subcommand(1);
  auto* msg_list = msg->add_subcommand("list", "List the messages in a mailbox");
  msg_list->add_option("user", user, "user@domain")->required();
  msg_list->add_option("mailbox", mailbox, "Mailbox name")->capture_default_str();
  auto* msg_get = msg->add_subcommand("get", "Write one message, byte for byte, to stdout");
  msg_get->add_option("user", user, "user@domain")->required();
  msg_get->add_option("mailbox", mailbox, "Mailbox name")->required();
  msg_get->add_option("uid", uid, "Message UID")->required();

  auto* que =
      cli.add_subcommand("queue", "Inspect and manage the outbound queue")->require_subcommand(1);
  std::string queue_id;
  auto* que_list = que->add_subcommand("list", "List queued messages");
  auto* que_show =
      que->add_subcommand("show", "Show a message's envelope and every recipient's state");
  que_show->add_option("id", queue_id, "Queue id")->required();
  auto* que_retry = que->add_subcommand("retry", "Make a message (or all) due for delivery now");
  que_retry->add_option("id", queue_id, "Queue id, or \"all\"")->required();
  auto* que_delete = que->add_subcommand("delete", "Delete a message without any notice");
  que_delete->add_option("id", queue_id, "Queue id")->required();
  auto* que_hold = que->add_subcommand("hold", "Keep a message from being delivered");
  que_hold->add_option("id", queue_id, "Queue id")->required();
  auto* que_release = que->add_subcommand("release", "Let a held message be delivered again");
  que_release->add_option("id", queue_id, "Queue id")->required();
  app::InjectOptions inject;
  auto* que_inject =
      que->add_subcommand("inject", "Queue a message from a file (or stdin) for delivery");
  que_inject->add_option("--from", inject.from, "Envelope sender; \"<>\" for the null sender")
      ->required();
  que_inject->add_option("--to", inject.to, "Envelope recipient (repeat for several)")
      ->required()
      ->allow_extra_args(false);
  que_inject->add_option("--notify", inject.notify,
                         "DSN NOTIFY for every recipient: NEVER, or SUCCESS,FAILURE,DELAY");
  que_inject->add_option("--ret", inject.ret, "DSN RET: FULL or HDRS");
  que_inject->add_option("--envid", inject.envid, "DSN envelope id");
  que_inject->add_flag("--smtputf8", inject.smtputf8, "The message needs SMTPUTF8");
  que_inject->add_option("file", inject.file, "The message (RFC 5322); - or nothing for stdin");
  auto* dns =
      cli.add_subcommand("dns", "Look names up the way the server does")->require_subcommand(1);
  auto* dns_lookup = dns->add_subcommand(
      "lookup", "Resolve one name with the [dns] settings: status, DNSSEC, TTL, records");
  std::string rr_type;
  bool batch = false;
  dns_lookup->add_option("type", rr_type, "A, AAAA, CNAME, MX, PTR, TLSA or TXT");
  dns_lookup->add_option("name", name, "Domain name (an IP address for PTR)");
  dns_lookup->add_flag("--batch", batch,
                       "Read \"TYPE NAME\" lines from stdin; one resolver, one cache for all");

  auto* dkim = cli.add_subcommand("dkim", "Manage DKIM signing keys")->require_subcommand(1);
  std::string selector, algo = "rsa2048";
  auto* dkim_keygen =
      dkim->add_subcommand("keygen", "Make a signing key for a domain and print its DNS record");
  dkim_keygen->add_option("domain", domain, "The domain mail is signed for")->required();
  dkim_keygen->add_option("--selector", selector, "Selector (default: key type and month)");
  dkim_keygen->add_option("--algo", algo, "rsa2048, rsa3072, rsa4096 or ed25519")
      ->capture_default_str()
      ->check(CLI::IsMember({"rsa2048", "rsa3072", "rsa4096", "ed25519"}));
  auto* dkim_list = dkim->add_subcommand("list", "List signing keys");
  dkim_list->add_option("domain", domain, "Only this domain");
  auto* dkim_del = dkim->add_subcommand("del", "Delete a signing key");
  dkim_del->add_option("domain", domain, "Domain")->required();
  dkim_del->add_option("selector", selector, "Selector")->required();
  auto* dns_records = cli.add_subcommand(
      "dns-records", "Print every DNS record to publish for a domain (zone-file format)");
  dns_records->add_option("domain", domain, "The mail domain")->required();

  auto* bak = cli.add_subcommand(
      "backup", "Back up the data directory into DIR (new or empty) while the server runs");
  std::string backup_dir;
  bool backup_copy = false, backup_verify = false;
  bak->add_option("dir", backup_dir, "Backup directory")->required();
  bak->add_flag("--copy", backup_copy, "Copy message bodies (default: hard links when possible)");
  bak->add_flag("--verify", backup_verify,
                "Only check an existing backup DIR: every body its databases name is there");
  auto* rst = cli.add_subcommand(
      "restore", "Restore a backup DIR into data_dir (new or empty); run with heron stopped");
  rst->add_option("dir", backup_dir, "Backup directory")->required();
  rst->add_flag("--copy", backup_copy, "Copy message bodies (default: hard links when possible)");

  app::QuickstartOptions qs;
  auto* quickstart = cli.add_subcommand(
      "quickstart",
      "Set up a domain: a new config (at --config) if there is none, the data directory, an admin "
      "and DKIM keys");
  quickstart->add_option("--domain", qs.domain, "The mail domain, e.g. example.org")->required();
  quickstart->add_option("--hostname", qs.hostname,
                         "This server's name, e.g. mail.example.org (required for a new config)");
  quickstart->add_option("--data-dir", qs.data_dir, "Data directory")->capture_default_str();
  quickstart->add_option("--admin", qs.admin, "Local part of the admin account")
      ->capture_default_str();
  quickstart->add_option("--listen", qs.listen, "Address every listener binds")
      ->capture_default_str();
  quickstart
      ->add_option("--port-offset", qs.port_offset,
                   "Added to every standard port (to stage next to another server)")
      ->capture_default_str()
      ->check(CLI::Range(0, 40000));
  quickstart->add_option("--user", qs.user, "User the server runs as ([server] user; \"\": none)")
      ->capture_default_str();

  CLI11_PARSE(cli, argc, argv);
  if (dns_lookup->parsed() && !batch && (rr_type.empty() || name.empty())) {
    std::cerr << "heron dns lookup: TYPE and NAME are required (or --batch)\n";
    return 2;
  }

  if (serve->parsed() && demo) return app::serve_demo(demo_dir);
  if (quickstart->parsed()) return app::quickstart(qs, config_path);
  if (bak->parsed() && backup_verify) return app::backup_verify(backup_dir);

  auto loaded = config::load(config_path);
  if (!loaded) {
    std::cerr << "heron: " << loaded.error().message << "\n";
    return 2;
  }
  const config::Config& config = *loaded;
  if (password_stdin) {
    std::string line;
    std::getline(std::cin, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    password = line;
  }

  if (serve->parsed()) return app::serve(config, log_format);
  if (stat->parsed()) return app::status(config, status_json);
  if (dom_add->parsed()) return app::domain_add(config, name);
  if (dom_list->parsed()) return app::domain_list(config);
  if (dom_del->parsed()) return app::domain_del(config, name);
  if (usr_add->parsed()) return app::user_add(config, address, password);
  if (usr_list->parsed()) return app::user_list(config, domain);
  if (usr_passwd->parsed()) return app::user_passwd(config, address, password);
  if (usr_del->parsed()) return app::user_del(config, address);
  if (usr_sender->parsed()) return app::user_sender_check(config, address, on_off == "on");
  if (ali_add->parsed()) return app::alias_add(config, source, targets);
  if (ali_list->parsed()) return app::alias_list(config, domain);
  if (ali_del->parsed()) return app::alias_del(config, source, target);
  if (mbx_list->parsed()) return app::mailbox_list(config, user);
  if (msg_list->parsed()) return app::message_list(config, user, mailbox);
  if (msg_get->parsed()) return app::message_get(config, user, mailbox, uid);
  if (que_list->parsed()) return app::queue_list(config);
  if (que_show->parsed()) return app::queue_show(config, queue_id);
  if (que_retry->parsed()) return app::queue_retry(config, queue_id);
  if (que_delete->parsed()) return app::queue_delete(config, queue_id);
  if (que_hold->parsed()) return app::queue_hold(config, queue_id, true);
  if (que_release->parsed()) return app::queue_hold(config, queue_id, false);
  if (que_inject->parsed()) return app::queue_inject(config, inject);
  if (dns_lookup->parsed()) return app::dns_lookup(config, rr_type, name, batch);
  if (dkim_keygen->parsed()) return app::dkim_keygen(config, domain, selector, algo);
  if (dkim_list->parsed()) return app::dkim_list(config, domain);
  if (dkim_del->parsed()) return app::dkim_del(config, domain, selector);
  if (dns_records->parsed()) return app::dns_records(config, domain);
  if (bak->parsed()) return app::backup(config, backup_dir, backup_copy);
  if (rst->parsed()) return app::restore(config, backup_dir, backup_copy);
  return 1;
}
