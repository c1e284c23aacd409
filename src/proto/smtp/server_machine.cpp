// The session's input loop and the calls the driver makes; the command handlers are in
// server_commands.cpp.
#include <cstring>
#include <utility>

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "proto/smtp/server_machine.hpp"

namespace heron::smtp {
namespace {

// Consumed input is dropped once it is the larger part of a buffer worth compacting.
constexpr size_t kCompactAt = 4096;
// Message buffers up to this capacity are kept from one transaction to the next.
constexpr size_t kKeepMessageBuffer = 1 << 20;

}  // namespace

ServerMachine::ServerMachine(ServerPolicy policy) : policy_(std::move(policy)) {
  // RFC 5321 4.2 / 3.1: the greeting; no enhanced code on it (RFC 2034 3).
  reply(Reply{220, "", policy_.hostname + " ESMTP Heron"});
}

void ServerMachine::feed(std::string_view bytes) {
  if (phase_ == Phase::closed) return;
  if (in_pos_ == in_.size()) {
    in_.clear();
    in_pos_ = 0;
    // Still dropping an over-long line: what precedes its LF need not be stored at all.
    if (skipping_ && wait_ == Wait::none) {
      const size_t lf = bytes.find('\n');
      if (lf == std::string_view::npos) return;
      bytes.remove_prefix(lf + 1);
      skipping_ = false;
    }
  } else if (in_pos_ >= kCompactAt && in_pos_ * 2 >= in_.size()) {
    in_.erase(0, in_pos_);
    in_pos_ = 0;
  }
  in_.append(bytes);
}

ServerMachine::Event ServerMachine::next() {
  if (phase_ == Phase::closed) return Event::close;
  // An unanswered event is repeated: no input is processed until the driver answers.
  switch (wait_) {
    case Wait::recipient:
      return Event::check_recipient;
    case Wait::message:
      return Event::message_ready;
    case Wait::tls:
      return Event::start_tls;
    case Wait::auth:
      return Event::authenticate;
    case Wait::sender:
      return Event::check_sender;
    case Wait::none:
      break;
  }
  while (true) {
    Step s;
    switch (phase_) {
      case Phase::data:
        s = step_data();
        break;
      case Phase::bdat:
        s = step_bdat();
        break;
      case Phase::command:
      case Phase::sasl:
        s = step_command();
        break;
      case Phase::closed:
        return Event::close;
    }
    if (s) return *s;
  }
}

std::string ServerMachine::take_output() {
  std::string out;
  out.swap(out_);
  return out;
}

// One command line. RFC 5321 4.5.3.1.4 limits its length (policy_.max_line, CRLF included);
// past that we answer 500 at once and drop the rest of the line up to its LF, so a client
// cannot make us buffer an endless line. A bare LF ends a command line too: commands carry
// no message content, so the smuggling rules of DATA do not apply here.
ServerMachine::Step ServerMachine::step_command() {
  const char* base = in_.data() + in_pos_;
  const size_t avail = in_.size() - in_pos_;
  if (skipping_) {
    const void* lf = std::memchr(base, '\n', avail);
    if (lf == nullptr) {
      in_pos_ = in_.size();
      return Event::need_input;
    }
    in_pos_ += static_cast<size_t>(static_cast<const char*>(lf) - base) + 1;
    skipping_ = false;
    return std::nullopt;
  }
  if (avail == 0) return Event::need_input;
  const size_t limit = avail < policy_.max_line ? avail : policy_.max_line;
  const void* lf = std::memchr(base, '\n', limit);
  if (lf == nullptr) {
    if (avail < policy_.max_line) return Event::need_input;
    in_pos_ += limit;
    skipping_ = true;
    if (phase_ == Phase::sasl) {
      // RFC 4954 4: the exchange fails with 500 5.5.6.
      return sasl_fail(Reply{500, "5.5.6", "Authentication Exchange line is too long"});
    }
    return reject(Reply{500, "5.5.2", "Line too long"});
  }
  const size_t len = static_cast<size_t>(static_cast<const char*>(lf) - base);
  std::string_view line(base, len);
  in_pos_ += len + 1;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (phase_ == Phase::sasl) return on_sasl_line(line);
  return dispatch(line);
}

// RFC 5321 4.1.1.4: the data ends at <CRLF>.<CRLF> only; DataDecoder has the details.
ServerMachine::Step ServerMachine::step_data() {
  in_pos_ += decoder_->feed(std::string_view(in_).substr(in_pos_));
  if (!decoder_->done()) return Event::need_input;
  phase_ = Phase::command;
  const DataDecoder::Error error = decoder_->error();
  if (error == DataDecoder::Error::none) {
    message_ = std::move(decoder_->body());
    decoder_.reset();
    env_.chunked = false;
    wait_ = Wait::message;
    return Event::message_ready;
  }
  decoder_.reset();
  reset_transaction();
  if (error == DataDecoder::Error::too_big) {
    // RFC 1870 6.
    metrics::inc("heron_smtp_rejects_total", "reason", "too_big");
    reply(Reply{552, "5.3.4", "Message too big"});
  } else {
    // A bare CR or LF in the data (RFC 5321 2.3.8). 5.6.0 (RFC 3463: other media error)
    // because no code is registered for it; the text names the reason for the sender's
    // postmaster.
    metrics::inc("heron_smtp_rejects_total", "reason", "bare_line_end");
    reply(Reply{554, "5.6.0", "Message contains bare CR or LF (SMTP smuggling protection)"});
  }
  return std::nullopt;
}

// RFC 3030 2: exactly bdat_size_ raw octets, no dot handling. A refused chunk is still read
// (and dropped), since the client may have pipelined it behind the BDAT.
ServerMachine::Step ServerMachine::step_bdat() {
  const uint64_t avail = in_.size() - in_pos_;
  const size_t take = static_cast<size_t>(avail < bdat_left_ ? avail : bdat_left_);
  if (!bdat_refusal_) {
    bdat_total_ += take;
    if (message_.size() < policy_.max_message_size) {
      const uint64_t room = policy_.max_message_size - message_.size();
      message_.append(in_, in_pos_, take < room ? take : static_cast<size_t>(room));
    }
  }
  in_pos_ += take;
  bdat_left_ -= take;
  if (bdat_left_ > 0) return Event::need_input;

  phase_ = Phase::command;
  if (bdat_refusal_) {
    // Not counted as a bad command: RFC 3030 4.2 asks us to read and drop chunks that were
    // already in the pipeline behind a failed one.
    reply(*bdat_refusal_);
    bdat_refusal_.reset();
    return std::nullopt;
  }
  if (bdat_total_ > policy_.max_message_size) {
    // RFC 1870 6 / RFC 3030 4.2: the transaction fails; chunks behind this one get 503.
    metrics::inc("heron_smtp_rejects_total", "reason", "too_big");
    reset_transaction();
    reply(Reply{552, "5.3.4", "Message too big"});
    return std::nullopt;
  }
  if (bdat_last_) {
    wait_ = Wait::message;
    return Event::message_ready;
  }
  reply(Reply{250, "2.0.0", std::to_string(bdat_size_) + " octets received"});
  return std::nullopt;
}

void ServerMachine::reply(const Reply& r) {
  out_ += r.format();
}

ServerMachine::Step ServerMachine::reject(const Reply& r) {
  reply(r);
  metrics::inc("heron_smtp_rejects_total", "reason", std::to_string(r.code));
  log::debug("smtp.reject", {{"code", r.code}, {"enhanced", r.enhanced}, {"text", r.text}});
  ++errors_;
  if (errors_ >= policy_.max_errors) {
    metrics::inc("heron_smtp_rejects_total", "reason", "too_many_errors");
    return close_with(Reply{421, "4.7.0", policy_.hostname + " Too many errors"});
  }
  return std::nullopt;
}

ServerMachine::Step ServerMachine::close_with(const Reply& r) {
  reply(r);
  phase_ = Phase::closed;
  wait_ = Wait::none;
  return Event::close;
}

void ServerMachine::reset_transaction() {
  env_.mail_from = Path{};
  env_.mail_params.clear();
  env_.recipients.clear();
  env_.smtputf8 = false;
  env_.chunked = false;
  in_mail_ = false;
  rcpt_seen_ = false;
  body_started_ = false;
  bdat_total_ = 0;
  // The buffer is reused by the next message (see on_data) unless it grew large: an idle
  // session should not hold on to a once-seen big message.
  if (message_.capacity() > kKeepMessageBuffer) {
    std::string().swap(message_);
  } else {
    message_.clear();
  }
  pending_rcpt_ = Path{};
  pending_rcpt_params_.clear();
}

void ServerMachine::answer_recipient(bool accepted, const Reply& r) {
  if (wait_ != Wait::recipient) return;  // a driver bug; nothing is pending
  wait_ = Wait::none;
  if (accepted) env_.recipients.push_back(std::move(pending_rcpt_));
  pending_rcpt_ = Path{};
  pending_rcpt_params_.clear();
  reply(r);
}

void ServerMachine::answer_message(const Reply& r) {
  if (wait_ != Wait::message) return;
  wait_ = Wait::none;
  reply(r);
  reset_transaction();
}

// RFC 3207 4.2 and 6: the client must start over, and nothing it sent before the handshake
// may be acted upon (CVE-2011-0411: commands pipelined behind STARTTLS in plaintext).
void ServerMachine::tls_started() {
  if (phase_ == Phase::closed) return;
  in_.clear();
  in_pos_ = 0;
  skipping_ = false;
  phase_ = Phase::command;
  wait_ = Wait::none;
  decoder_.reset();
  bdat_refusal_.reset();
  reset_transaction();
  env_ = Envelope{};
  helo_ = false;
  auth_user_.clear();  // RFC 3207 4.2: nothing learnt before the handshake survives it
  auth_request_ = AuthRequest{};
  sasl_ = Sasl::none;
  policy_.tls_active = true;
  policy_.starttls = false;
}

void ServerMachine::timed_out() {
  if (phase_ == Phase::closed) return;
  close_with(Reply{421, "4.4.2", policy_.hostname + " Timeout exceeded, closing"});
}

void ServerMachine::shutdown(const Reply& r) {
  if (phase_ == Phase::closed) return;
  close_with(r);
}

// RFC 3848 (ESMTPS, ESMTPA, ESMTPSA), RFC 6531 3.7.3 (UTF8SMTP, UTF8SMTPS, UTF8SMTPSA).
// Plain HELO stays "SMTP" even over TLS: no "SMTPS" is registered, and the "S" and "A" types
// all imply EHLO (AUTH needs EHLO anyway).
std::string ServerMachine::received_protocol() const {
  if (!env_.esmtp) return "SMTP";
  std::string p = env_.smtputf8 ? "UTF8SMTP" : "ESMTP";
  if (policy_.tls_active) p += 'S';
  if (!auth_user_.empty()) p += 'A';
  return p;
}

void ServerMachine::answer_sender(bool accepted, const Reply& r) {
  if (wait_ != Wait::sender) return;
  wait_ = Wait::none;
  if (accepted) {
    in_mail_ = true;
  } else {
    reset_transaction();
    metrics::inc("heron_smtp_rejects_total", "reason", "sender");
  }
  reply(r);
}

}  // namespace heron::smtp
