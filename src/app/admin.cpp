// Administration subcommands: domains, users, aliases, and looking at delivered mail.
// They open the same store the server uses; SQLite's WAL lets them run while it serves.

#include <ctime>
#include <iostream>

#include <fmt/core.h>
#include <openssl/rand.h>

#include "app/commands.hpp"
#include "mime/header.hpp"

namespace heron::app {
namespace {

int fail(const Error& error) {
  std::cerr << "heron: " << error.message << "\n";
  return 1;
}

std::string iso_time(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

// The account and the mailbox a listing refers to, or an error printed already.
struct Located {
  std::unique_ptr<store::sqlite::SqliteStore> store;
  store::Account account;
};

std::optional<Located> locate(const config::Config& c, const std::string& user) {
  auto s = open_store(c);
  if (!s) return std::nullopt;
  auto account = s->find_account(user);
  if (!account) {
    fail(account.error());
    return std::nullopt;
  }
  if (!*account) {
    std::cerr << "heron: no such user " << user << "\n";
    return std::nullopt;
  }
  return Located{std::move(s), **account};
}

}  // namespace

std::unique_ptr<store::sqlite::SqliteStore> open_store(const config::Config& config) {
  auto s = store::sqlite::SqliteStore::open(config.data_dir);
  if (!s) {
    fail(s.error());
    return nullptr;
  }
  return std::move(*s);
}

std::string generate_password() {
  static constexpr char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  constexpr size_t n = sizeof alphabet - 1;
  std::string out;
  while (out.size() < 20) {
    unsigned char byte;
    RAND_bytes(&byte, 1);
    if (byte >= 256 - 256 % n) continue;  // no modulo bias
    out += alphabet[byte % n];
  }
  return out;
}

int domain_add(const config::Config& c, const std::string& name) {
  auto s = open_store(c);
  if (!s) return 1;
  auto d = s->add_domain(name);
  if (!d) return fail(d.error());
  std::cout << "added domain " << d->name << "\n";
  return 0;
}

int domain_list(const config::Config& c) {
  auto s = open_store(c);
  if (!s) return 1;
  auto list = s->list_domains();
  if (!list) return fail(list.error());
  for (const auto& d : *list) std::cout << d.name << "\n";
  return 0;
}

int domain_del(const config::Config& c, const std::string& name) {
  auto s = open_store(c);
  if (!s) return 1;
  if (auto r = s->delete_domain(name); !r) return fail(r.error());
  std::cout << "deleted domain " << name << "\n";
  return 0;
}

int user_add(const config::Config& c, const std::string& address,
             std::optional<std::string> password) {
  auto s = open_store(c);
  if (!s) return 1;
  bool generated = !password;
  std::string pw = generated ? generate_password() : *password;
  auto a = s->add_account(address, pw);
  if (!a) return fail(a.error());
  std::cout << "added user " << a->address << "\n";
  if (generated) std::cout << "password: " << pw << "\n";
  return 0;
}

int user_list(const config::Config& c, const std::string& domain) {
  auto s = open_store(c);
  if (!s) return 1;
  auto list = s->list_accounts(domain);
  if (!list) return fail(list.error());
  for (const auto& a : *list) {
    std::cout << a.address << (a.sender_check ? "" : "  (sender check off)") << "\n";
  }
  return 0;
}

int user_passwd(const config::Config& c, const std::string& address,
                std::optional<std::string> password) {
  auto s = open_store(c);
  if (!s) return 1;
  bool generated = !password;
  std::string pw = generated ? generate_password() : *password;
  if (auto r = s->set_password(address, pw); !r) return fail(r.error());
  std::cout << "password changed for " << address << "\n";
  if (generated) std::cout << "password: " << pw << "\n";
  return 0;
}

int user_del(const config::Config& c, const std::string& address) {
  auto s = open_store(c);
  if (!s) return 1;
  if (auto r = s->delete_account(address); !r) return fail(r.error());
  std::cout << "deleted user " << address << "\n";
  return 0;
}

int user_sender_check(const config::Config& c, const std::string& address, bool on) {
  auto s = open_store(c);
  if (!s) return 1;
  if (auto r = s->set_sender_check(address, on); !r) return fail(r.error());
  std::cout << "sender check " << (on ? "on" : "off") << " for " << address << "\n";
  return 0;
}

int alias_add(const config::Config& c, const std::string& source,
              const std::vector<std::string>& targets) {
  auto s = open_store(c);
  if (!s) return 1;
  for (const auto& t : targets) {
    auto a = s->add_alias(source, t);
    if (!a) return fail(a.error());
    std::cout << "added alias " << a->source << " -> " << a->target << "\n";
  }
  return 0;
}

int alias_list(const config::Config& c, const std::string& domain) {
  auto s = open_store(c);
  if (!s) return 1;
  auto list = s->list_aliases(domain);
  if (!list) return fail(list.error());
  for (const auto& a : *list) std::cout << a.source << " -> " << a.target << "\n";
  return 0;
}

int alias_del(const config::Config& c, const std::string& source, const std::string& target) {
  auto s = open_store(c);
  if (!s) return 1;
  if (auto r = s->delete_alias(source, target); !r) return fail(r.error());
  std::cout << "deleted alias " << source << (target.empty() ? "" : " -> " + target) << "\n";
  return 0;
}

int mailbox_list(const config::Config& c, const std::string& user) {
  auto located = locate(c, user);
  if (!located) return 1;
  auto list = located->store->list_mailboxes(located->account.id);
  if (!list) return fail(list.error());
  std::cout << fmt::format("{:<20} {:<10} {:>8} {:>12} {:>11} {:>8}\n", "MAILBOX", "SPECIAL",
                           "MESSAGES", "SIZE", "UIDVALIDITY", "UIDNEXT");
  for (const auto& m : *list) {
    std::cout << fmt::format("{:<20} {:<10} {:>8} {:>12} {:>11} {:>8}\n", m.name,
                             m.special_use.empty() ? "-" : m.special_use, m.messages, m.total_size,
                             m.uidvalidity, m.uidnext);
  }
  return 0;
}

int message_list(const config::Config& c, const std::string& user, const std::string& mailbox) {
  auto located = locate(c, user);
  if (!located) return 1;
  auto& s = *located->store;
  auto box = s.find_mailbox(located->account.id, mailbox);
  if (!box) return fail(box.error());
  if (!*box) {
    std::cerr << "heron: " << user << " has no mailbox " << mailbox << "\n";
    return 1;
  }
  auto list = s.list_messages((*box)->id);
  if (!list) return fail(list.error());
  std::cout << fmt::format("{:>6} {:<20} {:>9} {:<12} {:<30} {}\n", "UID", "DATE", "SIZE", "FLAGS",
                           "FROM", "SUBJECT");
  for (const auto& m : *list) {
    std::string from, subject;
    if (auto bytes = s.read_message(m)) {
      from = mime::header_value(*bytes, "From").value_or("");
      subject = mime::header_value(*bytes, "Subject").value_or("");
    } else {
      subject = "(unreadable: " + bytes.error().message + ")";
    }
    std::string flags = m.flags.empty() ? "-" : join(m.flags, ",");
    std::cout << fmt::format("{:>6} {:<20} {:>9} {:<12} {:<30} {}\n", m.uid,
                             iso_time(m.internal_date), m.size, flags, from, subject);
  }
  return 0;
}

int message_get(const config::Config& c, const std::string& user, const std::string& mailbox,
                uint32_t uid) {
  auto located = locate(c, user);
  if (!located) return 1;
  auto& s = *located->store;
  auto box = s.find_mailbox(located->account.id, mailbox);
  if (!box) return fail(box.error());
  if (!*box) {
    std::cerr << "heron: " << user << " has no mailbox " << mailbox << "\n";
    return 1;
  }
  auto list = s.list_messages((*box)->id);
  if (!list) return fail(list.error());
  for (const auto& m : *list) {
    if (m.uid != uid) continue;
    auto bytes = s.read_message(m);
    if (!bytes) return fail(bytes.error());
    std::cout.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
    std::cout.flush();
    return 0;
  }
  std::cerr << "heron: no message with UID " << uid << " in " << mailbox << "\n";
  return 1;
}

}  // namespace heron::app
