// libunbound behind the Resolver interface: see unbound_resolver.hpp for the design.

#include "dns/unbound_resolver.hpp"

#include <unbound.h>

#include <optional>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "dns/name.hpp"

namespace heron::dns {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr int kClassIn = 1;

// Zones that libunbound answers by itself unless told not to (RFC 6761 6.2 "test.", the
// RFC 6303 reverse zone of 127/8). When Heron forwards, the forwarder is the authority for
// every name: a test zone "a.test" or PTR records of 127.0.0.x on a test server must reach it.
// A "transparent" local zone with no data passes every query on; "nodefault" would be the
// natural word, but ub_ctx_set_option() does not honour it (libunbound 1.17).
constexpr const char* kForwardedDefaultZones[] = {"test.", "127.in-addr.arpa."};

struct ContextDeleter {
  void operator()(ub_ctx* ctx) const { ub_ctx_delete(ctx); }
};
using ContextPtr = std::unique_ptr<ub_ctx, ContextDeleter>;

Error ub_error(std::string_view what, std::string_view value, int err) {
  return make_error("dns: " + std::string(what) + " " + std::string(value) + ": " +
                    ub_strerror(err));
}

RawAnswer copy_result(int err, const ub_result* result) {
  RawAnswer raw;
  if (err != 0 || result == nullptr) {
    raw.ub_error = err != 0 ? err : UB_SERVFAIL;
    raw.error_text = ub_strerror(raw.ub_error);
    return raw;
  }
  raw.rcode = result->rcode;
  raw.havedata = result->havedata != 0;
  raw.nxdomain = result->nxdomain != 0;
  raw.secure = result->secure != 0;
  raw.bogus = result->bogus != 0;
  if (result->why_bogus != nullptr) raw.why_bogus = result->why_bogus;
  raw.ttl = result->ttl > 0 ? static_cast<uint32_t>(result->ttl) : 0;
  if (raw.havedata && result->data != nullptr) {
    for (size_t i = 0; result->data[i] != nullptr; ++i) {
      const int len = result->len[i];
      if (len < 0) continue;
      raw.rdata.emplace_back(result->data[i], static_cast<size_t>(len));
    }
  }
  return raw;
}

}  // namespace

// One query in flight. The timer lives on the asking coroutine's executor and doubles as its
// wake-up: the answer is stored and the timer cancelled, or the timer expires first.
struct UnboundResolver::Pending {
  Pending(UnboundResolver* r, asio::any_io_executor caller, std::string n, RrType t)
      : resolver(r), timer(std::move(caller)), name(std::move(n)), type(t) {}

  UnboundResolver* resolver;
  asio::steady_timer timer;
  std::string name;
  RrType type;
  int async_id = 0;
  std::optional<RawAnswer> answer;  // written on the caller's executor only
};

UnboundResolver::Options resolver_options(const config::Dns& dns) {
  UnboundResolver::Options options;
  options.forwarders = dns.forwarders;
  if (dns.dnssec) options.trust_anchor_file = dns.trust_anchor_file;
  options.timeout = dns.timeout;
  return options;
}

Result<std::unique_ptr<UnboundResolver>> UnboundResolver::create(asio::any_io_executor executor,
                                                                 const Options& options) {
  ContextPtr ctx(ub_ctx_create());
  if (!ctx) return make_error("dns: cannot create a libunbound context");
  auto set = [&ctx](const char* option, const std::string& value) -> Result<void> {
    if (int err = ub_ctx_set_option(ctx.get(), option, value.c_str()); err != 0)
      return ub_error(option, value, err);
    return {};
  };

  // One background thread for all queries (see the header for why not a forked process).
  if (int err = ub_ctx_async(ctx.get(), 1); err != 0) return ub_error("async", "1", err);
  // A forwarder on loopback (a local cache, or a test server) must be allowed.
  if (auto r = set("do-not-query-localhost:", "no"); !r) return r.error();

  std::string mode;
  bool forwarding = true;
  if (!options.forwarders.empty()) {
    mode = "forwarders";
    for (const auto& f : options.forwarders) {
      if (int err = ub_ctx_set_fwd(ctx.get(), f.c_str()); err != 0)
        return ub_error("forwarder", f, err);
      mode += " " + f;
    }
  } else if (int err = ub_ctx_resolvconf(ctx.get(), options.resolv_conf.c_str()); err == 0) {
    mode = "resolv.conf";
  } else {
    // No usable resolv.conf: libunbound iterates from its built-in root hints.
    log::warn("dns.resolvconf.unusable",
              {{"file", options.resolv_conf.string()}, {"error", ub_strerror(err)}});
    mode = "recursion";
    forwarding = false;
  }
  if (forwarding) {
    for (const char* zone : kForwardedDefaultZones) {
      if (auto r = set("local-zone:", std::string(zone) + " transparent"); !r) return r.error();
    }
    // RFC 6303 private-range reverse zones go to the forwarder too, unvalidated.
    if (auto r = set("unblock-lan-zones:", "yes"); !r) return r.error();
    if (auto r = set("insecure-lan-zones:", "yes"); !r) return r.error();
  }

  if (!options.trust_anchor_file.empty()) {
    if (int err = ub_ctx_add_ta_file(ctx.get(), options.trust_anchor_file.c_str()); err != 0)
      return ub_error("trust anchor file", options.trust_anchor_file.string(), err);
    mode += ", dnssec";
  } else {
    if (auto r = set("module-config:", "iterator"); !r) return r.error();
  }

  // libunbound reads its settings (the trust anchor file among them) only when the first
  // query runs. Run one now that never leaves the process, "localhost" from its built-in local
  // zone, so a bad file stops start-up instead of failing every lookup later.
  ub_result* probe = nullptr;
  const int probe_err =
      ub_resolve(ctx.get(), "localhost", static_cast<int>(RrType::a), kClassIn, &probe);
  if (probe != nullptr) ub_resolve_free(probe);
  if (probe_err != 0) {
    std::string what = "dns: cannot start libunbound";
    if (!options.trust_anchor_file.empty())
      what += " (trust anchor file " + options.trust_anchor_file.string() + ")";
    return make_error(what + ": " + ub_strerror(probe_err));
  }

  const int fd = ub_fd(ctx.get());
  if (fd < 0) return make_error("dns: libunbound has no result pipe");
  return std::unique_ptr<UnboundResolver>(new UnboundResolver(
      std::move(executor), ctx.release(), fd, options.timeout, std::move(mode)));
}

UnboundResolver::UnboundResolver(asio::any_io_executor executor, ub_ctx* ctx, int fd,
                                 std::chrono::milliseconds timeout, std::string mode)
    : strand_(asio::make_strand(executor)),
      ctx_(ctx),
      pipe_(strand_, fd),
      timeout_(timeout),
      mode_(std::move(mode)) {}

UnboundResolver::~UnboundResolver() {
  // libunbound owns the pipe and closes it in ub_ctx_delete(); hand it back first.
  error_code ignored;
  pipe_.cancel(ignored);
  pipe_.release();
  ub_ctx_delete(ctx_);
}

// --- queries, on the caller's executor -------------------------------------------------------

asio::awaitable<RawAnswer> UnboundResolver::query(std::string name, RrType type) {
  auto checked = query_name(name);
  if (!checked) {
    // Names come from peers; a flood of bad ones must not flood the log at info level.
    log::debug("dns.query.bad_name", {{"type", rr_type_name(type)}});
    RawAnswer raw;
    raw.ub_error = UB_SYNTAX;
    raw.error_text = "malformed name";
    co_return raw;
  }
  auto caller = co_await asio::this_coro::executor;
  auto pending = std::make_shared<Pending>(this, caller, std::move(*checked), type);
  pending->timer.expires_after(timeout_);
  asio::dispatch(strand_, [this, pending] { start(pending); });
  if (!pending->answer) {
    error_code ec;
    co_await pending->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (pending->answer) co_return std::move(*pending->answer);

  asio::dispatch(strand_, [this, pending] { cancel(pending); });
  log::debug("dns.query.timeout",
             {{"name", pending->name}, {"type", rr_type_name(type)}, {"ms", timeout_.count()}});
  metrics::inc("heron_dns_timeouts_total");
  RawAnswer raw;
  raw.timed_out = true;
  co_return raw;
}

template <class T, class Parse>
asio::awaitable<Answer<T>> UnboundResolver::lookup(std::string name, RrType type, Parse parse) {
  const std::string what = std::string(rr_type_name(type)) + " " + name;
  RawAnswer raw = co_await query(std::move(name), type);
  Answer<T> answer;
  if (raw.ub_error == UB_SYNTAX) {
    answer.status = Status::perm_fail;
    answer.error = raw.error_text;
  } else {
    answer = make_answer<T>(raw, parse, what);
  }
  metrics::inc("heron_dns_queries_total", "status", status_name(answer.status));
  co_return answer;
}

asio::awaitable<Answer<std::string>> UnboundResolver::txt(std::string name) {
  return lookup<std::string>(std::move(name), RrType::txt, parse_txt);
}

asio::awaitable<Answer<MxRecord>> UnboundResolver::mx(std::string name) {
  return lookup<MxRecord>(std::move(name), RrType::mx, parse_mx);
}

asio::awaitable<Answer<asio::ip::address>> UnboundResolver::a(std::string name) {
  return lookup<asio::ip::address>(std::move(name), RrType::a, parse_a);
}

asio::awaitable<Answer<asio::ip::address>> UnboundResolver::aaaa(std::string name) {
  return lookup<asio::ip::address>(std::move(name), RrType::aaaa, parse_aaaa);
}

asio::awaitable<Answer<std::string>> UnboundResolver::ptr(asio::ip::address address) {
  return lookup<std::string>(reverse_name(address), RrType::ptr, parse_name_rdata);
}

asio::awaitable<Answer<TlsaRecord>> UnboundResolver::tlsa(std::string name) {
  return lookup<TlsaRecord>(std::move(name), RrType::tlsa, parse_tlsa);
}

asio::awaitable<Answer<std::string>> UnboundResolver::cname(std::string name) {
  return lookup<std::string>(std::move(name), RrType::cname, parse_name_rdata);
}

// --- libunbound, on strand_ ------------------------------------------------------------------

void UnboundResolver::start(const std::shared_ptr<Pending>& pending) {
  int id = 0;
  const int err = ub_resolve_async(ctx_, pending->name.c_str(), static_cast<int>(pending->type),
                                   kClassIn, pending.get(), &UnboundResolver::on_result, &id);
  if (err != 0) {
    log::warn("dns.query.failed", {{"name", pending->name}, {"error", ub_strerror(err)}});
    RawAnswer raw;
    raw.ub_error = err;
    raw.error_text = ub_strerror(err);
    pending_.emplace(pending.get(), pending);
    deliver(pending.get(), std::move(raw));
    return;
  }
  pending->async_id = id;
  pending_.emplace(pending.get(), pending);
  arm();
}

void UnboundResolver::cancel(const std::shared_ptr<Pending>& pending) {
  // Gone already if the answer came in after the timer fired; then nothing is left to cancel.
  if (pending_.erase(pending.get()) == 0) return;
  ub_cancel(ctx_, pending->async_id);
  // Nothing left to wait for: stop watching the pipe, so an io_context with no other work
  // can return from run().
  if (pending_.empty()) {
    error_code ignored;
    pipe_.cancel(ignored);
  }
}

void UnboundResolver::arm() {
  if (armed_ || pending_.empty()) return;
  armed_ = true;
  pipe_.async_wait(asio::posix::stream_descriptor::wait_read,
                   asio::bind_executor(strand_, [this](error_code ec) {
                     armed_ = false;
                     // Cancelled by cancel() or the destructor; a query started since then
                     // needs the watch back.
                     if (ec == asio::error::operation_aborted) return arm();
                     if (ec) {
                       log::error("dns.pipe.failed", {{"error", ec.message()}});
                       return;
                     }
                     // Runs on_result() for every answer that has arrived.
                     if (int err = ub_process(ctx_); err != 0)
                       log::error("dns.process.failed", {{"error", ub_strerror(err)}});
                     arm();
                   }));
}

// Called by ub_process() on strand_. `data` is still alive: a Pending leaves pending_ either
// here (through deliver) or in cancel(), and once ub_cancel() has run on this same strand
// libunbound drops the query and never calls back for it.
void UnboundResolver::on_result(void* data, int err, ub_result* result) {
  auto* pending = static_cast<Pending*>(data);
  RawAnswer raw = copy_result(err, result);
  if (result != nullptr) ub_resolve_free(result);
  pending->resolver->deliver(pending, std::move(raw));
}

void UnboundResolver::deliver(Pending* key, RawAnswer raw) {
  auto it = pending_.find(key);
  if (it == pending_.end()) return;  // cancelled: the caller has moved on
  auto pending = std::move(it->second);
  pending_.erase(it);
  auto executor = pending->timer.get_executor();
  asio::post(executor, [pending = std::move(pending), raw = std::move(raw)]() mutable {
    pending->answer = std::move(raw);
    pending->timer.cancel();
  });
}

}  // namespace heron::dns
