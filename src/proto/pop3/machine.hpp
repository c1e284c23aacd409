#pragma once
// The sans-I/O POP3 server session (RFC 1939, with RFC 2449 CAPA and response codes,
// RFC 3206 [SYS/*] and [AUTH], RFC 5034 AUTH (SASL PLAIN), RFC 2595 STLS, RFC 6856 UTF8).
//
// The driver (server/pop3) owns the socket and the store. It feeds the bytes it reads, then
// calls next() until it returns Event::need_input, writing take_output() whenever it is about
// to block: replies to pipelined commands are thus batched (RFC 2449 6.6). What needs the
// store comes back as an event, and no further input is processed until the driver answers:
//   authenticate  check credentials() (throttle, password, maildrop lock, listing), then
//                 login_accepted(maildrop) or login_refused(code, text);
//   retrieve      read pending_message(), then answer_retrieve(bytes) or retrieve_failed();
//   update        QUIT in TRANSACTION: remove deleted_uids() durably, then update_done(ok);
//   start_tls     write the +OK, handshake, then tls_started();
//   close         write take_output() and close.
// States (RFC 1939 3): AUTHORIZATION until a login succeeds, then TRANSACTION, then UPDATE
// on QUIT. Deletions are only marks until UPDATE; a session that ends any other way (timeout,
// error limit, dropped connection) removes nothing (RFC 1939 6).
// Plaintext policy: USER, PASS and AUTH are refused unless TLS is active or the driver says
// plaintext logins are allowed on this connection (RFC 2595 2.4, docs/pop3.md).
// Memory: a command line is never buffered past max_line (the rest of an over-long line is
// dropped as it arrives); a RETR answer holds one encoded message.
// Input: untrusted. Thread: one session. Failure: protocol errors become -ERR replies; after
// max_errors bad commands the machine answers -ERR and asks to close.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "proto/pop3/command.hpp"

namespace heron::pop3 {

struct Policy {
  std::string hostname = "localhost";
  size_t max_line = 512;  // octets with CRLF (RFC 2449 4: 255; we are tolerant)
  size_t max_errors = 10;
  bool stls = false;             // offer STLS (a certificate is configured, TLS not yet active)
  bool tls_active = false;       // implicit TLS, or after STLS
  bool plaintext_login = false;  // allow USER/PASS/AUTH without TLS on this connection
  std::string implementation = "Heron";
};

// One message of the maildrop as listed at login (RFC 1939 5: the snapshot the session sees).
struct MaildropEntry {
  uint32_t uid = 0;   // store UID in the INBOX
  uint64_t size = 0;  // octets, as LIST and STAT report them
  std::string uidl;   // RFC 1939 7 unique-id: 1 to 70 characters 0x21-0x7E
};

struct Credentials {
  std::string mechanism;  // "USER" (USER/PASS) or "PLAIN"
  std::string user;
  std::string password;
};

enum class State { authorization, transaction, update, closed };

class Machine {
 public:
  enum class Event { need_input, authenticate, retrieve, update, start_tls, close };

  explicit Machine(Policy policy);  // queues the +OK greeting

  void feed(std::string_view bytes);
  Event next();
  std::string take_output();
  bool has_output() const { return !out_.empty(); }

  // Event::authenticate
  const Credentials& credentials() const { return credentials_; }
  void login_accepted(std::vector<MaildropEntry> maildrop);
  // resp_code is an RFC 2449 response code without brackets ("AUTH", "IN-USE", "SYS/TEMP").
  void login_refused(std::string_view resp_code, std::string_view text);

  // Event::retrieve
  const MaildropEntry& pending_message() const { return maildrop_[pending_index_]; }
  size_t pending_index() const { return pending_index_; }  // 0-based, in the login maildrop
  void answer_retrieve(std::string_view message);
  void retrieve_failed();

  // Event::update: the UIDs marked with DELE, in message-number order.
  std::vector<uint32_t> deleted_uids() const;
  void update_done(bool ok);

  // After the handshake: drops every byte buffered before it (command injection, as in
  // CVE-2011-0411) and any USER given before it.
  void tls_started();
  // The idle timer fired: RFC 1939 3, close without a response and without UPDATE.
  void timed_out();

  State state() const { return state_; }
  const Policy& policy() const { return policy_; }
  bool utf8() const { return utf8_; }

 private:
  enum class Wait { none, authenticate, retrieve, update, tls };
  using Step = std::optional<Event>;

  Step step();
  Step dispatch(std::string_view line);
  Step sasl_continuation(std::string_view line);
  void ok(std::string_view text);
  void err(std::string_view text);
  Step reject(std::string_view text);  // a bad command: -ERR, counted toward max_errors
  Step close();
  bool login_allowed() const { return policy_.tls_active || policy_.plaintext_login; }
  // A message number argument that names a message not marked deleted, or an -ERR.
  std::optional<size_t> message_index(std::string_view arg);
  void append_capabilities();
  std::pair<size_t, uint64_t> totals() const;  // messages not marked deleted, and their octets

  // Handlers (authorization.cpp, transaction.cpp).
  Step on_user(Command& cmd);
  Step on_pass(Command& cmd);
  Step on_auth(Command& cmd);
  Step on_plain_response(std::string_view line, bool initial);
  Step on_capa();
  Step on_stls();
  Step on_utf8();
  Step on_stat();
  Step on_list(Command& cmd, bool uidl);
  Step on_retr(Command& cmd, bool top);
  Step on_dele(Command& cmd);
  Step on_rset();
  Step on_quit();

  Policy policy_;
  State state_ = State::authorization;
  Wait wait_ = Wait::none;
  std::string in_;
  size_t in_pos_ = 0;
  bool skipping_ = false;      // dropping the rest of an over-long line
  bool sasl_pending_ = false;  // "+ " sent, the next line is a SASL response
  std::string out_;
  size_t errors_ = 0;
  bool utf8_ = false;
  std::string user_;  // from USER, until PASS
  Credentials credentials_;
  std::vector<MaildropEntry> maildrop_;
  std::vector<bool> deleted_;
  size_t pending_index_ = 0;
  std::optional<uint64_t> pending_top_;
};

}  // namespace heron::pop3
