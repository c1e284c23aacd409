#include "mailauth/spf/record.hpp"

#include <boost/asio/ip/address_v6.hpp>

#include "base/strings.hpp"

namespace heron::mailauth::spf {
namespace {

namespace ip = boost::asio::ip;

constexpr std::string_view kVersion = "v=spf1";

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// RFC 7208 12: name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ). Returns its length, 0 if
// `term` does not start with one.
size_t name_length(std::string_view term) {
  if (term.empty() || !is_alpha(term[0])) return 0;
  size_t n = 1;
  while (n < term.size() && (is_alpha(term[n]) || is_digit(term[n]) || term[n] == '-' ||
                             term[n] == '_' || term[n] == '.')) {
    ++n;
  }
  return n;
}

// RFC 7208 12: ip4-cidr-length = "/" ( "0" / %x31-39 0*1DIGIT ), at most 32;
// ip6-cidr-length = "/" ( "0" / %x31-39 0*2DIGIT ), at most 128. `digits` is what follows
// the "/".
std::optional<uint8_t> parse_cidr(std::string_view digits, unsigned max) {
  if (digits.empty() || digits.size() > 3) return std::nullopt;
  if (digits.size() > 1 && digits[0] == '0') return std::nullopt;
  unsigned value = 0;
  for (char c : digits) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > max) return std::nullopt;
  return static_cast<uint8_t>(value);
}

// dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ], `text` starting at the
// first "/".
bool parse_dual_cidr(std::string_view text, Mechanism& m) {
  if (text.empty()) return true;
  if (text[0] != '/') return false;
  text.remove_prefix(1);
  const size_t slash = text.find('/');
  if (slash != 0) {
    const auto v4 = parse_cidr(text.substr(0, slash), 32);
    if (!v4) return false;
    m.cidr4 = *v4;
    if (slash == std::string_view::npos) return true;
    text.remove_prefix(slash);
    if (text.size() < 2 || text[1] != '/') return false;  // "/24/64"
    text.remove_prefix(1);
  }
  // text is now "/" ip6-cidr-length (the second slash of "//").
  if (text.empty() || text[0] != '/') return false;
  const auto v6 = parse_cidr(text.substr(1), 128);
  if (!v6) return false;
  m.cidr6 = *v6;
  return true;
}

// The dual-cidr-length at the end of `text` as written ("/24", "//64", "/24//64"), or "" if
// it does not end in "/" digits. The lengths are checked by parse_dual_cidr().
std::string_view trailing_cidr(std::string_view text) {
  size_t start = text.size();
  auto digits_before = [&text](size_t end) {
    size_t i = end;
    while (i > 0 && is_digit(text[i - 1])) --i;
    return i;
  };
  size_t i = digits_before(start);
  if (i == start || i == 0 || text[i - 1] != '/') return {};
  if (i >= 2 && text[i - 2] == '/') {  // "//digits": the IPv6 length
    start = i - 2;
    i = digits_before(start);
    if (i == start || i == 0 || text[i - 1] != '/') return text.substr(start);
    if (i >= 2 && text[i - 2] == '/') return text.substr(start);
  }
  return text.substr(i - 1);
}

// RFC 7208 12: ip4-network = qnum "." qnum "." qnum "." qnum, qnum a decimal 0-255 written
// without leading zeros.
std::optional<ip::address> parse_ip4(std::string_view text) {
  const auto parts = str::split(text, '.');
  if (parts.size() != 4) return std::nullopt;
  ip::address_v4::bytes_type bytes{};
  for (size_t i = 0; i < 4; ++i) {
    const auto octet = parse_cidr(parts[i], 255);  // same digit rules, at most 255
    if (!octet) return std::nullopt;
    bytes[i] = *octet;
  }
  return ip::address(ip::address_v4(bytes));
}

std::optional<ip::address> parse_ip6(std::string_view text) {
  if (text.empty() || text.find('%') != std::string_view::npos) return std::nullopt;
  boost::system::error_code ec;
  const ip::address_v6 v6 = ip::make_address_v6(std::string(text), ec);
  if (ec) return std::nullopt;
  return ip::address(v6);
}

Result<MacroString> domain_spec(std::string_view text) {
  if (text.empty()) return make_error("empty domain-spec");
  return parse_macro_string(text, MacroKind::domain_spec);
}

Result<Mechanism> parse_mechanism(std::string_view term) {
  Mechanism m;
  m.text = std::string(term);
  if (!term.empty() && std::string_view("+-~?").find(term[0]) != std::string_view::npos) {
    m.qualifier = static_cast<Qualifier>(term[0]);
    term.remove_prefix(1);
  }
  const size_t n = name_length(term);
  if (n == 0) return make_error("malformed term");
  const std::string name = str::to_lower(term.substr(0, n));
  std::string_view rest = term.substr(n);
  // A mechanism name is followed by nothing, ":" or "/" (RFC 7208 12).
  if (!rest.empty() && rest[0] != ':' && rest[0] != '/') return make_error("malformed term");

  if (name == "all") {
    if (!rest.empty()) return make_error("all takes no argument");
    m.kind = MechanismKind::all;
    return m;
  }
  if (name == "include" || name == "exists") {
    m.kind = name == "include" ? MechanismKind::include : MechanismKind::exists;
    if (rest.empty() || rest[0] != ':') return make_error(name + " needs a domain");
    auto spec = domain_spec(rest.substr(1));
    if (!spec) return spec.error();
    m.domain = std::move(*spec);
    return m;
  }
  if (name == "a" || name == "mx" || name == "ptr") {
    m.kind = name == "a" ? MechanismKind::a : name == "mx" ? MechanismKind::mx : MechanismKind::ptr;
    std::string_view cidr;
    if (!rest.empty() && rest[0] == ':') {
      rest.remove_prefix(1);
      // A domain-spec may itself contain "/" (suite: a-colon-domain), so the CIDR lengths
      // are the trailing "/digits" and "//digits" only.
      if (m.kind != MechanismKind::ptr) {
        const size_t split = rest.size() - trailing_cidr(rest).size();
        cidr = rest.substr(split);
        rest = rest.substr(0, split);
      }
      auto spec = domain_spec(rest);
      if (!spec) return spec.error();
      m.domain = std::move(*spec);
    } else {
      cidr = rest;
    }
    if (m.kind == MechanismKind::ptr) {
      if (!cidr.empty()) return make_error("ptr takes no CIDR length");
      return m;
    }
    if (!parse_dual_cidr(cidr, m)) return make_error("invalid CIDR length");
    return m;
  }
  if (name == "ip4" || name == "ip6") {
    if (rest.empty() || rest[0] != ':') return make_error(name + " needs an address");
    rest.remove_prefix(1);
    const size_t slash = rest.find('/');
    const std::string_view addr = rest.substr(0, slash);
    if (name == "ip4") {
      m.kind = MechanismKind::ip4;
      const auto network = parse_ip4(addr);
      if (!network) return make_error("invalid ip4 network");
      m.network = *network;
      if (slash != std::string_view::npos) {
        const auto len = parse_cidr(rest.substr(slash + 1), 32);
        if (!len) return make_error("invalid CIDR length");
        m.cidr4 = *len;
      }
    } else {
      m.kind = MechanismKind::ip6;
      const auto network = parse_ip6(addr);
      if (!network) return make_error("invalid ip6 network");
      m.network = *network;
      if (slash != std::string_view::npos) {
        const auto len = parse_cidr(rest.substr(slash + 1), 128);
        if (!len) return make_error("invalid CIDR length");
        m.cidr6 = *len;
      }
    }
    return m;
  }
  return make_error("unknown mechanism '" + name + "'");
}

}  // namespace

std::string_view mechanism_name(MechanismKind kind) {
  switch (kind) {
    case MechanismKind::all:
      return "all";
    case MechanismKind::include:
      return "include";
    case MechanismKind::a:
      return "a";
    case MechanismKind::mx:
      return "mx";
    case MechanismKind::ptr:
      return "ptr";
    case MechanismKind::ip4:
      return "ip4";
    case MechanismKind::ip6:
      return "ip6";
    case MechanismKind::exists:
      return "exists";
  }
  return "?";
}

bool is_spf_record(std::string_view txt) {
  if (txt.size() < kVersion.size() || !str::istarts_with(txt, kVersion)) return false;
  return txt.size() == kVersion.size() || txt[kVersion.size()] == ' ';
}

Result<Record> parse_record(std::string_view txt) {
  if (!is_spf_record(txt)) return make_error("not an SPF record");
  Record record;
  std::string_view rest = txt.substr(kVersion.size());
  // RFC 7208 4.6.1: terms are separated by one or more SP, and nothing else (3.1: the record
  // is 7-bit ASCII).
  for (char c : rest) {
    if (c != ' ' &&
        (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)) {
      return make_error("invalid character in record");
    }
  }
  for (std::string_view term : str::split(rest, ' ')) {
    if (term.empty()) continue;
    const size_t n = name_length(term);
    if (n != 0 && n < term.size() && term[n] == '=') {
      // RFC 7208 6 and 12: modifier = redirect / explanation / unknown-modifier.
      std::string name = str::to_lower(term.substr(0, n));
      const std::string_view value = term.substr(n + 1);
      if (name == "redirect" || name == "exp") {
        auto& slot = name == "redirect" ? record.redirect : record.exp;
        // RFC 7208 6: each of these modifiers may appear at most once.
        if (slot) return make_error(name + "= given twice");
        auto spec = domain_spec(value);
        if (!spec) return spec.error();
        slot = std::move(*spec);
      } else {
        auto macro = parse_macro_string(value, MacroKind::unknown_modifier);
        if (!macro) return macro.error();
        record.unknown_modifiers.push_back(Modifier{std::move(name), std::move(*macro)});
      }
      continue;
    }
    auto mechanism = parse_mechanism(term);
    if (!mechanism) return mechanism.error();
    record.mechanisms.push_back(std::move(*mechanism));
  }
  return record;
}

}  // namespace heron::mailauth::spf
