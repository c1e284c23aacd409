// `heron dkim keygen|list|del` and `heron dns-records`: the signing keys of the submission
// path (mailauth/dkim/keyring.hpp) and every DNS record an admin publishes for a domain.

#include <ctime>
#include <iostream>

#include "app/commands.hpp"
#include "mailauth/dkim/keyring.hpp"
#include "mailauth/domain.hpp"

namespace heron::app {
namespace {

namespace dkim = mailauth::dkim;

dkim::Keyring keyring(const config::Config& c) {
  return dkim::Keyring(c.data_dir / "dkim");
}

// RFC 1035 5.1: a TXT value as character-strings of at most 255 octets, in parentheses when
// there are several.
std::string txt_rdata(std::string_view value) {
  std::vector<std::string> chunks;
  for (size_t i = 0; i < value.size(); i += 255) chunks.emplace_back(value.substr(i, 255));
  if (chunks.empty()) chunks.emplace_back();
  std::string out = chunks.size() > 1 ? "( " : "";
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (i > 0) out += "\n\t\t\t";
    out += "\"";
    for (char c : chunks[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out += "\"";
  }
  if (chunks.size() > 1) out += " )";
  return out;
}

std::string owner(std::string_view name) {
  std::string out(name);
  out += ".";
  if (out.size() < 40) out.resize(40, ' ');
  return out + " ";
}

// The default selector: the key type and the month, e.g. "ed202611"; a new one each month
// makes rotation a keygen, a DNS change and a `dkim del` of the old selector.
std::string default_selector(dkim::KeyType type) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof(buf), "%Y%m", &tm);
  return std::string(type == dkim::KeyType::ed25519 ? "ed" : "rsa") + buf;
}

// The port a role listens on, or 0 when no listener has it.
uint16_t port_of(const config::Config& c, config::Role role) {
  for (const auto& l : c.listeners) {
    if (l.role == role) return l.port;
  }
  return 0;
}

}  // namespace

int dkim_keygen(const config::Config& c, const std::string& domain, std::string selector,
                const std::string& algo) {
  dkim::KeyType type = dkim::KeyType::rsa;
  unsigned bits = 2048;
  if (algo == "ed25519") {
    type = dkim::KeyType::ed25519;
  } else if (algo == "rsa3072") {
    bits = 3072;
  } else if (algo == "rsa4096") {
    bits = 4096;
  } else if (algo != "rsa2048") {
    std::cerr << "heron dkim keygen: --algo is rsa2048, rsa3072, rsa4096 or ed25519\n";
    return 2;
  }
  if (selector.empty()) selector = default_selector(type);
  auto ring = keyring(c);
  auto info = ring.generate(domain, selector, type, bits);
  if (!info) {
    std::cerr << "heron dkim keygen: " << info.error().message << "\n";
    return 1;
  }
  std::cout << "; DKIM key " << info->selector << " for " << info->domain << " stored in "
            << info->path.string() << "\n"
            << "; publish this record, then mail from " << info->domain
            << " submitted to Heron is signed with it:\n"
            << owner(info->txt_name) << "3600 IN TXT " << txt_rdata(info->txt_record) << "\n";
  return 0;
}

int dkim_list(const config::Config& c, const std::string& domain) {
  auto keys = keyring(c).list(domain);
  if (!keys) {
    std::cerr << "heron dkim list: " << keys.error().message << "\n";
    return 1;
  }
  for (const auto& k : *keys) {
    std::cout << k.domain << "\t" << k.selector << "\t"
              << (k.type == dkim::KeyType::ed25519 ? "ed25519" : "rsa" + std::to_string(k.bits))
              << "\t" << k.path.string() << "\n";
  }
  return 0;
}

int dkim_del(const config::Config& c, const std::string& domain, const std::string& selector) {
  auto ring = keyring(c);
  if (auto r = ring.remove(domain, selector); !r) {
    std::cerr << "heron dkim del: " << r.error().message << "\n";
    return 1;
  }
  std::cout << "deleted; the TXT record " << selector << "._domainkey."
            << mailauth::normalize_domain(domain)
            << " can go once mail signed with it has been delivered (a few days)\n";
  return 0;
}

int dns_records(const config::Config& c, const std::string& domain_arg) {
  const std::string domain = mailauth::normalize_domain(domain_arg);
  if (!mailauth::is_dns_name(domain) || domain.find('.') == std::string::npos) {
    std::cerr << "heron dns-records: not a domain name: " << domain_arg << "\n";
    return 2;
  }
  auto keys = keyring(c).list(domain);
  if (!keys) {
    std::cerr << "heron dns-records: " << keys.error().message << "\n";
    return 1;
  }
  const std::string& host = c.hostname;
  std::cout << "; DNS records for " << domain << " served by Heron on " << host
            << " (zone-file format)\n\n"
            << "; Mail for the domain goes to this server (RFC 5321 5.1).\n"
            << owner(domain) << "3600 IN MX 10 " << host << ".\n"
            << "; The server's name needs its public addresses (replace the examples):\n"
            << "; " << owner(host) << "3600 IN A    192.0.2.25\n"
            << "; " << owner(host) << "3600 IN AAAA 2001:db8::25\n\n"
            << "; SPF (RFC 7208): the domain's mail leaves from its MX hosts only.\n"
            << owner(domain) << "3600 IN TXT " << txt_rdata("v=spf1 mx -all") << "\n"
            << "; SPF for the server's own name, checked on its EHLO greeting.\n"
            << owner(host) << "3600 IN TXT " << txt_rdata("v=spf1 a -all") << "\n\n";
  if (keys->empty()) {
    std::cout << "; DKIM (RFC 6376): no key yet; make one with\n"
              << ";   heron dkim keygen " << domain << " --algo rsa2048\n"
              << ";   heron dkim keygen " << domain << " --algo ed25519\n\n";
  } else {
    std::cout << "; DKIM (RFC 6376, RFC 8463): one record per signing key.\n";
    for (const auto& k : *keys) {
      std::cout << owner(k.txt_name) << "3600 IN TXT " << txt_rdata(k.txt_record) << "\n";
    }
    std::cout << "\n";
  }
  std::cout << "; DMARC (RFC 7489): receivers quarantine mail that fails SPF and DKIM alignment;\n"
            << "; aggregate reports go to the address in rua. Move to p=reject once the reports\n"
            << "; show that all of the domain's mail passes.\n"
            << owner("_dmarc." + domain) << "3600 IN TXT "
            << txt_rdata("v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:postmaster@" + domain)
            << "\n\n"
            << "; Reverse DNS: ask the provider of each public address to set its PTR record to\n"
            << "; " << host << ". Receivers check that the name resolves back to the address\n"
            << "; (iprev) and many refuse mail without it.\n\n"
            << "; Client autoconfiguration (RFC 6186, RFC 8314): \".\" means not offered.\n";
  struct Service {
    const char* name;
    config::Role role;
  };
  const Service services[] = {{"_submissions._tcp.", config::Role::submissions},
                              {"_submission._tcp.", config::Role::submission},
                              {"_imaps._tcp.", config::Role::imaps},
                              {"_imap._tcp.", config::Role::imap},
                              {"_pop3s._tcp.", config::Role::pop3s},
                              {"_pop3._tcp.", config::Role::pop3}};
  for (const auto& s : services) {
    const uint16_t port = port_of(c, s.role);
    std::cout << owner(s.name + domain) << "3600 IN SRV ";
    if (port == 0) {
      std::cout << "0 0 0 .\n";
    } else {
      std::cout << "0 1 " << port << " " << host << ".\n";
    }
  }
  return 0;
}

}  // namespace heron::app
