#pragma once
// Record data (RDATA) in wire format -> typed records, one function per type.
//
// RFC 1035 3.3 (CNAME, MX, PTR, TXT), 3.4.1 (A), RFC 3596 2.2 (AAAA), RFC 6698 2.1 (TLSA),
// RFC 7505 3 (null MX: preference 0, exchange "."). Each function takes one record's RDATA
// exactly as libunbound hands it over (ub_result::data[i], without the RDLENGTH prefix) and
// checks that the lengths inside it add up to the whole: a short, long or inconsistent record
// gives nullopt instead of a guess.
// Input: untrusted (DNS answers come from the network). Thread: any. Failure: std::nullopt.

#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/ip/address.hpp>

#include "dns/resolver.hpp"

namespace heron::dns {

// RR type codes (IANA "Resource Record (RR) TYPEs").
enum class RrType : int {
  a = 1,
  cname = 5,
  ptr = 12,
  mx = 15,
  txt = 16,
  aaaa = 28,
  tlsa = 52,
};

std::string_view rr_type_name(RrType type);  // "A", "MX", ...
// "mx", "MX" -> RrType::mx; nullopt for a type this resolver does not ask.
std::optional<RrType> parse_rr_type(std::string_view name);

std::optional<boost::asio::ip::address> parse_a(std::string_view rdata);
std::optional<boost::asio::ip::address> parse_aaaa(std::string_view rdata);
// PTR and CNAME both hold one name; it is returned lowercase, without the trailing dot.
std::optional<std::string> parse_name_rdata(std::string_view rdata);
std::optional<MxRecord> parse_mx(std::string_view rdata);
// The record's character-strings concatenated without separators (RFC 7208 3.3, RFC 6376
// 3.6.2.2). A record of no strings at all reads as "".
std::optional<std::string> parse_txt(std::string_view rdata);
std::optional<TlsaRecord> parse_tlsa(std::string_view rdata);

}  // namespace heron::dns
