#pragma once
// The POP3 multi-line response body (RFC 1939 3): message bytes as they go on the wire.
//
// Every line ends in CRLF (a bare LF in a stored message becomes CRLF; stored messages are
// CRLF already, and then the bytes go out unchanged), a line that begins with "." gets one
// more "." in front (byte-stuffing), and a last line without a line end gets one. The
// terminating ".\r\n" is the caller's to add. With top_lines, only the header, the blank line
// that ends it, and that many body lines are written (RFC 1939 7, TOP); a message without a
// blank line is all header.
// Input: stored message bytes (not trusted to be well-formed). Thread: any. Failure: none.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace heron::pop3 {

void append_message(std::string& out, std::string_view message,
                    std::optional<uint64_t> top_lines = std::nullopt);

}  // namespace heron::pop3
