#pragma once
// The content of a part as UTF-8 text, for IMAP SEARCH BODY/TEXT and Sieve body tests: the
// Content-Transfer-Encoding undone (RFC 2045 6) and the Content-Type charset (RFC 2046 4.1.2,
// us-ascii by default) converted to UTF-8.
//
// Best effort, never a failure: an unknown transfer encoding leaves the body as it is; a charset
// that is unknown or text that does not convert leaves the decoded bytes unconverted (a search
// for ASCII words still finds them). Multipart and message parts give their raw body.
// Input: untrusted message bytes. Thread: any. Failure: none.

#include <cstdint>
#include <string>
#include <string_view>

#include "mime/structure.hpp"

namespace heron::mime {

std::string part_text_utf8(std::string_view message, const Structure& s, uint32_t index);

}  // namespace heron::mime
