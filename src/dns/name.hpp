#pragma once
// Domain names on their way into and out of the resolver.
//
// query_name() checks and normalises a name before it is sent: RFC 1035 2.3.4 limits (labels
// of 1-63 octets, 253 characters in text form, which is 255 octets on the wire), no empty
// labels, lowercase, one trailing dot removed. Only printable ASCII other than the backslash
// passes: internationalised names must arrive as A-labels (RFC 5890), and a backslash would
// be read as an escape by libunbound's text parser, asking a different name than we checked.
// reverse_name() builds the PTR owner name for an address (RFC 1035 3.5, RFC 3596 2.5).
// wire_name() reads an uncompressed wire-format name out of record data (RFC 1035 3.1).
// Input: untrusted (names from SMTP commands, headers and DNS answers). Thread: any.
// Failure: std::nullopt; nothing throws.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/ip/address.hpp>

namespace heron::dns {

// "Mail.Example.COM." -> "mail.example.com"; nullopt for "", ".", "a..b", a label of 64
// octets, a name of 254 characters, or a byte outside 0x21-0x7e or a backslash.
std::optional<std::string> query_name(std::string_view name);

// 192.0.2.1 -> "1.2.0.192.in-addr.arpa"; 2001:db8::1 -> "1.0.0. ... .8.b.d.0.1.0.0.2.ip6.arpa".
// An IPv4-mapped IPv6 address (::ffff:192.0.2.1, what a dual-stack socket reports) gets the
// IPv4 name, since that is where its PTR records live.
std::string reverse_name(const boost::asio::ip::address& address);

// Reads the name starting at data[pos] in wire format and advances pos past it. The text form
// is lowercase without the trailing dot ("" for the root), with '.', '\' and bytes outside
// 0x21-0x7e written as \DDD (RFC 1035 5.1), so a hostile label cannot smuggle a dot or a
// control character into a log line or a later lookup. nullopt if the name runs past the
// data, has a label over 63 octets, is over 255 octets, or uses a compression pointer (record
// data handed over by libunbound is always uncompressed).
std::optional<std::string> wire_name(std::string_view data, size_t& pos);

}  // namespace heron::dns
