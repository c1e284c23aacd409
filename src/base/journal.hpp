#pragma once
// journald's native protocol (systemd.journal-fields(7), "Native Journal Protocol"): one
// datagram per entry on /run/systemd/journal/socket, written here rather than through
// libsystemd so the binary has no extra dependency.
//
// A datagram is a list of fields. A value without a line feed is "KEY=value\n"; one with a
// line feed is "KEY\n", its length as 64-bit little endian, the bytes, then "\n". Keys are
// upper-case letters, digits and '_', not starting with '_' (those are trusted fields the
// journal sets itself), at most 64 characters; encode_field() maps any other key to that form.
// Input: log fields, which may carry peer-controlled values; the length-prefixed form keeps a
// value from forging fields. Thread: any; send() uses one socket guarded by a mutex.
// Failure: send() returns false (the caller falls back to stderr).

#include <string>
#include <string_view>

namespace heron::journal {

// "smtp.rcpt" -> "SMTP_RCPT"; "" or a leading digit/underscore gets an "F" prefix.
std::string field_name(std::string_view key);
// Appends one field in the native format.
void encode_field(std::string& out, std::string_view key, std::string_view value);
// Sends one datagram; false when the journal is not reachable or refused it.
bool send(std::string_view datagram);

}  // namespace heron::journal
