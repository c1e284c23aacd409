#include "server/smtp/session.hpp"

#include <algorithm>
#include <ctime>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/fs.hpp"
#include "base/log.hpp"
#include "base/metrics.hpp"
#include "base/strings.hpp"
#include "mailauth/auth_results.hpp"
#include "mime/header.hpp"
#include "proto/smtp/dsn_params.hpp"
#include "queue/async.hpp"
#include "server/smtp/received.hpp"
#include "server/smtp/submission.hpp"
#include "store/async.hpp"

namespace heron::server::smtp {

namespace asio = boost::asio;
using Event = heron::smtp::ServerMachine::Event;
using heron::smtp::Reply;

namespace {

constexpr size_t kReadChunk = 64 * 1024;
constexpr std::chrono::seconds kHandshakeTimeout{60};
constexpr std::chrono::seconds kFinalWriteTimeout{10};

const char* action_name(Verdict::Action action) {
  if (action == Verdict::Action::reject) return "reject";
  if (action == Verdict::Action::quarantine) return "quarantine";
  return "deliver";
}

}  // namespace

Session::Session(Server& server, net::Stream stream)
    : server_(server),
      stream_(std::move(stream)),
      machine_(server.policy(stream_.remote().address())),
      timer_(stream_.socket().get_executor()),
      session_end_(std::chrono::steady_clock::now() + server.settings().limits.session_timeout),
      id_(fs::random_hex(6)),
      ip_(stream_.remote().address().to_string()),
      read_buffer_(kReadChunk) {
  timer_.expires_at(std::chrono::steady_clock::time_point::max());
}

asio::awaitable<void> Session::run() {
  log::info("smtp.connect",
            {{"sid", id_}, {"ip", ip_}, {"listener", server_.settings().listener.name}});
  asio::co_spawn(timer_.get_executor(), watchdog(), asio::detached);
  std::weak_ptr<Session> weak = shared_from_this();
  drain_enrollment_ = server_.drain().enroll([weak, strand = timer_.get_executor()](bool force) {
    asio::post(strand, [weak, force] {
      if (auto self = weak.lock()) self->on_drain(force);
    });
  });
  try {
    co_await converse();
  } catch (const std::exception& e) {
    log::error("smtp.session.error", {{"sid", id_}, {"error", e.what()}});
    metrics::inc("heron_session_errors_total", "protocol", "smtp");
  }
  done_ = true;
  drain_enrollment_.reset();
  timer_.cancel();
  stream_.close();
  log::info("smtp.disconnect", {{"sid", id_}, {"transactions", transactions_}});
}

void Session::arm(std::chrono::seconds timeout) {
  auto deadline = std::min(std::chrono::steady_clock::now() + timeout, session_end_);
  timer_.expires_at(deadline);  // wakes the watchdog, which waits again on the new expiry
}

// Idle and session timeouts: when the timer expires, pending I/O is cancelled and the
// session learns it through timed_out_. Runs on the session's strand.
asio::awaitable<void> Session::watchdog() {
  auto self = shared_from_this();
  while (!done_) {
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (done_) break;
    if (timer_.expiry() <= std::chrono::steady_clock::now()) {
      timed_out_ = true;
      stream_.cancel();
      timer_.expires_at(std::chrono::steady_clock::time_point::max());
    }
  }
}

asio::awaitable<void> Session::converse() {
  if (server_.settings().listener.tls == config::TlsMode::implicit) {
    bool secured = co_await start_tls();
    if (!secured) co_return;
  }
  // Plain statements rather than a switch: GCC 12 miscompiles co_await inside switch cases.
  while (true) {
    const Event event = machine_.next();
    if (event == Event::check_recipient) {
      check_recipient();
    } else if (event == Event::message_ready) {
      co_await deliver();
    } else if (event == Event::authenticate) {
      co_await authenticate();
    } else if (event == Event::check_sender) {
      co_await check_sender();
    } else if (event == Event::need_input) {
      bool flushed = co_await flush();
      if (!flushed) co_return;
      // Shutting down: the next command gets 421; a message body still arriving finishes.
      if (draining_ && !machine_.receiving_body()) {
        shut_down();
        continue;
      }
      bool got_input = co_await read_more();
      if (!got_input) {
        if (draining_ && !timed_out_) {
          shut_down();
          continue;
        }
        if (!timed_out_) co_return;  // the client went away
        log::info("smtp.timeout", {{"sid", id_}, {"ip", ip_}});
        metrics::inc("heron_smtp_timeouts_total");
        machine_.timed_out();
      }
    } else if (event == Event::start_tls) {
      bool flushed = co_await flush();
      if (!flushed) co_return;
      bool secured = co_await start_tls();
      if (!secured) co_return;
      machine_.tls_started();
    } else {  // Event::close
      arm(kFinalWriteTimeout);
      co_await flush();
      co_return;
    }
  }
}

asio::awaitable<bool> Session::flush() {
  if (!machine_.has_output()) co_return true;
  std::string out = machine_.take_output();
  if (!timed_out_) arm(server_.settings().limits.idle_timeout);
  boost::system::error_code ec;
  co_await stream_.write_all(out, ec);
  co_return !ec;
}

void Session::on_drain(bool force) {
  if (done_ || (draining_ && !force)) return;
  draining_ = true;
  if (force || (reading_ && !machine_.receiving_body())) stream_.cancel();
}

void Session::shut_down() {
  log::info("smtp.shutdown", {{"sid", id_}, {"ip", ip_}});
  metrics::inc("heron_shutdown_closes_total", "protocol", "smtp");
  // RFC 5321 3.8: the server may close with 421 when it must shut down.
  machine_.shutdown(Reply{421, "4.3.2", server_.settings().hostname + " Service shutting down"});
  arm(kFinalWriteTimeout);
}

asio::awaitable<bool> Session::read_more() {
  arm(server_.settings().limits.idle_timeout);
  boost::system::error_code ec;
  reading_ = true;
  size_t n = co_await stream_.read_some(read_buffer_.data(), read_buffer_.size(), ec);
  reading_ = false;
  if (ec) {
    if (timed_out_) arm(kFinalWriteTimeout);  // time to write the 421
    co_return false;
  }
  machine_.feed(std::string_view(read_buffer_.data(), n));
  co_return true;
}

asio::awaitable<bool> Session::start_tls() {
  const auto& context = server_.settings().tls;
  if (!context) co_return false;
  arm(kHandshakeTimeout);
  boost::system::error_code ec;
  co_await stream_.handshake(*context, ec);
  if (ec) {
    log::info("smtp.tls.failed", {{"sid", id_}, {"ip", ip_}, {"error", ec.message()}});
    metrics::inc("heron_tls_handshake_failures_total", "protocol", "smtp");
    co_return false;
  }
  log::info("smtp.tls", {{"sid", id_}, {"tls", stream_.tls_description()}});
  co_return true;
}

void Session::check_recipient() {
  const auto& path = machine_.pending_recipient();
  const auto& env = machine_.envelope();
  if (env.recipients.empty()) {  // drops what an ended transaction left behind
    recipients_.clear();
    remote_.clear();
    local_dsn_.clear();
  }
  // An authenticated client may send anywhere (RFC 6409 6); others reach our domains only.
  const bool relay = !machine_.auth_user().empty();

  std::string address = path.address();
  if (path.domain.empty()) {
    // RFC 5321 4.1.1.3: "RCPT TO:<Postmaster>" must work; it is the postmaster of our host.
    address = "postmaster@" + server_.settings().hostname;
  }
  auto reject = [&](const Reply& reply, const char* reason) {
    log::info("smtp.rcpt", {{"sid", id_},
                            {"ip", ip_},
                            {"from", env.mail_from.address()},
                            {"rcpt", address},
                            {"result", reply.code},
                            {"reason", reason}});
    metrics::inc("heron_smtp_rejects_total", "reason", reason);
    machine_.answer_recipient(false, reply);
  };

  auto resolved = server_.directory().resolve(address);
  if (!resolved) {
    log::error("smtp.rcpt.lookup_failed", {{"sid", id_}, {"error", resolved.error().message}});
    reject({451, "4.3.0", "Temporary lookup failure, try again later"}, "lookup_failed");
    return;
  }
  // RFC 3461 4.1, 4.2: what the queue needs to honour a DSN request for this recipient.
  queue::Recipient queued;
  queued.address = address;
  for (const auto& p : machine_.pending_recipient_params()) {
    if (p.keyword == "NOTIFY") queued.notify = heron::smtp::parse_notify(p.value).value_or(0);
    if (p.keyword == "ORCPT") queued.orcpt = heron::smtp::parse_orcpt(p.value).value_or("");
  }
  switch (resolved->status) {
    case store::Resolution::Status::not_local_domain:
      if (relay) {
        remote_.push_back(std::move(queued));
        machine_.answer_recipient(true, {250, "2.1.5", "Ok"});
        return;
      }
      // Never an open relay: mail from the MX port goes to our own domains only.
      reject({550, "5.7.1", "Relaying denied: <" + address + "> is not a local domain"}, "relay");
      return;
    case store::Resolution::Status::unknown_user:
      reject({550, "5.1.1", "<" + address + ">: mailbox does not exist"}, "unknown_user");
      return;
    case store::Resolution::Status::local:
      break;
  }
  if (!resolved->forwards.empty()) {
    // An alias with remote targets (on any role): the queue takes those, with the alias as
    // the original recipient (RFC 3461 4.2), and the sender kept as Postfix and Dovecot do.
    for (const auto& target : resolved->forwards) {
      queue::Recipient forward = queued;
      forward.address = target;
      if (forward.orcpt.empty()) forward.orcpt = "rfc822;" + address;
      remote_.push_back(std::move(forward));
    }
    if (resolved->accounts.empty()) {
      machine_.answer_recipient(true, {250, "2.1.5", "Ok"});
      return;
    }
  }
  recipients_.push_back({address, std::move(resolved->accounts)});
  local_dsn_.push_back(std::move(queued));
  machine_.answer_recipient(true, {250, "2.1.5", "Ok"});
}

std::string Session::transaction_id() {
  return id_ + std::to_string(transactions_);
}

// Files the message for local recipients and queues it for remote ones; 250 only once both
// are durable. Submitted mail (after AUTH) first passes the rules of submission.hpp.
asio::awaitable<void> Session::deliver() {
  ++transactions_;
  metrics::inc("heron_smtp_transactions_total", "listener", server_.settings().listener.name);
  const auto& env = machine_.envelope();
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  const std::string id = transaction_id();
  const std::string from = env.mail_from.address();
  std::string& body = machine_.message();
  const bool submitted = !machine_.auth_user().empty();

  // RFC 5321 6.3: count the hops to stop a loop (aliases forwarding to each other).
  const uint32_t max_hops = server_.settings().smtp.max_hops;
  if (max_hops != 0 && mime::find_fields(body, "Received").size() >= max_hops) {
    log::info("smtp.refused", {{"sid", id_}, {"id", id}, {"ip", ip_}, {"reason", "hops"}});
    metrics::inc("heron_smtp_rejects_total", "reason", "hops");
    recipients_.clear();
    remote_.clear();
    local_dsn_.clear();
    machine_.answer_message({554, "5.4.6", "Too many hops: a mail forwarding loop?"});
    co_return;
  }

  std::string added;
  Verdict inbound;
  if (submitted) {
    SubmissionHeaders headers = inspect_submission(body, server_.settings().hostname, now, id);
    std::optional<Reply> refusal;
    if (!headers.has_from) {
      refusal = Reply{550, "5.6.0", "Message has no From: header"};  // RFC 6409 8.1
      log::info("smtp.submission.refused", {{"sid", id_}, {"id", id}, {"reason", "no_from"}});
      metrics::inc("heron_smtp_rejects_total", "reason", "no_from");
    }
    for (const std::string& address : headers.from) {
      if (refusal) break;
      const bool ok = co_await sender_allowed(address);
      if (!ok) {
        refusal = Reply{553, "5.7.1",
                        "From: <" + address + "> not owned by user " + machine_.auth_user()};
        log::info(
            "smtp.sender.refused",
            {{"sid", id_}, {"ip", ip_}, {"user", machine_.auth_user()}, {"header_from", address}});
        metrics::inc("heron_smtp_rejects_total", "reason", "header_from");
      }
    }
    if (refusal) {
      recipients_.clear();
      remote_.clear();
      local_dsn_.clear();
      machine_.answer_message(*refusal);
      co_return;
    }
    added = std::move(headers.added);
    if (server_.settings().mailauth.dkim_sign && server_.shared().keyring != nullptr) {
      // RFC 6376 5: sign what the recipient will see (fix-ups included), off the loop.
      const std::string domain = headers.from.front().substr(headers.from.front().rfind('@') + 1);
      auto sign = [&keyring = *server_.shared().keyring, domain, &added, &body, now] {
        std::string signed_part = added + body;
        return dkim_fields(keyring, domain, signed_part, now);
      };
      std::string signatures = co_await net::offload(server_.shared().blocking, std::move(sign));
      added = signatures + added;
    }
  } else if (server_.shared().inbound != nullptr) {
    Envelope envelope{stream_.remote().address(), env.helo, from, now};
    inbound = co_await check_inbound(*server_.shared().inbound, std::move(envelope), body);
    size_t forged = 0;
    std::string cleaned = mailauth::remove_own(body, server_.shared().inbound->authserv_id, forged);
    if (forged > 0) {
      body = std::move(cleaned);
      log::info("smtp.auth_results.removed", {{"sid", id_}, {"id", id}, {"fields", forged}});
    }
    log::info("smtp.mailauth", {{"sid", id_},
                                {"id", id},
                                {"action", action_name(inbound.action)},
                                {"reason", inbound.reason}});
    if (inbound.action == Verdict::Action::reject) {
      metrics::inc("heron_smtp_rejects_total", "reason", "dmarc");
      recipients_.clear();
      remote_.clear();
      local_dsn_.clear();
      machine_.answer_message({550, "5.7.1",
                               "Unauthenticated mail from " + inbound.dmarc_domain +
                                   " is refused by its DMARC policy"});
      co_return;
    }
    added = inbound.field;
  }

  ReceivedInfo info;
  info.helo = env.helo;
  info.client_ip = ip_;
  info.by_host = server_.settings().hostname;
  info.protocol = machine_.received_protocol();
  info.id = id;
  info.client_host = inbound.client_host;
  info.tls = stream_.tls_description();
  if (env.recipients.size() == 1) info.for_recipient = env.recipients.front().address();
  info.auth_user = machine_.auth_user();
  info.hide_client = submitted && server_.settings().submission.hide_client_ip;
  info.unix_time = now;

  std::string message = received_header(info);
  message.reserve(message.size() + added.size() + body.size());
  message += added;
  message += body;
  body.clear();
  const uint64_t size = message.size();

  Reply reply{250, "2.0.0", "Ok: queued as " + id};
  // Remote recipients first: when the queue refuses, nothing was filed locally, and the
  // client's retry cannot deliver twice to local mailboxes.
  if (!remote_.empty()) {
    queue::Submission submission;
    submission.sender = from;
    submission.recipients = remote_;
    submission.smtputf8 = env.smtputf8;
    submission.origin = submitted && server_.submission() ? "submission" : "mx";
    if (const auto* ret = heron::smtp::find_param(env.mail_params, "RET")) {
      submission.ret =
          str::iequals(ret->value, "HDRS") ? store::DsnRet::headers : store::DsnRet::full;
    }
    if (const auto* envid = heron::smtp::find_param(env.mail_params, "ENVID")) {
      submission.envid = heron::smtp::parse_envid(envid->value).value_or("");
    }
    submission.body = recipients_.empty() ? std::move(message) : message;
    auto queued = co_await queue::async_submit(server_.shared().queue, std::move(submission),
                                               asio::use_awaitable);
    if (!queued) {
      reply = {451, "4.3.0", "Queue error, try again later"};
      metrics::inc("heron_smtp_rejects_total", "reason", "queue_error");
      log::error("smtp.queue.failed",
                 {{"sid", id_}, {"id", id}, {"error", queued.error().message}});
    } else {
      log::info("smtp.queued", {{"sid", id_}, {"id", id}, {"queue_id", *queued}});
    }
  }
  // RFC 3461 5.2.2: NOTIFY=SUCCESS on a local recipient earns the sender a "delivered"
  // notice; the original is kept for it (its headers, or all of it with RET=FULL).
  const bool success_notice =
      !from.empty() && std::any_of(local_dsn_.begin(), local_dsn_.end(), [](const auto& r) {
        return (r.notify & heron::smtp::notify::kSuccess) != 0;
      });
  std::string original;
  if (success_notice) original = message;
  if (reply.code == 250 && !recipients_.empty()) {
    auto delivery = delivery::local::build(from, std::move(message), recipients_, now);
    if (inbound.action == Verdict::Action::quarantine) {
      for (auto& target : delivery.targets) target.mailbox = "Junk";
    }
    auto result =
        co_await store::async_deliver(server_.mail(), std::move(delivery), asio::use_awaitable);
    if (!result) {
      reply = {451, "4.3.0", "Local storage error, try again later"};
      metrics::inc("heron_smtp_rejects_total", "reason", "store_error");
      log::error("smtp.deliver.failed",
                 {{"sid", id_}, {"id", id}, {"error", result.error().message}});
    }
  }
  if (reply.code == 250 && success_notice) co_await notify_delivered(id, now, original);
  if (reply.code == 250) {
    if (recipients_.empty() || !remote_.empty()) {
      reply.text = "Ok: queued as " + id;
    } else {
      reply.text = "Ok: delivered as " + id;
    }
    metrics::inc("heron_smtp_messages_accepted_total");
  }
  // RFC 5321 transaction log: one line per recipient with its outcome.
  auto log_rcpt = [&](const std::string& rcpt, const char* route) {
    log::info("smtp.delivery", {{"sid", id_},
                                {"id", id},
                                {"ip", ip_},
                                {"from", from},
                                {"rcpt", rcpt},
                                {"route", route},
                                {"size", size},
                                {"result", reply.code}});
  };
  for (const auto& rcpt : recipients_) log_rcpt(rcpt.address, "local");
  for (const auto& rcpt : remote_) log_rcpt(rcpt.address, "queue");
  recipients_.clear();
  remote_.clear();
  local_dsn_.clear();
  machine_.answer_message(reply);
}

}  // namespace heron::server::smtp
