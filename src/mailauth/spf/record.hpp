#pragma once
// SPF records (RFC 7208 4.5, 4.6, 5, 6, 12): recognising a "v=spf1" TXT record and parsing it
// into mechanisms and modifiers, with no I/O.
//
// The whole record is parsed before evaluation starts: a syntax error anywhere (an unknown
// mechanism, a bad CIDR length, a malformed macro, redirect= or exp= given twice, a byte
// outside printable ASCII, a separator other than SP) makes the record invalid, and
// check_host() answers permerror (RFC 7208 4.6). Names (mechanisms, modifiers, "v=spf1") are
// case-insensitive. Unknown modifiers are kept by name but otherwise ignored (6).
// Input: untrusted (DNS TXT data). Thread: any. Failure: Result errors with a short reason;
// nothing throws.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "base/result.hpp"
#include "mailauth/spf/macro.hpp"

namespace heron::mailauth::spf {

// RFC 7208 4.6.2: the result a matching mechanism gives.
enum class Qualifier : char { pass = '+', fail = '-', softfail = '~', neutral = '?' };

enum class MechanismKind { all, include, a, mx, ptr, ip4, ip6, exists };

std::string_view mechanism_name(MechanismKind kind);

struct Mechanism {
  Qualifier qualifier = Qualifier::pass;
  MechanismKind kind = MechanismKind::all;
  // include, exists: required; a, mx, ptr: optional (absent = the current <domain>).
  std::optional<MacroString> domain;
  boost::asio::ip::address network;  // ip4, ip6
  // a, mx (dual-cidr-length), ip4 (cidr4), ip6 (cidr6). Defaults: the whole address.
  uint8_t cidr4 = 32;
  uint8_t cidr6 = 128;
  std::string text;  // the term as written, for logs and Received-SPF

  bool operator==(const Mechanism&) const = default;
};

struct Modifier {
  std::string name;  // lowercase
  MacroString value;

  bool operator==(const Modifier&) const = default;
};

struct Record {
  std::vector<Mechanism> mechanisms;  // in order
  std::optional<MacroString> redirect;
  std::optional<MacroString> exp;
  std::vector<Modifier> unknown_modifiers;

  bool operator==(const Record&) const = default;
};

// RFC 7208 4.5: a TXT record is an SPF record if it is exactly "v=spf1" or starts with
// "v=spf1 " (case-insensitive). Other records at the name are ignored.
bool is_spf_record(std::string_view txt);

// Parses a record that is_spf_record() accepted.
Result<Record> parse_record(std::string_view txt);

}  // namespace heron::mailauth::spf
