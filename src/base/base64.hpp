#pragma once
// Strict base64 (RFC 4648 section 4) for protocol exchanges: SASL responses (RFC 4422,
// RFC 5034 POP3 AUTH, RFC 4954 SMTP AUTH) and IMAP AUTHENTICATE. Unlike the tolerant MIME
// body decoder (mime/transfer.hpp), decoding here refuses anything that is not canonical
// base64: bytes outside the alphabet, whitespace, a length that is not a multiple of 4, or
// padding anywhere but the end. A peer that sends garbage is told so rather than guessed at.
// Input: untrusted. Thread: any. Failure: std::nullopt.

#include <optional>
#include <string>
#include <string_view>

namespace heron::base64 {

std::string encode(std::string_view bytes);
// nullopt when `text` is not strict base64; "" decodes to "".
std::optional<std::string> decode(std::string_view text);

}  // namespace heron::base64
