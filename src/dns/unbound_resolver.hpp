#pragma once
// The product's Resolver: libunbound (a validating, caching resolver library) driven by the
// Asio event loop.
//
// How it runs: one libunbound context per UnboundResolver, in its threaded async mode
// (ub_ctx_async(ctx, 1)): libunbound keeps one background thread that does all the network
// work and caching for every query, and hands finished answers back through a pipe. The read
// end (ub_fd()) is watched by an asio::posix::stream_descriptor; when it becomes readable,
// ub_process() runs the callbacks on this resolver's strand, and each answer is posted to the
// executor of the coroutine that asked. No thread per query, and no blocking call on the
// event loop. The other mode, ub_ctx_async(ctx, 0), forks a child process instead of a
// thread: a fork of a server holding listening sockets, a SQLite database and other threads'
// locks is worse than one thread (docs/dns.md, "Why a thread").
//
// Caching is libunbound's (message and RRset caches, negative answers per RFC 2308 5), so a
// repeated lookup within the TTL is answered without a packet. Each query has a timer
// (Options::timeout); when it fires first, the query is cancelled with ub_cancel() and the
// answer is temp_fail "timed out".
//
// Modes: forwarders given -> every query goes to them ("127.0.0.1@5353" for tests); none ->
// the nameservers of /etc/resolv.conf (ub_ctx_resolvconf), or full recursion from the root
// when that file is missing. DNSSEC: with a trust anchor file the validator runs and `secure`
// and `bogus` come up in each Answer (RFC 4033-4035); without, every answer is insecure.
//
// Input: names from the network (untrusted) are checked by query_name() before they are sent
// (perm_fail when malformed); answers are parsed by rdata.hpp, which checks every length.
// Thread: the coroutines may be awaited from any strand (or single-threaded executor); libunbound
// is only touched on the resolver's own strand. Destroy the resolver after its io_context has
// stopped running. Failure: create() returns an Error for bad options; queries never throw.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/strand.hpp>

#include "base/result.hpp"
#include "config/config.hpp"
#include "dns/answer.hpp"
#include "dns/rdata.hpp"
#include "dns/resolver.hpp"

struct ub_ctx;
struct ub_result;

namespace heron::dns {

class UnboundResolver final : public Resolver {
 public:
  struct Options {
    // "ADDRESS" or "ADDRESS@PORT", IPv4 or IPv6 literals. Empty: use resolv_conf.
    std::vector<std::string> forwarders;
    // A file of DS or DNSKEY records (zone-file format, e.g. Debian's dns-root-data). Empty:
    // no DNSSEC validation, every answer insecure.
    std::filesystem::path trust_anchor_file;
    std::chrono::milliseconds timeout{std::chrono::seconds(10)};
    std::filesystem::path resolv_conf = "/etc/resolv.conf";
  };

  // Sets up the libunbound context (no packet is sent yet). An Error names the option that
  // libunbound refused, e.g. an unreadable trust anchor file.
  static Result<std::unique_ptr<UnboundResolver>> create(boost::asio::any_io_executor executor,
                                                         const Options& options);
  ~UnboundResolver() override;
  UnboundResolver(const UnboundResolver&) = delete;
  UnboundResolver& operator=(const UnboundResolver&) = delete;

  boost::asio::awaitable<Answer<std::string>> txt(std::string name) override;
  boost::asio::awaitable<Answer<MxRecord>> mx(std::string name) override;
  boost::asio::awaitable<Answer<boost::asio::ip::address>> a(std::string name) override;
  boost::asio::awaitable<Answer<boost::asio::ip::address>> aaaa(std::string name) override;
  boost::asio::awaitable<Answer<std::string>> ptr(boost::asio::ip::address address) override;
  boost::asio::awaitable<Answer<TlsaRecord>> tlsa(std::string name) override;
  boost::asio::awaitable<Answer<std::string>> cname(std::string name) override;

  // How it resolves, for the start-up log: "forwarders 127.0.0.1@5353", "resolv.conf",
  // "recursion"; plus ", dnssec" when validating.
  const std::string& mode() const { return mode_; }

 private:
  struct Pending;
  using Strand = boost::asio::strand<boost::asio::any_io_executor>;

  UnboundResolver(boost::asio::any_io_executor executor, ub_ctx* ctx, int fd,
                  std::chrono::milliseconds timeout, std::string mode);

  // Checks the name, asks libunbound, waits for the answer or the timeout.
  boost::asio::awaitable<RawAnswer> query(std::string name, RrType type);
  template <class T, class Parse>
  boost::asio::awaitable<Answer<T>> lookup(std::string name, RrType type, Parse parse);

  // On strand_:
  void start(const std::shared_ptr<Pending>& pending);
  void cancel(const std::shared_ptr<Pending>& pending);
  void arm();
  static void on_result(void* data, int err, ub_result* result);
  void deliver(Pending* pending, RawAnswer raw);

  Strand strand_;
  ub_ctx* ctx_;
  boost::asio::posix::stream_descriptor pipe_;
  std::chrono::milliseconds timeout_;
  std::string mode_;
  std::unordered_map<Pending*, std::shared_ptr<Pending>> pending_;
  bool armed_ = false;
};

// The options a [dns] section asks for: its forwarders and timeout, and its trust anchor file
// when dnssec is on.
UnboundResolver::Options resolver_options(const config::Dns& dns);

}  // namespace heron::dns
