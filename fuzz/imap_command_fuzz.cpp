// Fuzzes the IMAP reader and parser (proto/imap/reader.hpp, command.hpp) and the mailbox-name
// codec. The input is split into chunks whose sizes come from its first byte, fed to a Reader
// with small limits, and every command that comes out is parsed. Checks what must hold for
// any input: no crash, errors carry a valid tag or none, and literals come out byte-exact.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "proto/imap/command.hpp"
#include "proto/imap/mailbox_name.hpp"
#include "proto/imap/reader.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = 1 + data[0] % 64;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);

  heron::proto::imap::Reader::Limits limits;
  limits.max_line = 512;
  limits.max_literal = 256;
  limits.max_literals = 8;
  heron::proto::imap::Reader reader(limits);
  using Item = heron::proto::imap::Reader::Item;
  for (size_t pos = 0; pos < in.size(); pos += chunk) {
    reader.feed(in.substr(pos, chunk));
    for (Item item = reader.next(); item.kind != Item::need_more; item = reader.next()) {
      if (item.kind == Item::error) {
        check(item.tag.empty() || heron::proto::imap::tag_of(item.tag + " x") == item.tag);
        if (item.fatal) return 0;
        continue;
      }
      if (item.kind != Item::complete) continue;
      const auto& raw = item.command;
      check(raw.lines.size() == raw.literals.size() + 1);
      for (const auto& l : raw.literals) check(l.size() <= limits.max_literal);
      auto parsed = heron::proto::imap::parse(raw);
      if (parsed) {
        check(!parsed->tag.empty());
        check(!parsed->name.empty());
        // A mailbox argument round-trips through the modified UTF-7 codec when it decodes.
        if (auto name = heron::proto::imap::decode_mutf7(parsed->mailbox)) {
          check(heron::proto::imap::decode_mutf7(heron::proto::imap::encode_mutf7(*name)) == *name);
        }
      }
    }
  }
  return 0;
}
