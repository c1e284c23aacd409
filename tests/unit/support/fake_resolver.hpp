#pragma once
// Test support: a dns::Resolver answering from an in-memory zone table, for every test that
// needs DNS without a DNS server (SPF, DKIM, DMARC, MX routing in the queue).
//
// Records are added per owner name and type; names are case-insensitive and a trailing dot is
// ignored, as in DNS. A query follows CNAMEs (at most 8 hops; a longer chain or a loop answers
// temp_fail, as a recursive resolver's SERVFAIL would). A name with no record of any type is
// NXDOMAIN; a name with records of other types is no data. fail() makes one type (or every
// type) at a name answer temp_fail (a timeout, SERVFAIL) or any other Status instead.
//
// Every query is recorded ("TXT example.com") so tests can assert how many lookups a check
// made. Each lookup first yields to the executor, as a real resolver would, so code that keeps
// a dangling reference across co_await is caught under ASan.
//
// Names: by default any byte is accepted in a label (the SPF test suite queries names with
// spaces); only the structural limits of RFC 1035 2.3.4 answer perm_fail (an empty label, a
// label over 63 octets, a name over 253 characters). strict_names(true) also refuses what the
// libunbound implementation refuses: bytes outside 0x21-0x7e and the backslash.
// Thread: one io_context; not thread-safe.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/resolver.hpp"

namespace heron::test {

class FakeResolver final : public dns::Resolver {
 public:
  enum class Type { txt, mx, a, aaaa, ptr, tlsa, cname };
  static std::string_view type_name(Type type);

  // The owner name of the PTR records for an address: "4.3.2.1.in-addr.arpa", or the 32
  // nibbles of ip6.arpa (lowercase). An IPv4-mapped IPv6 address gets the IPv4 name.
  static std::string reverse_name(const boost::asio::ip::address& address);

  // Zone building. Each call appends one record.
  void add_txt(std::string_view name, std::string text);
  void add_mx(std::string_view name, uint16_t preference, std::string_view exchange);
  // "192.0.2.1" or "2001:db8::1": an A or AAAA record by the address family. Throws on a
  // malformed address (a mistake in the test).
  void add_address(std::string_view name, std::string_view address);
  void add_ptr(std::string_view owner, std::string_view target);  // owner: a reverse name
  void add_ptr(const boost::asio::ip::address& address, std::string_view target);
  void add_tlsa(std::string_view name, dns::TlsaRecord record);
  void add_cname(std::string_view name, std::string_view target);

  // Queries of `type` at `name` answer `status` (records of that type are not returned).
  void fail(std::string_view name, Type type, dns::Status status = dns::Status::temp_fail);
  // Every type at `name` answers `status`.
  void fail_all(std::string_view name, dns::Status status = dns::Status::temp_fail);

  void strict_names(bool strict) { strict_names_ = strict; }

  // Queries made so far, in order: "TXT example.com", "A mail.example.com", ...
  const std::vector<std::string>& queries() const { return queries_; }
  size_t query_count() const { return queries_.size(); }
  size_t query_count(Type type) const;
  void clear_queries() { queries_.clear(); }

  boost::asio::awaitable<dns::Answer<std::string>> txt(std::string name) override;
  boost::asio::awaitable<dns::Answer<dns::MxRecord>> mx(std::string name) override;
  boost::asio::awaitable<dns::Answer<boost::asio::ip::address>> a(std::string name) override;
  boost::asio::awaitable<dns::Answer<boost::asio::ip::address>> aaaa(std::string name) override;
  boost::asio::awaitable<dns::Answer<std::string>> ptr(boost::asio::ip::address address) override;
  boost::asio::awaitable<dns::Answer<dns::TlsaRecord>> tlsa(std::string name) override;
  boost::asio::awaitable<dns::Answer<std::string>> cname(std::string name) override;

 private:
  struct Node {
    std::vector<std::string> txt;
    std::vector<dns::MxRecord> mx;
    std::vector<boost::asio::ip::address> a;
    std::vector<boost::asio::ip::address> aaaa;
    std::vector<std::string> ptr;
    std::vector<dns::TlsaRecord> tlsa;
    std::vector<std::string> cname;
    std::map<Type, dns::Status> failures;
    std::optional<dns::Status> fail_all;
  };

  // Where a query ends: the node holding the answer (after CNAMEs), or a status.
  struct Lookup {
    dns::Status status = dns::Status::ok;
    const Node* node = nullptr;
    std::string error;
  };

  Node& node(std::string_view name);
  Lookup find(Type type, std::string_view name);
  template <class T>
  dns::Answer<T> answer(Type type, std::string_view name, std::vector<T> Node::*records);

  std::map<std::string, Node> zone_;
  std::vector<std::string> queries_;
  bool strict_names_ = false;
};

}  // namespace heron::test
