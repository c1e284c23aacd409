#include "queue/submit.hpp"

#include <cerrno>
#include <future>
#include <set>
#include <utility>

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "base/strings.hpp"
#include "proto/smtp/dsn_params.hpp"
#include "proto/smtp/path.hpp"

namespace heron::queue {
namespace {

Error invalid(std::string why) {
  log::warn("queue.submit.invalid", {{"reason", why}});
  metrics::inc("heron_queue_submit_rejects_total");
  return make_error("queue: " + std::move(why), EINVAL);
}

// Parses an address the way RCPT TO / MAIL FROM would, from its bare form.
std::optional<smtp::Path> parse_address(const std::string& address, bool null_ok) {
  smtp::PathParse pp = smtp::parse_path("<" + address + ">", null_ok, true);
  if (!pp.path || !pp.rest.empty()) return std::nullopt;
  return pp.path;
}

bool printable_ascii(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 32 || c > 126) return false;
  }
  return true;
}

// RFC 5321 2.3.8: lines end in CRLF, and CR and LF appear nowhere else.
std::string canonical_line_ends(std::string_view body) {
  std::string out;
  out.reserve(body.size() + body.size() / 64 + 2);
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < body.size() && body[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  return out;
}

bool needs_canonical_form(std::string_view body) {
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\r' && (i + 1 == body.size() || body[i + 1] != '\n')) return true;
    if (body[i] == '\n' && (i == 0 || body[i - 1] != '\r')) return true;
  }
  return body.size() < 2 || body.compare(body.size() - 2, 2, "\r\n") != 0;
}

}  // namespace

Result<void> prepare(Submission& s) {
  bool utf8 = false;
  if (!s.sender.empty()) {
    auto path = parse_address(s.sender, false);
    if (!path || path->domain.empty()) return invalid("malformed sender address");
    utf8 = utf8 || path->utf8;
  }
  if (s.recipients.empty()) return invalid("no recipients");
  if (s.recipients.size() > kMaxRecipients) return invalid("too many recipients");
  std::vector<Recipient> kept;
  std::set<std::string> seen;
  kept.reserve(s.recipients.size());
  for (Recipient& r : s.recipients) {
    auto path = parse_address(r.address, false);
    if (!path || path->domain.empty()) return invalid("malformed recipient address");
    utf8 = utf8 || path->utf8;
    if ((r.notify & smtp::notify::kNever) != 0 && r.notify != smtp::notify::kNever) {
      return invalid("NOTIFY=NEVER combined with other values");
    }
    if (r.notify > 15) return invalid("unknown NOTIFY bits");
    if (!r.orcpt.empty() && (r.orcpt.size() > 500 || r.orcpt.find(';') == std::string::npos ||
                             r.orcpt.front() == ';')) {
      return invalid("malformed ORCPT");
    }
    // RFC 5321 2.4: the local part is case-sensitive, the domain is not.
    if (!seen.insert(path->local + "@" + str::to_lower(path->domain)).second) continue;
    kept.push_back(std::move(r));
  }
  s.recipients = std::move(kept);
  if (utf8 && !s.smtputf8) return invalid("non-ASCII address without SMTPUTF8");
  if (s.envid.size() > 100 || !printable_ascii(s.envid)) return invalid("malformed ENVID");
  if (s.body.empty()) return invalid("empty message");
  if (needs_canonical_form(s.body)) s.body = canonical_line_ends(s.body);
  s.eightbit = s.eightbit || !str::is_ascii(s.body);
  return {};
}

void submit_async(store::QueueStore& store, Submission s, SubmitCallback done, const Clock& clock) {
  if (auto r = prepare(s); !r) {
    done(r.error());
    return;
  }
  store::NewQueueMessage m;
  m.sender = std::move(s.sender);
  m.recipients.reserve(s.recipients.size());
  for (Recipient& r : s.recipients) {
    m.recipients.push_back(
        store::NewQueueRecipient{std::move(r.address), std::move(r.orcpt), r.notify});
  }
  m.ret = s.ret;
  m.envid = std::move(s.envid);
  m.smtputf8 = s.smtputf8;
  m.eightbit = s.eightbit;
  m.arrival = clock.now();
  m.first_attempt = m.arrival;
  m.origin = std::move(s.origin);
  m.body = std::move(s.body);
  m.settles = std::move(s.settles);
  const size_t recipients = m.recipients.size();
  const uint64_t size = m.body.size();
  const std::string origin = m.origin;
  store.enqueue_async(
      std::move(m), [done = std::move(done), recipients, size, origin](Result<int64_t> id) {
        if (id) {
          log::info("queue.submit",
                    {{"id", *id}, {"origin", origin}, {"recipients", recipients}, {"size", size}});
          metrics::inc("heron_queue_submitted_total", "origin", origin);
        } else {
          log::error("queue.submit.failed", {{"origin", origin}, {"error", id.error().message}});
          metrics::inc("heron_queue_submit_failures_total");
        }
        done(std::move(id));
      });
}

Result<int64_t> submit(store::QueueStore& store, Submission submission, const Clock& clock) {
  std::promise<Result<int64_t>> promise;
  auto future = promise.get_future();
  submit_async(
      store, std::move(submission),
      [&promise](Result<int64_t> id) { promise.set_value(std::move(id)); }, clock);
  return future.get();
}

}  // namespace heron::queue
