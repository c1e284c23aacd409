#include "server/imap/store_errors.hpp"

#include <cerrno>

namespace heron::server::imap {

bool unexpected(const Error& error) {
  const int c = error.code;
  return c != EEXIST && c != ENOENT && c != EINVAL && c != EPERM && c != EOPNOTSUPP;
}

std::string no_text(const Error& error) {
  switch (error.code) {
    case EEXIST:
      return "[ALREADYEXISTS] Mailbox already exists";
    case ENOENT:
      return "[NONEXISTENT] No such mailbox";
    case EINVAL:
      return "[CANNOT] Invalid mailbox name";
    case EPERM:
      return "[CANNOT] Not allowed for this mailbox";
    case EOPNOTSUPP:
      return "[USEATTR] Unsupported special use";
    default:
      return "[SERVERBUG] Internal error";
  }
}

}  // namespace heron::server::imap
