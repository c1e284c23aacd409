// `heron dns lookup TYPE NAME`: one query through the same resolver the server uses, for
// admins checking what Heron sees, and for the integration tests that drive the DNS layer
// through the real binary. `--batch` reads "TYPE NAME" lines from stdin and answers each in
// turn with one resolver, so its cache carries over from one line to the next.
//
// Output: "status: <ok|nxdomain|nodata|temp_fail|perm_fail>", "secure: yes|no", "ttl: N",
// "error: ..." when there is one, then the records one per line (docs/cli.md). Exit code 0
// when the status is ok, 1 otherwise, 2 when the config or the resolver cannot be set up.

#include <iostream>
#include <string>

#include <fmt/core.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "app/commands.hpp"
#include "base/strings.hpp"
#include "dns/rdata.hpp"
#include "dns/unbound_resolver.hpp"

namespace heron::app {
namespace {

namespace asio = boost::asio;

// A TXT string in zone-file form (RFC 1035 5.1): quoted, with '"' and '\' escaped and bytes
// outside printable ASCII as \DDD, so a hostile record cannot write to the terminal. (Not
// named "quoted": argument-dependent lookup would pick std::quoted, which escapes less.)
std::string txt_presentation(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u > 0x7e) {
      out += fmt::format("\\{:03d}", u);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string hex(std::string_view bytes) {
  std::string out;
  for (char c : bytes) out += fmt::format("{:02x}", static_cast<unsigned char>(c));
  return out;
}

std::string show(const std::string& s) {
  return s;
}
std::string show(const asio::ip::address& a) {
  return a.to_string();
}
std::string show(const dns::MxRecord& mx) {
  return std::to_string(mx.preference) + " " + (mx.exchange.empty() ? "." : mx.exchange);
}
std::string show(const dns::TlsaRecord& t) {
  return fmt::format("{} {} {} {}", t.usage, t.selector, t.matching_type, hex(t.data));
}

template <class T, class Show>
bool print(const dns::Answer<T>& answer, Show show_record) {
  std::cout << "status: " << dns::status_name(answer.status) << "\n";
  std::cout << "secure: " << (answer.secure ? "yes" : "no") << "\n";
  std::cout << "ttl: " << answer.ttl << "\n";
  if (answer.bogus) std::cout << "bogus: yes\n";
  if (!answer.error.empty()) std::cout << "error: " << answer.error << "\n";
  for (const auto& record : answer.records) std::cout << show_record(record) << "\n";
  std::cout.flush();
  return answer.status == dns::Status::ok;
}

template <class T>
bool print(const dns::Answer<T>& answer) {
  return print(answer, [](const T& r) { return show(r); });
}

bool print_txt(const dns::Answer<std::string>& answer) {
  return print(answer, [](const std::string& s) { return txt_presentation(s); });
}

bool print_bad_address(const std::string& text) {
  std::cout << "status: perm_fail\nerror: PTR needs an IP address, got " << txt_presentation(text)
            << "\n";
  return false;
}

// One query; true when the status is ok.
asio::awaitable<bool> lookup(dns::Resolver& resolver, dns::RrType type, std::string name) {
  using dns::RrType;
  if (type == RrType::ptr) {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(name, ec);
    if (ec) co_return print_bad_address(name);
    co_return print(co_await resolver.ptr(address));
  }
  // GCC 12 miscompiles co_await inside switch: an if chain.
  if (type == RrType::a) co_return print(co_await resolver.a(std::move(name)));
  if (type == RrType::aaaa) co_return print(co_await resolver.aaaa(std::move(name)));
  if (type == RrType::mx) co_return print(co_await resolver.mx(std::move(name)));
  if (type == RrType::txt) co_return print_txt(co_await resolver.txt(std::move(name)));
  if (type == RrType::tlsa) co_return print(co_await resolver.tlsa(std::move(name)));
  co_return print(co_await resolver.cname(std::move(name)));
}

asio::awaitable<void> run_batch(dns::Resolver& resolver, int& failures) {
  std::string line;
  while (std::getline(std::cin, line)) {
    auto t = str::trim(line);
    if (t.empty() || t.front() == '#') continue;
    const auto space = t.find_first_of(" \t");
    const auto type = dns::parse_rr_type(t.substr(0, space));
    const auto name =
        space == std::string_view::npos ? std::string_view{} : str::trim(t.substr(space));
    std::cout << "query: " << t << "\n";
    if (!type || name.empty()) {
      std::cout << "status: perm_fail\nerror: expected \"TYPE NAME\"\n\n" << std::flush;
      ++failures;
      continue;
    }
    if (!co_await lookup(resolver, *type, std::string(name))) ++failures;
    std::cout << "\n" << std::flush;
  }
}

}  // namespace

int dns_lookup(const config::Config& c, const std::string& type_name, const std::string& name,
               bool batch) {
  std::optional<dns::RrType> type;
  if (!batch) {
    type = dns::parse_rr_type(type_name);
    if (!type) {
      std::cerr << "heron: unknown record type " << type_name
                << " (expected A, AAAA, CNAME, MX, PTR, TLSA or TXT)\n";
      return 2;
    }
  }
  asio::io_context io;
  auto resolver = dns::UnboundResolver::create(io.get_executor(), dns::resolver_options(c.dns));
  if (!resolver) {
    std::cerr << "heron: " << resolver.error().message << "\n";
    return 2;
  }
  int failures = 0;
  if (batch) {
    asio::co_spawn(io, run_batch(**resolver, failures), asio::detached);
  } else {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          if (!co_await lookup(**resolver, *type, name)) ++failures;
        },
        asio::detached);
  }
  io.run();
  return failures == 0 ? 0 : 1;
}

}  // namespace heron::app
