#include "server/smtp/submission.hpp"

#include "base/clock.hpp"
#include "base/log.hpp"
#include "base/metrics.hpp"
#include "base/strings.hpp"
#include "mime/address.hpp"
#include "mime/header.hpp"

namespace heron::server::smtp {

SubmissionHeaders inspect_submission(std::string_view message, std::string_view hostname,
                                     int64_t unix_time, std::string_view id_suffix) {
  SubmissionHeaders out;
  const std::string_view header = mime::header_section(message);
  // RFC 5322 3.6: exactly one From:; several are as suspect as none, so every one is read
  // and each of their addresses must pass the sender check.
  for (const mime::HeaderField& field : mime::find_fields(header, "From")) {
    for (const mime::Address& a : mime::parse_address_list(field.value)) {
      if (a.kind != mime::Address::Kind::mailbox || a.mailbox.empty() || a.host.empty()) continue;
      out.from.push_back(a.mailbox + "@" + str::to_lower(a.host));
    }
  }
  out.has_from = !out.from.empty();
  // RFC 6409 8.3: the MSA may add Date: and Message-ID: (RFC 5322 3.6.1 and 3.6.4).
  if (!mime::find_field(header, "Date")) {
    out.added += "Date: " + rfc5322_date(unix_time) + "\r\n";
  }
  if (!mime::find_field(header, "Message-ID")) {
    out.added += "Message-ID: <";
    out.added += id_suffix;
    out.added += '@';
    out.added += hostname;
    out.added += ">\r\n";
  }
  return out;
}

std::string dkim_fields(mailauth::dkim::Keyring& keyring, std::string_view from_domain,
                        std::string_view message, int64_t unix_time) {
  const auto keys = keyring.keys_for(from_domain);
  if (keys.empty()) return {};
  auto fields = mailauth::dkim::sign(message, keys, unix_time);
  if (!fields) {
    log::warn("dkim.sign.failed", {{"domain", from_domain}, {"error", fields.error().message}});
    metrics::inc("heron_dkim_signatures_total", "result", "failed");
    return {};
  }
  std::string out;
  for (const auto& f : *fields) out += f;
  metrics::inc("heron_dkim_signatures_total", "result", "signed", fields->size());
  return out;
}

}  // namespace heron::server::smtp
