// The command table of ServerMachine: one sequence check and one action per verb
// (RFC 5321 4.1.1 and 4.1.4, plus the extensions listed in server_machine.hpp).
#include <charconv>

#include "base/metrics.hpp"
#include "base/strings.hpp"
#include "proto/smtp/server_machine.hpp"

namespace heron::smtp {
namespace {

Reply out_of_sequence(std::string text) {
  return Reply{503, "5.5.1", std::move(text)};
}

}  // namespace

const ServerMachine::Handler ServerMachine::kHandlers[] = {
    {Verb::ehlo, nullptr, &ServerMachine::on_helo},
    {Verb::helo, nullptr, &ServerMachine::on_helo},
    {Verb::mail, &ServerMachine::check_mail, &ServerMachine::on_mail},
    {Verb::rcpt, &ServerMachine::check_rcpt, &ServerMachine::on_rcpt},
    {Verb::data, &ServerMachine::check_data, &ServerMachine::on_data},
    // BDAT checks its sequence itself: a refused chunk must still be read.
    {Verb::bdat, nullptr, &ServerMachine::on_bdat},
    {Verb::rset, nullptr, &ServerMachine::on_rset},
    {Verb::noop, nullptr, &ServerMachine::on_noop},
    {Verb::quit, nullptr, &ServerMachine::on_quit},
    {Verb::help, nullptr, &ServerMachine::on_help},
    {Verb::vrfy, nullptr, &ServerMachine::on_vrfy},
    {Verb::expn, nullptr, &ServerMachine::on_expn},
    {Verb::starttls, &ServerMachine::check_starttls, &ServerMachine::on_starttls},
    {Verb::auth, &ServerMachine::check_auth, &ServerMachine::on_auth},
};

// Parse, check the sequence, act. Syntax and sequence errors count toward max_errors.
ServerMachine::Step ServerMachine::dispatch(std::string_view line) {
  ParsedCommand parsed = parse_command(line, env_.smtputf8);
  if (!parsed.command) {
    if (parse_verb(line) == Verb::bdat) {
      // RFC 3030 2: without a size we cannot tell where the chunk ends and the next
      // command starts, so the session cannot go on. We answer 501 and close.
      metrics::inc("heron_smtp_rejects_total", "reason", "bdat_syntax");
      return close_with(parsed.error);
    }
    return reject(parsed.error);
  }
  Command& cmd = *parsed.command;
  for (const Handler& h : kHandlers) {
    if (h.verb != cmd.verb) continue;
    if (h.check != nullptr) {
      if (std::optional<Reply> refusal = (this->*h.check)()) return reject(*refusal);
    }
    return (this->*h.proceed)(cmd);
  }
  return reject(Reply{502, "5.5.1", "Command not implemented"});
}

// ---- sequence checks (RFC 5321 4.1.4) ----

std::optional<Reply> ServerMachine::check_mail() const {
  if (!helo_) return out_of_sequence("Send EHLO/HELO first");
  if (in_mail_) return out_of_sequence("Nested MAIL command");
  // RFC 4954 6 and RFC 6409 4.3: the MSA takes mail from authenticated clients only.
  if (policy_.require_auth && auth_user_.empty()) {
    if (!policy_.tls_active && !policy_.auth_plaintext) {
      return Reply{530, "5.7.0", "Must issue a STARTTLS command first"};
    }
    return Reply{530, "5.7.0", "Authentication required"};
  }
  return std::nullopt;
}

std::optional<Reply> ServerMachine::check_rcpt() const {
  if (!in_mail_) return out_of_sequence("Need MAIL command");
  if (body_started_) return out_of_sequence("RCPT after BDAT");
  return std::nullopt;
}

std::optional<Reply> ServerMachine::check_data() const {
  if (!in_mail_) return out_of_sequence("Need MAIL command");
  if (!rcpt_seen_) return out_of_sequence("Need RCPT command");
  // RFC 3030 3: DATA may not follow BDAT in a transaction, nor carry BINARYMIME.
  if (body_started_) return out_of_sequence("DATA after BDAT");
  if (const Param* body = find_param(env_.mail_params, "BODY");
      body != nullptr && str::iequals(body->value, "BINARYMIME")) {
    return out_of_sequence("BODY=BINARYMIME requires BDAT");
  }
  // RFC 5321 3.3: every RCPT was refused.
  if (env_.recipients.empty()) return Reply{554, "5.5.1", "No valid recipients"};
  return std::nullopt;
}

std::optional<Reply> ServerMachine::check_bdat() const {
  if (!env_.esmtp) return out_of_sequence("Send EHLO first");  // CHUNKING is an extension
  if (!in_mail_) return out_of_sequence("Need MAIL command");
  if (!rcpt_seen_) return out_of_sequence("Need RCPT command");
  if (env_.recipients.empty()) return Reply{554, "5.5.1", "No valid recipients"};
  return std::nullopt;
}

std::optional<Reply> ServerMachine::check_starttls() const {
  if (policy_.tls_active) return out_of_sequence("Already running TLS");
  if (!policy_.starttls) return Reply{502, "5.5.1", "STARTTLS not available"};
  if (in_mail_) return out_of_sequence("MAIL transaction in progress");
  return std::nullopt;
}

// ---- actions ----

// RFC 5321 4.1.1.1: EHLO/HELO, also a reset of any transaction. The reply to EHLO lists the
// extensions; neither carries enhanced codes (RFC 2034 3).
ServerMachine::Step ServerMachine::on_helo(Command& cmd) {
  reset_transaction();
  helo_ = true;
  env_.helo = std::move(cmd.arg);
  env_.esmtp = cmd.verb == Verb::ehlo;
  if (!env_.esmtp) {
    reply(Reply{250, "", policy_.hostname});
    return std::nullopt;
  }
  std::string text = policy_.hostname;
  text += "\nPIPELINING";                                             // RFC 2920
  text += "\nSIZE " + std::to_string(policy_.max_message_size);       // RFC 1870
  text += "\n8BITMIME";                                               // RFC 6152
  text += "\nSMTPUTF8";                                               // RFC 6531
  text += "\nENHANCEDSTATUSCODES";                                    // RFC 2034
  text += "\nCHUNKING";                                               // RFC 3030
  if (policy_.dsn) text += "\nDSN";                                   // RFC 3461
  if (policy_.starttls && !policy_.tls_active) text += "\nSTARTTLS";  // RFC 3207
  // RFC 4954 3, RFC 3207 4 / RFC 6409 4.3: AUTH is listed only where it may be used.
  if (policy_.auth && (policy_.tls_active || policy_.auth_plaintext)) {
    text += "\nAUTH PLAIN LOGIN SCRAM-SHA-256";
  }
  reply(Reply{250, "", std::move(text)});
  return std::nullopt;
}

// RFC 5321 4.1.1.2, with RFC 1870 SIZE, RFC 6152/3030 BODY and RFC 6531 SMTPUTF8.
ServerMachine::Step ServerMachine::on_mail(Command& cmd) {
  // Extensions exist only after EHLO (RFC 5321 4.1.1.11 / 2.2.1).
  if (!env_.esmtp && !cmd.params.empty()) {
    return reject(Reply{555, "5.5.4", "Parameters need EHLO"});
  }
  if (const Param* size = find_param(cmd.params, "SIZE")) {
    uint64_t declared = 0;
    std::from_chars(size->value.data(), size->value.data() + size->value.size(), declared);
    if (declared > policy_.max_message_size) {
      metrics::inc("heron_smtp_rejects_total", "reason", "size");
      reply(Reply{552, "5.3.4", "Message size exceeds fixed maximum message size"});
      return std::nullopt;
    }
  }
  env_.smtputf8 = find_param(cmd.params, "SMTPUTF8") != nullptr;
  env_.mail_from = std::move(cmd.path);
  env_.mail_params = std::move(cmd.params);
  if (!auth_user_.empty()) {
    // RFC 6409 8.x / issue: the driver checks the sender belongs to the account.
    wait_ = Wait::sender;
    return Event::check_sender;
  }
  in_mail_ = true;
  reply(Reply{250, "2.1.0", "Ok"});
  return std::nullopt;
}

// RFC 5321 4.1.1.3. Whether the recipient is ours (or relaying allowed) is the driver's call.
ServerMachine::Step ServerMachine::on_rcpt(Command& cmd) {
  rcpt_seen_ = true;
  // NOTIFY and ORCPT (RFC 3461 4.1, 4.2) only where DSN is advertised.
  if (!policy_.dsn && !cmd.params.empty()) {
    return reject(Reply{555, "5.5.4", "Unsupported parameter " + cmd.params.front().keyword});
  }
  // RFC 5321 4.5.3.1.10: past the limit, 452 and the client sends the rest later.
  if (env_.recipients.size() >= policy_.max_recipients) {
    metrics::inc("heron_smtp_rejects_total", "reason", "too_many_recipients");
    reply(Reply{452, "4.5.3", "Too many recipients"});
    return std::nullopt;
  }
  pending_rcpt_ = std::move(cmd.path);
  pending_rcpt_params_ = std::move(cmd.params);
  wait_ = Wait::recipient;
  return Event::check_recipient;
}

// RFC 5321 4.1.1.4.
ServerMachine::Step ServerMachine::on_data(Command&) {
  reply(Reply{354, "", "End data with <CR><LF>.<CR><LF>"});
  decoder_.emplace(policy_.max_message_size, policy_.bare_line_ends);
  // Reuse the previous message's buffer rather than regrow one for every message.
  message_.clear();
  decoder_->body().swap(message_);
  phase_ = Phase::data;
  return std::nullopt;
}

// RFC 3030 2 and 4.2.
ServerMachine::Step ServerMachine::on_bdat(Command& cmd) {
  bdat_left_ = cmd.chunk_size;
  bdat_size_ = cmd.chunk_size;
  bdat_last_ = cmd.last;
  bdat_refusal_ = check_bdat();
  if (!bdat_refusal_) {
    body_started_ = true;
    env_.chunked = true;
  }
  phase_ = Phase::bdat;
  return std::nullopt;
}

// RFC 5321 4.1.1.5.
ServerMachine::Step ServerMachine::on_rset(Command&) {
  reset_transaction();
  reply(Reply{250, "2.0.0", "Ok"});
  return std::nullopt;
}

// RFC 5321 4.1.1.9.
ServerMachine::Step ServerMachine::on_noop(Command&) {
  reply(Reply{250, "2.0.0", "Ok"});
  return std::nullopt;
}

// RFC 5321 4.1.1.10.
ServerMachine::Step ServerMachine::on_quit(Command&) {
  return close_with(Reply{221, "2.0.0", policy_.hostname + " closing"});
}

// RFC 5321 4.1.1.8.
ServerMachine::Step ServerMachine::on_help(Command&) {
  reply(Reply{214, "2.0.0",
              "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT HELP VRFY STARTTLS"});
  return std::nullopt;
}

// RFC 5321 3.5.3 and 7.3: we do not reveal whether a user exists.
ServerMachine::Step ServerMachine::on_vrfy(Command&) {
  reply(Reply{252, "2.1.5", "Cannot VRFY user, but will accept message and attempt delivery"});
  return std::nullopt;
}

// RFC 5321 7.3: list expansion is not offered.
ServerMachine::Step ServerMachine::on_expn(Command&) {
  return reject(Reply{502, "5.5.1", "EXPN not available"});
}

// RFC 3207 4: after the 220 the driver does the handshake and calls tls_started().
ServerMachine::Step ServerMachine::on_starttls(Command&) {
  reply(Reply{220, "2.0.0", "Ready to start TLS"});
  wait_ = Wait::tls;
  return Event::start_tls;
}

}  // namespace heron::smtp
