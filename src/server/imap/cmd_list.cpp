// LIST and LSUB (RFC 9051 6.3.9, RFC 3501 6.3.8/6.3.9, RFC 5258, RFC 5819 LIST-STATUS,
// RFC 6154). Which names and attributes: list.hpp. This file decodes the patterns and writes
// the responses.

#include "base/log.hpp"
#include "server/imap/list.hpp"
#include "server/imap/session.hpp"
#include "server/imap/status.hpp"

namespace heron::server::imap {

namespace asio = boost::asio;

namespace {

struct Listing {
  Result<std::vector<store::Mailbox>> mailboxes = std::vector<store::Mailbox>();
  Result<std::vector<std::string>> subscriptions = std::vector<std::string>();
  std::vector<std::vector<store::Message>> messages;  // per mailbox, for LIST-STATUS
};

}  // namespace

asio::awaitable<void> Session::cmd_list(Command& c) {
  const bool lsub = c.name == "LSUB";
  ListQuery q;
  auto reference = mailbox_name(c.reference);
  if (!reference && !c.reference.empty()) {
    no(c.tag, "[CANNOT] Invalid reference name");
    co_return;
  }
  q.reference = reference.value_or(std::string());
  for (const std::string& p : c.patterns) {
    // A pattern is decoded like a name; "*" and "%" are printable and pass through.
    auto decoded = mailbox_name(p);
    if (!decoded) {
      no(c.tag, "[CANNOT] Invalid mailbox pattern");
      co_return;
    }
    q.patterns.push_back(std::move(*decoded));
  }
  q.lsub = lsub;
  q.extended = c.list_extended;
  q.select_subscribed = c.select_subscribed;
  q.select_special_use = c.select_special_use;
  q.recursive_match = c.select_recursive;
  q.return_subscribed = c.return_subscribed;

  store::MailStore& mail = server_.mail();
  const int64_t account = account_->id;
  const bool with_messages = c.return_status && status_needs_messages(c.status_items);
  // Named, not a temporary: GCC 12 destroys a lambda temporary in a co_await twice.
  auto work = [&mail, account, with_messages] {
    Listing out;
    out.mailboxes = mail.list_mailboxes(account);
    out.subscriptions = mail.list_subscriptions(account);
    if (with_messages && out.mailboxes) {
      for (const store::Mailbox& m : *out.mailboxes) {
        auto listed = mail.list_messages(m.id);
        out.messages.push_back(listed ? std::move(*listed) : std::vector<store::Message>());
      }
    }
    return out;
  };
  Listing l = co_await blocking(std::move(work));
  if (!l.mailboxes || !l.subscriptions) {
    log::error("imap.list.failed", {{"sid", id_}});
    no(c.tag, "[SERVERBUG] Store error");
    co_return;
  }
  const auto entries = list_mailboxes(q, *l.mailboxes, *l.subscriptions);
  for (const ListEntry& e : entries) {
    std::string line = lsub ? "LSUB (" : "LIST (";
    for (size_t i = 0; i < e.attributes.size(); ++i) line += (i ? " " : "") + e.attributes[i];
    line += ") \"/\" ";
    line += e.name.empty() ? std::string("\"\"") : encode_mailbox(e.name);
    if (e.child_subscribed) line += " (\"CHILDINFO\" (\"SUBSCRIBED\"))";
    untagged(line);
    if (!c.return_status || !e.selectable) continue;
    for (size_t i = 0; i < l.mailboxes->size(); ++i) {
      const store::Mailbox& m = (*l.mailboxes)[i];
      if (m.name != e.name) continue;
      static const std::vector<store::Message> kNone;
      untagged("STATUS " + encode_mailbox(m.name) + " " +
               status_data(m, with_messages ? l.messages[i] : kNone, c.status_items));
    }
  }
  ok(c.tag, c.name + " completed");
}

}  // namespace heron::server::imap
