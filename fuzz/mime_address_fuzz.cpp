// Fuzzes the header-value parsers (mime/address.hpp, params.hpp, encoded_word.hpp,
// transfer.hpp) and the ENVELOPE built from a header. Input: one header value, or a header
// section for the envelope. Checks only what must hold for any input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/strings.hpp"
#include "mime/address.hpp"
#include "mime/encoded_word.hpp"
#include "mime/params.hpp"
#include "mime/transfer.hpp"
#include "proto/imap/message_render.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  namespace mime = heron::mime;

  const std::vector<mime::Address> list = mime::parse_address_list(in);
  int depth = 0;
  for (const mime::Address& a : list) {
    if (a.kind == mime::Address::Kind::group_start) ++depth;
    if (a.kind == mime::Address::Kind::group_end) --depth;
    check(depth == 0 || depth == 1);  // groups never nest and always close
    check(a.mailbox.size() <= in.size() && a.host.size() <= in.size());
  }
  check(depth == 0);
  check(list.size() <= in.size() + 1);  // ":" alone is a group start and its end

  // Decoding never grows text beyond what the charsets allow (at most 4 bytes per input byte
  // in UTF-8 from a single-byte charset, plus the words left as they are).
  const std::string decoded = mime::decode_encoded_words(in);
  check(decoded.size() <= in.size() * 4 + 4);
  if (heron::str::is_valid_utf8(in) && in.find("=?") == std::string_view::npos)
    check(decoded == in);

  if (auto ct = mime::parse_content_type(in)) {
    check(!ct->type.empty() && !ct->subtype.empty());
    for (const mime::Param& p : ct->params) (void)p.decoded();
  }
  if (auto d = mime::parse_disposition(in)) check(!d->type.empty());
  (void)mime::decode_quoted_printable(in);
  check(mime::decode_base64(in).size() <= in.size());

  const std::string env = heron::proto::imap::envelope_from_header(in);
  check(env.starts_with("(") && env.ends_with(")"));
  return 0;
}
