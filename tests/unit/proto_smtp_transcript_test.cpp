// Golden SMTP transcripts (tests/transcripts/smtp/*.txt) played against ServerMachine.
//
// Format, one item per line:
//   # comment            ignored, as are blank lines
//   P: key=value ...     policy (starttls, tls_active, max_recipients, max_errors, max_line,
//                        max_message_size, bare=normalize, auth, auth_plaintext,
//                        require_auth, dsn); before the first C: line
//   C: text              client line: text with \r \n \t \\ \xHH escapes, then CRLF
//   c: text              the same without the CRLF
//   S: text              one server reply line, without its CRLF
// Consecutive C:/c: lines are fed as one batch (pipelining); the S: lines that follow must be
// exactly the output the machine produced for it. The driver refuses recipients whose local
// part starts with "unknown" (550 5.1.1), accepts the others (250 2.1.5 Ok), answers every
// message "250 2.0.0 Ok: queued" and completes every STARTTLS handshake. AUTH PLAIN/LOGIN
// succeeds for alice@example.org with password "secret" only; after AUTH, MAIL FROM must be
// the authenticated user (553 5.7.1 otherwise).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "proto/smtp/server_machine.hpp"

namespace heron::smtp {
namespace {

namespace fs = std::filesystem;
using Event = ServerMachine::Event;

fs::path transcript_dir() {
  return fs::path(__FILE__).parent_path().parent_path() / "transcripts" / "smtp";
}

std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    const char e = s[++i];
    if (e == 'r') {
      out += '\r';
    } else if (e == 'n') {
      out += '\n';
    } else if (e == 't') {
      out += '\t';
    } else if (e == 'x' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += e;
    }
  }
  return out;
}

void apply_policy(ServerPolicy& p, std::string_view items) {
  std::istringstream in{std::string(items)};
  std::string item;
  while (in >> item) {
    const size_t eq = item.find('=');
    const std::string key = item.substr(0, eq);
    const std::string value = eq == std::string::npos ? "1" : item.substr(eq + 1);
    if (key == "starttls")
      p.starttls = value == "1";
    else if (key == "tls_active")
      p.tls_active = value == "1";
    else if (key == "max_recipients")
      p.max_recipients = std::stoul(value);
    else if (key == "max_errors")
      p.max_errors = std::stoul(value);
    else if (key == "max_line")
      p.max_line = std::stoul(value);
    else if (key == "max_message_size")
      p.max_message_size = std::stoull(value);
    else if (key == "auth")
      p.auth = value == "1";
    else if (key == "auth_plaintext")
      p.auth_plaintext = value == "1";
    else if (key == "require_auth")
      p.require_auth = value == "1";
    else if (key == "dsn")
      p.dsn = value == "1";
    else if (key == "bare")
      p.bare_line_ends = value == "normalize" ? BareLineEnds::normalize : BareLineEnds::reject;
    else
      ADD_FAILURE() << "unknown policy key " << key;
  }
}

std::string run_batch(ServerMachine& m, const std::string& input) {
  m.feed(input);
  while (true) {
    switch (m.next()) {
      case Event::need_input:
      case Event::close:
        return m.take_output();
      case Event::check_recipient:
        if (m.pending_recipient().local.rfind("unknown", 0) == 0) {
          m.answer_recipient(false, Reply{550, "5.1.1", "No such user"});
        } else {
          m.answer_recipient(true, Reply{250, "2.1.5", "Ok"});
        }
        break;
      case Event::message_ready:
        m.answer_message(Reply{250, "2.0.0", "Ok: queued"});
        break;
      case Event::start_tls: {
        std::string out = m.take_output();
        m.tls_started();  // what was pipelined behind STARTTLS is gone
        return out;
      }
      case Event::authenticate: {
        const AuthRequest& r = m.auth_request();
        if (r.authcid == "alice@example.org" && r.password == "secret") {
          m.answer_auth(r.authcid, Reply{235, "2.7.0", "Authentication successful"});
        } else {
          m.answer_auth(std::nullopt, Reply{535, "5.7.8", "Authentication credentials invalid"});
        }
        break;
      }
      case Event::check_sender: {
        const bool mine = m.envelope().mail_from.address() == m.auth_user();
        m.answer_sender(mine, mine ? Reply{250, "2.1.0", "Ok"}
                                   : Reply{553, "5.7.1", "Sender address not owned by user"});
        break;
      }
    }
  }
}

void play(const fs::path& file) {
  std::ifstream in(file);
  ASSERT_TRUE(in) << file;
  ServerPolicy policy;
  policy.hostname = "mx.example";
  std::optional<ServerMachine> m;
  std::string batch;
  std::string expected;
  std::string got;
  int line_no = 0;
  auto flush = [&] {
    if (!batch.empty()) {
      got += run_batch(*m, batch);
      batch.clear();
    }
  };
  auto compare = [&] {
    if (expected.empty() && got.empty()) return;
    EXPECT_EQ(got, expected) << file.filename() << " before line " << line_no;
    expected.clear();
    got.clear();
  };
  std::string line;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    if (line.size() == 2) line += ' ';  // "C:" alone is an empty line
    const std::string_view tag = std::string_view(line).substr(0, 3);
    const std::string_view text = line.size() > 3 ? std::string_view(line).substr(3) : "";
    if (tag == "P: ") {
      apply_policy(policy, text);
      continue;
    }
    if (!m) {
      m.emplace(policy);
      got = m->take_output();
    }
    if (tag == "C: " || tag == "c: ") {
      if (!expected.empty()) compare();
      batch += unescape(text);
      if (tag == "C: ") batch += "\r\n";
    } else if (tag == "S: ") {
      flush();
      expected += std::string(text) + "\r\n";
    } else {
      ADD_FAILURE() << file.filename() << ":" << line_no << ": bad line";
    }
  }
  flush();
  compare();
}

TEST(SmtpTranscripts, AllPlayBack) {
  const fs::path dir = transcript_dir();
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  int played = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".txt") continue;
    SCOPED_TRACE(e.path().filename().string());
    play(e.path());
    ++played;
  }
  EXPECT_GE(played, 4);
}

}  // namespace
}  // namespace heron::smtp
