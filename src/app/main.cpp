// heron: the one binary. Parses the command line and dispatches to app/commands.hpp.

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

  auto* ali = cli.add_subcommand("alias", "Manage aliases and catch-alls")->require_subcommand(1);
  auto* ali_add = ali->add_subcommand("add", "Alias an address (or @domain, a catch-all) to targets");
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

  CLI11_PARSE(cli, argc, argv);

  if (serve->parsed() && demo) return app::serve_demo(demo_dir);

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

  if (serve->parsed()) return app::serve(config);
  if (dom_add->parsed()) return app::domain_add(config, name);
  if (dom_list->parsed()) return app::domain_list(config);
  if (dom_del->parsed()) return app::domain_del(config, name);
  if (usr_add->parsed()) return app::user_add(config, address, password);
  if (usr_list->parsed()) return app::user_list(config, domain);
  if (usr_passwd->parsed()) return app::user_passwd(config, address, password);
  if (usr_del->parsed()) return app::user_del(config, address);
  if (ali_add->parsed()) return app::alias_add(config, source, targets);
  if (ali_list->parsed()) return app::alias_list(config, domain);
  if (ali_del->parsed()) return app::alias_del(config, source, target);
  if (mbx_list->parsed()) return app::mailbox_list(config, user);
  if (msg_list->parsed()) return app::message_list(config, user, mailbox);
  if (msg_get->parsed()) return app::message_get(config, user, mailbox, uid);
  return 1;
}
