#pragma once
// A store error as an IMAP NO with its response code (RFC 5530), for the mailbox commands.
// Thread: any. Failure: none.

#include <string>

#include "base/result.hpp"

namespace heron::server::imap {

// "[ALREADYEXISTS] ...", "[NONEXISTENT] ...", "[CANNOT] ...", "[USEATTR] ...",
// "[SERVERBUG] ..." (anything unexpected; the caller logs it).
std::string no_text(const Error& error);
bool unexpected(const Error& error);

}  // namespace heron::server::imap
