#include "queue/notify.hpp"

#include <limits>
#include <vector>

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "proto/smtp/dsn_params.hpp"
#include "queue/dsn.hpp"
#include "queue/submit.hpp"

namespace heron::queue {
namespace {

bool wants_delay_notice(uint8_t notify) {
  if (notify == 0) return true;  // RFC 3461 4.1: absent NOTIFY, taken as FAILURE,DELAY
  return (notify & smtp::notify::kNever) == 0 && (notify & smtp::notify::kDelay) != 0;
}

dsn::RecipientReport report_for(const store::QueuedRecipient& r, dsn::Action action) {
  dsn::RecipientReport out;
  out.final_recipient = r.address;
  out.original_recipient = r.orcpt;
  out.action = action;
  out.status = r.status;
  out.diagnostic = r.diagnostic;
  out.remote_mta = r.remote_mta;
  out.last_attempt = r.last_attempt;
  return out;
}

// Builds and submits one notice about `message` that settles `settles`.
Result<void> send(store::QueueStore& store, const NotifierSettings& settings, const Clock& clock,
                  const store::QueuedMessage& message, std::string_view original,
                  std::vector<dsn::RecipientReport> recipients, store::DsnRet ret,
                  store::NoticeSettlement settles) {
  dsn::Report report;
  report.reporting_mta = settings.hostname;
  report.recipient = message.sender;
  report.envid = message.envid;
  report.arrival = message.arrival;
  report.ret = ret;
  report.utf8 = message.smtputf8;
  report.original = original;
  report.date = clock.now();
  report.recipients = std::move(recipients);
  auto text = dsn::build(report);
  if (!text) return text.error();

  Submission s;
  s.sender = "";  // RFC 3461 6.1, RFC 5321 4.5.5: notices go out with the null reverse-path
  s.recipients.push_back(Recipient{message.sender, "", smtp::notify::kNever});
  s.smtputf8 = message.smtputf8;
  s.origin = "dsn";
  s.body = std::move(*text);
  s.settles = std::move(settles);
  auto id = submit(store, std::move(s), clock);
  if (!id) return id.error();
  log::info("queue.notice", {{"id", *id}, {"about", message.id}});
  return {};
}

}  // namespace

Result<NoticeCounts> send_notices(store::QueueStore& store, const NotifierSettings& settings,
                                  const Clock& clock) {
  const RetryPolicy& policy = settings.policy;
  const int64_t now = clock.now();
  const int64_t cutoff = delay_notices_enabled(policy) ? delay_cutoff(policy, now)
                                                       : std::numeric_limits<int64_t>::min();
  auto work = store.notice_work(cutoff);
  if (!work) return work.error();

  NoticeCounts counts;
  for (const store::QueuedMessage& m : *work) {
    std::vector<const store::QueuedRecipient*> finals, delayed;
    for (const store::QueuedRecipient& r : m.recipients) {
      if (r.dsn == store::DsnState::pending) {
        finals.push_back(&r);
      } else if (r.state == store::RecipientState::queued && !r.delay_notified &&
                 m.arrival <= cutoff) {
        delayed.push_back(&r);
      }
    }
    std::string original;
    if (!finals.empty() || !delayed.empty()) {
      auto body = store.read_body(m);
      if (body) {
        original = std::move(*body);
      } else {
        // The notice still goes, without the original (RFC 6522: the third part is optional).
        log::warn("queue.notice.no_original", {{"id", m.id}, {"error", body.error().message}});
      }
    }

    if (!finals.empty()) {
      store::NoticeSettlement settles{store::NoticeSettlement::Kind::final, {}};
      std::vector<dsn::RecipientReport> reports;
      bool failed = false;
      for (const store::QueuedRecipient* r : finals) {
        settles.recipient_ids.push_back(r->id);
        const bool delivered = r->state == store::RecipientState::delivered;
        failed = failed || !delivered;
        const dsn::Action action = !delivered              ? dsn::Action::failed
                                   : r->remote_mta.empty() ? dsn::Action::delivered
                                                           : dsn::Action::relayed;
        reports.push_back(report_for(*r, action));
      }
      if (m.sender.empty()) {
        // outcome.cpp never owes a notice to <>; should a row say otherwise, settle it.
        if (auto r = store.settle(settles); !r) return r.error();
        counts.settled_silently += settles.recipient_ids.size();
      } else {
        // RFC 3461 4.3: RET governs failure notices; others carry the headers only.
        const store::DsnRet ret = failed ? m.ret : store::DsnRet::headers;
        if (auto r = send(store, settings, clock, m, original, std::move(reports), ret,
                          std::move(settles));
            !r) {
          return r.error();
        }
        ++(failed ? counts.failure : counts.success);
        metrics::inc("heron_queue_notices_total", "kind", failed ? "failure" : "success");
      }
    }

    if (!delayed.empty()) {
      store::NoticeSettlement wanted{store::NoticeSettlement::Kind::delay, {}};
      store::NoticeSettlement silent{store::NoticeSettlement::Kind::delay, {}};
      std::vector<dsn::RecipientReport> reports;
      for (const store::QueuedRecipient* r : delayed) {
        if (m.sender.empty() || !wants_delay_notice(r->notify)) {
          silent.recipient_ids.push_back(r->id);
          continue;
        }
        wanted.recipient_ids.push_back(r->id);
        dsn::RecipientReport rep = report_for(*r, dsn::Action::delayed);
        if (rep.status.empty() || rep.status.front() != '4') rep.status = "4.0.0";
        rep.will_retry_until = retry_until(policy, m.arrival);
        reports.push_back(std::move(rep));
      }
      if (!silent.recipient_ids.empty()) {
        if (auto r = store.settle(silent); !r) return r.error();
        counts.settled_silently += silent.recipient_ids.size();
      }
      if (!wanted.recipient_ids.empty()) {
        if (auto r = send(store, settings, clock, m, original, std::move(reports),
                          store::DsnRet::headers, std::move(wanted));
            !r) {
          return r.error();
        }
        ++counts.delay;
        metrics::inc("heron_queue_notices_total", "kind", "delay");
      }
    }
  }
  return counts;
}

}  // namespace heron::queue
