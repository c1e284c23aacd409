#pragma once
// The SMTP DSN extension's parameters (RFC 3461): xtext (4), NOTIFY (4.1), ORCPT (4.2),
// RET (4.3) and ENVID (4.4), parsed from and formatted for the wire.
//
// Heron keeps the decoded forms (an ENVID or ORCPT address as the sender meant it) and
// encodes again when it relays, so the same value never gets encoded twice. NOTIFY is a set
// of bits; the queue stores them as they are defined here. RFC 6533 3.3's utf-8-addr-xtext
// (\x{HEX}) is not produced: a non-ASCII ORCPT address goes out with +XX escapes, which
// RFC 3461 xtext allows for any octet.
// Input: untrusted (parameter values from the network or the command line). Thread: any.
// Failure: std::nullopt for a malformed value; the caller words the 501.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace heron::smtp {

// RFC 3461 4.1 NOTIFY values as bits. 0 means "no NOTIFY given"; kNever excludes the others.
namespace notify {
inline constexpr uint8_t kSuccess = 1;
inline constexpr uint8_t kFailure = 2;
inline constexpr uint8_t kDelay = 4;
inline constexpr uint8_t kNever = 8;
}  // namespace notify

// RFC 3461 4: xtext = *( xchar / hexchar ); xchar is "!".."~" except "+" and "=";
// hexchar is "+" and two UPPERCASE hex digits.
std::string xtext_encode(std::string_view raw);
std::optional<std::string> xtext_decode(std::string_view xtext);

// "NEVER", or a comma-separated list of SUCCESS, FAILURE, DELAY (case-insensitive, no
// repeats). Never 0.
std::optional<uint8_t> parse_notify(std::string_view value);
// "NEVER" or "SUCCESS,FAILURE,DELAY" (in that order); "" for 0.
std::string format_notify(uint8_t bits);

// ORCPT=addr-type ";" xtext, e.g. "rfc822;bob+2Bx@example.org". Returns the decoded form
// "rfc822;bob+x@example.org": the type as given (an RFC 5322 atom) and the address decoded.
std::optional<std::string> parse_orcpt(std::string_view value);
// The wire form of a decoded ORCPT.
std::string format_orcpt(std::string_view decoded);

// ENVID=xtext: at most 100 octets on the wire (RFC 3461 4.4). Returns the decoded value.
std::optional<std::string> parse_envid(std::string_view value);

}  // namespace heron::smtp
