#pragma once
// Conversion of text in a MIME charset (RFC 2046 4.1.2, RFC 2047, RFC 2231) to UTF-8, through
// glibc's iconv(3), whose gconv modules come with libc6: no extra dependency.
//
// Charset names come from untrusted messages: a name that is not a plain IANA-style label
// (letters, digits, "-_.:()+") is refused before it reaches iconv_open, so a message cannot pass
// iconv options such as "//TRANSLIT". A few labels that mailers use but glibc does not know are
// mapped to their glibc name. Input: untrusted bytes and names. Thread: any (each call opens its
// own converter). Failure: std::nullopt for an unknown charset or text that is invalid in it.

#include <optional>
#include <string>
#include <string_view>

namespace heron::mime {

// `text` in `charset` converted to UTF-8. US-ASCII and UTF-8 are checked, not converted; text
// labelled US-ASCII that is valid UTF-8 is accepted as UTF-8 (a common mislabelling).
std::optional<std::string> to_utf8(std::string_view text, std::string_view charset);

}  // namespace heron::mime
