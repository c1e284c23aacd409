// The session's input loop and the calls the driver makes; the command handlers are in
// authorization.cpp and transaction.cpp.
#include <utility>

#include "base/log.hpp"
#include "base/metrics.hpp"
#include "proto/pop3/machine.hpp"
#include "proto/pop3/multiline.hpp"
#include "proto/sasl/plain.hpp"

namespace heron::pop3 {
namespace {

constexpr size_t kCompactAt = 4096;

}  // namespace

Machine::Machine(Policy policy) : policy_(std::move(policy)) {
  // RFC 1939 4: the greeting. No APOP timestamp: APOP (MD5 of a shared secret) is not offered.
  ok("POP3 server ready");
}

void Machine::feed(std::string_view bytes) {
  if (state_ == State::closed) return;
  if (in_pos_ == in_.size()) {
    in_.clear();
    in_pos_ = 0;
  } else if (in_pos_ >= kCompactAt && in_pos_ * 2 >= in_.size()) {
    in_.erase(0, in_pos_);
    in_pos_ = 0;
  }
  // Still dropping an over-long line: what precedes its LF need not be stored at all.
  if (skipping_ && in_pos_ == in_.size()) {
    const size_t lf = bytes.find('\n');
    if (lf == std::string_view::npos) return;
    bytes.remove_prefix(lf + 1);
    skipping_ = false;
    reject("Line too long");  // if the error limit closes the session, next() says so
  }
  in_.append(bytes);
}

Machine::Event Machine::next() {
  if (state_ == State::closed) return Event::close;
  // An unanswered event is repeated: no input is processed until the driver answers.
  if (wait_ == Wait::authenticate) return Event::authenticate;
  if (wait_ == Wait::retrieve) return Event::retrieve;
  if (wait_ == Wait::update) return Event::update;
  if (wait_ == Wait::tls) return Event::start_tls;
  while (true) {
    if (Step s = step()) return *s;
  }
}

std::string Machine::take_output() {
  std::string out;
  out.swap(out_);
  return out;
}

// One line of input, or need_input when no whole line is buffered.
Machine::Step Machine::step() {
  if (state_ == State::closed) return Event::close;
  const size_t limit = sasl_pending_ ? sasl::kMaxResponseLine + 2 : policy_.max_line;
  const size_t lf = in_.find('\n', in_pos_);
  if (lf == std::string::npos) {
    if (in_.size() - in_pos_ >= limit) {
      // Over-long line: drop what we have and the rest up to its LF (feed() skips it).
      in_.clear();
      in_pos_ = 0;
      skipping_ = true;
      sasl_pending_ = false;
    }
    return Event::need_input;
  }
  std::string_view line(in_.data() + in_pos_, lf - in_pos_);
  in_pos_ = lf + 1;
  if (line.size() + 1 > limit) {
    sasl_pending_ = false;
    return reject("Line too long");
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (sasl_pending_) return sasl_continuation(line);
  return dispatch(line);
}

void Machine::ok(std::string_view text) {
  out_ += "+OK";
  if (!text.empty()) out_ += ' ';
  out_ += text;
  out_ += "\r\n";
}

void Machine::err(std::string_view text) {
  out_ += "-ERR ";
  out_ += text;
  out_ += "\r\n";
}

Machine::Step Machine::reject(std::string_view text) {
  err(text);
  metrics::inc("heron_pop3_bad_commands_total");
  if (++errors_ >= policy_.max_errors) {
    err("Too many errors, closing connection");
    return close();
  }
  return std::nullopt;
}

Machine::Step Machine::close() {
  state_ = State::closed;
  wait_ = Wait::none;
  return Event::close;
}

void Machine::login_accepted(std::vector<MaildropEntry> maildrop) {
  if (wait_ != Wait::authenticate) return;
  wait_ = Wait::none;
  credentials_.password.assign(credentials_.password.size(), '\0');
  credentials_ = {};
  maildrop_ = std::move(maildrop);
  deleted_.assign(maildrop_.size(), false);
  state_ = State::transaction;
  uint64_t octets = 0;
  for (const auto& m : maildrop_) octets += m.size;
  ok("Logged in, maildrop has " + std::to_string(maildrop_.size()) + " messages (" +
     std::to_string(octets) + " octets)");
}

void Machine::login_refused(std::string_view resp_code, std::string_view text) {
  if (wait_ != Wait::authenticate) return;
  wait_ = Wait::none;
  credentials_.password.assign(credentials_.password.size(), '\0');
  credentials_ = {};
  // RFC 2449 8: the response code in brackets right after -ERR.
  std::string line;
  if (!resp_code.empty()) {
    line += '[';
    line += resp_code;
    line += "] ";
  }
  line += text;
  err(line);
}

void Machine::answer_retrieve(std::string_view message) {
  if (wait_ != Wait::retrieve) return;
  wait_ = Wait::none;
  // RFC 1939 7 RETR: "+OK" then the message, byte-stuffed, then ".".
  ok(std::to_string(maildrop_[pending_index_].size) + " octets");
  append_message(out_, message, pending_top_);
  out_ += ".\r\n";
}

void Machine::retrieve_failed() {
  if (wait_ != Wait::retrieve) return;
  wait_ = Wait::none;
  err("[SYS/TEMP] Cannot read the message now, try again later");
}

std::vector<uint32_t> Machine::deleted_uids() const {
  std::vector<uint32_t> uids;
  for (size_t i = 0; i < maildrop_.size(); ++i) {
    if (deleted_[i]) uids.push_back(maildrop_[i].uid);
  }
  return uids;
}

void Machine::update_done(bool success) {
  if (wait_ != Wait::update) return;
  // RFC 1939 6: "+OK" only once the deletions are done; otherwise "-ERR some deleted
  // messages not removed". Either way the session ends.
  if (success) {
    ok("Logging out");
  } else {
    err("[SYS/TEMP] Some deleted messages were not removed");
  }
  close();
}

void Machine::tls_started() {
  if (wait_ != Wait::tls) return;
  wait_ = Wait::none;
  policy_.tls_active = true;
  policy_.stls = false;
  in_.clear();
  in_pos_ = 0;
  skipping_ = false;
  user_.clear();
}

void Machine::timed_out() {
  out_.clear();
  close();
}

}  // namespace heron::pop3
