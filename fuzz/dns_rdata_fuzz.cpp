// Fuzz target for the DNS record-data parsers and name checks (src/dns/rdata.hpp, name.hpp):
// the first byte picks a record type, the rest is one record's RDATA as a server could send
// it. Nothing may crash or read out of bounds; names that come out must be printable ASCII
// (hostile bytes escaped); query_name() must be idempotent and keep its limits.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dns/name.hpp"
#include "dns/rdata.hpp"

namespace {

void check_printable(std::string_view name) {
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace heron::dns;
  if (size == 0) return 0;
  const std::string_view rdata(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 7) {
    case 0:
      if (auto a = parse_a(rdata); a && rdata.size() != 4) std::abort();
      break;
    case 1:
      if (auto a = parse_aaaa(rdata); a && rdata.size() != 16) std::abort();
      break;
    case 2:
      if (auto n = parse_name_rdata(rdata)) check_printable(*n);
      break;
    case 3:
      if (auto mx = parse_mx(rdata)) check_printable(mx->exchange);
      break;
    case 4:
      if (auto t = parse_txt(rdata); t && t->size() >= rdata.size() && !rdata.empty())
        std::abort();  // every string costs a length octet
      break;
    case 5:
      if (auto t = parse_tlsa(rdata); t && t->data.size() + 3 != rdata.size()) std::abort();
      break;
    default:
      if (auto q = query_name(rdata)) {
        if (q->empty() || q->size() > 253) std::abort();
        if (query_name(*q) != q) std::abort();
        check_printable(*q);
      }
      break;
  }
  return 0;
}
