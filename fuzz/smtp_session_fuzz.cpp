// Drives a whole ServerMachine (proto/smtp/server_machine.hpp) with fuzz input, like
// server/smtp would over a socket. The first four bytes set the policy; the rest is what the
// client sends, fed in pieces. Every event is answered deterministically: a recipient is
// accepted when its local part starts with an even byte, a message gets 250 or 451 by the
// parity of its size, start_tls is followed by tls_started(). It stops on close.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "proto/smtp/server_machine.hpp"

namespace {

using heron::smtp::Reply;
using heron::smtp::ServerMachine;
using Event = ServerMachine::Event;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// Every reply line is "ddd" then SP, "-" or CRLF, and ends with CRLF.
void check_output(std::string_view out) {
  while (!out.empty()) {
    const size_t end = out.find("\r\n");
    check(end != std::string_view::npos && end >= 3);
    for (size_t i = 0; i < 3; ++i) check(out[i] >= '0' && out[i] <= '9');
    check(end == 3 || out[3] == ' ' || out[3] == '-');
    const std::string_view line = out.substr(0, end);
    check(line.find('\r') == std::string_view::npos && line.find('\n') == std::string_view::npos);
    out.remove_prefix(end + 2);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  heron::smtp::ServerPolicy policy;
  policy.hostname = "mx.example";
  policy.max_line = (data[0] & 1) ? 1000 : 16 + data[0];
  policy.max_message_size = (data[1] & 1) ? 1u << 16 : data[1] * 8u;
  policy.max_recipients = 1 + (data[2] & 7);
  policy.max_errors = 1 + (data[2] >> 3);
  policy.starttls = (data[3] & 1) != 0;
  policy.tls_active = (data[3] & 2) != 0;
  policy.bare_line_ends =
      (data[3] & 4) ? heron::smtp::BareLineEnds::normalize : heron::smtp::BareLineEnds::reject;
  policy.auth = (data[3] & 8) != 0;
  policy.auth_plaintext = (data[3] & 16) != 0;
  policy.require_auth = (data[3] & 32) != 0;
  policy.dsn = (data[3] & 64) != 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 4, size - 4);

  ServerMachine m(policy);
  std::string out = m.take_output();
  check_output(out);
  size_t pos = 0;
  uint32_t seed = data[3] + 7u;
  bool closed = false;
  while (!closed) {
    // Between feeds the driver runs next() until it needs input, as server/smtp does.
    size_t events = 0;
    while (true) {
      check(++events < 100000);  // each event consumes input or is answered
      const Event e = m.next();
      if (e == Event::need_input) break;
      if (e == Event::close) {
        closed = true;
        break;
      }
      if (e == Event::check_recipient) {
        const std::string& local = m.pending_recipient().local;
        const bool ok = local.empty() || (static_cast<uint8_t>(local[0]) % 2) == 0;
        m.answer_recipient(ok, ok ? Reply{250, "2.1.5", "Ok"} : Reply{550, "5.1.1", "No"});
      } else if (e == Event::message_ready) {
        check(m.message().size() <= policy.max_message_size);
        check(!m.envelope().recipients.empty());
        const bool ok = m.message().size() % 2 == 0;
        m.answer_message(ok ? Reply{250, "2.0.0", "Ok"} : Reply{451, "4.3.0", "Try later"});
      } else if (e == Event::start_tls) {
        m.tls_started();
        check(m.policy().tls_active);
      } else if (e == Event::authenticate) {
        // SCRAM: one challenge per round up to two, then an answer; PLAIN/LOGIN: the name
        // decides, so both outcomes are reached.
        const auto& r = m.auth_request();
        if (r.mechanism == "SCRAM-SHA-256" && r.round < 2 && !r.response.empty()) {
          m.auth_challenge(r.response);
        } else {
          const bool ok = !r.authcid.empty() && (static_cast<uint8_t>(r.authcid[0]) % 2) == 0;
          m.answer_auth(ok ? std::optional<std::string>(r.authcid) : std::nullopt,
                        ok ? Reply{235, "2.7.0", "Ok"} : Reply{535, "5.7.8", "No"});
          check(ok == !m.auth_user().empty());
        }
      } else if (e == Event::check_sender) {
        check(!m.auth_user().empty());
        const bool ok = m.envelope().mail_from.address().size() % 2 == 0;
        m.answer_sender(ok, ok ? Reply{250, "2.1.0", "Ok"} : Reply{553, "5.7.1", "No"});
      }
      check(m.envelope().recipients.size() <= policy.max_recipients);
    }
    const std::string chunk = m.take_output();
    check_output(chunk);
    if (closed || pos >= in.size()) break;
    seed = seed * 1103515245u + 12345u;
    const size_t len = 1 + (seed >> 16) % 300;
    const size_t n = len < in.size() - pos ? len : in.size() - pos;
    m.feed(in.substr(pos, n));
    pos += n;
  }
  if (!closed) {
    m.timed_out();
    check(m.next() == Event::close);
    check_output(m.take_output());
  }
  return 0;
}
