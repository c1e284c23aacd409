#pragma once
// SEARCH keys (proto/imap/search.hpp) against one message (RFC 9051 6.4.4). Text keys match
// case-insensitively (ASCII folding) as substrings of the decoded text: header fields with
// their encoded words decoded (RFC 2047), bodies with their transfer encoding and charset
// undone (mime/part_text.hpp). SENTBEFORE/SENTON/SENTSINCE use the Date field's day, ignoring
// time and zone; BEFORE/ON/SINCE use the internal date's day (UTC).
// Thread: any. Failure: none (an unreadable message matches no text key).

#include <cstdint>
#include <string>

#include "mime/structure.hpp"
#include "proto/imap/search.hpp"
#include "server/imap/mailbox_view.hpp"

namespace heron::server::imap {

// Whether any key needs the message bytes (header, body or sent-date keys).
bool search_needs_bytes(const proto::imap::SearchKey& key);

struct SearchSubject {
  uint32_t msn = 0;
  const MailboxView::Entry* entry = nullptr;
  uint32_t max_msn = 0;                  // what "*" means in a message number set
  uint32_t max_uid = 0;                  // ... and in a UID set
  bool rev2 = false;                     // \Recent does not exist in IMAP4rev2
  bool recent = false;                   // \Recent for this session
  const std::string* message = nullptr;  // null: not loaded or unreadable
  const mime::Structure* structure = nullptr;
};

bool search_matches(const proto::imap::SearchKey& key, const SearchSubject& subject);

// ASCII case-insensitive substring search; an empty needle matches.
bool contains_folded(std::string_view haystack, std::string_view needle);

}  // namespace heron::server::imap
