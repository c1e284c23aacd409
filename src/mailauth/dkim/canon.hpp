#pragma once
// DKIM canonicalisation (RFC 6376 3.4) and the header selection of the signing and verifying
// algorithm (RFC 6376 5.4.2): the message is split into its header fields (raw bytes, folding
// kept) and its body, then each is rewritten by the "simple" or "relaxed" algorithm.
// The message must use CRLF line ends (RFC 6376 3.4 is defined on CRLF text); to_crlf() turns
// bare LF into CRLF for callers holding Unix-style files.
// Input: untrusted message bytes. Thread: any. Failure: none; a header line without a colon
// is kept as a field with an empty name, which no h= entry can select.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heron::mailauth::dkim {

enum class Canon { simple, relaxed };

struct HeaderField {
  std::string_view name;  // as written, before the colon (trailing WSP removed)
  std::string_view raw;   // the whole field with its final CRLF, as in the message
};

struct SplitMessage {
  std::vector<HeaderField> fields;  // in message order
  std::string_view body;            // after the empty line; empty when there is none
};

SplitMessage split_message(std::string_view message);
std::string to_crlf(std::string_view text);

// RFC 6376 3.4.1 / 3.4.2 for one header field. `raw` includes its final CRLF; the result
// ends with CRLF too.
std::string canon_header(Canon canon, std::string_view raw);
// RFC 6376 3.4.3 / 3.4.4, including the empty-body rules (simple: "\r\n", relaxed: "").
std::string canon_body(Canon canon, std::string_view body);

// RFC 6376 5.4.2: for each name in `signed_names`, the last not yet used field of that name
// (case-insensitive), walking up; a name with no field left (over-signing) selects nothing.
std::vector<const HeaderField*> select_headers(const std::vector<HeaderField>& fields,
                                               const std::vector<std::string>& signed_names);

}  // namespace heron::mailauth::dkim
