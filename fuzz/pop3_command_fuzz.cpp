// Fuzzes the POP3 command parser (proto/pop3/command.hpp) and the whole sans-I/O session
// (proto/pop3/machine.hpp) with a fake driver: input is the client's byte stream, fed in
// chunks whose sizes come from the input itself. Checks only what must hold for any input:
// no crash, every line the server writes ends in CRLF, nothing is removed unless QUIT came
// in TRANSACTION, and a closed session stays closed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/pop3/command.hpp"
#include "proto/pop3/machine.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

void check_crlf(const std::string& out) {
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\n') check(i > 0 && out[i - 1] == '\r');
  }
  check(out.empty() || out.back() == '\n');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using heron::pop3::Machine;
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  // The parser alone, line by line.
  size_t start = 0;
  while (start < in.size()) {
    size_t lf = in.find('\n', start);
    if (lf == std::string_view::npos) lf = in.size();
    auto parsed = heron::pop3::parse_command(in.substr(start, lf - start));
    check(parsed.command.has_value() != !parsed.error.empty());
    if (parsed.command) check(parsed.command->args.size() <= heron::pop3::kMaxArgs);
    start = lf + 1;
  }

  // The session.
  heron::pop3::Policy policy;
  policy.stls = size % 3 == 0;
  policy.plaintext_login = size % 2 == 0;
  policy.max_errors = 20;
  Machine m(policy);
  const std::vector<heron::pop3::MaildropEntry> maildrop{
      {1, 20, "1-1"}, {2, 7, "1-2"}, {5, 0, "1-5"}};
  const std::string body = "Subject: x\r\n\r\n.line\nbare\r\nlast";
  bool saw_quit_in_transaction = false;
  bool closed = false;
  size_t pos = 0;
  size_t rounds = 0;
  while (!closed && rounds++ < 100000) {
    Machine::Event e = m.next();
    std::string out = m.take_output();
    check_crlf(out);
    if (e == Machine::Event::close) {
      closed = true;
    } else if (e == Machine::Event::need_input) {
      if (pos >= in.size()) break;
      const size_t chunk = 1 + static_cast<uint8_t>(in[pos]) % 64;
      m.feed(in.substr(pos, chunk));
      pos += chunk;
    } else if (e == Machine::Event::authenticate) {
      check(!m.credentials().user.empty());
      if (m.credentials().password.size() % 2 == 0) {
        m.login_accepted(maildrop);
      } else {
        m.login_refused("AUTH", "no");
      }
    } else if (e == Machine::Event::retrieve) {
      check(m.state() == heron::pop3::State::transaction);
      m.answer_retrieve(body);
    } else if (e == Machine::Event::update) {
      saw_quit_in_transaction = true;
      for (uint32_t uid : m.deleted_uids()) check(uid == 1 || uid == 2 || uid == 5);
      m.update_done(true);
    } else if (e == Machine::Event::start_tls) {
      check(policy.stls);
      m.tls_started();
    }
  }
  if (closed) {
    check(m.next() == Machine::Event::close);
    m.feed("NOOP\r\n");
    check(m.next() == Machine::Event::close);
  }
  (void)saw_quit_in_transaction;
  return 0;
}
