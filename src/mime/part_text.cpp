#include "mime/part_text.hpp"

#include "mime/charset.hpp"
#include "mime/transfer.hpp"

namespace heron::mime {

std::string part_text_utf8(std::string_view message, const Structure& s, uint32_t index) {
  if (index >= s.parts.size()) return {};
  const Part& p = s[index];
  if (p.kind != PartKind::leaf) return std::string(p.body(message));
  const PartInfo info = part_info(message, s, index);
  std::optional<std::string> decoded = decode_body(p.body(message), info.transfer);
  std::string bytes = decoded ? std::move(*decoded) : std::string(p.body(message));
  const Param* charset = find_param(info.content_type.params, "charset");
  if (charset == nullptr) return bytes;
  const std::string name = charset->extended ? charset->decoded() : charset->value;
  std::optional<std::string> utf8 = to_utf8(bytes, name);
  return utf8 ? std::move(*utf8) : bytes;
}

}  // namespace heron::mime
