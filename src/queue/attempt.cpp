#include "queue/attempt.hpp"

namespace heron::queue {
namespace {

smtp::Ret ret_of(store::DsnRet ret) {
  switch (ret) {
    case store::DsnRet::full:
      return smtp::Ret::full;
    case store::DsnRet::headers:
      return smtp::Ret::headers;
    case store::DsnRet::unspecified:
      return smtp::Ret::unspecified;
  }
  return smtp::Ret::unspecified;
}

DeliveryResult::Kind kind_of(const smtp::Reply& reply) {
  if (reply.code >= 200 && reply.code < 300) return DeliveryResult::Kind::delivered;
  if (reply.code >= 500 && reply.code < 600) return DeliveryResult::Kind::permanent;
  return DeliveryResult::Kind::transient;
}

}  // namespace

smtp::ClientMessage client_message(const store::QueuedMessage& message, std::string_view body) {
  smtp::ClientMessage m;
  m.sender = message.sender;
  m.recipients.reserve(message.recipients.size());
  for (const store::QueuedRecipient& r : message.recipients) {
    m.recipients.push_back(smtp::ClientRecipient{r.address, r.notify, r.orcpt});
  }
  m.body = body;
  m.eightbit = message.eightbit;
  m.smtputf8 = message.smtputf8;
  m.ret = ret_of(message.ret);
  m.envid = message.envid;
  return m;
}

std::vector<DeliveryResult> results_of(const store::QueuedMessage& message,
                                       const smtp::MessageResult& result,
                                       std::string_view remote_host) {
  std::vector<DeliveryResult> out;
  out.reserve(message.recipients.size());
  for (size_t i = 0; i < message.recipients.size(); ++i) {
    DeliveryResult d;
    d.recipient_id = message.recipients[i].id;
    if (i < result.recipients.size()) {
      const smtp::RecipientResult& r = result.recipients[i];
      d.kind = kind_of(r.reply);
      d.reply_code = r.from_peer ? r.reply.code : 0;
      d.enhanced = r.reply.enhanced;
      d.text = r.from_peer ? r.reply.text : std::to_string(r.reply.code) + " " + r.reply.text;
      d.remote_host = std::string(remote_host);
      d.notify_relayed = result.dsn_passed && message.recipients[i].notify != 0;
    } else {
      d.kind = DeliveryResult::Kind::transient;
      d.text = "no result from the SMTP client";
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<DeliveryResult> session_failed(const store::QueuedMessage& message,
                                           const smtp::SessionError& error,
                                           std::string_view remote_host) {
  std::vector<DeliveryResult> out;
  out.reserve(message.recipients.size());
  for (const store::QueuedRecipient& r : message.recipients) {
    DeliveryResult d;
    d.recipient_id = r.id;
    d.kind = DeliveryResult::Kind::transient;
    d.reply_code = error.from_peer ? error.reply.code : 0;
    // A 5xx that ended the session is not this recipient's permanent failure: keep the
    // detail, but with a transient class so the record reads consistently.
    d.enhanced = error.reply.enhanced.empty() || error.reply.enhanced[0] == '4'
                     ? error.reply.enhanced
                     : "4" + error.reply.enhanced.substr(1);
    d.text = (error.from_peer ? "" : std::to_string(error.reply.code) + " ") + error.reply.text +
             " (during " + error.stage + ")";
    d.remote_host = std::string(remote_host);
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<DeliveryResult> not_attempted(const store::QueuedMessage& message, bool permanent,
                                          std::string_view why) {
  std::vector<DeliveryResult> out;
  out.reserve(message.recipients.size());
  for (const store::QueuedRecipient& r : message.recipients) {
    DeliveryResult d;
    d.recipient_id = r.id;
    d.kind = permanent ? DeliveryResult::Kind::permanent : DeliveryResult::Kind::transient;
    d.enhanced = permanent ? "5.1.2" : "4.4.1";  // RFC 3463: bad destination system / no answer
    d.text = std::string(why);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace heron::queue
