// The client's mail transaction: local refusals, MAIL/RCPT with their ESMTP parameters,
// RFC 2920 command groups, DATA with dot-stuffing, BDAT chunks, and what each reply means
// for each recipient.
#include <algorithm>
#include <utility>

#include "proto/smtp/client_machine.hpp"
#include "proto/smtp/dsn_params.hpp"

namespace heron::smtp {

std::string ClientMachine::mail_command() const {
  std::string cmd = "MAIL FROM:<" + msg_.sender + ">";
  // RFC 1870 3: the size, so a server can refuse a message too large before it is sent.
  if (caps_.size) cmd += " SIZE=" + std::to_string(msg_.body.size());
  // RFC 6152 2: declare 8-bit content.
  if (msg_.eightbit && caps_.eightbitmime) cmd += " BODY=8BITMIME";
  // RFC 6531 3.4: only for a message that needs it.
  if (msg_.smtputf8 && caps_.smtputf8) cmd += " SMTPUTF8";
  if (caps_.dsn) {
    // RFC 3461 4.3 and 4.4: passed on to a DSN-capable server, as received.
    if (msg_.ret == Ret::full) cmd += " RET=FULL";
    if (msg_.ret == Ret::headers) cmd += " RET=HDRS";
    if (!msg_.envid.empty()) cmd += " ENVID=" + xtext_encode(msg_.envid);
  }
  return cmd;
}

std::string ClientMachine::rcpt_command(const ClientRecipient& r) const {
  std::string cmd = "RCPT TO:<" + r.address + ">";
  if (caps_.dsn) {
    // RFC 3461 4.1 and 4.2.
    if (r.notify != 0) cmd += " NOTIFY=" + format_notify(r.notify);
    if (!r.orcpt.empty()) cmd += " ORCPT=" + format_orcpt(r.orcpt);
  }
  return cmd;
}

void ClientMachine::send(const ClientMessage& message) {
  if (phase_ != Phase::ready) return;
  msg_ = message;
  result_ = MessageResult{};
  result_.recipients.assign(msg_.recipients.size(), RecipientResult{});
  result_.tls = policy_.tls_active;
  result_.dsn_passed = caps_.dsn;
  decided_.assign(msg_.recipients.size(), false);
  mail_refusal_.reset();
  accepted_ = 0;
  rcpt_replies_ = 0;
  body_sent_ = false;
  chunk_failed_ = false;
  chunk_offset_ = 0;
  awaited_.clear();
  unsent_.clear();
  unsent_expect_.clear();
  if (msg_.recipients.empty()) {
    events_.push_back(Event::message_done);
    return;
  }

  // Refusals decided here, before a byte is sent: they are permanent for this peer.
  std::optional<Reply> refusal;
  if (msg_.smtputf8 && !caps_.smtputf8) {
    // RFC 6531 3.4: without SMTPUTF8 at the peer, the message must not be sent.
    refusal = Reply{553, "5.6.7", "the receiving server does not support SMTPUTF8"};
  } else if (msg_.eightbit && !caps_.eightbitmime) {
    // RFC 6152 3: 8-bit data only to a server that announced 8BITMIME; Heron does not
    // convert to 7 bits.
    refusal = Reply{554, "5.6.3", "8-bit message, and the receiving server lacks 8BITMIME"};
  } else if (caps_.size && caps_.size_limit > 0 && msg_.body.size() > caps_.size_limit) {
    // RFC 1870 6.
    refusal =
        Reply{552, "5.3.4",
              "message size " + std::to_string(msg_.body.size()) +
                  " exceeds the receiving server's limit of " + std::to_string(caps_.size_limit)};
  }
  if (refusal) {
    fail_undecided(*refusal, false);
    events_.push_back(Event::message_done);
    return;
  }

  phase_ = Phase::transaction;
  std::vector<std::pair<std::string, Awaited>> commands;
  // A reused connection is reset first: it also proves the connection still works.
  if (transactions_ > 0) commands.emplace_back("RSET", Awaited{Expect::rset});
  ++transactions_;
  commands.emplace_back(mail_command(), Awaited{Expect::mail});
  for (size_t i = 0; i < msg_.recipients.size(); ++i) {
    commands.emplace_back(rcpt_command(msg_.recipients[i]), Awaited{Expect::rcpt, i});
  }
  use_bdat_ = caps_.chunking && policy_.use_chunking;
  // RFC 2920 3.1: DATA ends a group; BDAT waits for the RCPT replies (see the header).
  if (!use_bdat_) commands.emplace_back("DATA", Awaited{Expect::data});
  pipelined_ = caps_.pipelining && policy_.use_pipelining;
  for (auto& [text, expect] : commands) {
    if (pipelined_ || awaited_.empty()) {
      send_line(text);
      awaited_.push_back(expect);
    } else {
      unsent_.push_back(std::move(text));
      unsent_expect_.push_back(expect);
    }
  }
}

void ClientMachine::fail_undecided(const Reply& reply, bool from_peer) {
  for (size_t i = 0; i < decided_.size(); ++i) {
    if (decided_[i]) continue;
    result_.recipients[i] = RecipientResult{reply, from_peer};
    decided_[i] = true;
  }
}

void ClientMachine::finish_message() {
  // Anything the replies did not decide (cannot happen with a well-behaved peer) is tried
  // again later rather than guessed.
  fail_undecided(Reply{451, "4.5.0", "no final reply for this recipient"}, false);
  awaited_.clear();
  unsent_.clear();
  unsent_expect_.clear();
  ++messages_;
  phase_ = Phase::ready;
  events_.push_back(Event::message_done);
}

// RFC 5321 4.5.2: a line starting with "." gets one more. Bare CR and LF become CRLF (RFC
// 5321 2.3.8), so no body, however it was stored, can end the data early at the peer.
void ClientMachine::send_data_body() {
  const std::string_view body = msg_.body;
  out_.reserve(out_.size() + body.size() + body.size() / 32 + 8);
  bool line_start = true;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '\r' || c == '\n') {
      out_ += "\r\n";
      if (c == '\r' && i + 1 < body.size() && body[i + 1] == '\n') ++i;
      line_start = true;
      continue;
    }
    if (line_start && c == '.') out_ += '.';
    out_ += c;
    line_start = false;
  }
  if (!line_start) out_ += "\r\n";
  out_ += ".\r\n";
  body_sent_ = true;
}

// RFC 3030 2: "BDAT <size>" then exactly that many octets; the last chunk says LAST. With
// PIPELINING every chunk goes at once; otherwise one per reply.
void ClientMachine::send_chunks() {
  const std::string_view body = msg_.body;
  const size_t chunk = std::max<size_t>(policy_.chunk_size, 1);
  do {
    const size_t n = std::min(chunk, body.size() - chunk_offset_);
    const bool last = chunk_offset_ + n == body.size();
    out_ += "BDAT " + std::to_string(n) + (last ? " LAST\r\n" : "\r\n");
    out_.append(body.substr(chunk_offset_, n));
    chunk_offset_ += n;
    awaited_.push_back(Awaited{Expect::bdat, 0, last});
    if (last) break;
  } while (pipelined_);
  body_sent_ = chunk_offset_ == body.size();
}

void ClientMachine::after_transaction_reply(const ParsedReply& r) {
  if (awaited_.empty()) return;  // nothing expected: cannot happen (phase says otherwise)
  const Awaited a = awaited_.front();
  awaited_.pop_front();
  if (r.reply.code == 421) {
    // RFC 5321 3.8: the server is closing the connection.
    abort(r.reply, true, "transaction");
    return;
  }
  const bool ok = r.reply.code / 100 == 2;
  switch (a.what) {
    case Expect::rset:
      if (!ok) {
        begin_session_end(r.reply, true, "rset", true);
        return;
      }
      break;
    case Expect::mail:
      if (!ok) mail_refusal_ = r.reply;
      break;
    case Expect::rcpt: {
      ++rcpt_replies_;
      RecipientResult& res = result_.recipients[a.index];
      if (mail_refusal_) {
        res = RecipientResult{*mail_refusal_, true};
        decided_[a.index] = true;
      } else if (ok) {
        res = RecipientResult{r.reply, true};  // provisional: DATA's reply decides
        ++accepted_;
      } else {
        res = RecipientResult{r.reply, true};
        decided_[a.index] = true;
      }
      break;
    }
    case Expect::data:
      if (r.reply.code == 354) {
        if (accepted_ > 0 && !mail_refusal_) {
          send_data_body();
          awaited_.push_back(Awaited{Expect::data_end});
        } else {
          // RFC 2920 3.1: DATA was accepted although no recipient was; an empty message
          // closes it, and its reply means nothing.
          send_line(".");
          awaited_.push_back(Awaited{Expect::data_end_ignored});
        }
        return;
      }
      fail_undecided(mail_refusal_ ? *mail_refusal_ : r.reply, true);
      break;
    case Expect::data_end:
      fail_undecided(r.reply, true);  // every accepted recipient: the final reply
      break;
    case Expect::data_end_ignored:
      break;
    case Expect::bdat:
      if (!ok && !chunk_failed_) {
        // RFC 3030 2: the transaction failed; no further chunk is sent.
        chunk_failed_ = true;
        fail_undecided(r.reply, true);
      } else if (ok && !chunk_failed_ && a.last) {
        fail_undecided(r.reply, true);
      } else if (ok && !chunk_failed_ && !pipelined_) {
        send_chunks();
        return;
      }
      break;
    case Expect::quit:
      break;
  }

  if (!awaited_.empty()) return;
  if (!unsent_.empty()) {
    // Without PIPELINING: the next command, unless there is no point any more.
    const bool next_is_data = unsent_expect_.front().what == Expect::data;
    if (mail_refusal_ || (next_is_data && accepted_ == 0)) {
      fail_undecided(mail_refusal_ ? *mail_refusal_ : r.reply, true);
      finish_message();
      return;
    }
    send_line(unsent_.front());
    awaited_.push_back(unsent_expect_.front());
    unsent_.pop_front();
    unsent_expect_.pop_front();
    return;
  }
  // Every RCPT has its reply: with BDAT the body goes now, if anyone is to receive it.
  if (use_bdat_ && !body_sent_ && !chunk_failed_ && rcpt_replies_ == msg_.recipients.size() &&
      a.what != Expect::bdat) {
    if (accepted_ > 0 && !mail_refusal_) {
      send_chunks();
      return;
    }
  }
  finish_message();
}

}  // namespace heron::smtp
