#pragma once
// Test support: drives a ServerMachine from strings, accepting every recipient and queueing
// every message, so a test states input bytes and expected output bytes and nothing else.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "proto/smtp/server_machine.hpp"

namespace heron::smtp::test_support {

// The policy most tests use: hostname mx.example, SIZE 10000, STARTTLS offered.
inline ServerPolicy test_policy() {
  ServerPolicy p;
  p.hostname = "mx.example";
  p.max_message_size = 10000;
  p.starttls = true;
  return p;
}

struct Driver {
  using Event = ServerMachine::Event;

  ServerMachine m;
  std::vector<std::string> messages;
  std::vector<bool> chunked;  // per message: it came with BDAT
  bool closed = false;
  bool tls = false;
  std::vector<AuthRequest> auth_requests;

  explicit Driver(ServerPolicy p = test_policy()) : m(std::move(p)) {}

  std::string run(std::string_view in) {
    m.feed(in);
    pump();
    return m.take_output();
  }
  void pump() {
    while (true) {
      switch (m.next()) {
        case Event::need_input:
          return;
        case Event::check_recipient:
          m.answer_recipient(true, Reply{250, "2.1.5", "Ok"});
          break;
        case Event::message_ready:
          messages.push_back(m.message());
          chunked.push_back(m.envelope().chunked);
          m.answer_message(Reply{250, "2.0.0", "Ok: queued"});
          break;
        case Event::start_tls:
          tls = true;
          return;
        case Event::close:
          closed = true;
          return;
        case Event::authenticate: {
          // PLAIN and LOGIN: alice@example.org / secret; SCRAM is not driven here.
          const AuthRequest& r = m.auth_request();
          auth_requests.push_back(r);
          if (r.authcid == "alice@example.org" && r.password == "secret") {
            m.answer_auth(r.authcid, Reply{235, "2.7.0", "Authentication successful"});
          } else {
            m.answer_auth(std::nullopt, Reply{535, "5.7.8", "Authentication credentials invalid"});
          }
          break;
        }
        case Event::check_sender: {
          const bool ok = m.envelope().mail_from.address() == m.auth_user();
          m.answer_sender(ok, ok ? Reply{250, "2.1.0", "Ok"} : Reply{553, "5.7.1", "Not yours"});
          break;
        }
      }
    }
  }
  // Past the greeting and EHLO.
  Driver& greeted(std::string_view helo = "EHLO client.example\r\n") {
    m.take_output();
    run(helo);
    return *this;
  }
};

}  // namespace heron::smtp::test_support
