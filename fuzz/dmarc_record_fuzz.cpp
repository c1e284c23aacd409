// Fuzz target for the pure parts of DMARC (RFC 7489): parse_record() on any bytes, with and
// without the version prefix; the Organizational Domain of the input read as a domain; and
// from_domain() on the input read as a header section. None may crash, hang or throw; every
// refusal says why; what parses keeps the record's invariants (pct in 0-100, only valid
// report URIs, known fo values, a policy implied only with an rua URI); an Organizational
// Domain is a suffix of the normalised input.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mailauth/dmarc/evaluate.hpp"
#include "mailauth/dmarc/org_domain.hpp"
#include "mailauth/dmarc/record.hpp"
#include "mailauth/domain.hpp"

namespace {

using namespace heron::mailauth::dmarc;

const PublicSuffixList& fuzz_list() {
  static const PublicSuffixList list = PublicSuffixList::parse(
      "com\nuk\nco.uk\njp\n*.kawasaki.jp\n!city.kawasaki.jp\ncn\n公司.cn\n");
  return list;
}

void check_record(const std::string& text) {
  auto parsed = parse_record(text);
  if (!parsed) {
    if (parsed.error().message.empty()) std::abort();
    return;
  }
  if (!is_dmarc_record(text)) std::abort();  // only records is_dmarc_record() accepts parse
  const Record& r = *parsed;
  if (r.percent < 0 || r.percent > 100) std::abort();
  for (const auto& uri : r.aggregate_uris) {
    if (!is_report_uri(uri)) std::abort();
  }
  for (const auto& uri : r.failure_uris) {
    if (!is_report_uri(uri)) std::abort();
  }
  for (const auto& fo : r.failure_options) {
    if (fo != "0" && fo != "1" && fo != "d" && fo != "s") std::abort();
  }
  if (r.policy_implied && (r.aggregate_uris.empty() || r.policy != Policy::none)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  check_record(std::string(text));
  check_record("v=DMARC1; " + std::string(text));

  const std::string name = heron::mailauth::normalize_domain(text);
  const std::string org = fuzz_list().organizational_domain(text);
  if (!name.ends_with(org)) std::abort();
  (void)fuzz_list().public_suffix(text);
  (void)to_a_label(text);

  auto from = from_domain(text);
  if (from) {
    if (!heron::mailauth::is_dns_name(*from)) std::abort();
  } else if (from.error().message.empty()) {
    std::abort();
  }
  return 0;
}
