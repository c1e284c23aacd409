// `heron queue ...`: the operator's view of the outbound queue (docs/cli.md, docs/queue.md).
// The commands open <data_dir>/queue.db next to a running server; SQLite's WAL and the
// queue's own transactions make that safe, and a hold, release or retry takes effect at the
// server's next claim. `inject` is the operator's way to (re-)queue a message from a file: it
// goes through queue::submit(), the only way in, like mail from the network.

#include <cerrno>
#include <charconv>
#include <ctime>
#include <iostream>
#include <iterator>

#include <fmt/core.h>

#include "app/commands.hpp"
#include "base/fs.hpp"
#include "mime/header.hpp"
#include "proto/smtp/dsn_params.hpp"
#include "queue/submit.hpp"
#include "queue/trigger.hpp"

namespace heron::app {
namespace {

int fail(const Error& error) {
  std::cerr << "heron: " << error.message << "\n";
  return 1;
}

std::string iso_time(int64_t t) {
  if (t == 0) return "-";
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<int64_t> parse_id(const std::string& text) {
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    std::cerr << "heron: not a queue id: " << text << "\n";
    return std::nullopt;
  }
  return id;
}

std::string_view state_name(store::RecipientState s) {
  switch (s) {
    case store::RecipientState::queued:
      return "queued";
    case store::RecipientState::delivered:
      return "delivered";
    case store::RecipientState::failed:
      return "failed";
  }
  return "?";
}

std::string message_state(const store::QueuedMessage& m) {
  if (m.quarantined) return "quarantined";
  if (m.held) return "held";
  return "active";
}

int no_such(int64_t id) {
  std::cerr << "heron: no queued message " << id << "\n";
  return 1;
}

}  // namespace

std::unique_ptr<store::sqlite::SqliteQueue> open_queue(const config::Config& config) {
  auto q = store::sqlite::SqliteQueue::open(config.data_dir);
  if (!q) {
    fail(q.error());
    return nullptr;
  }
  return std::move(*q);
}

int queue_list(const config::Config& c) {
  auto q = open_queue(c);
  if (!q) return 1;
  auto list = q->list();
  if (!list) return fail(list.error());
  std::cout << fmt::format("{:>8} {:<20} {:>9} {:<11} {:>7} {:<20} {}\n", "ID", "ARRIVAL", "SIZE",
                           "STATE", "PENDING", "NEXT ATTEMPT", "SENDER");
  for (const store::QueuedMessage& m : *list) {
    size_t pending = 0;
    int64_t next = 0;
    for (const auto& r : m.recipients) {
      if (r.state != store::RecipientState::queued) continue;
      ++pending;
      if (next == 0 || r.next_attempt < next) next = r.next_attempt;
    }
    std::cout << fmt::format("{:>8} {:<20} {:>9} {:<11} {:>7} {:<20} <{}>\n", m.id,
                             iso_time(m.arrival), m.size, message_state(m),
                             fmt::format("{}/{}", pending, m.recipients.size()), iso_time(next),
                             m.sender);
  }
  return 0;
}

int queue_show(const config::Config& c, const std::string& id_text) {
  auto id = parse_id(id_text);
  if (!id) return 1;
  auto q = open_queue(c);
  if (!q) return 1;
  auto m = q->get(*id);
  if (!m) return fail(m.error());
  if (!*m) return no_such(*id);
  const store::QueuedMessage& msg = **m;
  std::cout << "id: " << msg.id << "\n"
            << "state: " << message_state(msg) << "\n"
            << "origin: " << msg.origin << "\n"
            << "arrival: " << iso_time(msg.arrival) << "\n"
            << "size: " << msg.size << "\n"
            << "sender: <" << msg.sender << ">\n"
            << "ret: "
            << (msg.ret == store::DsnRet::full      ? "FULL"
                : msg.ret == store::DsnRet::headers ? "HDRS"
                                                    : "-")
            << "\n"
            << "envid: " << (msg.envid.empty() ? "-" : msg.envid) << "\n"
            << "smtputf8: " << (msg.smtputf8 ? "yes" : "no") << "\n"
            << "8bitmime: " << (msg.eightbit ? "yes" : "no") << "\n";
  if (auto body = q->read_body(msg)) {
    if (auto subject = mime::header_value(*body, "Subject")) {
      std::cout << "subject: " << *subject << "\n";
    }
  }
  std::cout << "recipients:\n";
  for (const store::QueuedRecipient& r : msg.recipients) {
    std::cout << "  <" << r.address << "> " << state_name(r.state) << " attempts=" << r.attempts;
    if (r.state == store::RecipientState::queued) std::cout << " next=" << iso_time(r.next_attempt);
    std::cout << " last=" << iso_time(r.last_attempt);
    if (r.lease_until > 0) std::cout << " leased-until=" << iso_time(r.lease_until);
    std::cout << "\n";
    if (r.notify != 0) std::cout << "    notify: " << smtp::format_notify(r.notify) << "\n";
    if (!r.orcpt.empty()) std::cout << "    orcpt: " << r.orcpt << "\n";
    if (!r.status.empty()) std::cout << "    status: " << r.status << "\n";
    if (!r.remote_mta.empty()) std::cout << "    remote: " << r.remote_mta << "\n";
    if (!r.diagnostic.empty()) std::cout << "    diagnostic: " << r.diagnostic << "\n";
    if (r.dsn == store::DsnState::pending) std::cout << "    notice: owed\n";
    if (r.delay_notified) std::cout << "    delay notice: sent\n";
  }
  return 0;
}

int queue_retry(const config::Config& c, const std::string& target) {
  auto q = open_queue(c);
  if (!q) return 1;
  const int64_t now = system_clock().now();
  if (target == "all") {
    auto n = q->retry_all(now);
    if (!n) return fail(n.error());
    queue::pull_trigger(c.data_dir);
    std::cout << "retrying " << *n << " recipients now\n";
    return 0;
  }
  auto id = parse_id(target);
  if (!id) return 1;
  auto found = q->retry_now(*id, now);
  if (!found) return fail(found.error());
  if (!*found) return no_such(*id);
  queue::pull_trigger(c.data_dir);
  std::cout << "retrying " << *id << " now\n";
  return 0;
}

int queue_delete(const config::Config& c, const std::string& id_text) {
  auto id = parse_id(id_text);
  if (!id) return 1;
  auto q = open_queue(c);
  if (!q) return 1;
  auto found = q->remove(*id);
  if (!found) return fail(found.error());
  if (!*found) return no_such(*id);
  std::cout << "deleted " << *id << "\n";
  return 0;
}

int queue_hold(const config::Config& c, const std::string& id_text, bool hold) {
  auto id = parse_id(id_text);
  if (!id) return 1;
  auto q = open_queue(c);
  if (!q) return 1;
  auto found = hold ? q->hold(*id) : q->release(*id);
  if (!found) return fail(found.error());
  if (!*found) return no_such(*id);
  if (!hold) queue::pull_trigger(c.data_dir);
  std::cout << (hold ? "held " : "released ") << *id << "\n";
  return 0;
}

int queue_inject(const config::Config& c, const InjectOptions& o) {
  queue::Submission s;
  s.sender = o.from == "<>" ? std::string() : o.from;
  if (!s.sender.empty() && s.sender.front() == '<' && s.sender.back() == '>') {
    s.sender = s.sender.substr(1, s.sender.size() - 2);
  }
  uint8_t notify = 0;
  if (!o.notify.empty()) {
    auto n = smtp::parse_notify(o.notify);
    if (!n) {
      std::cerr << "heron: --notify: expected NEVER or a list of SUCCESS, FAILURE, DELAY\n";
      return 1;
    }
    notify = *n;
  }
  for (const std::string& to : o.to) s.recipients.push_back(queue::Recipient{to, "", notify});
  if (o.ret == "FULL" || o.ret == "full") {
    s.ret = store::DsnRet::full;
  } else if (o.ret == "HDRS" || o.ret == "hdrs") {
    s.ret = store::DsnRet::headers;
  } else if (!o.ret.empty()) {
    std::cerr << "heron: --ret: expected FULL or HDRS\n";
    return 1;
  }
  s.envid = o.envid;
  s.smtputf8 = o.smtputf8;
  s.origin = "inject";
  if (o.file.empty() || o.file == "-") {
    s.body.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    auto body = fs::read_file(o.file);
    if (!body) return fail(body.error());
    s.body = std::move(*body);
  }
  auto q = open_queue(c);
  if (!q) return 1;
  auto id = queue::submit(*q, std::move(s));
  if (!id) return fail(id.error());
  queue::pull_trigger(c.data_dir);  // a running server delivers it at once
  std::cout << "queued as " << *id << "\n";
  return 0;
}

}  // namespace heron::app
