#pragma once
// The IMAP command AST and its parser (RFC 9051 6 and 9, RFC 3501 6, with the extensions
// Heron announces: LITERAL+, SASL-IR, ID, ENABLE, IDLE, NAMESPACE, UNSELECT, UIDPLUS, MOVE,
// SPECIAL-USE (CREATE USE), LIST-EXTENDED, LIST-STATUS, ESEARCH, STATUS=SIZE, BINARY,
// CONDSTORE (FETCH CHANGEDSINCE, STORE UNCHANGEDSINCE, SEARCH MODSEQ), MULTIAPPEND).
//
// A Command is a flat record: the fields a command does not use stay empty. Command names and
// keywords are case-insensitive and come out uppercase. Strings come out as octets: mailbox
// names are NOT decoded from modified UTF-7 here (that depends on the session's UTF8=ACCEPT),
// nor is INBOX folded. Sequence sets keep "*" and "$" symbolic (sequence_set.hpp).
// Input: untrusted, from the reader (reader.hpp). Thread: any. Failure: ParseError with the tag
// when one was read, for a tagged BAD (or NO [BADCHARSET]).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "proto/imap/reader.hpp"
#include "proto/imap/search.hpp"
#include "proto/imap/section.hpp"
#include "proto/imap/sequence_set.hpp"

namespace heron::proto::imap {

// One FETCH data item (RFC 9051 6.4.5).
struct FetchItem {
  enum class Kind {
    flags,
    internaldate,
    rfc822_size,
    envelope,
    body,  // BODY (non-extensible BODYSTRUCTURE)
    bodystructure,
    uid,
    modseq,         // RFC 7162
    rfc822,         // = BODY[] (sets \Seen)
    rfc822_header,  // = BODY.PEEK[HEADER]
    rfc822_text,    // = BODY[TEXT]
    body_section,   // BODY[...] / BODY.PEEK[...]
    binary,         // BINARY[...] / BINARY.PEEK[...] (RFC 3516)
    binary_size,    // BINARY.SIZE[...]
  };
  Kind kind = Kind::flags;
  bool peek = false;
  Section section;           // body_section; for binary(_size), section.part only
  std::string section_text;  // the text between the brackets, as the client wrote it
  std::optional<Partial> partial;

  bool operator==(const FetchItem&) const = default;
};

struct AppendMessage {
  std::vector<std::string> flags;
  std::optional<int64_t> internal_date;  // Unix time
  std::string body;
  bool binary = false;  // sent as literal8 (RFC 3516 4.4)
};

enum class StoreMode { replace, add, remove };

struct Command {
  std::string tag;
  std::string name;  // uppercase, "UID" folded into `uid`: "FETCH" with uid = true
  bool uid = false;

  // LOGIN
  std::string user;
  std::string password;
  // AUTHENTICATE (SASL-IR: initial_response "=" means empty, RFC 4959)
  std::string mechanism;
  std::optional<std::string> initial_response;
  // ENABLE capabilities, uppercase
  std::vector<std::string> capabilities;
  // ID parameters (RFC 2971); id_nil for "ID NIL"
  std::vector<std::pair<std::string, std::optional<std::string>>> id_params;
  bool id_nil = false;

  // SELECT/EXAMINE/CREATE/DELETE/SUBSCRIBE/UNSUBSCRIBE/STATUS/APPEND: the mailbox;
  // RENAME: from; COPY/MOVE: the destination.
  std::string mailbox;
  std::string new_name;     // RENAME's destination
  bool condstore = false;   // SELECT/EXAMINE (CONDSTORE), RFC 7162 3.1.8
  std::string special_use;  // CREATE ... (USE (\Sent)), RFC 6154 5.1

  // LIST / LSUB
  std::string reference;
  std::vector<std::string> patterns;
  bool list_extended = false;  // selection or return options were given (RFC 5258)
  bool select_subscribed = false;
  bool select_remote = false;
  bool select_recursive = false;
  bool select_special_use = false;
  bool return_subscribed = false;
  bool return_children = false;
  bool return_special_use = false;
  std::vector<std::string> status_items;  // STATUS, and LIST RETURN (STATUS (...)), uppercase
  bool return_status = false;

  // APPEND (MULTIAPPEND: one or more)
  std::vector<AppendMessage> messages;

  // FETCH / STORE / COPY / MOVE / UID EXPUNGE / SEARCH's sequence set
  SequenceSet set;
  std::vector<FetchItem> fetch;
  uint64_t changed_since = 0;  // FETCH (CHANGEDSINCE n)
  StoreMode store_mode = StoreMode::replace;
  bool silent = false;
  std::vector<std::string> flags;
  uint64_t unchanged_since = 0;  // STORE (UNCHANGEDSINCE n); 0: not given
  bool has_unchanged_since = false;

  // SEARCH
  SearchKey search;
  bool search_return = false;  // RETURN (...) given: answer with ESEARCH (RFC 4731)
  bool return_min = false, return_max = false, return_all = false, return_count = false,
       return_save = false;
};

struct ParseError {
  std::string tag;  // empty when none could be read: "* BAD"
  std::string message;
  bool bad_charset = false;  // SEARCH CHARSET we do not know: NO [BADCHARSET ...]
};

// Parses one command. ParseError carries what the BAD should say.
struct ParseResult {
  std::optional<Command> command;
  ParseError error;
  explicit operator bool() const { return command.has_value(); }
  Command& operator*() { return *command; }
  Command* operator->() { return &*command; }
};
ParseResult parse(const RawCommand& raw);

}  // namespace heron::proto::imap
