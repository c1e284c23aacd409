#pragma once
// Pieces of the command parser shared by its files (parse*.cpp). Internal. Each returns false
// (or nullopt) and sets `error` on bad syntax.

#include <optional>
#include <string>

#include "proto/imap/command.hpp"
#include "proto/imap/cursor.hpp"

namespace heron::proto::imap::detail {

struct Failure {
  std::string message;
  bool bad_charset = false;
};

std::optional<SequenceSet> sequence_set(Cursor& c);
bool fetch_items(Cursor& c, Command& out, Failure& error);
bool search_program(Cursor& c, Command& out, Failure& error);
bool list_args(Cursor& c, Command& out, Failure& error);
bool status_items(Cursor& c, std::vector<std::string>& out, Failure& error);
bool append_args(Cursor& c, Command& out, Failure& error);
// "(" flag *(SP flag) ")" or empty "()"; \Recent is refused when no_recent.
bool flag_list(Cursor& c, std::vector<std::string>& out, bool no_recent, Failure& error);

}  // namespace heron::proto::imap::detail
