#include "support/fake_resolver.hpp"

#include <cstdio>

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/strings.hpp"

namespace heron::test {
namespace {

namespace asio = boost::asio;

std::string normalize(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return str::to_lower(name);
}

// RFC 1035 2.3.4 limits; with `strict`, also the bytes the libunbound implementation refuses.
bool valid_name(std::string_view name, bool strict) {
  if (name.empty() || name.size() > 253) return false;
  for (std::string_view label : str::split(name, '.')) {
    if (label.empty() || label.size() > 63) return false;
    if (!strict) continue;
    for (unsigned char c : label) {
      if (c < 0x21 || c > 0x7e || c == '\\') return false;
    }
  }
  return true;
}

// Yields once so that every lookup completes asynchronously, as a real one does.
asio::awaitable<void> yield_once() {
  auto executor = co_await asio::this_coro::executor;
  co_await asio::post(executor, asio::use_awaitable);
}

}  // namespace

std::string_view FakeResolver::type_name(Type type) {
  if (type == Type::txt) return "TXT";
  if (type == Type::mx) return "MX";
  if (type == Type::a) return "A";
  if (type == Type::aaaa) return "AAAA";
  if (type == Type::ptr) return "PTR";
  if (type == Type::tlsa) return "TLSA";
  return "CNAME";
}

std::string FakeResolver::reverse_name(const asio::ip::address& address) {
  std::string out;
  asio::ip::address addr = address;
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
    addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
  }
  if (addr.is_v4()) {
    const auto bytes = addr.to_v4().to_bytes();
    for (int i = 3; i >= 0; --i) out += std::to_string(bytes[static_cast<size_t>(i)]) + ".";
    return out + "in-addr.arpa";
  }
  static constexpr char kHex[] = "0123456789abcdef";
  const auto bytes = addr.to_v6().to_bytes();
  for (int i = 15; i >= 0; --i) {
    const unsigned b = bytes[static_cast<size_t>(i)];
    out += kHex[b & 0xf];
    out += '.';
    out += kHex[b >> 4];
    out += '.';
  }
  return out + "ip6.arpa";
}

FakeResolver::Node& FakeResolver::node(std::string_view name) {
  return zone_[normalize(name)];
}

void FakeResolver::add_txt(std::string_view name, std::string text) {
  node(name).txt.push_back(std::move(text));
}

void FakeResolver::add_mx(std::string_view name, uint16_t preference, std::string_view exchange) {
  node(name).mx.push_back(dns::MxRecord{preference, normalize(exchange)});
}

void FakeResolver::add_address(std::string_view name, std::string_view address) {
  const asio::ip::address addr = asio::ip::make_address(std::string(address));
  if (addr.is_v4()) {
    node(name).a.push_back(addr);
  } else {
    node(name).aaaa.push_back(addr);
  }
}

void FakeResolver::add_ptr(std::string_view owner, std::string_view target) {
  node(owner).ptr.push_back(normalize(target));
}

void FakeResolver::add_ptr(const asio::ip::address& address, std::string_view target) {
  add_ptr(reverse_name(address), target);
}

void FakeResolver::add_tlsa(std::string_view name, dns::TlsaRecord record) {
  node(name).tlsa.push_back(std::move(record));
}

void FakeResolver::add_cname(std::string_view name, std::string_view target) {
  node(name).cname.push_back(normalize(target));
}

void FakeResolver::fail(std::string_view name, Type type, dns::Status status) {
  node(name).failures[type] = status;
}

void FakeResolver::fail_all(std::string_view name, dns::Status status) {
  node(name).fail_all = status;
}

size_t FakeResolver::query_count(Type type) const {
  const std::string prefix = std::string(type_name(type)) + " ";
  size_t n = 0;
  for (const std::string& q : queries_) {
    if (q.compare(0, prefix.size(), prefix) == 0) ++n;
  }
  return n;
}

FakeResolver::Lookup FakeResolver::find(Type type, std::string_view name) {
  std::string current = normalize(name);
  queries_.push_back(std::string(type_name(type)) + " " + current);
  if (!valid_name(current, strict_names_)) {
    return {dns::Status::perm_fail, nullptr, "malformed name"};
  }
  for (int hop = 0; hop <= 8; ++hop) {
    auto it = zone_.find(current);
    if (it == zone_.end()) return {dns::Status::nxdomain, nullptr, {}};
    const Node& n = it->second;
    if (n.fail_all) return {*n.fail_all, nullptr, "injected failure"};
    if (auto f = n.failures.find(type); f != n.failures.end()) {
      return {f->second, nullptr, "injected failure"};
    }
    const bool has = (type == Type::txt && !n.txt.empty()) || (type == Type::mx && !n.mx.empty()) ||
                     (type == Type::a && !n.a.empty()) || (type == Type::aaaa && !n.aaaa.empty()) ||
                     (type == Type::ptr && !n.ptr.empty()) ||
                     (type == Type::tlsa && !n.tlsa.empty()) ||
                     (type == Type::cname && !n.cname.empty());
    if (has) return {dns::Status::ok, &n, {}};
    if (type == Type::cname || n.cname.empty()) return {dns::Status::nodata, nullptr, {}};
    current = n.cname.front();
  }
  return {dns::Status::temp_fail, nullptr, "CNAME chain too long"};
}

template <class T>
dns::Answer<T> FakeResolver::answer(Type type, std::string_view name,
                                    std::vector<T> Node::*records) {
  dns::Answer<T> out;
  Lookup l = find(type, name);
  out.status = l.status;
  out.error = std::move(l.error);
  if (l.status == dns::Status::ok) {
    out.records = l.node->*records;
    out.ttl = 300;
  } else if (l.status == dns::Status::nxdomain || l.status == dns::Status::nodata) {
    out.ttl = 60;
  }
  return out;
}

asio::awaitable<dns::Answer<std::string>> FakeResolver::txt(std::string name) {
  co_await yield_once();
  co_return answer(Type::txt, name, &Node::txt);
}

asio::awaitable<dns::Answer<dns::MxRecord>> FakeResolver::mx(std::string name) {
  co_await yield_once();
  co_return answer(Type::mx, name, &Node::mx);
}

asio::awaitable<dns::Answer<asio::ip::address>> FakeResolver::a(std::string name) {
  co_await yield_once();
  co_return answer(Type::a, name, &Node::a);
}

asio::awaitable<dns::Answer<asio::ip::address>> FakeResolver::aaaa(std::string name) {
  co_await yield_once();
  co_return answer(Type::aaaa, name, &Node::aaaa);
}

asio::awaitable<dns::Answer<std::string>> FakeResolver::ptr(asio::ip::address address) {
  co_await yield_once();
  co_return answer(Type::ptr, reverse_name(address), &Node::ptr);
}

asio::awaitable<dns::Answer<dns::TlsaRecord>> FakeResolver::tlsa(std::string name) {
  co_await yield_once();
  co_return answer(Type::tlsa, name, &Node::tlsa);
}

asio::awaitable<dns::Answer<std::string>> FakeResolver::cname(std::string name) {
  co_await yield_once();
  co_return answer(Type::cname, name, &Node::cname);
}

}  // namespace heron::test
