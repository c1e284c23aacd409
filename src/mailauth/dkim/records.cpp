// DKIM-Signature and key record parsing. See records.hpp.

#include "mailauth/dkim/records.hpp"

#include <charconv>

#include "base/base64.hpp"
#include "base/strings.hpp"

namespace heron::mailauth::dkim {
namespace {

std::optional<uint64_t> parse_number(std::string_view text) {
  // RFC 6376 3.5: t= and x= are at most 12 digits; l= is 1*76DIGIT. Accept up to 18 digits,
  // which fits in int64 and covers every real value.
  if (text.empty() || text.size() > 18) return std::nullopt;
  uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::vector<std::string> split_colon_list(std::string_view value, bool lower) {
  std::vector<std::string> out;
  for (std::string_view item : str::split(value, ':')) {
    std::string clean = strip_fws(item);
    if (clean.empty()) continue;
    out.push_back(lower ? str::to_lower(clean) : clean);
  }
  return out;
}

}  // namespace

std::string_view algorithm_name(Algorithm algorithm) {
  if (algorithm == Algorithm::ed25519_sha256) return "ed25519-sha256";
  if (algorithm == Algorithm::rsa_sha1) return "rsa-sha1";
  return "rsa-sha256";
}

std::optional<Algorithm> parse_algorithm(std::string_view name) {
  if (str::iequals(name, "rsa-sha256")) return Algorithm::rsa_sha256;
  if (str::iequals(name, "ed25519-sha256")) return Algorithm::ed25519_sha256;
  if (str::iequals(name, "rsa-sha1")) return Algorithm::rsa_sha1;
  return std::nullopt;
}

bool valid_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  for (std::string_view label : str::split(domain, '.')) {
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
      if (!ok) return false;
    }
  }
  return true;
}

Result<Signature> parse_signature(std::string_view value) {
  auto parsed = TagList::parse(value);
  if (!parsed) return parsed.error();
  const TagList& tags = *parsed;
  Signature sig;
  // RFC 6376 3.5: v=, a=, b=, bh=, d=, h=, s= are required.
  for (std::string_view required : {"v", "a", "b", "bh", "d", "h", "s"}) {
    if (!tags.get(required)) return make_error("missing tag " + std::string(required) + "=");
  }
  if (*tags.get("v") != "1")
    return make_error("unsupported version v=" + std::string(*tags.get("v")));

  const std::string a = str::to_lower(*tags.get("a"));
  const auto algorithm = parse_algorithm(a);
  if (!algorithm) return make_error("unknown algorithm a=" + a);
  sig.algorithm = *algorithm;
  sig.algorithm_text = a;

  sig.b_text = strip_fws(*tags.get("b"));
  auto b = base64::decode(sig.b_text);
  if (!b || b->empty()) return make_error("b= is not base64");
  sig.signature = std::move(*b);
  auto bh = base64::decode(strip_fws(*tags.get("bh")));
  if (!bh || bh->empty()) return make_error("bh= is not base64");
  sig.body_hash = std::move(*bh);

  if (auto c = tags.get("c")) {
    const std::string text = str::to_lower(strip_fws(*c));
    const size_t slash = text.find('/');
    const std::string header = text.substr(0, slash);
    const std::string body = slash == std::string::npos ? "simple" : text.substr(slash + 1);
    auto to_canon = [](const std::string& name) -> std::optional<Canon> {
      if (name == "simple") return Canon::simple;
      if (name == "relaxed") return Canon::relaxed;
      return std::nullopt;
    };
    const auto hc = to_canon(header);
    const auto bc = to_canon(body);
    if (!hc || !bc) return make_error("unknown canonicalization c=" + text);
    sig.header_canon = *hc;
    sig.body_canon = *bc;
  }

  sig.domain = str::to_lower(strip_fws(*tags.get("d")));
  if (!valid_domain(sig.domain)) return make_error("invalid d= domain");
  sig.selector = str::to_lower(strip_fws(*tags.get("s")));
  if (!valid_domain(sig.selector)) return make_error("invalid s= selector");

  if (auto i = tags.get("i")) {
    sig.identity = strip_fws(*i);
    const size_t at = sig.identity.rfind('@');
    if (at == std::string::npos) return make_error("i= has no @");
    const std::string i_domain = str::to_lower(sig.identity.substr(at + 1));
    // RFC 6376 3.5 i=: the domain must be the same as or a subdomain of d=.
    const bool same = i_domain == sig.domain;
    const bool sub =
        i_domain.size() > sig.domain.size() &&
        i_domain.compare(i_domain.size() - sig.domain.size(), std::string::npos, sig.domain) == 0 &&
        i_domain[i_domain.size() - sig.domain.size() - 1] == '.';
    if (!same && !sub) return make_error("i= domain is not within d=");
  } else {
    sig.identity = "@" + sig.domain;
  }

  sig.signed_headers = split_colon_list(*tags.get("h"), false);
  bool has_from = false;
  for (const std::string& name : sig.signed_headers)
    has_from = has_from || str::iequals(name, "from");
  // RFC 6376 5.4: From must be signed.
  if (!has_from) return make_error("h= does not include From");

  if (auto l = tags.get("l")) {
    sig.body_length = parse_number(strip_fws(*l));
    if (!sig.body_length) return make_error("invalid l=");
  }
  if (auto q = tags.get("q")) {
    bool dns = false;
    for (const std::string& method : split_colon_list(*q, true))
      dns = dns || method == "dns/txt" || method == "dns";
    if (!dns) return make_error("no supported query method in q=");
  }
  if (auto t = tags.get("t")) {
    const auto n = parse_number(strip_fws(*t));
    if (!n) return make_error("invalid t=");
    sig.timestamp = static_cast<int64_t>(*n);
  }
  if (auto x = tags.get("x")) {
    const auto n = parse_number(strip_fws(*x));
    if (!n) return make_error("invalid x=");
    sig.expiration = static_cast<int64_t>(*n);
    // RFC 6376 3.5 x=: must be greater than t= when both are present.
    if (sig.timestamp && *sig.expiration <= *sig.timestamp) return make_error("x= is not after t=");
  }
  return sig;
}

Result<KeyRecord> parse_key_record(std::string_view text) {
  auto parsed = TagList::parse(text);
  if (!parsed) return parsed.error();
  const TagList& tags = *parsed;
  KeyRecord key;
  // RFC 6376 3.6.1 v=: if present it must be first and exactly "DKIM1".
  if (auto v = tags.get("v")) {
    if (*v != "DKIM1" || tags.tags().front().name != "v")
      return make_error("invalid key record v=");
  }
  if (auto k = tags.get("k")) {
    const std::string type = str::to_lower(strip_fws(*k));
    if (type == "rsa") {
      key.type = KeyType::rsa;
    } else if (type == "ed25519") {
      key.type = KeyType::ed25519;
    } else {
      return make_error("unknown key type k=" + type);
    }
  }
  const auto p = tags.get("p");
  if (!p) return make_error("key record without p=");
  const std::string p_text = strip_fws(*p);
  if (!p_text.empty()) {
    auto decoded = base64::decode(p_text);
    if (!decoded || decoded->empty()) return make_error("p= is not base64");
    key.public_key = std::move(*decoded);
  }
  if (auto h = tags.get("h")) key.hashes = split_colon_list(*h, true);
  if (auto s = tags.get("s")) {
    key.email_service = false;
    for (const std::string& service : split_colon_list(*s, true)) {
      key.email_service = key.email_service || service == "*" || service == "email";
    }
  }
  if (auto t = tags.get("t")) {
    for (const std::string& flag : split_colon_list(*t, true)) {
      if (flag == "y") key.testing = true;
      if (flag == "s") key.strict_identity = true;
    }
  }
  return key;
}

}  // namespace heron::mailauth::dkim
