#pragma once
// Which names LIST and LSUB return, with which attributes (RFC 9051 6.3.9, RFC 3501 6.3.8/6.3.9,
// RFC 5258 LIST-EXTENDED, RFC 6154 SPECIAL-USE, RFC 3348 CHILDREN). Pure logic over the
// account's mailboxes and subscriptions; the session encodes the result (mUTF-7 or UTF-8).
//
// Heron's hierarchy: '/' separates levels and every existing mailbox can hold messages, so no
// mailbox is \Noselect. A level that exists only as the parent of others ("a" when only "a/b"
// exists, after a DELETE of "a") is listed where a pattern matches it, as \NonExistent with
// LIST-EXTENDED and as \Noselect otherwise, so that clients can walk the tree with "%".
// INBOX matches case-insensitively. Thread: any. Failure: none.

#include <string>
#include <string_view>
#include <vector>

#include "store/types.hpp"

namespace heron::server::imap {

struct ListQuery {
  std::string reference;              // as given, already decoded to UTF-8
  std::vector<std::string> patterns;  // one or more (RFC 5258 allows a list), UTF-8
  // RFC 5258 selection options.
  bool select_subscribed = false;
  bool select_special_use = false;  // RFC 6154 5.1
  bool recursive_match = false;
  // Return options: which attributes to add. \HasChildren/\HasNoChildren and the special-use
  // attribute are always sent (as Dovecot does); these ask for more.
  bool return_subscribed = false;
  bool extended = false;  // a LIST-EXTENDED form was used: \NonExistent instead of \Noselect
  bool lsub = false;      // LSUB: subscribed names, \Noselect for those that do not exist
};

struct ListEntry {
  std::string name;                     // UTF-8
  std::vector<std::string> attributes;  // "\HasNoChildren", "\Sent", "\Subscribed", ...
  bool selectable = false;              // an existing mailbox (STATUS can be asked of it)
  bool child_subscribed = false;        // RFC 5258 CHILDINFO ("SUBSCRIBED")
};

// Entries in name order, INBOX first. An empty pattern is the RFC 9051 special case and gives
// one entry with an empty name and \Noselect: the root and the delimiter.
std::vector<ListEntry> list_mailboxes(const ListQuery& query,
                                      const std::vector<store::Mailbox>& mailboxes,
                                      const std::vector<std::string>& subscriptions);

// "*" and "%" matching of a LIST pattern against a name with '/' as the delimiter, INBOX
// case-insensitively (RFC 9051 6.3.9). Linear in practice: no exponential backtracking.
bool list_matches(std::string_view pattern, std::string_view name);

}  // namespace heron::server::imap
