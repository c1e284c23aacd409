#pragma once
// Mailbox names on the wire: modified UTF-7 (RFC 3501 5.1.3), which IMAP4rev1 clients use,
// and UTF-8, which clients use after ENABLE UTF8=ACCEPT (RFC 9051 5.1, RFC 6855 3).
// Input: untrusted. Thread: any. Failure: std::nullopt for a name that is not valid
// modified UTF-7 (bad base64, non-zero padding bits, a printable character encoded, two
// shifted runs back to back, bad surrogates, or a run that never ends).

#include <optional>
#include <string>
#include <string_view>

namespace heron::proto::imap {

std::optional<std::string> decode_mutf7(std::string_view wire);
// From valid UTF-8 (the store's names). Invalid UTF-8 bytes are replaced with U+FFFD.
std::string encode_mutf7(std::string_view utf8);

}  // namespace heron::proto::imap
