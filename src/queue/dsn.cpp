#include "queue/dsn.hpp"

#include <cerrno>

#include "base/clock.hpp"
#include "base/fs.hpp"
#include "base/strings.hpp"
#include "mime/header.hpp"

namespace heron::queue::dsn {
namespace {

constexpr size_t kFoldAt = 78;  // RFC 5322 2.1.1: lines SHOULD be at most 78 characters

enum class Kind { failure, delay, success };

Kind kind_of(const Report& r) {
  bool delayed = false;
  for (const RecipientReport& rcpt : r.recipients) {
    if (rcpt.action == Action::failed) return Kind::failure;
    delayed = delayed || rcpt.action == Action::delayed;
  }
  return delayed ? Kind::delay : Kind::success;
}

// Appends "Name: value" CRLF, folding at spaces (RFC 5322 2.2.3) so that lines stay near 78
// characters. A value is never split inside a word.
void append_field(std::string& out, std::string_view name, std::string_view value) {
  size_t line = name.size() + 2;
  out.append(name).append(": ");
  bool first = true;
  for (std::string_view word : str::split(value, ' ')) {
    if (word.empty()) continue;
    if (!first) {
      if (line + 1 + word.size() > kFoldAt) {
        out += "\r\n ";
        line = 1;
      } else {
        out += ' ';
        ++line;
      }
    }
    out.append(word);
    line += word.size();
    first = false;
  }
  out += "\r\n";
}

// Word-wraps a paragraph of human-readable text at 76 columns, each line ending in CRLF.
// Lines after the first start with `indent`, so text from the network never begins a line
// (where it could look like a MIME boundary delimiter).
void append_paragraph(std::string& out, std::string_view text, std::string_view indent = {}) {
  size_t line = 0;
  bool empty = true;  // nothing but the indent on the current line yet
  for (std::string_view word : str::split(text, ' ')) {
    if (word.empty()) continue;
    if (!empty && line + 1 + word.size() > 76) {
      out += "\r\n";
      out.append(indent);
      line = indent.size();
      empty = true;
    }
    if (!empty) {
      out += ' ';
      ++line;
    }
    out.append(word);
    line += word.size();
    empty = false;
  }
  out += "\r\n";
}

// An address for a header or a status field: printable ASCII, or UTF-8 when the notice may
// carry it (RFC 6533); anything else becomes '?'.
std::string clean_address(std::string_view address, bool utf8) {
  if (utf8 && str::is_valid_utf8(address)) {
    std::string out;
    for (unsigned char c : address) out += (c < 33 || c == 127) ? '?' : static_cast<char>(c);
    return out;
  }
  return sanitize(address, 998);
}

// RFC 3464 2.3.2 / RFC 6533 3: "rfc822; a@b", or "utf-8; ..." for a non-ASCII address.
std::string typed_address(std::string_view address, bool utf8) {
  const bool ascii = str::is_ascii(address);
  return std::string(ascii || !utf8 ? "rfc822; " : "utf-8; ") + clean_address(address, utf8);
}

std::string human_text(const Report& r, Kind kind) {
  std::string out;
  append_paragraph(out, "This is the mail system at host " + sanitize(r.reporting_mta, 255) + ".");
  out += "\r\n";
  const bool full = r.ret == store::DsnRet::full;
  const char* attached = r.original.empty() ? ""
                         : full             ? " Your message is attached."
                                            : " The headers of your message are attached.";
  switch (kind) {
    case Kind::failure:
      append_paragraph(out, std::string("Your message could not be delivered to one or more "
                                        "recipients, and the mail system has given up. The "
                                        "reasons are below.") +
                                attached);
      break;
    case Kind::delay: {
      int64_t until = 0;
      for (const RecipientReport& rcpt : r.recipients)
        until = std::max(until, rcpt.will_retry_until);
      append_paragraph(out,
                       "Your message has not yet been delivered to the recipients below. "
                       "The mail system will keep trying until " +
                           rfc5322_date(until) + "; you do not need to send it again.");
      break;
    }
    case Kind::success:
      append_paragraph(out, "Your message was delivered to the recipients below, as you asked.");
      break;
  }
  for (const RecipientReport& rcpt : r.recipients) {
    out += "\r\n";
    std::string line = "<" + clean_address(rcpt.final_recipient, r.utf8) + ">: ";
    switch (rcpt.action) {
      case Action::failed:
        line += "delivery failed.";
        break;
      case Action::delayed:
        line += "delivery delayed.";
        break;
      case Action::delivered:
        line += "delivered.";
        break;
      case Action::relayed:
        line += "relayed to a mail system that does not report delivery.";
        break;
      case Action::expanded:
        line += "delivered to a list or alias, which expanded it.";
        break;
    }
    if (!rcpt.remote_mta.empty()) {
      const std::string_view host = rcpt.remote_mta;
      const size_t semi = host.find(';');
      line += " Host " +
              sanitize(str::trim(host.substr(semi == std::string_view::npos ? 0 : semi + 1)), 255) +
              " said:";
    }
    if (!rcpt.diagnostic.empty()) {
      const std::string_view d = rcpt.diagnostic;
      const size_t semi = d.find(';');
      line += " " + sanitize(str::trim(d.substr(semi == std::string_view::npos ? 0 : semi + 1)));
    }
    append_paragraph(out, line, "    ");
  }
  return out;
}

std::string delivery_status(const Report& r) {
  std::string out;
  append_field(out, "Reporting-MTA", "dns; " + sanitize(r.reporting_mta, 255));
  if (!r.envid.empty()) {
    // RFC 3464 2.2.1: the ENVID as the sender gave it, which a printable value shows as is.
    append_field(out, "Original-Envelope-Id", sanitize(r.envid, 100));
  }
  if (r.arrival != 0) append_field(out, "Arrival-Date", rfc5322_date(r.arrival));
  for (const RecipientReport& rcpt : r.recipients) {
    out += "\r\n";
    if (!rcpt.original_recipient.empty()) {
      // RFC 3464 2.3.1: address-type ";" generic-address, from the decoded ORCPT.
      const std::string_view orcpt = rcpt.original_recipient;
      const size_t semi = orcpt.find(';');
      const std::string type = semi == std::string_view::npos
                                   ? std::string("rfc822")
                                   : sanitize(str::trim(orcpt.substr(0, semi)), 64);
      const std::string_view address =
          semi == std::string_view::npos ? orcpt : str::trim(orcpt.substr(semi + 1));
      append_field(out, "Original-Recipient", type + "; " + clean_address(address, r.utf8));
    }
    append_field(out, "Final-Recipient", typed_address(rcpt.final_recipient, r.utf8));
    append_field(out, "Action", action_name(rcpt.action));
    append_field(out, "Status", sanitize(rcpt.status, 16));
    if (!rcpt.remote_mta.empty()) append_field(out, "Remote-MTA", sanitize(rcpt.remote_mta, 300));
    if (!rcpt.diagnostic.empty()) {
      append_field(out, "Diagnostic-Code", sanitize(rcpt.diagnostic, 600));
    }
    if (rcpt.last_attempt != 0)
      append_field(out, "Last-Attempt-Date", rfc5322_date(rcpt.last_attempt));
    if (rcpt.action == Action::delayed && rcpt.will_retry_until != 0) {
      append_field(out, "Will-Retry-Until", rfc5322_date(rcpt.will_retry_until));
    }
  }
  return out;
}

}  // namespace

std::string_view action_name(Action action) {
  switch (action) {
    case Action::failed:
      return "failed";
    case Action::delayed:
      return "delayed";
    case Action::delivered:
      return "delivered";
    case Action::relayed:
      return "relayed";
    case Action::expanded:
      return "expanded";
  }
  return "failed";
}

std::string sanitize(std::string_view text, size_t max) {
  std::string out;
  out.reserve(std::min(text.size(), max));
  bool space = false;
  for (unsigned char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += (c < 33 || c > 126) ? '?' : static_cast<char>(c);
  }
  if (out.size() > max) {
    out.resize(max > 3 ? max - 3 : 0);
    out += "...";
  }
  return out;
}

std::string diagnostic_code(int reply_code, std::string_view enhanced, std::string_view text) {
  if (reply_code == 0) return "X-Heron; " + sanitize(text);
  std::string out = "smtp; " + std::to_string(reply_code);
  if (!enhanced.empty()) out += " " + sanitize(enhanced, 16);
  if (!text.empty()) out += " " + sanitize(text);
  return out;
}

Result<std::string> build(const Report& r) {
  if (r.recipient.empty()) {
    // RFC 3461 6.1 / RFC 5321 4.5.5: never a notice to the null reverse-path.
    return make_error("dsn: no notice is ever sent to the null reverse-path", EINVAL);
  }
  if (r.recipients.empty()) return make_error("dsn: nothing to report", EINVAL);
  std::string boundary = r.boundary;
  if (boundary.empty()) {
    do {
      boundary = "=_heron_" + fs::random_hex(12);
    } while (r.original.find(boundary) != std::string_view::npos);
  } else if (r.original.find(boundary) != std::string_view::npos) {
    return make_error("dsn: the boundary occurs in the original message", EINVAL);
  }
  const std::string message_id = !r.message_id.empty()
                                     ? r.message_id
                                     : "<" + std::to_string(r.date) + "." + fs::random_hex(8) +
                                           "@" + sanitize(r.reporting_mta, 255) + ">";
  const Kind kind = kind_of(r);
  const std::string host = sanitize(r.reporting_mta, 255);

  std::string out;
  out.reserve(r.original.size() + 4096);
  append_field(out, "From", "Mail Delivery System <MAILER-DAEMON@" + host + ">");
  append_field(out, "To", "<" + clean_address(r.recipient, r.utf8) + ">");
  append_field(out, "Subject",
               kind == Kind::failure ? "Undelivered Mail Returned to Sender"
               : kind == Kind::delay ? "Delayed Mail (still being retried)"
                                     : "Successful Mail Delivery Report");
  append_field(out, "Date", rfc5322_date(r.date));
  append_field(out, "Message-ID", message_id);
  // RFC 3834 5: generated in response to a message; auto-responders must not answer it.
  append_field(out, "Auto-Submitted", "auto-replied");
  append_field(out, "MIME-Version", "1.0");
  append_field(out, "Content-Type",
               "multipart/report; report-type=delivery-status; boundary=\"" + boundary + "\"");
  out += "\r\nThis is a MIME-encapsulated message.\r\n\r\n";

  // 1. For a person (RFC 6522 3).
  out += "--" + boundary + "\r\n";
  append_field(out, "Content-Description", "Notification");
  append_field(out, "Content-Type",
               r.utf8 ? "text/plain; charset=utf-8" : "text/plain; charset=us-ascii");
  out += "\r\n";
  out += human_text(r, kind);
  out += "\r\n";

  // 2. For a program (RFC 3464 2; RFC 6533 6.1 for the global form).
  out += "--" + boundary + "\r\n";
  append_field(out, "Content-Description", "Delivery report");
  append_field(out, "Content-Type",
               r.utf8 ? "message/global-delivery-status" : "message/delivery-status");
  out += "\r\n";
  out += delivery_status(r);
  out += "\r\n";

  // 3. The original (RFC 3461 4.3 RET; RFC 6522 for headers; RFC 6533 6.3-6.4 global types).
  if (!r.original.empty()) {
    const bool full = r.ret == store::DsnRet::full;
    const std::string_view content = full ? r.original : mime::header_section(r.original);
    const bool undelivered = kind != Kind::success;
    out += "--" + boundary + "\r\n";
    append_field(out, "Content-Description",
                 std::string(undelivered ? "Undelivered" : "Delivered") + " Message" +
                     (full ? "" : " Headers"));
    append_field(out, "Content-Type",
                 full ? (r.utf8 ? "message/global" : "message/rfc822")
                      : (r.utf8 ? "message/global-headers" : "text/rfc822-headers"));
    if (!str::is_ascii(content)) append_field(out, "Content-Transfer-Encoding", "8bit");
    out += "\r\n";
    out.append(content);
    if (content.size() < 2 || content.substr(content.size() - 2) != "\r\n") out += "\r\n";
    out += "\r\n";
  }
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace heron::queue::dsn
