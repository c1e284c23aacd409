// Fuzz target for the SPF record parser and macro expander (RFC 7208 4.6, 7): parse_record()
// and parse_macro_string() must never crash, hang or throw on any bytes; every refusal says
// why; whatever parses expands without crashing, and an expanded domain-spec fits in 253
// characters after truncate_domain().

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mailauth/spf/macro.hpp"
#include "mailauth/spf/record.hpp"

namespace {

using namespace heron::mailauth::spf;

MacroContext fuzz_context(bool v6) {
  MacroContext c;
  c.sender = "strong-bad@email.example.com";
  c.local_part = "strong-bad";
  c.sender_domain = "email.example.com";
  c.domain = "email.example.com";
  c.ip = boost::asio::ip::make_address(v6 ? "2001:db8::cb01" : "192.0.2.3");
  c.helo = "mx.example.org";
  c.now = 1700000000;
  return c;
}

void expand_domain(const MacroString& m, const MacroContext& c) {
  if (truncate_domain(expand(m, c)).size() > 253) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool v6 = size > 0 && (data[0] & 1) != 0;
  const MacroContext context = fuzz_context(v6);

  // The input as a record, with and without the version prefix.
  for (const std::string& record : {std::string(text), "v=spf1 " + std::string(text)}) {
    auto parsed = parse_record(record);
    if (!parsed) {
      if (parsed.error().message.empty()) std::abort();
      continue;
    }
    if (!is_spf_record(record)) std::abort();  // only records is_spf_record() accepts parse
    for (const Mechanism& m : parsed->mechanisms) {
      if (m.cidr4 > 32 || m.cidr6 > 128) std::abort();
      if (m.domain) expand_domain(*m.domain, context);
    }
    if (parsed->redirect) expand_domain(*parsed->redirect, context);
    if (parsed->exp) expand_domain(*parsed->exp, context);
    for (const Modifier& m : parsed->unknown_modifiers) (void)expand(m.value, context);
  }

  // The input as an explanation string (the TXT record exp= points at).
  auto exp = parse_macro_string(text, MacroKind::explanation);
  if (exp) {
    (void)expand(*exp, context);
  } else if (exp.error().message.empty()) {
    std::abort();
  }
  return 0;
}
