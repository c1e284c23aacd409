#pragma once
// The STATUS data of a mailbox (RFC 9051 6.3.11, RFC 8438 SIZE, RFC 7162 HIGHESTMODSEQ), for
// STATUS and LIST RETURN (STATUS ...) (RFC 5819). Thread: any. Failure: none.

#include <string>
#include <vector>

#include "store/types.hpp"

namespace heron::server::imap {

// "(MESSAGES 3 UNSEEN 1)" for the items asked, in the order asked. `messages` is the
// mailbox's message list, needed for UNSEEN, DELETED and RECENT only.
std::string status_data(const store::Mailbox& mailbox, const std::vector<store::Message>& messages,
                        const std::vector<std::string>& items);
// Whether the items need the message list.
bool status_needs_messages(const std::vector<std::string>& items);

}  // namespace heron::server::imap
