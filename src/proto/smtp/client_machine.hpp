#pragma once
// The sans-I/O SMTP client session (RFC 5321 client side, with RFC 1870 SIZE, 2920
// PIPELINING, 3030 CHUNKING, 6152 8BITMIME, 6531 SMTPUTF8, 3461 DSN, 2034 enhanced status
// codes and 3207 STARTTLS). The delivery loop (delivery/remote) owns the socket and the TLS
// handshake; this machine decides every byte Heron sends and what every reply means.
//
// The driver feeds the bytes it reads (or eof()), then calls next() until it returns
// need_input, writing take_output() whenever it is about to read. Events:
//   need_input    write take_output(), then read and feed() (or eof());
//   start_tls     write take_output(), do the TLS client handshake, then tls_started() (or
//                 tls_failed()); bytes read before the handshake are discarded (RFC 3207 6,
//                 the client side of CVE-2011-0411);
//   ready         the session can take a message: send(message) or quit();
//   message_done  result() holds one outcome per recipient; next() then gives ready again;
//   closed        write take_output() (a QUIT, maybe) and close; error() says why the
//                 session ended early, if it did.
//
// Session: greeting, EHLO (HELO when EHLO is refused with 5xx), STARTTLS whenever the peer
// offers it and the driver can do TLS, then EHLO again, then AUTH when the policy has
// credentials (a smarthost; only over TLS; a refused AUTH ends the session, stage "auth"). Per
// message: RSET first on a reused connection, MAIL FROM with SIZE, BODY=8BITMIME, SMTPUTF8, RET and
// ENVID when the peer supports them, RCPT TO with NOTIFY and ORCPT when it supports DSN, then DATA
// with dot-stuffing, or BDAT chunks when it offers CHUNKING. With PIPELINING the commands of one
// RFC 2920 group (RSET, MAIL, every RCPT and DATA) go in one write; BDAT waits for the RCPT
// replies, so a message whose recipients were all refused is never sent, and then its chunks
// go in one write.
// Refused locally, before any command (a permanent failure for every recipient):
//   - a message that needs SMTPUTF8, to a peer without it (RFC 6531 3.4: 553 5.6.7);
//   - an 8-bit body to a peer without 8BITMIME (554 5.6.3: no 8-bit to 7-bit downgrade is
//     implemented);
//   - a message larger than the peer's SIZE (RFC 1870 6: 552 5.3.4).
// Every recipient gets the reply that decided it: MAIL's when MAIL failed, its RCPT reply
// when refused, otherwise the DATA or final BDAT reply. A 421 anywhere, end of input, or a
// malformed reply ends the session; recipients not yet decided then get a 4xx (the message
// may have arrived if the connection broke after the final dot: RFC 5321 4.1.1.4's
// duplicate risk, accepted like every MTA does).
// Input: untrusted server replies (line length and line count are bounded). Thread: one
// session. Failure: as events and results, never an exception or assert on input.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/smtp/reply.hpp"

namespace heron::smtp {

struct ClientPolicy {
  std::string helo_name = "localhost";  // our FQDN, for EHLO/HELO
  bool tls_available = false;           // the driver can do a TLS handshake: STARTTLS when offered
  bool tls_active = false;              // the connection is already TLS
  bool require_tls = false;             // end the session rather than send mail in plaintext
  bool use_pipelining = true;           // when the peer offers it
  bool use_chunking = true;             // BDAT when the peer offers CHUNKING
  size_t chunk_size = 1 << 20;          // octets per BDAT chunk
  size_t max_reply_line = 4096;         // RFC 5321 4.5.3.1.5 says 512; be lenient, but bounded
  size_t max_reply_lines = 200;
  // SMTP AUTH (RFC 4954) to a smarthost: PLAIN (RFC 4616) when offered, else LOGIN. Only over
  // TLS: without an active TLS layer the session ends (530 5.7.0) rather than send the
  // password. Empty username: no AUTH.
  std::string auth_username;
  std::string auth_password;
};

// The EHLO keywords Heron uses (RFC 5321 4.1.1.1; each extension's RFC).
struct Capabilities {
  bool esmtp = false;  // EHLO was accepted
  bool pipelining = false;
  bool size = false;
  uint64_t size_limit = 0;  // 0: SIZE without a number, no fixed limit
  bool eightbitmime = false;
  bool smtputf8 = false;
  bool chunking = false;
  bool starttls = false;
  bool dsn = false;
  bool enhanced_status_codes = false;
  bool auth_plain = false;  // RFC 4954 AUTH with the PLAIN mechanism
  bool auth_login = false;  // ... and LOGIN (draft-murchison-sasl-login)
};

enum class Ret { unspecified, full, headers };  // RFC 3461 4.3

struct ClientRecipient {
  std::string address;  // forward-path without the angle brackets
  uint8_t notify = 0;   // smtp::notify bits (dsn_params.hpp); 0: none
  std::string orcpt;    // decoded "rfc822;addr"; empty: none
};

struct ClientMessage {
  std::string sender;  // reverse-path address; empty for <>
  std::vector<ClientRecipient> recipients;
  // The message in canonical CRLF form. Not copied: it must stay alive and unchanged until
  // message_done.
  std::string_view body;
  bool eightbit = false;  // the body has octets above 127
  bool smtputf8 = false;  // an address or header needs SMTPUTF8
  Ret ret = Ret::unspecified;
  std::string envid;  // decoded
};

struct RecipientResult {
  Reply reply;            // the reply that decided this recipient
  bool from_peer = true;  // false: decided here (a local refusal, or the connection broke)
  bool delivered() const { return reply.positive(); }
  bool permanent() const { return reply.permanent(); }
};

struct MessageResult {
  std::vector<RecipientResult> recipients;  // in ClientMessage::recipients order
  bool dsn_passed = false;  // the peer supports DSN and got our NOTIFY/ORCPT/RET/ENVID
  bool tls = false;         // the message went over TLS
};

struct SessionError {
  Reply reply;  // the peer's reply, or one made up here when from_peer is false
  bool from_peer = true;
  std::string stage;  // "greeting", "ehlo", "starttls", "tls", "mail", ... for logs
};

class ClientMachine {
 public:
  enum class Event { need_input, start_tls, ready, message_done, closed };

  explicit ClientMachine(ClientPolicy policy);

  void feed(std::string_view bytes);
  void eof();  // the peer closed the connection
  Event next();
  std::string take_output();
  bool has_output() const { return !out_.empty(); }

  // After start_tls.
  void tls_started();
  void tls_failed(std::string_view why);

  // After ready.
  void send(const ClientMessage& message);
  void quit();

  // After message_done; valid until the next send().
  const MessageResult& result() const { return result_; }
  // After closed: why the session ended, or nullopt after a clean QUIT.
  const std::optional<SessionError>& error() const { return error_; }

  const Capabilities& capabilities() const { return caps_; }
  bool tls_active() const { return policy_.tls_active; }
  bool authenticated() const { return authenticated_; }
  // Messages completed on this connection (reply received), for connection reuse decisions.
  size_t messages_sent() const { return messages_; }

 private:
  enum class Phase {
    greeting,
    ehlo,
    helo,
    starttls,
    tls,
    auth,
    ready,
    transaction,
    quitting,
    closed
  };
  // What an expected reply answers.
  enum class Expect { rset, mail, rcpt, data, data_end, data_end_ignored, bdat, quit };
  struct Awaited {
    Expect what;
    size_t index = 0;   // recipient for rcpt; chunk for bdat
    bool last = false;  // the final BDAT chunk
  };
  struct ParsedReply {
    Reply reply;
    std::vector<std::string> lines;  // every line's text, enhanced code removed
  };
  enum class ParseStatus { incomplete, done, malformed };

  ParseStatus parse_reply(ParsedReply& out);
  void send_line(std::string_view line);
  void begin_session_end(const Reply& reply, bool from_peer, std::string_view stage,
                         bool send_quit);
  void abort(const Reply& reply, bool from_peer, std::string_view stage);
  void after_greeting(const ParsedReply& r);
  void after_ehlo(const ParsedReply& r);
  void after_helo(const ParsedReply& r);
  void after_starttls(const ParsedReply& r);
  void start_auth();
  void after_auth(const ParsedReply& r);
  void enter_ready();
  void after_transaction_reply(const ParsedReply& r);
  void session_ready();
  void finish_message();
  void send_data_body();
  void send_chunks();
  void fail_undecided(const Reply& reply, bool from_peer);
  std::string mail_command() const;
  std::string rcpt_command(const ClientRecipient& r) const;
  bool parse_capabilities(const ParsedReply& r);

  ClientPolicy policy_;
  Capabilities caps_;
  Phase phase_ = Phase::greeting;
  std::string in_;
  size_t in_pos_ = 0;
  std::string out_;
  std::deque<Event> events_;  // emitted by next() in order before any further input
  std::optional<SessionError> error_;
  size_t messages_ = 0;
  bool authenticated_ = false;
  int auth_step_ = 0;        // LOGIN: 0 sent AUTH LOGIN, 1 sent the username, 2 sent the password
  size_t transactions_ = 0;  // messages that reached the wire: later ones start with RSET

  // The current transaction.
  ClientMessage msg_;
  MessageResult result_;
  std::vector<bool> decided_;  // per recipient: result_ holds its final reply
  std::deque<Awaited> awaited_;
  std::deque<std::string> unsent_;  // commands still to send one at a time (no PIPELINING)
  std::deque<Awaited> unsent_expect_;
  std::optional<Reply> mail_refusal_;
  size_t accepted_ = 0;  // recipients whose RCPT got 2xx
  size_t rcpt_replies_ = 0;
  bool body_sent_ = false;
  bool chunk_failed_ = false;
  bool use_bdat_ = false;
  bool pipelined_ = false;
  size_t chunk_offset_ = 0;  // octets of the body already sent in BDAT chunks
};

}  // namespace heron::smtp
