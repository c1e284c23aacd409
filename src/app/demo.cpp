// `heron serve --demo`: a working server with no setup. The first run makes ./demo-data with
// a config (an MX listener on 127.0.0.1:2525, submission on 127.0.0.1:1587 with STARTTLS and
// 1465 with implicit TLS, IMAP on 1143/1993, POP3 with STLS on 127.0.0.1:1100), a
// self-signed certificate, the domain example.test and the user
// demo@example.test, whose generated password is printed once (only its Argon2id hash is
// kept). Later runs reuse all of it.

#include <iostream>

#include "app/commands.hpp"
#include "base/fs.hpp"
#include "tls/context.hpp"

namespace heron::app {
namespace {

constexpr const char* kDomain = "example.test";
constexpr const char* kUser = "demo@example.test";
constexpr const char* kHostname = "mail.example.test";

config::Config demo_config(const std::filesystem::path& dir) {
  config::Config c;
  c.hostname = kHostname;
  c.data_dir = dir;
  c.tls.cert_file = dir / "tls" / "cert.pem";
  c.tls.key_file = dir / "tls" / "key.pem";
  config::Listener mx;
  mx.name = "mx";
  mx.role = config::Role::mx;
  mx.address = "127.0.0.1";
  mx.port = 2525;
  mx.tls = config::TlsMode::starttls;
  c.listeners.push_back(mx);
  config::Listener submission;
  submission.name = "submission";
  submission.role = config::Role::submission;
  submission.address = "127.0.0.1";
  submission.port = 1587;
  submission.tls = config::TlsMode::starttls;
  c.listeners.push_back(submission);
  config::Listener submissions = submission;
  submissions.name = "submissions";
  submissions.role = config::Role::submissions;
  submissions.port = 1465;
  submissions.tls = config::TlsMode::implicit;
  c.listeners.push_back(submissions);
  config::Listener imap;
  imap.name = "imap";
  imap.role = config::Role::imap;
  imap.address = "127.0.0.1";
  imap.port = 1143;
  imap.tls = config::TlsMode::starttls;
  c.listeners.push_back(imap);
  config::Listener imaps = imap;
  imaps.name = "imaps";
  imaps.role = config::Role::imaps;
  imaps.port = 1993;
  imaps.tls = config::TlsMode::implicit;
  c.listeners.push_back(imaps);
  // Every listener is on loopback: let local clients log in without setting up TLS trust.
  c.auth.plaintext_on_loopback = true;
  // The demo runs as whoever starts it and owns ./demo-data; a production server drops to its
  // own user ([server] user, docs/admin.md).
  c.server.run_as_root = true;
  config::Listener pop3;
  pop3.name = "pop3";
  pop3.role = config::Role::pop3;
  pop3.address = "127.0.0.1";
  pop3.port = 1100;
  pop3.tls = config::TlsMode::starttls;
  c.listeners.push_back(pop3);
  return c;
}

}  // namespace

int serve_demo(const std::filesystem::path& demo_dir) {
  std::filesystem::path dir = std::filesystem::absolute(demo_dir);
  std::filesystem::path config_file = dir / "heron.toml";
  if (!std::filesystem::exists(config_file)) {
    config::Config fresh = demo_config(dir);
    if (auto r = fs::ensure_dir(dir / "tls"); !r) {
      std::cerr << "heron: " << r.error().message << "\n";
      return 1;
    }
    if (auto r = tls::generate_self_signed(kHostname, fresh.tls.cert_file, fresh.tls.key_file);
        !r) {
      std::cerr << "heron: " << r.error().message << "\n";
      return 1;
    }
    if (auto r = fs::write_durable(config_file, config::to_toml(fresh)); !r) {
      std::cerr << "heron: " << r.error().message << "\n";
      return 1;
    }
  }
  auto loaded = config::load(config_file);
  if (!loaded) {
    std::cerr << "heron: " << loaded.error().message << "\n";
    return 2;
  }
  const config::Config& config = *loaded;
  {
    auto store = open_store(config);
    if (!store) return 1;
    auto local = store->is_local_domain(kDomain);
    if (local && !*local) {
      if (auto d = store->add_domain(kDomain); !d) {
        std::cerr << "heron: " << d.error().message << "\n";
        return 1;
      }
    }
    auto existing = store->find_account(kUser);
    std::cout << "Heron demo, data in " << dir.string() << " (config " << config_file.string()
              << ")\n";
    if (existing && !*existing) {
      std::string password = generate_password();
      if (auto a = store->add_account(kUser, password); !a) {
        std::cerr << "heron: " << a.error().message << "\n";
        return 1;
      }
      std::cout << "  user " << kUser << " password " << password
                << "  (shown once; only its hash is stored)\n";
    } else {
      std::cout << "  user " << kUser << " (password shown on first start; reset it with: heron -c "
                << config_file.string() << " user passwd " << kUser << ")\n";
    }
  }
  for (const auto& l : config.listeners) {
    std::cout << "  " << config::role_name(l.role) << " on " << l.address << ":" << l.port << " ("
              << config::tls_mode_name(l.tls) << ")\n";
  }
  std::cout << "  try: swaks --server 127.0.0.1:2525 --to " << kUser << "\n"
            << "  then: heron -c " << config_file.string() << " message list " << kUser << "\n"
            << "  or read it over IMAP: 127.0.0.1:1143 (STARTTLS) or 127.0.0.1:1993 (TLS)\n"
            << "  or over POP3: openssl s_client -quiet -starttls pop3 -connect 127.0.0.1:1100\n"
            << "  send as the user: swaks --server 127.0.0.1:1587 --tls --auth PLAIN --auth-user "
            << kUser << " --from " << kUser << " --to someone@example.net\n"
            << std::flush;
  return serve(config);
}

}  // namespace heron::app
