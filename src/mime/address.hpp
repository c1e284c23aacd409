#pragma once
// RFC 5322 3.4 address lists (From, To, Cc, ...) as IMAP ENVELOPE needs them (RFC 9051 7.5.2):
// for each address a display name, an obsolete source route (4.4), a mailbox (local part) and
// a host; groups become a start marker carrying the group name and an end marker.
//
// Accepted beyond the strict grammar, as Dovecot and mail readers accept it: RFC 6532 UTF-8 in
// any token; obs-phrase ("Joe Q. Public"), obs-local-part and obs-domain with blanks or comments
// around the dots; a route "<@a,@b:user@host>"; a comment standing in for a missing display name
// ("user@host (Name)"); a group without its ";"; "Name Without Address" (a name, no mailbox) and
// "user" (a mailbox, no host). Where the list stops making sense the parser skips to the next
// "," or ";" and carries on (Dovecot stops at the first error instead). Encoded-words are not
// decoded here: ENVELOPE sends them as they are, and decode_encoded_words() is there for search.
// Input: untrusted header values (folded or unfolded). Thread: any. Failure: none; unusable
// text yields no address.

#include <string>
#include <string_view>
#include <vector>

namespace heron::mime {

struct Address {
  enum class Kind { mailbox, group_start, group_end };

  Kind kind = Kind::mailbox;
  std::string name;     // display name (quotes and quoted-pairs resolved), or the group's name
  std::string route;    // obs-route without its colon: "@a,@b"
  std::string mailbox;  // local part, unquoted; "" when missing
  std::string host;     // domain (a literal keeps its brackets); "" when missing

  bool operator==(const Address&) const = default;
};

std::vector<Address> parse_address_list(std::string_view value);

}  // namespace heron::mime
