// Fuzz target for DKIM-Signature handling (src/mailauth/dkim): the first byte picks a mode.
//   0: the bytes are a tag list / DKIM-Signature value: TagList offsets must stay inside the
//      input and frame the value; parse_signature must not crash.
//   1: the bytes are a whole message: verify_with() against the RFC 8463 Appendix A keys must
//      give one result per DKIM-Signature field and never crash.
//   2: the bytes are a body: both canonicalisations must be idempotent, and relaxed output
//      must hold no WSP runs or trailing WSP.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/strings.hpp"
#include "mailauth/dkim/canon.hpp"
#include "mailauth/dkim/records.hpp"
#include "mailauth/dkim/tag_list.hpp"
#include "mailauth/dkim/verify.hpp"

namespace {

using namespace heron::mailauth::dkim;

void check_tag_list(std::string_view text) {
  auto list = TagList::parse(text);
  if (!list) return;
  for (const Tag& tag : list->tags()) {
    if (tag.value_begin > tag.value_end || tag.value_end > text.size()) std::abort();
    const std::string_view framed = text.substr(tag.value_begin, tag.value_end - tag.value_begin);
    if (framed.find(tag.value) == std::string_view::npos) std::abort();
  }
  (void)parse_signature(text);
}

void check_message(std::string_view message) {
  auto lookup = [](const std::string& name) {
    heron::dns::Answer<std::string> answer;
    answer.status = heron::dns::Status::ok;
    if (name == "brisbane._domainkey.football.example.com") {
      answer.records.push_back(
          "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    } else if (name == "test._domainkey.football.example.com") {
      answer.records.push_back(
          "v=DKIM1; k=rsa; "
          "p="
          "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQ"
          "iY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/"
          "8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+"
          "2kryOTIKT+l/K4w3QIDAQAB");
    } else {
      answer.status = heron::dns::Status::nxdomain;
    }
    return answer;
  };
  const auto results = verify_with(message, lookup, 1700000000);
  size_t fields = 0;
  for (const HeaderField& field : split_message(message).fields) {
    fields += heron::str::iequals(field.name, "DKIM-Signature") ? 1 : 0;
  }
  if (results.size() != fields) std::abort();
}

void check_body(std::string_view body) {
  for (const Canon canon : {Canon::simple, Canon::relaxed}) {
    const std::string once = canon_body(canon, body);
    if (canon_body(canon, once) != once) std::abort();
  }
  const std::string relaxed = canon_body(Canon::relaxed, body);
  if (relaxed.find("  ") != std::string::npos || relaxed.find('\t') != std::string::npos)
    std::abort();
  if (relaxed.find(" \r\n") != std::string::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const int mode = data[0] % 3;
  if (mode == 0) check_tag_list(input);
  if (mode == 1) check_message(input);
  if (mode == 2) check_body(input);
  return 0;
}
