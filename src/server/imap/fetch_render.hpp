#pragma once
// One "* n FETCH (...)" response: the data items of one message (RFC 9051 7.5.2), from its
// view entry and, when an item needs them, its bytes and MIME structure.
// Thread: any. Failure: a Status the command turns into its tagged answer.

#include <cstdint>
#include <string>
#include <vector>

#include "mime/structure.hpp"
#include "proto/imap/command.hpp"
#include "server/imap/mailbox_view.hpp"
#include "server/imap/summary_cache.hpp"

namespace heron::server::imap {

struct FetchOptions {
  bool utf8 = false;       // UTF8=ACCEPT: strings may carry UTF-8
  bool recent = false;     // add \Recent to FLAGS (rev1 sessions holding it)
  bool add_flags = false;  // \Seen was just set implicitly: FLAGS must be sent (RFC 9051 6.4.5)
  bool add_uid = false;    // UID FETCH: UID must be sent
  bool add_modseq = false;
};

// Whether any item needs ENVELOPE, BODY or BODYSTRUCTURE (a Summary).
bool fetch_needs_summary(const std::vector<proto::imap::FetchItem>& items);
// Whether any item needs the message bytes themselves (sections, sizes, RFC822...).
bool fetch_needs_contents(const std::vector<proto::imap::FetchItem>& items);
// Whether any item sets \Seen when fetched (BODY[...] without PEEK, RFC822, RFC822.TEXT,
// BINARY[...]).
bool fetch_sets_seen(const std::vector<proto::imap::FetchItem>& items);

struct FetchLine {
  std::string text;          // the whole response line, CRLF included
  bool unknown_cte = false;  // a BINARY item met an encoding it cannot undo
};

// `message` and `structure` may be null when fetch_needs_contents() is false, `summary` when
// fetch_needs_summary() is.
FetchLine render_fetch(uint32_t msn, const MailboxView::Entry& entry, const std::string* message,
                       const mime::Structure* structure, const Summary* summary,
                       const std::vector<proto::imap::FetchItem>& items, const FetchOptions& o);

}  // namespace heron::server::imap
