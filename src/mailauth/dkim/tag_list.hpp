#pragma once
// DKIM tag=value lists (RFC 6376 3.2), the syntax of both the DKIM-Signature header field and
// the key records published in DNS. The parser keeps views into the input and the offsets of
// each value, so the verifier can blank the b= value in place (RFC 6376 3.7).
// Input: untrusted (header fields and TXT records from the network). Thread: any.
// Failure: a syntax error or a duplicate tag name is an Error (the caller's PERMFAIL).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace heron::mailauth::dkim {

struct Tag {
  std::string_view name;
  std::string_view value;  // without leading and trailing FWS; inner FWS kept
  size_t value_begin = 0;  // offset in the parsed text of the first byte after '='
  size_t value_end = 0;    // offset of the ';' that ends the tag, or the text's size
};

class TagList {
 public:
  // RFC 6376 3.2: tag-list = tag-spec *( ";" tag-spec ) [ ";" ]. Tag names are
  // case-sensitive; a tag name appearing twice is an error.
  static Result<TagList> parse(std::string_view text);

  const Tag* find(std::string_view name) const;
  std::optional<std::string_view> get(std::string_view name) const;
  const std::vector<Tag>& tags() const { return tags_; }

 private:
  std::vector<Tag> tags_;
};

// Whitespace (SP, HTAB, CR, LF) removed, for base64 values (b=, bh=, p=) that may be folded.
std::string strip_fws(std::string_view value);

}  // namespace heron::mailauth::dkim
