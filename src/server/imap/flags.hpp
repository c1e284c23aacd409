#pragma once
// Flag lists as IMAP sends them: "(\Seen $Label1)", with \Recent added for the session that
// holds it (RFC 3501 2.3.2). The flags PERMANENTFLAGS and FLAGS announce at SELECT.
// Thread: any. Failure: none.

#include <string>
#include <vector>

namespace heron::server::imap {

std::string flag_list(const std::vector<std::string>& flags, bool recent);

// RFC 9051 7.1 / 6.3.1: the system flags, for "* FLAGS (...)".
constexpr const char* kSystemFlags = "(\\Answered \\Flagged \\Deleted \\Seen \\Draft)";
// "[PERMANENTFLAGS (... \*)]": every system flag is kept, and new keywords may be made.
constexpr const char* kPermanentFlags = "(\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)";

}  // namespace heron::server::imap
