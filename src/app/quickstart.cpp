// `heron quickstart`: from an empty machine to a configured server in one command. Writes a
// complete heron.toml (every role on its standard port, TLS with a self-signed placeholder
// certificate), creates the data directory with the domain, an admin account with a generated
// password and DKIM keys (RSA and Ed25519), then prints what is left to do: the DNS records,
// the ports to open and where the real certificate goes. It never overwrites anything: an
// existing config file is used as it is (the package installs one): quickstart then only adds
// the domain, its admin and its keys, and refuses when the domain is already there.

#include <iostream>

#include "app/commands.hpp"
#include "app/privileges.hpp"
#include "base/fs.hpp"
#include "mailauth/dkim/keyring.hpp"
#include "mailauth/domain.hpp"
#include "tls/context.hpp"

namespace heron::app {
namespace {

namespace stdfs = std::filesystem;

config::Listener listener(config::Role role, const std::string& address, int offset) {
  config::Listener l;
  l.role = role;
  l.name = std::string(config::role_name(role));
  l.address = address;
  l.port = static_cast<uint16_t>(config::default_port(role) + offset);
  l.tls = config::default_tls_mode(role);
  return l;
}

bool non_empty_dir(const stdfs::path& dir) {
  std::error_code ec;
  return stdfs::is_directory(dir, ec) && !stdfs::is_empty(dir, ec);
}

}  // namespace

namespace {

// A new server's config: every role on its standard port (plus the offset), TLS from
// <config dir>/tls, the server user.
config::Config new_config(const QuickstartOptions& o, const std::string& hostname,
                          const stdfs::path& config_path, const stdfs::path& data_dir) {
  config::Config c;
  c.source = config_path;
  c.hostname = hostname;
  c.data_dir = data_dir;
  const stdfs::path tls_dir = config_path.parent_path() / "tls";
  c.tls.cert_file = tls_dir / "fullchain.pem";
  c.tls.key_file = tls_dir / "privkey.pem";
  for (auto role : {config::Role::mx, config::Role::submission, config::Role::submissions,
                    config::Role::imap, config::Role::imaps, config::Role::pop3s}) {
    c.listeners.push_back(listener(role, o.listen, o.port_offset));
  }
  c.server.user = o.user;  // group left empty: the user's primary group
  return c;
}

int fail(const std::string& what, int code = 1) {
  std::cerr << "heron quickstart: " << what << "\n";
  return code;
}

void print_next_steps(const QuickstartOptions& o, const config::Config& c, bool wrote_config,
                      const std::string& domain, const std::string& password,
                      const stdfs::path& key_dir) {
  const std::string config_file = c.source.string();
  std::cout << "Heron is set up for " << domain << " on " << c.hostname << ".\n\n"
            << "  config       " << config_file << (wrote_config ? "" : " (kept as it was)") << "\n"
            << "  data         " << c.data_dir.string() << "\n"
            << "  admin        " << o.admin << "@" << domain << "  password " << password
            << "  (shown once; change it with `heron user passwd`)\n"
            << "  DKIM keys    rsa1 (RSA 2048) and ed1 (Ed25519) in " << key_dir.string() << "\n\n"
            << "Next steps:\n"
            << "1. Publish the DNS records below (`heron -c " << config_file << " dns-records "
            << domain << "` prints them again).\n"
            << "2. Open the ports:";
  for (const auto& l : c.listeners) std::cout << " " << l.port << "/tcp";
  std::cout << "; port 25 must also be open outbound for delivery to other servers.\n";
  if (!c.tls.cert_file.empty()) {
    const std::string group = c.server.group.empty() ? c.server.user : c.server.group;
    std::cout
        << "3. Put the real certificate for " << c.hostname << " in " << c.tls.cert_file.string()
        << " (full chain) and " << c.tls.key_file.string()
        << (wrote_config ? "\n   (a self-signed one is there for now)" : "")
        << ", then `systemctl reload heron` or SIGHUP.\n"
        << "   With certbot, copy them on each renewal so that the server's group can read the "
           "key:\n"
        << "     certbot certonly --standalone -d " << c.hostname << " --deploy-hook \\\n"
        << "       'install -m 0644 $RENEWED_LINEAGE/fullchain.pem " << c.tls.cert_file.string()
        << " && install -m 0640 -g " << (group.empty() ? "root" : group)
        << " $RENEWED_LINEAGE/privkey.pem " << c.tls.key_file.string()
        << " && systemctl reload heron'\n"
        << "   (docs/admin.md, \"Certificates\").\n";
  }
  std::cout << "4. " << (wrote_config ? "Start it" : "If the server is not running yet, start it")
            << ": `systemctl enable --now heron`, or `heron -c " << config_file
            << " serve`. A running server serves the new domain at once.\n\n";
}

}  // namespace

int quickstart(const QuickstartOptions& o, const stdfs::path& config_file) {
  const std::string domain = mailauth::normalize_domain(o.domain);
  const std::string hostname = mailauth::normalize_domain(o.hostname);
  if (!mailauth::is_dns_name(domain) || domain.find('.') == std::string::npos) {
    return fail("--domain is not a domain name: " + o.domain, 2);
  }
  if (!o.hostname.empty() &&
      (!mailauth::is_dns_name(hostname) || hostname.find('.') == std::string::npos)) {
    return fail("--hostname is not a host name: " + o.hostname, 2);
  }
  const stdfs::path config_path = stdfs::absolute(config_file);
  std::error_code ec;
  const bool existing = stdfs::exists(config_path, ec);

  // An existing config (the package's, or one written before) is used as it is, never
  // edited: quickstart then only adds the domain, its admin and its keys.
  config::Config c;
  if (existing) {
    auto loaded = config::load(config_path);
    if (!loaded) return fail(loaded.error().message, 2);
    c = std::move(*loaded);
    c.source = config_path;
    if (!o.hostname.empty() && hostname != c.hostname) {
      return fail(config_path.string() + " names this server " + c.hostname +
                  "; quickstart does not edit an existing config: set hostname = \"" + hostname +
                  "\" in it first");
    }
  } else {
    if (o.hostname.empty()) return fail("--hostname is required for a new config", 2);
    const stdfs::path data_dir = stdfs::absolute(o.data_dir);
    if (non_empty_dir(data_dir)) {
      return fail(data_dir.string() +
                  " is not empty; quickstart never overwrites (use --data-dir)");
    }
    c = new_config(o, hostname, config_path, data_dir);
  }

  if (auto r = fs::ensure_dir(c.data_dir); !r) return fail(r.error().message);
  mailauth::dkim::Keyring keyring(c.data_dir / "dkim");
  std::string password = generate_password();
  {
    auto store = open_store(c);
    if (!store) return 1;
    auto local = store->is_local_domain(domain);
    if (!local) return fail(local.error().message);
    auto keys = keyring.list(domain);
    if (*local || (keys && !keys->empty())) {
      return fail(domain + " is already set up in " + c.data_dir.string() +
                  "; quickstart never overwrites");
    }
    if (!existing) {
      if (auto r = fs::ensure_dir(c.tls.cert_file.parent_path()); !r) {
        return fail(r.error().message);
      }
      if (!stdfs::exists(c.tls.cert_file, ec)) {
        if (auto r = tls::generate_self_signed(hostname, c.tls.cert_file, c.tls.key_file); !r) {
          return fail(r.error().message);
        }
      }
    }
    if (auto r = store->add_domain(domain); !r) return fail(r.error().message);
    if (auto r = store->add_account(o.admin + "@" + domain, password); !r) {
      return fail(r.error().message);
    }
    // RFC 2142: postmaster (DMARC reports are sent there too) and abuse reach the admin.
    for (const char* role : {"postmaster", "abuse"}) {
      if (o.admin == role) continue;
      if (auto r = store->add_alias(std::string(role) + "@" + domain, o.admin + "@" + domain); !r) {
        return fail(r.error().message);
      }
    }
  }
  for (auto type : {mailauth::dkim::KeyType::rsa, mailauth::dkim::KeyType::ed25519}) {
    const std::string selector =
        std::string(type == mailauth::dkim::KeyType::rsa ? "rsa" : "ed") + "1";
    if (auto r = keyring.generate(domain, selector, type); !r) return fail(r.error().message);
  }
  if (!existing) {
    if (auto r = fs::ensure_dir(config_path.parent_path()); !r) return fail(r.error().message);
    if (auto r = fs::write_durable(config_path, config::to_toml(c)); !r) {
      return fail(r.error().message);
    }
  }
  if (auto r = hand_over(c, config_path); !r) return fail(r.error().message);

  print_next_steps(o, c, !existing, domain, password, keyring.dir());
  return dns_records(c, domain);
}

}  // namespace heron::app
