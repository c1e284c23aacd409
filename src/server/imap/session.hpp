#pragma once
// One IMAP connection: the I/O loop around proto/imap's reader and parser, the session's state
// (RFC 9051 3: not authenticated, authenticated, selected, logout), and the untagged updates
// of the selected mailbox. Each command's behaviour lives in its own file (cmd_*.cpp); this
// file's class holds what they share. See server.hpp.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net/blocking.hpp"
#include "net/stream.hpp"
#include "proto/imap/command.hpp"
#include "proto/imap/reader.hpp"
#include "server/imap/mailbox_view.hpp"
#include "server/imap/search_eval.hpp"
#include "server/imap/server.hpp"
#include "store/types.hpp"

namespace heron::server::imap {

// The selected mailbox (RFC 9051 6.3.1/6.3.2).
struct Selected {
  store::Mailbox mailbox;  // as at SELECT; counters live in the view
  bool read_only = false;  // EXAMINE, or SELECT of a mailbox we may not change
  MailboxView view;
  store::Watch watch;  // change notifications for the account, while selected
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Server& server, net::Stream stream);
  boost::asio::awaitable<void> run();

  enum class State { not_authenticated, authenticated, selected, logout };

 private:
  void on_drain(bool force);
  using Command = proto::imap::Command;

  // I/O (session.cpp).
  boost::asio::awaitable<void> converse();
  boost::asio::awaitable<void> watchdog();
  boost::asio::awaitable<bool> flush();
  boost::asio::awaitable<bool> read_more();
  boost::asio::awaitable<bool> start_tls();
  void arm(std::chrono::seconds timeout);
  std::chrono::seconds idle_limit() const;

  // Responses, buffered until flush().
  void untagged(std::string_view text);  // "* " + text + CRLF
  void tagged(std::string_view tag, std::string_view status, std::string_view text);
  void ok(std::string_view tag, std::string_view text) { tagged(tag, "OK", text); }
  void no(std::string_view tag, std::string_view text) { tagged(tag, "NO", text); }
  void bad(std::string_view tag, std::string_view text);
  void raw(std::string_view bytes) { out_ += bytes; }

  // Dispatch (dispatch.cpp): state checks, then the command's handler.
  boost::asio::awaitable<void> execute(Command& command);

  // LOGIN and AUTHENTICATE (cmd_login.cpp): NO [UNAVAILABLE] while the throttle locks this
  // IP or account out; true when it did.
  bool refused_while_locked_out(std::string_view tag, const std::string& user);

  // Blocking store work, off the event loop.
  template <class F>
  auto blocking(F fn) {
    return net::offload(server_.blocking(), std::move(fn));
  }

  // The selected mailbox's changes since the view last looked (refresh.cpp): pulls them from
  // the store into the view, then writes the untagged responses the client may hear now
  // (no EXPUNGE during FETCH, STORE or SEARCH: RFC 9051 7.5.1).
  boost::asio::awaitable<void> refresh();
  void write_updates(bool expunge_allowed);
  void watch_selected();
  void close_selected();

  // Commands (one file each).
  boost::asio::awaitable<void> cmd_capability(Command& c);
  boost::asio::awaitable<void> cmd_noop(Command& c);
  boost::asio::awaitable<void> cmd_logout(Command& c);
  boost::asio::awaitable<void> cmd_starttls(Command& c);
  boost::asio::awaitable<void> cmd_login(Command& c);
  boost::asio::awaitable<void> cmd_authenticate(Command& c);
  boost::asio::awaitable<void> cmd_enable(Command& c);
  boost::asio::awaitable<void> cmd_id(Command& c);
  boost::asio::awaitable<void> cmd_select(Command& c);
  boost::asio::awaitable<void> cmd_create(Command& c);
  boost::asio::awaitable<void> cmd_delete(Command& c);
  boost::asio::awaitable<void> cmd_rename(Command& c);
  boost::asio::awaitable<void> cmd_subscribe(Command& c);
  boost::asio::awaitable<void> cmd_list(Command& c);
  boost::asio::awaitable<void> cmd_namespace(Command& c);
  boost::asio::awaitable<void> cmd_status(Command& c);
  boost::asio::awaitable<void> cmd_append(Command& c);
  boost::asio::awaitable<void> cmd_close(Command& c);
  boost::asio::awaitable<void> cmd_expunge(Command& c);
  boost::asio::awaitable<void> cmd_search(Command& c);
  boost::asio::awaitable<void> cmd_fetch(Command& c);
  boost::asio::awaitable<void> cmd_store(Command& c);
  boost::asio::awaitable<void> cmd_copy(Command& c);
  boost::asio::awaitable<void> cmd_idle(Command& c);

  // SELECT/EXAMINE body, and CLOSE/UNSELECT (cmd_select.cpp).
  boost::asio::awaitable<void> select(std::string_view tag, std::string name, bool read_only);
  boost::asio::awaitable<void> unselect(std::string_view tag, bool expunge);
  // IDLE's reader (cmd_idle.cpp): reads until a line is buffered, then wakes IDLE.
  boost::asio::awaitable<void> idle_reader();

  // The message numbers a command's set names (messages.cpp): MSNs in ascending order.
  // Fails (BAD already written) for an MSN beyond the mailbox or "$".
  std::optional<std::vector<uint32_t>> resolve_set(const Command& c);
  // Message bytes of the given MSNs, read off the loop; a message that cannot be read (expunged
  // meanwhile, or quarantined) gives std::nullopt.
  boost::asio::awaitable<std::vector<std::optional<std::string>>> load_messages(
      const std::vector<uint32_t>& msns);
  // ENVELOPE, BODY and BODYSTRUCTURE of the given MSNs: from the server's SummaryCache, else
  // read, parsed and rendered off the loop (and then cached); std::nullopt as load_messages.
  boost::asio::awaitable<std::vector<std::optional<Summary>>> load_summaries(
      const std::vector<uint32_t>& msns);
  // SEARCH (cmd_search.cpp): one message's subject for search_matches(), and the MSNs that
  // match a key needing the message texts, read and matched on the blocking pool.
  SearchSubject subject(uint32_t msn) const;
  boost::asio::awaitable<std::vector<uint32_t>> search_texts(const proto::imap::SearchKey& key);
  // The mailbox a COPY/MOVE/APPEND/STATUS names; writes NO [TRYCREATE]/[NONEXISTENT] and
  // returns nullopt when it does not exist.
  boost::asio::awaitable<std::optional<store::Mailbox>> find_target(std::string_view tag,
                                                                    const std::string& wire,
                                                                    const char* missing_code);

  // Shared by LOGIN and AUTHENTICATE (cmd_login.cpp): checks the password off the loop,
  // answers the tag, and moves to the authenticated state.
  boost::asio::awaitable<void> log_in(std::string_view tag, std::string user, std::string password);
  // The two ends of every login: a failure (logged, throttled, paused, NO) and a success.
  boost::asio::awaitable<void> login_failed(std::string_view tag, const std::string& user);
  void logged_in(std::string_view tag, store::Account account, std::string_view mechanism);
  // AUTHENTICATE's continuations and SCRAM-SHA-256 (cmd_authenticate.cpp).
  boost::asio::awaitable<bool> sasl_exchange(std::string_view tag, std::string_view challenge,
                                             std::string& response);
  boost::asio::awaitable<void> authenticate_scram(std::string_view tag, std::string client_first);
  bool plaintext_allowed() const;
  std::string capabilities() const;
  // A mailbox name from the client: mUTF-7 decoded unless UTF8=ACCEPT is on, INBOX folded.
  std::optional<std::string> mailbox_name(std::string_view wire) const;
  // A mailbox name for the client: mUTF-7 or UTF-8, quoted or literal.
  std::string encode_mailbox(std::string_view name) const;

  Server& server_;
  net::Stream stream_;
  proto::imap::Reader reader_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer wake_;  // IDLE waits on it; a store change cancels it
  std::string id_;                  // session id for logs
  std::string ip_;
  std::string out_;
  State state_ = State::not_authenticated;
  std::optional<store::Account> account_;
  std::unique_ptr<Selected> selected_;
  unsigned bad_commands_ = 0;
  unsigned failed_logins_ = 0;
  bool rev2_ = false;        // ENABLE IMAP4rev2
  bool utf8_ = false;        // ENABLE UTF8=ACCEPT (RFC 9051 6.3.1, RFC 6855)
  bool condstore_ = false;   // a CONDSTORE-enabling command was seen (RFC 7162 3.1)
  bool changed_ = false;     // the store said the selected mailbox's account changed
  bool idle_input_ = false;  // IDLE: a line from the client is buffered
  bool idle_eof_ = false;    // IDLE: the client went away
  bool timed_out_ = false;
  bool done_ = false;
  bool idling_ = false;    // in IDLE, waiting for DONE
  bool draining_ = false;  // SIGTERM: BYE at the next command (net/drain.hpp)
  bool reading_ = false;   // read_more() is waiting on the client
  net::Drain::Enrollment drain_enrollment_;
};

}  // namespace heron::server::imap
