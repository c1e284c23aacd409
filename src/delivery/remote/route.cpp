#include "delivery/remote/route.hpp"

#include <algorithm>

namespace heron::delivery::remote {

namespace asio = boost::asio;

bool is_null_mx(const std::vector<dns::MxRecord>& records) {
  return records.size() == 1 && records[0].exchange.empty();
}

std::vector<Hop> order_mx(const std::vector<dns::MxRecord>& records, std::mt19937& rng) {
  std::vector<Hop> hops;
  for (const dns::MxRecord& r : records) {
    if (r.exchange.empty()) continue;  // "." among real MX records: unusable, skipped
    const bool seen =
        std::any_of(hops.begin(), hops.end(), [&](const Hop& h) { return h.host == r.exchange; });
    if (!seen) hops.push_back(Hop{r.exchange, r.preference});
  }
  // Shuffle first, then a stable sort by preference: equal preferences stay shuffled.
  std::shuffle(hops.begin(), hops.end(), rng);
  std::stable_sort(hops.begin(), hops.end(),
                   [](const Hop& a, const Hop& b) { return a.preference < b.preference; });
  return hops;
}

asio::awaitable<Route> route(dns::Resolver& resolver, std::string domain, std::mt19937& rng) {
  Route out;
  const dns::Answer<dns::MxRecord> mx = co_await resolver.mx(domain);
  if (mx.status == dns::Status::ok) {
    if (is_null_mx(mx.records)) {
      out.status = Route::Status::null_mx;
      out.error = "domain " + domain + " accepts no mail (null MX, RFC 7505)";
      co_return out;
    }
    out.hops = order_mx(mx.records, rng);
    if (out.hops.empty()) {
      out.status = Route::Status::null_mx;
      out.error = "domain " + domain + " accepts no mail (null MX, RFC 7505)";
      co_return out;
    }
    out.status = Route::Status::ok;
    co_return out;
  }
  if (mx.status == dns::Status::nodata) {
    out.status = Route::Status::ok;
    out.implicit = true;
    out.hops.push_back(Hop{domain, 0});
    co_return out;
  }
  if (mx.status == dns::Status::nxdomain) {
    out.status = Route::Status::no_domain;
    out.error = "domain " + domain + " does not exist (NXDOMAIN)";
    co_return out;
  }
  if (mx.status == dns::Status::perm_fail) {
    out.status = Route::Status::perm_fail;
    out.error = "MX lookup for " + domain + " failed: " + mx.error;
    co_return out;
  }
  out.status = Route::Status::temp_fail;
  out.error = "MX lookup for " + domain + " failed temporarily: " + mx.error;
  co_return out;
}

asio::awaitable<Addresses> addresses(dns::Resolver& resolver, std::string host) {
  Addresses out;
  const dns::Answer<asio::ip::address> a = co_await resolver.a(host);
  const dns::Answer<asio::ip::address> aaaa = co_await resolver.aaaa(host);
  for (const auto& x : a.records) out.addresses.push_back(x);
  for (const auto& x : aaaa.records) out.addresses.push_back(x);
  if (!out.addresses.empty()) {
    out.status = Addresses::Status::ok;
    co_return out;
  }
  const auto final_none = [](dns::Status s) {
    return s == dns::Status::nxdomain || s == dns::Status::nodata || s == dns::Status::perm_fail;
  };
  if (final_none(a.status) && final_none(aaaa.status)) {
    out.status = Addresses::Status::none;
    out.error =
        "host " + host + " has no address (" + std::string(dns::status_name(a.status)) + ")";
    co_return out;
  }
  out.status = Addresses::Status::temp_fail;
  out.error = "address lookup for " + host +
              " failed temporarily: " + (a.status == dns::Status::temp_fail ? a.error : aaaa.error);
  co_return out;
}

}  // namespace heron::delivery::remote
