// ENVELOPE (RFC 9051 7.5.2, RFC 3501 7.4.2); see message_render.hpp.
#include <initializer_list>
#include <optional>

#include "mime/address.hpp"
#include "mime/header.hpp"
#include "proto/imap/message_render.hpp"
#include "proto/imap/render_string.hpp"

namespace heron::proto::imap {
namespace {

// The unfolded value of the first `name` field: leading blanks removed, trailing ones kept.
std::optional<std::string> field_text(std::string_view header, std::string_view name) {
  std::optional<mime::HeaderField> f = mime::find_field(header, name);
  if (!f) return std::nullopt;
  return f->unfolded();
}

std::optional<std::string> nonempty(std::string s) {
  if (s.empty()) return std::nullopt;
  return s;
}

// RFC 9051 7.5.2 address: (name adl mailbox host); groups as (NIL NIL name NIL) ... (NIL NIL
// NIL NIL).
void append_address(std::string& out, const mime::Address& a, bool utf8) {
  out += '(';
  switch (a.kind) {
    case mime::Address::Kind::group_start:
      out += "NIL NIL ";
      append_string(out, a.name, utf8);
      out += " NIL";
      break;
    case mime::Address::Kind::group_end:
      out += "NIL NIL NIL NIL";
      break;
    case mime::Address::Kind::mailbox:
      append_nstring(out, nonempty(a.name), utf8);
      out += ' ';
      append_nstring(out, nonempty(a.route), utf8);
      out += ' ';
      append_string(out, a.mailbox.empty() ? std::string_view("MISSING_MAILBOX") : a.mailbox, utf8);
      out += ' ';
      append_string(out, a.host.empty() ? std::string_view("MISSING_DOMAIN") : a.host, utf8);
      break;
  }
  out += ')';
}

void append_addresses(std::string& out, const std::vector<mime::Address>& list, bool utf8) {
  if (list.empty()) {
    out += "NIL";
    return;
  }
  out += '(';
  for (const mime::Address& a : list) append_address(out, a, utf8);
  out += ')';
}

// All fields of that name together: a second "Cc:" adds to the first, as Dovecot shows it.
std::vector<mime::Address> addresses(std::string_view header, std::string_view name) {
  std::vector<mime::Address> out;
  for (const mime::HeaderField& f : mime::find_fields(header, name)) {
    std::vector<mime::Address> more = mime::parse_address_list(f.value);
    out.insert(out.end(), more.begin(), more.end());
  }
  return out;
}

}  // namespace

std::string envelope_from_header(std::string_view header, RenderOptions options) {
  const bool utf8 = options.utf8;
  std::string out = "(";
  append_nstring(out, field_text(header, "Date"), utf8);
  out += ' ';
  append_nstring(out, field_text(header, "Subject"), utf8);
  const std::vector<mime::Address> from = addresses(header, "From");
  std::vector<mime::Address> sender = addresses(header, "Sender");
  std::vector<mime::Address> reply_to = addresses(header, "Reply-To");
  if (sender.empty()) sender = from;
  if (reply_to.empty()) reply_to = from;
  for (const std::vector<mime::Address>* list :
       std::initializer_list<const std::vector<mime::Address>*>{&from, &sender, &reply_to}) {
    out += ' ';
    append_addresses(out, *list, utf8);
  }
  for (std::string_view name : {"To", "Cc", "Bcc"}) {
    out += ' ';
    append_addresses(out, addresses(header, name), utf8);
  }
  out += ' ';
  append_nstring(out, field_text(header, "In-Reply-To"), utf8);
  out += ' ';
  append_nstring(out, field_text(header, "Message-ID"), utf8);
  out += ')';
  return out;
}

std::string envelope(std::string_view message, const mime::Structure& s, uint32_t index,
                     RenderOptions options) {
  if (index >= s.parts.size()) return envelope_from_header({}, options);
  return envelope_from_header(s.parts[index].header(message), options);
}

}  // namespace heron::proto::imap
