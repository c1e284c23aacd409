#include "mailauth/iprev.hpp"

#include <algorithm>

#include "base/metrics.hpp"
#include "mailauth/auth_results.hpp"
#include "net/network.hpp"

namespace heron::mailauth {

namespace asio = boost::asio;

std::string_view iprev_result_name(IprevResult result) {
  if (result == IprevResult::pass) return "pass";
  if (result == IprevResult::fail) return "fail";
  if (result == IprevResult::temperror) return "temperror";
  return "permerror";
}

std::string Iprev::auth_results() const {
  std::string out = "iprev=";
  out += iprev_result_name(result);
  out += " policy.iprev=" + ptype_value(address);
  if (!name.empty()) out += " " + comment(name);
  return out;
}

asio::awaitable<Iprev> check_iprev(dns::Resolver& resolver, asio::ip::address address) {
  address = net::unmapped(address);
  Iprev out;
  out.address = address.to_string();
  const auto names = co_await resolver.ptr(address);
  if (names.status == dns::Status::nxdomain || names.status == dns::Status::nodata ||
      names.status == dns::Status::perm_fail) {
    out.result = IprevResult::permerror;
  } else if (names.status != dns::Status::ok) {
    out.result = IprevResult::temperror;
  } else {
    out.result = IprevResult::fail;
    out.name = names.records.front();
    bool temporary = false;
    const size_t count = std::min(names.records.size(), kMaxIprevNames);
    for (size_t i = 0; i < count; ++i) {
      const std::string& name = names.records[i];
      dns::Answer<asio::ip::address> forward;
      if (address.is_v4()) {
        forward = co_await resolver.a(name);
      } else {
        forward = co_await resolver.aaaa(name);
      }
      if (forward.status == dns::Status::temp_fail) temporary = true;
      const bool confirmed =
          std::any_of(forward.records.begin(), forward.records.end(),
                      [&](const asio::ip::address& a) { return net::unmapped(a) == address; });
      if (confirmed) {
        out.result = IprevResult::pass;
        out.name = name;
        break;
      }
    }
    // RFC 8601 2.7.3: a failure that a DNS error may have caused is not a fail.
    if (out.result == IprevResult::fail && temporary) out.result = IprevResult::temperror;
  }
  metrics::inc("heron_iprev_results_total", "result", iprev_result_name(out.result));
  co_return out;
}

}  // namespace heron::mailauth
