// DKIM signing. See sign.hpp.

#include "mailauth/dkim/sign.hpp"

#include "base/base64.hpp"
#include "base/crypto.hpp"
#include "base/strings.hpp"
#include "mailauth/dkim/canon.hpp"

namespace heron::mailauth::dkim {
namespace {

constexpr size_t kLineWidth = 78;

// Appends `item` to a folded field, starting a continuation line when it would pass the
// width. `column` tracks the length of the current line.
void append_folded(std::string& out, size_t& column, std::string_view item, bool space_before) {
  const size_t needed = item.size() + (space_before ? 1 : 0);
  if (column + needed > kLineWidth && column > 1) {
    out += "\r\n ";
    column = 1;
  } else if (space_before) {
    out.push_back(' ');
    ++column;
  }
  out += item;
  column += item.size();
}

}  // namespace

const std::vector<std::string>& signed_header_names() {
  static const std::vector<std::string> names = {"From",     "To",           "Cc",
                                                 "Subject",  "Date",         "Message-ID",
                                                 "Reply-To", "MIME-Version", "Content-Type"};
  return names;
}

const std::vector<std::string>& oversigned_header_names() {
  static const std::vector<std::string> names = {"From", "To", "Subject", "Date", "Message-ID"};
  return names;
}

Result<std::vector<std::string>> sign(std::string_view message, const std::vector<SigningKey>& keys,
                                      int64_t now) {
  const SplitMessage split = split_message(message);
  std::vector<std::string> h;
  bool has_from = false;
  for (const std::string& name : signed_header_names()) {
    size_t count = 0;
    for (const HeaderField& field : split.fields) count += str::iequals(field.name, name) ? 1 : 0;
    if (name == "From") has_from = count > 0;
    for (const std::string& over : oversigned_header_names()) count += over == name ? 1 : 0;
    for (size_t i = 0; i < count; ++i) h.push_back(str::to_lower(name));
  }
  // RFC 6376 5.4: the From field must be signed, so a message without one cannot be.
  if (!has_from) return make_error("message has no From field");

  std::string header_data;
  for (const HeaderField* field : select_headers(split.fields, h)) {
    header_data += canon_header(Canon::relaxed, field->raw);
  }
  const std::string body_hash =
      base64::encode(crypto::sha256(canon_body(Canon::relaxed, split.body)));

  std::vector<std::string> out;
  for (const SigningKey& key : keys) {
    if (key.algorithm == Algorithm::rsa_sha1)
      return make_error("rsa-sha1 signing is not offered (RFC 8301)");
    if (!valid_domain(key.domain) || !valid_domain(key.selector))
      return make_error("invalid signing domain or selector");
    auto pkey = load_private_key(key.private_key);
    if (!pkey) return pkey.error();
    const KeyType wanted =
        key.algorithm == Algorithm::ed25519_sha256 ? KeyType::ed25519 : KeyType::rsa;
    if (private_key_type(*pkey) != wanted)
      return make_error("private key does not match " + std::string(algorithm_name(key.algorithm)));

    std::string field = "DKIM-Signature:";
    size_t column = field.size();
    const std::vector<std::string> tags = {"v=1;",
                                           "a=" + std::string(algorithm_name(key.algorithm)) + ";",
                                           "c=relaxed/relaxed;",
                                           "d=" + str::to_lower(key.domain) + ";",
                                           "s=" + str::to_lower(key.selector) + ";",
                                           "t=" + std::to_string(now) + ";"};
    for (const std::string& tag : tags) append_folded(field, column, tag, true);
    for (size_t i = 0; i < h.size(); ++i) {
      const std::string item = (i == 0 ? "h=" : "") + h[i] + (i + 1 == h.size() ? ";" : ":");
      append_folded(field, column, item, i == 0);
    }
    append_folded(field, column, "bh=" + body_hash + ";", true);
    append_folded(field, column, "b=", true);

    // RFC 6376 3.7: the field itself, b= empty and no final CRLF, ends the header data.
    std::string own = canon_header(Canon::relaxed, field + "\r\n");
    own.resize(own.size() - 2);
    auto signature = dkim::sign(key.algorithm, *pkey, header_data + own);
    if (!signature) return signature.error();
    const std::string b = base64::encode(*signature);
    // The b= value continues on the same line, then in chunks on continuation lines.
    size_t pos = 0;
    while (pos < b.size()) {
      size_t room = kLineWidth > column ? kLineWidth - column : 0;
      if (room < 8) {
        field += "\r\n ";
        column = 1;
        room = kLineWidth - 1;
      }
      const std::string_view chunk = std::string_view(b).substr(pos, room);
      field += chunk;
      column += chunk.size();
      pos += chunk.size();
    }
    field += "\r\n";
    out.push_back(std::move(field));
  }
  return out;
}

}  // namespace heron::mailauth::dkim
