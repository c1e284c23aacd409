#pragma once
// SEARCH keys (RFC 9051 6.4.4, RFC 3501 6.4.4, RFC 7162 MODSEQ) as a tree. A command's keys
// are an implicit AND: the root is Kind::all_of with the keys as children.
// Thread: any. Failure: none (the parser builds only valid trees).

#include <cstdint>
#include <string>
#include <vector>

#include "proto/imap/sequence_set.hpp"

namespace heron::proto::imap {

struct SearchKey {
  enum class Kind {
    all_of,  // children, all must match (a parenthesised list, and the root)
    any_of,  // OR a b: children[0] or children[1]
    not_,    // NOT a: children[0]
    all,
    sequence,  // a message number set: `set`
    uid,       // UID set: `set`
    // flags
    answered,
    deleted,
    draft,
    flagged,
    seen,
    recent,
    new_,
    old,
    unanswered,
    undeleted,
    undraft,
    unflagged,
    unseen,
    keyword,
    unkeyword,  // `text` is the keyword
    // internal date and Date: header (`date` is a Unix day start, UTC)
    before,
    on,
    since,
    sentbefore,
    senton,
    sentsince,
    // sizes (`number`)
    larger,
    smaller,
    // text (`text`; header fields in `field`)
    bcc,
    body,
    cc,
    from,
    header,
    subject,
    text,
    to,
    modseq,  // RFC 7162: `number`
  };
  Kind kind = Kind::all;
  SequenceSet set;
  std::string field;
  std::string text;
  int64_t date = 0;
  uint64_t number = 0;
  std::vector<SearchKey> children;
};

}  // namespace heron::proto::imap
