// DKIM verification. See verify.hpp for the policy choices.

#include "mailauth/dkim/verify.hpp"

#include "base/crypto.hpp"
#include "base/log.hpp"
#include "base/metrics.hpp"
#include "base/strings.hpp"
#include "mailauth/auth_results.hpp"
#include "mailauth/dkim/keys.hpp"

namespace heron::mailauth::dkim {
namespace {

SignatureResult with_status(SignatureResult result, Status status, std::string reason) {
  result.status = status;
  result.reason = std::move(reason);
  return result;
}

std::string_view field_value(std::string_view raw) {
  const size_t colon = raw.find(':');
  std::string_view value =
      colon == std::string_view::npos ? std::string_view() : raw.substr(colon + 1);
  if (value.ends_with("\r\n")) value.remove_suffix(2);
  return value;
}

void record(const SignatureResult& result) {
  metrics::inc("heron_dkim_results_total", "result", status_name(result.status));
  if (result.status != Status::pass) {
    log::info("dkim.result", {{"result", status_name(result.status)},
                              {"reason", result.reason},
                              {"domain", result.domain},
                              {"selector", result.selector}});
  }
}

}  // namespace

std::string_view status_name(Status status) {
  switch (status) {
    case Status::pass:
      return "pass";
    case Status::fail:
      return "fail";
    case Status::neutral:
      return "neutral";
    case Status::temperror:
      return "temperror";
    case Status::permerror:
      return "permerror";
    case Status::policy:
      return "policy";
  }
  return "permerror";
}

std::string SignatureResult::auth_results() const {
  std::string out = "dkim=";
  out += status_name(status);
  if (!reason.empty()) out += " " + comment(reason);
  if (!domain.empty()) out += " header.d=" + ptype_value(domain);
  if (!identity.empty()) out += " header.i=" + ptype_value(identity);
  if (!selector.empty()) out += " header.s=" + ptype_value(selector);
  if (!algorithm.empty()) out += " header.a=" + ptype_value(algorithm);
  if (!header_b.empty()) out += " header.b=" + ptype_value(header_b);
  return out;
}

Prepared prepare(std::string_view message) {
  Prepared prepared;
  prepared.message = split_message(message);
  for (const HeaderField& field : prepared.message.fields) {
    if (str::iequals(field.name, "DKIM-Signature")) prepared.signature_fields.push_back(&field);
  }
  for (size_t i = 0; i < prepared.signature_fields.size(); ++i) {
    PendingSignature pending;
    if (i >= kMaxSignatures) {
      pending.result = with_status({}, Status::neutral, "too many signatures, not evaluated");
      prepared.pending.push_back(std::move(pending));
      continue;
    }
    auto parsed = parse_signature(field_value(prepared.signature_fields[i]->raw));
    if (!parsed) {
      pending.result = with_status({}, Status::permerror, parsed.error().message);
      // Report what can be read from a broken signature, for the A-R field.
      if (auto tags = TagList::parse(field_value(prepared.signature_fields[i]->raw))) {
        if (auto d = tags->get("d"); d && valid_domain(strip_fws(*d)))
          pending.result.domain = str::to_lower(strip_fws(*d));
        if (auto s = tags->get("s"); s && valid_domain(strip_fws(*s)))
          pending.result.selector = str::to_lower(strip_fws(*s));
      }
      prepared.pending.push_back(std::move(pending));
      continue;
    }
    const Signature& sig = *parsed;
    pending.result.domain = sig.domain;
    pending.result.selector = sig.selector;
    pending.result.identity = sig.identity;
    pending.result.algorithm = sig.algorithm_text;
    pending.result.header_b = sig.b_text.substr(0, 8);
    pending.key_name = sig.selector + "._domainkey." + sig.domain;
    pending.signature = std::move(*parsed);
    prepared.pending.push_back(std::move(pending));
  }
  return prepared;
}

SignatureResult finish(const Prepared& prepared, size_t index,
                       const dns::Answer<std::string>& answer, int64_t now) {
  const PendingSignature& pending = prepared.pending[index];
  if (!pending.signature) return pending.result;
  const Signature& sig = *pending.signature;
  SignatureResult result = pending.result;

  // RFC 8301 3.1: rsa-sha1 signatures are never valid.
  if (sig.algorithm == Algorithm::rsa_sha1)
    return with_status(result, Status::fail, "rsa-sha1 is not accepted");
  // RFC 6376 3.5 x= and t=.
  if (sig.expiration && *sig.expiration < now)
    return with_status(result, Status::policy, "signature expired");
  if (sig.timestamp && *sig.timestamp > now + kClockSkew) {
    return with_status(result, Status::policy, "signature timestamp in the future");
  }

  // RFC 6376 6.1.2: key lookup results.
  if (answer.status == dns::Status::temp_fail)
    return with_status(result, Status::temperror, "key lookup failed");
  if (answer.status != dns::Status::ok || answer.records.empty()) {
    return with_status(result, Status::permerror, "no key for signature");
  }
  Result<KeyRecord> key_record = parse_key_record(answer.records.front());
  for (size_t i = 1; !key_record && i < answer.records.size(); ++i)
    key_record = parse_key_record(answer.records[i]);
  if (!key_record)
    return with_status(result, Status::permerror, "bad key record: " + key_record.error().message);
  const KeyRecord& key = *key_record;
  result.testing = key.testing;
  if (key.public_key.empty()) return with_status(result, Status::permerror, "key revoked");
  if (!key.email_service)
    return with_status(result, Status::permerror, "key not for email service");
  const KeyType wanted =
      sig.algorithm == Algorithm::ed25519_sha256 ? KeyType::ed25519 : KeyType::rsa;
  if (key.type != wanted)
    return with_status(result, Status::permerror, "key type does not match algorithm");
  if (!key.hashes.empty()) {
    bool allowed = false;
    for (const std::string& hash : key.hashes) allowed = allowed || hash == "sha256";
    if (!allowed) return with_status(result, Status::permerror, "key does not allow sha256");
  }
  if (key.strict_identity) {
    const std::string i_domain = str::to_lower(sig.identity.substr(sig.identity.rfind('@') + 1));
    if (i_domain != sig.domain)
      return with_status(result, Status::permerror, "key requires i= domain equal to d=");
  }
  auto public_key = load_public_key(key.type, key.public_key);
  if (!public_key) return with_status(result, Status::permerror, public_key.error().message);
  // RFC 8301 3.2: verifiers must not accept RSA keys under 1024 bits.
  if (key.type == KeyType::rsa && key_bits(*public_key) < 1024) {
    return with_status(result, Status::fail, "rsa key shorter than 1024 bits");
  }

  // RFC 6376 3.7 body hash, with l= (3.5).
  std::string body = canon_body(sig.body_canon, prepared.message.body);
  if (sig.body_length) {
    if (*sig.body_length > body.size())
      return with_status(result, Status::permerror, "l= longer than body");
    body.resize(static_cast<size_t>(*sig.body_length));
  }
  if (crypto::sha256(body) != sig.body_hash)
    return with_status(result, Status::fail, "body hash mismatch");

  // RFC 6376 3.7 header hash: the selected fields, then this DKIM-Signature with b= empty and
  // without its final CRLF.
  std::string data;
  for (const HeaderField* field : select_headers(prepared.message.fields, sig.signed_headers)) {
    data += canon_header(sig.header_canon, field->raw);
  }
  const std::string_view raw = prepared.signature_fields[index]->raw;
  const size_t value_offset = raw.find(':') + 1;
  auto tags = TagList::parse(field_value(raw));
  const Tag* b = tags ? tags->find("b") : nullptr;
  if (b == nullptr) return with_status(result, Status::permerror, "b= not found");
  std::string blanked(raw.substr(0, value_offset + b->value_begin));
  blanked += field_value(raw).substr(b->value_end);
  blanked += "\r\n";
  std::string own = canon_header(sig.header_canon, blanked);
  own.resize(own.size() - 2);
  data += own;

  if (!dkim::verify(sig.algorithm, *public_key, data, sig.signature)) {
    return with_status(result, Status::fail, "signature did not verify");
  }
  return with_status(result, Status::pass, "");
}

std::vector<SignatureResult> verify_with(std::string_view message, const TxtLookup& lookup,
                                         int64_t now) {
  const Prepared prepared = prepare(message);
  std::vector<SignatureResult> results;
  for (size_t i = 0; i < prepared.pending.size(); ++i) {
    dns::Answer<std::string> answer;
    if (prepared.pending[i].signature) answer = lookup(prepared.pending[i].key_name);
    results.push_back(finish(prepared, i, answer, now));
    record(results.back());
  }
  return results;
}

boost::asio::awaitable<std::vector<SignatureResult>> verify(std::string_view message,
                                                            dns::Resolver& resolver, int64_t now) {
  const Prepared prepared = prepare(message);
  std::vector<SignatureResult> results;
  for (size_t i = 0; i < prepared.pending.size(); ++i) {
    dns::Answer<std::string> answer;
    if (prepared.pending[i].signature) {
      // No co_await in a condition (GCC 12 coroutine bug, see the helper brief).
      dns::Answer<std::string> fetched = co_await resolver.txt(prepared.pending[i].key_name);
      answer = std::move(fetched);
    }
    results.push_back(finish(prepared, i, answer, now));
    record(results.back());
  }
  co_return results;
}

}  // namespace heron::mailauth::dkim
