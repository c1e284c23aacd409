// `heron quickstart`: from an empty machine to a configured server in one command. Writes a
// complete heron.toml (every role on its standard port, TLS with a self-signed placeholder
// certificate), creates the data directory with the domain, an admin account with a generated
// password and DKIM keys (RSA and Ed25519), then prints what is left to do: the DNS records,
// the ports to open and where the real certificate goes. It never overwrites anything: an
// existing config file or a non-empty data directory stops it before it writes.

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

int quickstart(const QuickstartOptions& o, const stdfs::path& config_file) {
  const std::string domain = mailauth::normalize_domain(o.domain);
  const std::string hostname = mailauth::normalize_domain(o.hostname);
  if (!mailauth::is_dns_name(domain) || domain.find('.') == std::string::npos) {
    std::cerr << "heron quickstart: --domain is not a domain name: " << o.domain << "\n";
    return 2;
  }
  if (!mailauth::is_dns_name(hostname) || hostname.find('.') == std::string::npos) {
    std::cerr << "heron quickstart: --hostname is not a host name: " << o.hostname << "\n";
    return 2;
  }
  const stdfs::path config_path = stdfs::absolute(config_file);
  const stdfs::path data_dir = stdfs::absolute(o.data_dir);
  std::error_code ec;
  if (stdfs::exists(config_path, ec)) {
    std::cerr << "heron quickstart: " << config_path.string()
              << " exists; quickstart never overwrites (remove it to start over)\n";
    return 1;
  }
  if (non_empty_dir(data_dir)) {
    std::cerr << "heron quickstart: " << data_dir.string()
              << " is not empty; quickstart never overwrites (use --data-dir)\n";
    return 1;
  }

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

  auto fail = [](const std::string& what) {
    std::cerr << "heron quickstart: " << what << "\n";
    return 1;
  };
  if (auto r = fs::ensure_dir(tls_dir); !r) return fail(r.error().message);
  if (!stdfs::exists(c.tls.cert_file, ec)) {
    if (auto r = tls::generate_self_signed(hostname, c.tls.cert_file, c.tls.key_file); !r) {
      return fail(r.error().message);
    }
  }
  if (auto r = fs::ensure_dir(data_dir); !r) return fail(r.error().message);
  std::string password = generate_password();
  {
    auto store = open_store(c);
    if (!store) return 1;
    if (auto r = store->add_domain(domain); !r) return fail(r.error().message);
    if (auto r = store->add_account(o.admin + "@" + domain, password); !r) {
      return fail(r.error().message);
    }
    // RFC 2142: postmaster (DMARC reports are sent there too) and abuse reach the admin.
    for (const char* role : {"postmaster", "abuse"}) {
      if (o.admin == role) continue;
      if (auto r = store->add_alias(std::string(role) + "@" + domain, o.admin + "@" + domain);
          !r) {
        return fail(r.error().message);
      }
    }
  }
  mailauth::dkim::Keyring keyring(data_dir / "dkim");
  for (auto type : {mailauth::dkim::KeyType::rsa, mailauth::dkim::KeyType::ed25519}) {
    const std::string selector =
        std::string(type == mailauth::dkim::KeyType::rsa ? "rsa" : "ed") + "1";
    if (auto r = keyring.generate(domain, selector, type); !r) return fail(r.error().message);
  }
  if (auto r = fs::ensure_dir(config_path.parent_path()); !r) return fail(r.error().message);
  if (auto r = fs::write_durable(config_path, config::to_toml(c)); !r) {
    return fail(r.error().message);
  }
  if (auto r = hand_over(c, config_path); !r) return fail(r.error().message);

  std::cout << "Heron is set up for " << domain << " on " << hostname << ".\n\n"
            << "  config       " << config_path.string() << "\n"
            << "  data         " << data_dir.string() << "\n"
            << "  admin        " << o.admin << "@" << domain << "  password " << password
            << "  (shown once; change it with `heron user passwd`)\n"
            << "  DKIM keys    rsa1 (RSA 2048) and ed1 (Ed25519) in " << keyring.dir().string()
            << "\n\n"
            << "Next steps:\n"
            << "1. Publish the DNS records below (`heron -c " << config_path.string()
            << " dns-records " << domain << "` prints them again).\n"
            << "2. Open the ports:";
  for (const auto& l : c.listeners) std::cout << " " << l.port << "/tcp";
  std::cout << "; port 25 must also be open outbound for delivery to other servers.\n"
            << "3. Put the real certificate for " << hostname << " in "
            << c.tls.cert_file.string() << " (full chain) and " << c.tls.key_file.string()
            << "\n   (a self-signed one is there for now), then `systemctl reload heron` or "
               "SIGHUP.\n"
            << "   With certbot, copy them on each renewal so that the heron group can read the key:\n"
            << "     certbot certonly --standalone -d " << hostname << " --deploy-hook \\\n"
            << "       'install -m 0644 $RENEWED_LINEAGE/fullchain.pem " << c.tls.cert_file.string()
            << " && install -m 0640 -g " << (o.user.empty() ? "root" : o.user)
            << " $RENEWED_LINEAGE/privkey.pem " << c.tls.key_file.string()
            << " && systemctl reload heron'\n"
            << "   (docs/admin.md, \"Certificates\").\n"
            << "4. Start it: `systemctl enable --now heron`, or `heron -c "
            << config_path.string() << " serve`.\n\n";
  return dns_records(c, domain);
}

}  // namespace heron::app
