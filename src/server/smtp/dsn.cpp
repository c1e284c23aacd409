// "Delivered" notices for local recipients (RFC 3461 5.2.2 and 6.2, RFC 3464): when a client
// asked NOTIFY=SUCCESS for a recipient we filed locally, the notice goes to the message's
// sender through queue::submit(), with the null reverse-path (RFC 3461 6.1). Remote
// recipients' requests travel with the message into the queue, which reports on them itself.
// A notice that cannot be built or queued is logged and counted; the message itself stays
// delivered and accepted (the notice is a courtesy, not part of the transaction).
#include <boost/asio/use_awaitable.hpp>

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "base/strings.hpp"
#include "proto/smtp/dsn_params.hpp"
#include "queue/async.hpp"
#include "queue/dsn.hpp"
#include "server/smtp/session.hpp"

namespace heron::server::smtp {

namespace asio = boost::asio;

asio::awaitable<void> Session::notify_delivered(const std::string& id, int64_t now,
                                                std::string_view original) {
  const auto& env = machine_.envelope();
  queue::dsn::Report report;
  report.reporting_mta = server_.settings().hostname;
  report.recipient = env.mail_from.address();
  if (const auto* envid = heron::smtp::find_param(env.mail_params, "ENVID")) {
    report.envid = heron::smtp::parse_envid(envid->value).value_or("");
  }
  if (const auto* ret = heron::smtp::find_param(env.mail_params, "RET")) {
    report.ret = str::iequals(ret->value, "HDRS") ? store::DsnRet::headers : store::DsnRet::full;
  }
  report.arrival = now;
  report.utf8 = env.smtputf8;
  report.original = original;
  report.date = now;
  for (size_t i = 0; i < local_dsn_.size() && i < recipients_.size(); ++i) {
    if ((local_dsn_[i].notify & heron::smtp::notify::kSuccess) == 0) continue;
    queue::dsn::RecipientReport r;
    r.final_recipient = recipients_[i].address;
    r.original_recipient = local_dsn_[i].orcpt;
    r.action = queue::dsn::Action::delivered;
    r.status = "2.0.0";
    r.diagnostic = queue::dsn::diagnostic_code(250, "2.0.0", "Ok: delivered as " + id);
    r.last_attempt = now;
    report.recipients.push_back(std::move(r));
  }
  auto text = queue::dsn::build(report);
  if (!text) {
    log::error("smtp.dsn.failed", {{"sid", id_}, {"id", id}, {"error", text.error().message}});
    metrics::inc("heron_smtp_dsn_total", "result", "failed");
    co_return;
  }
  queue::Submission notice;
  notice.sender = "";  // RFC 3461 6.1: notices go out with the null reverse-path
  notice.recipients.push_back({report.recipient, "", 0});
  notice.smtputf8 = env.smtputf8;
  notice.origin = "dsn";
  notice.body = std::move(*text);
  auto queued =
      co_await queue::async_submit(server_.shared().queue, std::move(notice), asio::use_awaitable);
  if (!queued) {
    log::error("smtp.dsn.failed", {{"sid", id_}, {"id", id}, {"error", queued.error().message}});
    metrics::inc("heron_smtp_dsn_total", "result", "failed");
    co_return;
  }
  log::info("smtp.dsn", {{"sid", id_},
                         {"id", id},
                         {"to", report.recipient},
                         {"recipients", report.recipients.size()},
                         {"queue_id", *queued}});
  metrics::inc("heron_smtp_dsn_total", "result", "queued");
}

}  // namespace heron::server::smtp
