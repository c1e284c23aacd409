// Drives a whole ClientMachine (proto/smtp/client_machine.hpp) with fuzz input as the
// server's replies, like delivery/remote would over a socket. The first two bytes set the
// policy and the message; the rest is what the server sends, fed in pieces, then the end of
// input. Every event is answered: ready sends the message (twice, to cover RSET), then QUIT;
// start_tls is followed by tls_started() or tls_failed() by a byte of input. Checks that the
// session ends, that what it sends has no bare CR or LF (when it sends DATA rather than BDAT,
// whose chunks are raw octets), and that every message gets exactly one result per
// recipient, each with a 2xx-5xx code.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "proto/smtp/client_machine.hpp"

namespace {

using heron::smtp::ClientMachine;
using Event = ClientMachine::Event;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// No bare CR or LF anywhere: commands are single lines and bodies are canonical.
void check_output(std::string_view out) {
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\r') check(i + 1 < out.size() && out[i + 1] == '\n');
    if (out[i] == '\n') check(i > 0 && out[i - 1] == '\r');
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  heron::smtp::ClientPolicy policy;
  policy.helo_name = "heron.example.org";
  policy.tls_available = (data[0] & 1) != 0;
  policy.require_tls = (data[0] & 2) != 0;
  policy.use_pipelining = (data[0] & 4) != 0;
  policy.use_chunking = (data[0] & 8) != 0;
  policy.chunk_size = 1 + (data[0] >> 4) * 7;
  policy.max_reply_line = 512;
  policy.max_reply_lines = 50;

  const std::string body = "Subject: fuzz\r\n\r\n.dot\r\nline\r\n";
  heron::smtp::ClientMessage msg;
  msg.sender = (data[1] & 1) ? "" : "alice@example.org";
  msg.recipients = {{"bob@example.net", static_cast<uint8_t>(data[1] & 2 ? 6 : 0), ""},
                    {"carol@example.net", 0, "rfc822;Carol@example.net"}};
  msg.body = body;
  msg.eightbit = (data[1] & 4) != 0;
  msg.smtputf8 = (data[1] & 8) != 0;
  msg.ret = (data[1] & 16) ? heron::smtp::Ret::full : heron::smtp::Ret::unspecified;
  msg.envid = (data[1] & 32) ? "ENV+1" : "";
  const std::string_view in(reinterpret_cast<const char*>(data) + 2, size - 2);

  ClientMachine m(policy);
  size_t pos = 0;
  uint32_t seed = data[0] + 11u;
  int sent = 0;
  bool closed = false;
  bool ended = false;
  size_t events = 0;
  std::string sent_bytes;
  while (!closed) {
    const Event e = m.next();
    check(++events < 100000);
    sent_bytes += m.take_output();
    if (e == Event::closed) {
      closed = true;
    } else if (e == Event::ready) {
      if (sent < 2) {
        m.send(msg);
        ++sent;
      } else {
        m.quit();
      }
    } else if (e == Event::message_done) {
      check(m.result().recipients.size() == msg.recipients.size());
      for (const auto& r : m.result().recipients) {
        check(r.reply.code >= 200 && r.reply.code <= 599);
      }
    } else if (e == Event::start_tls) {
      if (pos < in.size() && (static_cast<uint8_t>(in[pos]) & 1)) {
        m.tls_failed("fuzz");
      } else {
        m.tls_started();
        check(m.tls_active());
      }
    } else if (e == Event::need_input) {
      if (pos >= in.size()) {
        check(!ended);  // after eof() the machine must not wait again
        m.eof();
        ended = true;
        continue;
      }
      seed = seed * 1103515245u + 12345u;
      const size_t len = 1 + (seed >> 16) % 200;
      const size_t n = len < in.size() - pos ? len : in.size() - pos;
      m.feed(in.substr(pos, n));
      pos += n;
    }
  }
  // After the end a machine stays closed.
  check(m.next() == Event::closed);
  if (!policy.use_chunking) check_output(sent_bytes);
  return 0;
}
