#pragma once
// Content-Transfer-Encoding (RFC 2045 6): recognising the mechanism and decoding base64 (6.8)
// and quoted-printable (6.7), for IMAP BINARY[] (RFC 3516), SEARCH and RFC 2047 words.
//
// Decoders are tolerant, as mail readers are: base64 skips bytes outside its alphabet and
// stops at padding; quoted-printable keeps an "=" that does not start a valid escape or soft
// line break as it is, and drops blanks at the end of an encoded line (6.7 rule 3). Hard line
// breaks are kept as they appear (CRLF or LF). Input: untrusted bodies. Thread: any.
// Failure: decode_body() returns std::nullopt for an unknown encoding (IMAP [UNKNOWN-CTE]).

#include <optional>
#include <string>
#include <string_view>

namespace heron::mime {

enum class TransferEncoding { seven_bit, eight_bit, binary, base64, quoted_printable, unknown };

// The mechanism token of a Content-Transfer-Encoding value, lowercased, CFWS around it ignored;
// "" when the value is not one token ("8 bit"): such a field is treated as absent, as Dovecot
// does.
std::string transfer_encoding_name(std::string_view value);
// The mechanism a Content-Transfer-Encoding value names; an absent or unusable value is 7bit
// (RFC 2045 6.1).
TransferEncoding parse_transfer_encoding(std::string_view value);

std::string decode_base64(std::string_view in);
// `in_header` selects the RFC 2047 4.2 "Q" variant, where "_" stands for a space.
std::string decode_quoted_printable(std::string_view in, bool in_header = false);

// The body decoded for `encoding`; identity for 7bit, 8bit and binary.
std::optional<std::string> decode_body(std::string_view body, TransferEncoding encoding);

}  // namespace heron::mime
