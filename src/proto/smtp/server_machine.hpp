#pragma once
// The sans-I/O SMTP server session (RFC 5321, with RFC 1870 SIZE, 2920 PIPELINING,
// 3030 CHUNKING, 6152 8BITMIME, 6531 SMTPUTF8, 2034 ENHANCEDSTATUSCODES, 3207 STARTTLS,
// 4954 AUTH, 3461 DSN parameters).
//
// The driver (server/smtp) owns the socket. It feeds the bytes it reads, then calls next()
// until it returns Event::need_input, writing take_output() whenever it is about to block:
// replies to pipelined commands are thus batched (RFC 2920 3.2). Decisions that need the store
// (is this recipient ours? is the message on disk?) come back as events; the machine processes
// no further input until the driver answers them. Sequence rules and limits (commands out of
// order, 100 recipients, line length, SIZE, error count) are the machine's own, through a
// command table of {verb, check, proceed}.
// An event the driver has not answered yet is returned again by next(); answers given when
// nothing is pending are ignored. A BDAT whose size cannot be parsed ends the session (501,
// then close): the machine could not tell where the next command starts (RFC 3030 2).
// AUTH (RFC 4954): the machine runs the exchange's framing (334 challenges, base64, "*" to
// cancel) and the PLAIN and LOGIN mechanisms itself; checking the password is the driver's
// (Event::authenticate). For SCRAM-SHA-256 the machine hands each decoded client response to
// the driver, which answers with auth_challenge() until it calls answer_auth(). Whether AUTH
// may be used before TLS, and whether MAIL needs it, is policy (the MSA: AUTH only after TLS,
// MAIL only after AUTH, RFC 6409 4.3 and 5).
// Memory: a command line is never buffered past max_line (the rest of an over-long line is
// dropped as it arrives), and a message never past max_message_size.
// Input: untrusted. Thread: one session. Failure: protocol errors become replies; after
// max_errors bad commands the machine answers 421 and asks to close.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/smtp/command.hpp"
#include "proto/smtp/data_decoder.hpp"
#include "proto/smtp/path.hpp"
#include "proto/smtp/reply.hpp"

namespace heron::smtp {

struct ServerPolicy {
  std::string hostname = "localhost";
  size_t max_line = 1000;  // octets including CRLF (RFC 5321 4.5.3.1.4: 512; we allow 1000)
  uint64_t max_message_size = 50 * 1024 * 1024;
  size_t max_recipients = 100;
  size_t max_errors = 10;
  bool starttls = false;    // offer STARTTLS (a certificate is configured, TLS not yet active)
  bool tls_active = false;  // the connection is already TLS (implicit TLS, or after STARTTLS)
  BareLineEnds bare_line_ends = BareLineEnds::reject;
  bool auth = false;            // offer AUTH (RFC 4954); without TLS only if auth_plaintext
  bool auth_plaintext = false;  // AUTH allowed before TLS (loopback clients, when configured)
  bool require_auth = false;    // MAIL needs a successful AUTH first (submission)
  bool dsn = false;             // advertise DSN and accept NOTIFY/ORCPT on RCPT (RFC 3461)
};

// What the client sent for AUTH, for the driver (Event::authenticate).
struct AuthRequest {
  std::string mechanism;  // "PLAIN", "LOGIN" or "SCRAM-SHA-256"
  std::string authcid;    // PLAIN and LOGIN: the login name
  std::string password;   // PLAIN and LOGIN
  std::string response;   // SCRAM-SHA-256: the decoded client response
  unsigned round = 0;     // SCRAM-SHA-256: 0 for the first response, then 1, 2...
};

struct Envelope {
  std::string helo;    // the EHLO/HELO argument
  bool esmtp = false;  // EHLO rather than HELO
  Path mail_from;
  std::vector<Param> mail_params;
  std::vector<Path> recipients;  // accepted ones only
  bool smtputf8 = false;         // MAIL FROM ... SMTPUTF8
  bool chunked = false;          // the body came by BDAT
};

class ServerMachine {
 public:
  enum class Event {
    need_input,       // write take_output(), then read and feed()
    check_recipient,  // look pending_recipient() up, then answer_recipient()
    message_ready,    // make envelope()/message() durable, then answer_message()
    start_tls,        // write take_output() (the 220), handshake, then tls_started()
    close,            // write take_output() and close the connection
    authenticate,     // look at auth_request(), then auth_challenge() or answer_auth()
    check_sender,     // check envelope().mail_from for the authenticated user, answer_sender()
  };

  explicit ServerMachine(ServerPolicy policy);  // queues the 220 greeting

  void feed(std::string_view bytes);
  Event next();
  std::string take_output();
  bool has_output() const { return !out_.empty(); }

  const Path& pending_recipient() const { return pending_rcpt_; }
  const std::vector<Param>& pending_recipient_params() const { return pending_rcpt_params_; }
  // accepted: the recipient joins the envelope and reply (normally 250 2.1.5) is sent.
  void answer_recipient(bool accepted, const Reply& reply);

  const Envelope& envelope() const { return env_; }
  std::string& message() { return message_; }
  // Sends the reply and ends the transaction whatever it says (RFC 5321 4.1.1.4).
  void answer_message(const Reply& reply);

  const AuthRequest& auth_request() const { return auth_request_; }
  // SCRAM: sends "334 base64(data)"; the client's next line comes back as Event::authenticate.
  void auth_challenge(std::string_view data);
  // Ends the exchange: user set means success (235 normally), nullopt failure (535 5.7.8, or
  // 454 4.7.0 for a temporary one). The password in auth_request() is wiped either way.
  void answer_auth(std::optional<std::string> user, const Reply& reply);
  // The authenticated identity, empty before AUTH.
  const std::string& auth_user() const { return auth_user_; }

  // accepted: the transaction opens with 250 2.1.0; otherwise reply (553 5.7.1) and none does.
  void answer_sender(bool accepted, const Reply& reply);

  // After the handshake: drops every byte buffered before it (STARTTLS command injection,
  // CVE-2011-0411) and returns to the initial state, where the client must EHLO again.
  void tls_started();
  // The driver's idle or session timer fired: queue 421 4.4.2 and ask to close.
  void timed_out();
  // The server is shutting down or over a connection limit: queue 421 and ask to close.
  void shutdown(const Reply& reply);
  // A message body is being received (DATA, or a BDAT transaction under way): a shutting-down
  // server lets it finish and answers it before sending 421.
  bool receiving_body() const {
    return phase_ == Phase::data || phase_ == Phase::bdat || body_started_;
  }

  const ServerPolicy& policy() const { return policy_; }
  // Protocol name for the Received header: SMTP, ESMTP, ESMTPS, UTF8SMTP, UTF8SMTPS...
  std::string received_protocol() const;

  // server_machine.cpp holds the input loop and the driver's calls; server_commands.cpp the
  // command table and its handlers.
 private:
  enum class Phase { command, data, bdat, sasl, closed };  // sasl: reading an AUTH response
  enum class Wait { none, recipient, message, tls, auth, sender };  // for the driver
  // A step's outcome: an event for the driver, or nullopt to carry on with buffered input.
  using Step = std::optional<Event>;
  // RFC 5321 4.1.4 and 4.3.2: check is the sequence rule (nullptr: none); its reply counts
  // as a bad command. proceed does the work once the command is in sequence.
  struct Handler {
    Verb verb;
    std::optional<Reply> (ServerMachine::*check)() const;
    Step (ServerMachine::*proceed)(Command& cmd);
  };
  static const Handler kHandlers[];

  Step step_command();
  Step step_data();
  Step step_bdat();
  Step dispatch(std::string_view line);
  void reply(const Reply& r);
  Step reject(const Reply& r);  // a bad command: answers it and counts toward max_errors
  Step close_with(const Reply& r);
  void reset_transaction();  // RFC 5321 4.1.1.5: keeps the EHLO/HELO state

  std::optional<Reply> check_mail() const;
  std::optional<Reply> check_rcpt() const;
  std::optional<Reply> check_data() const;
  std::optional<Reply> check_bdat() const;
  std::optional<Reply> check_starttls() const;
  Step on_helo(Command& cmd);
  Step on_mail(Command& cmd);
  Step on_rcpt(Command& cmd);
  Step on_data(Command& cmd);
  Step on_bdat(Command& cmd);
  Step on_rset(Command& cmd);
  Step on_noop(Command& cmd);
  Step on_quit(Command& cmd);
  Step on_help(Command& cmd);
  Step on_vrfy(Command& cmd);
  Step on_expn(Command& cmd);
  Step on_starttls(Command& cmd);
  Step on_auth(Command& cmd);
  // server_auth.cpp: the AUTH exchange.
  std::optional<Reply> check_auth() const;
  Step on_sasl_line(std::string_view line);
  Step sasl_response(std::string_view line, bool initial);
  Step sasl_fail(const Reply& r);

  ServerPolicy policy_;
  Envelope env_;
  Path pending_rcpt_;
  std::vector<Param> pending_rcpt_params_;
  std::string message_;
  std::string in_;
  size_t in_pos_ = 0;  // in_[0, in_pos_) is consumed
  std::string out_;

  Phase phase_ = Phase::command;
  Wait wait_ = Wait::none;
  bool skipping_ = false;      // dropping the rest of an over-long line, up to its LF
  bool helo_ = false;          // EHLO or HELO accepted
  bool in_mail_ = false;       // MAIL accepted, transaction open
  bool rcpt_seen_ = false;     // some RCPT was tried in this transaction
  bool body_started_ = false;  // a BDAT chunk was accepted in this transaction
  size_t errors_ = 0;
  std::optional<DataDecoder> decoder_;  // Phase::data
  uint64_t bdat_left_ = 0;              // Phase::bdat: octets of the chunk still to read
  uint64_t bdat_size_ = 0;              // the chunk's declared size, for the reply
  uint64_t bdat_total_ = 0;  // octets received by BDAT in this transaction, dropped included
  bool bdat_last_ = false;
  std::optional<Reply> bdat_refusal_;  // the chunk is read and dropped, then this is sent
  AuthRequest auth_request_;
  std::string auth_user_;
  enum class Sasl { none, plain, login_user, login_password, scram };
  Sasl sasl_ = Sasl::none;
};

}  // namespace heron::smtp
