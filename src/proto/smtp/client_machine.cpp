// The client session's input loop, reply parser and session phases (greeting, EHLO/HELO,
// STARTTLS, QUIT). The mail transaction is in client_transaction.cpp.
#include <cstring>
#include <utility>

#include "base/base64.hpp"
#include "base/strings.hpp"
#include "proto/smtp/client_machine.hpp"

namespace heron::smtp {
namespace {

// Consumed input is dropped once it is the larger part of a buffer worth compacting.
constexpr size_t kCompactAt = 4096;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// RFC 3463 2 / RFC 2034 3: "class.subject.detail" at the start of a reply line, the class
// matching the reply code's first digit. Returns its length, or 0.
size_t enhanced_code_length(std::string_view text, char reply_class) {
  if (text.size() < 5 || text[0] != reply_class || text[1] != '.') return 0;
  // 1 to 3 digits starting at i; returns the index after them, or 0.
  auto digits = [&text](size_t i) -> size_t {
    size_t j = i;
    while (j < text.size() && j - i < 4 && is_digit(text[j])) ++j;
    return (j == i || j - i > 3) ? 0 : j;
  };
  const size_t subject_end = digits(2);
  if (subject_end == 0 || subject_end >= text.size() || text[subject_end] != '.') return 0;
  const size_t detail_end = digits(subject_end + 1);
  if (detail_end == 0) return 0;
  if (detail_end < text.size() && text[detail_end] != ' ') return 0;
  return detail_end;
}

}  // namespace

ClientMachine::ClientMachine(ClientPolicy policy) : policy_(std::move(policy)) {}

void ClientMachine::feed(std::string_view bytes) {
  if (phase_ == Phase::closed || phase_ == Phase::tls) return;
  if (in_pos_ == in_.size()) {
    in_.clear();
    in_pos_ = 0;
  } else if (in_pos_ >= kCompactAt && in_pos_ * 2 >= in_.size()) {
    in_.erase(0, in_pos_);
    in_pos_ = 0;
  }
  in_.append(bytes);
}

void ClientMachine::eof() {
  if (phase_ == Phase::closed) return;
  if (phase_ == Phase::quitting && !error_) {
    // The peer closed after (or instead of) its QUIT reply: a clean end.
    awaited_.clear();
    phase_ = Phase::closed;
    events_.push_back(Event::closed);
    return;
  }
  abort(Reply{421, "4.4.2", "connection closed by the receiving server"}, false,
        phase_ == Phase::quitting ? "quit" : "read");
}

std::string ClientMachine::take_output() {
  std::string out;
  out.swap(out_);
  return out;
}

void ClientMachine::send_line(std::string_view line) {
  // Our commands carry addresses the queue validated; a stray CR or LF must still never
  // split a command in two on the wire.
  for (char c : line) {
    if (c != '\r' && c != '\n') out_ += c;
  }
  out_ += "\r\n";
}

ClientMachine::ParseStatus ClientMachine::parse_reply(ParsedReply& out) {
  size_t pos = in_pos_;
  int code = 0;
  out = ParsedReply{};
  while (true) {
    const void* lf = std::memchr(in_.data() + pos, '\n', in_.size() - pos);
    if (lf == nullptr) {
      return in_.size() - pos > policy_.max_reply_line ? ParseStatus::malformed
                                                       : ParseStatus::incomplete;
    }
    const size_t end = static_cast<size_t>(static_cast<const char*>(lf) - in_.data());
    std::string_view line(in_.data() + pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // RFC 5321 4.2: Reply-line = *( Reply-code "-" [ textstring ] CRLF )
    //                            Reply-code [ SP textstring ] CRLF, codes 2yz..5yz.
    if (line.size() > policy_.max_reply_line || line.size() < 3 || !is_digit(line[0]) ||
        !is_digit(line[1]) || !is_digit(line[2]) || line[0] < '2' || line[0] > '5') {
      return ParseStatus::malformed;
    }
    const char sep = line.size() > 3 ? line[3] : ' ';
    if (sep != ' ' && sep != '-') return ParseStatus::malformed;
    const int this_code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (code == 0) {
      code = this_code;
    } else if (this_code != code) {
      return ParseStatus::malformed;  // RFC 5321 4.2.1: every line carries the same code
    }
    if (out.lines.size() >= policy_.max_reply_lines) return ParseStatus::malformed;
    std::string_view text = line.size() > 4 ? line.substr(4) : std::string_view();
    const size_t enh = enhanced_code_length(text, line[0]);
    if (enh > 0) {
      if (out.lines.empty()) out.reply.enhanced = std::string(text.substr(0, enh));
      text.remove_prefix(enh);
      if (!text.empty()) text.remove_prefix(1);
    }
    out.lines.emplace_back(text);
    if (sep == ' ') break;
  }
  in_pos_ = pos;
  out.reply.code = code;
  for (size_t i = 0; i < out.lines.size(); ++i) {
    if (i > 0) out.reply.text += '\n';
    out.reply.text += out.lines[i];
  }
  return ParseStatus::done;
}

ClientMachine::Event ClientMachine::next() {
  while (true) {
    if (!events_.empty()) {
      const Event e = events_.front();
      events_.pop_front();
      return e;
    }
    switch (phase_) {
      case Phase::closed:
        return Event::closed;
      case Phase::tls:
        return Event::start_tls;  // repeated until tls_started() or tls_failed()
      case Phase::ready:
        return Event::ready;  // repeated until send() or quit()
      default:
        break;
    }
    ParsedReply r;
    const ParseStatus status = parse_reply(r);
    if (status == ParseStatus::incomplete) return Event::need_input;
    if (status == ParseStatus::malformed) {
      // The stream cannot be trusted to line up with our commands any more: no QUIT.
      abort(Reply{421, "4.5.0", "malformed reply from the receiving server"}, false, "reply");
      continue;
    }
    switch (phase_) {
      case Phase::greeting:
        after_greeting(r);
        break;
      case Phase::ehlo:
        after_ehlo(r);
        break;
      case Phase::helo:
        after_helo(r);
        break;
      case Phase::starttls:
        after_starttls(r);
        break;
      case Phase::auth:
        after_auth(r);
        break;
      case Phase::transaction:
        after_transaction_reply(r);
        break;
      case Phase::quitting:
        // Replies to commands sent before the QUIT, then QUIT's own.
        if (!awaited_.empty()) {
          const bool was_quit = awaited_.front().what == Expect::quit;
          awaited_.pop_front();
          if (!was_quit) break;
        }
        phase_ = Phase::closed;
        events_.push_back(Event::closed);
        break;
      default:
        break;
    }
  }
}

// The session cannot go on and no QUIT is sent (421, end of input, malformed replies).
void ClientMachine::abort(const Reply& reply, bool from_peer, std::string_view stage) {
  if (phase_ == Phase::transaction) {
    fail_undecided(reply, from_peer);
    events_.push_back(Event::message_done);
  }
  if (!error_ && !(phase_ == Phase::quitting && stage == "quit")) {
    error_ = SessionError{reply, from_peer, std::string(stage)};
  }
  phase_ = Phase::closed;
  awaited_.clear();
  unsent_.clear();
  unsent_expect_.clear();
  events_.push_back(Event::closed);
}

// The session ends early but in order: QUIT (RFC 5321 4.1.1.10), unless the peer said 421.
void ClientMachine::begin_session_end(const Reply& reply, bool from_peer, std::string_view stage,
                                      bool send_quit) {
  if (reply.code == 421 || !send_quit) {
    abort(reply, from_peer, stage);
    return;
  }
  if (phase_ == Phase::transaction) {
    fail_undecided(reply, from_peer);
    events_.push_back(Event::message_done);
  }
  if (!error_) error_ = SessionError{reply, from_peer, std::string(stage)};
  unsent_.clear();
  unsent_expect_.clear();
  send_line("QUIT");
  awaited_.push_back(Awaited{Expect::quit});
  phase_ = Phase::quitting;
}

void ClientMachine::quit() {
  if (phase_ != Phase::ready) return;
  send_line("QUIT");
  awaited_.push_back(Awaited{Expect::quit});
  phase_ = Phase::quitting;
}

// RFC 5321 3.1: a 220 greeting opens the session; 554 (or anything else) means no service.
void ClientMachine::after_greeting(const ParsedReply& r) {
  if (r.reply.code / 100 != 2) {
    begin_session_end(r.reply, true, "greeting", true);
    return;
  }
  send_line("EHLO " + policy_.helo_name);
  phase_ = Phase::ehlo;
}

bool ClientMachine::parse_capabilities(const ParsedReply& r) {
  caps_ = Capabilities{};
  caps_.esmtp = true;
  // RFC 5321 4.1.1.1: the first line is the greeting; each later one an ehlo-keyword and
  // its parameters.
  for (size_t i = 1; i < r.lines.size(); ++i) {
    std::string_view line = str::trim(r.lines[i]);
    const size_t sp = line.find(' ');
    const std::string keyword = str::to_lower(line.substr(0, sp));
    const std::string_view params =
        sp == std::string_view::npos ? std::string_view() : str::trim(line.substr(sp + 1));
    if (keyword == "pipelining") {
      caps_.pipelining = true;
    } else if (keyword == "size") {
      caps_.size = true;
      uint64_t n = 0;
      bool ok = !params.empty() && params.size() <= 19;
      for (char c : params) {
        if (!is_digit(c)) {
          ok = false;
          break;
        }
        n = n * 10 + static_cast<uint64_t>(c - '0');
      }
      caps_.size_limit = ok ? n : 0;  // RFC 1870 4: 0 or absent means no fixed limit
    } else if (keyword == "8bitmime") {
      caps_.eightbitmime = true;
    } else if (keyword == "smtputf8") {
      caps_.smtputf8 = true;
    } else if (keyword == "chunking") {
      caps_.chunking = true;
    } else if (keyword == "starttls") {
      caps_.starttls = true;
    } else if (keyword == "dsn") {
      caps_.dsn = true;
    } else if (keyword == "enhancedstatuscodes") {
      caps_.enhanced_status_codes = true;
    } else if (keyword == "auth" || keyword.rfind("auth=", 0) == 0) {
      // RFC 4954 3: "AUTH mech mech..."; "AUTH=mech ..." is the pre-standard form some
      // servers still send.
      std::string list = str::to_lower(keyword.size() > 5 ? keyword.substr(5) : std::string());
      list += " " + str::to_lower(params);
      for (const auto& mech : str::split(list, ' ')) {
        if (mech == "plain") caps_.auth_plain = true;
        if (mech == "login") caps_.auth_login = true;
      }
    }
  }
  return true;
}

void ClientMachine::after_ehlo(const ParsedReply& r) {
  if (r.reply.code / 100 == 2) {
    parse_capabilities(r);
    // RFC 3207 4: STARTTLS whenever offered and we can; never twice on one connection.
    if (caps_.starttls && policy_.tls_available && !policy_.tls_active) {
      send_line("STARTTLS");
      phase_ = Phase::starttls;
      return;
    }
    if (policy_.require_tls && !policy_.tls_active) {
      begin_session_end(Reply{530, "5.7.10", "the receiving server does not offer STARTTLS"}, false,
                        "starttls", true);
      return;
    }
    enter_ready();
    return;
  }
  if (r.reply.code / 100 == 5) {
    // RFC 5321 4.1.4 / 3.2: a server that does not know EHLO; fall back to HELO.
    caps_ = Capabilities{};
    send_line("HELO " + policy_.helo_name);
    phase_ = Phase::helo;
    return;
  }
  begin_session_end(r.reply, true, "ehlo", true);
}

void ClientMachine::after_helo(const ParsedReply& r) {
  if (r.reply.code / 100 != 2) {
    begin_session_end(r.reply, true, "helo", true);
    return;
  }
  if (policy_.require_tls && !policy_.tls_active) {
    begin_session_end(Reply{530, "5.7.10", "the receiving server does not offer STARTTLS"}, false,
                      "starttls", true);
    return;
  }
  enter_ready();
}

void ClientMachine::after_starttls(const ParsedReply& r) {
  if (r.reply.code == 220) {
    phase_ = Phase::tls;
    return;
  }
  // RFC 3207 4: a refused STARTTLS leaves the plaintext session as it was.
  if (policy_.require_tls || r.reply.code == 421) {
    begin_session_end(r.reply, true, "starttls", true);
    return;
  }
  enter_ready();
}

// After EHLO (and STARTTLS): AUTH first when the policy has credentials.
void ClientMachine::enter_ready() {
  if (!policy_.auth_username.empty() && !authenticated_) {
    start_auth();
    return;
  }
  phase_ = Phase::ready;
}

// RFC 4954 4: PLAIN with an initial response (RFC 4616 2: authzid empty), else LOGIN.
void ClientMachine::start_auth() {
  if (!policy_.tls_active) {
    begin_session_end(Reply{530, "5.7.0", "no TLS: the password is not sent in plaintext"}, false,
                      "auth", true);
    return;
  }
  phase_ = Phase::auth;
  auth_step_ = 0;
  if (caps_.auth_plain) {
    std::string token;
    token += '\0';
    token += policy_.auth_username;
    token += '\0';
    token += policy_.auth_password;
    send_line("AUTH PLAIN " + base64::encode(token));
    auth_step_ = 2;
    return;
  }
  if (caps_.auth_login) {
    send_line("AUTH LOGIN");
    return;
  }
  begin_session_end(Reply{530, "5.7.0", "the server offers neither AUTH PLAIN nor AUTH LOGIN"},
                    false, "auth", true);
}

void ClientMachine::after_auth(const ParsedReply& r) {
  if (r.reply.code == 235) {  // RFC 4954 6
    authenticated_ = true;
    phase_ = Phase::ready;
    return;
  }
  if (r.reply.code == 334 && auth_step_ < 2) {
    // LOGIN: the server asks for the username, then the password (its prompts are ignored).
    send_line(base64::encode(auth_step_ == 0 ? policy_.auth_username : policy_.auth_password));
    ++auth_step_;
    return;
  }
  if (r.reply.code == 334) {
    send_line("*");  // RFC 4954 4: cancel an exchange that asks for more than we have
    return;
  }
  begin_session_end(r.reply, true, "auth", true);
}

void ClientMachine::tls_started() {
  if (phase_ != Phase::tls) return;
  // RFC 3207 4.2 and 6: forget everything learnt in plaintext, including any bytes the peer
  // (or an attacker in the path) sent ahead of the handshake.
  in_.clear();
  in_pos_ = 0;
  policy_.tls_active = true;
  caps_ = Capabilities{};
  send_line("EHLO " + policy_.helo_name);
  phase_ = Phase::ehlo;
}

void ClientMachine::tls_failed(std::string_view why) {
  if (phase_ != Phase::tls) return;
  abort(Reply{421, "4.7.0", "TLS handshake failed: " + std::string(why)}, false, "tls");
}

}  // namespace heron::smtp
