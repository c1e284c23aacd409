// DSN bytes (RFC 3464, RFC 6522, RFC 6533): each notice is parsed back with the MIME header
// helper and every field is checked.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/strings.hpp"
#include "mime/header.hpp"
#include "queue/dsn.hpp"

namespace heron::queue::dsn {
namespace {

constexpr int64_t kArrival = 1'700'000'000;  // Tue, 14 Nov 2023 22:13:20 +0000
constexpr int64_t kNow = kArrival + 3600;

const std::string kOriginal =
    "Received: from client.example.org\r\n"
    "From: Alice <alice@example.org>\r\n"
    "To: bob@example.net\r\n"
    "Subject: lunch\r\n"
    "Message-ID: <orig@example.org>\r\n"
    "\r\n"
    "Shall we have lunch?\r\n";

Report failure_report() {
  Report r;
  r.reporting_mta = "mx.example.org";
  r.recipient = "alice@example.org";
  r.envid = "QQ314159";
  r.arrival = kArrival;
  r.original = kOriginal;
  r.date = kNow;
  r.message_id = "<dsn1@mx.example.org>";
  r.boundary = "BOUNDARY-1";
  RecipientReport bob;
  bob.final_recipient = "bob@example.net";
  bob.original_recipient = "rfc822;Bob@Example.NET";
  bob.action = Action::failed;
  bob.status = "5.1.1";
  bob.diagnostic = "smtp; 550 5.1.1 <bob@example.net>: no such user";
  bob.remote_mta = "dns; mx.example.net";
  bob.last_attempt = kNow - 60;
  r.recipients.push_back(bob);
  return r;
}

// The parts of a multipart body: the text between "--boundary" lines, without the CRLF
// that belongs to the next delimiter.
std::vector<std::string> parts_of(const std::string& message, const std::string& boundary) {
  std::vector<std::string> parts;
  const std::string delimiter = "\r\n--" + boundary;
  size_t pos = message.find(delimiter);
  while (pos != std::string::npos) {
    size_t start = pos + delimiter.size();
    if (message.compare(start, 2, "--") == 0) break;  // close delimiter
    start += 2;                                       // CRLF after the boundary line
    const size_t next = message.find(delimiter, start);
    if (next == std::string::npos) break;
    parts.push_back(message.substr(start, next - start));
    pos = next;
  }
  return parts;
}

std::string body_of(const std::string& part) {
  const size_t blank = part.find("\r\n\r\n");
  return blank == std::string::npos ? std::string() : part.substr(blank + 4);
}

// message/delivery-status: header-like blocks separated by blank lines.
std::vector<std::string> blocks_of(const std::string& status) {
  std::vector<std::string> blocks;
  size_t pos = 0;
  while (pos < status.size()) {
    size_t end = status.find("\r\n\r\n", pos);
    if (end == std::string::npos) end = status.size();
    if (end > pos) blocks.push_back(status.substr(pos, end - pos) + "\r\n\r\n");
    pos = end + 4;
  }
  return blocks;
}

std::string field(std::string_view block, std::string_view name) {
  auto v = mime::header_value(block, name);
  return v ? *v : std::string("<absent>");
}

TEST(QueueDsn, FailureNoticeWithHeaders) {
  auto built = build(failure_report());
  ASSERT_TRUE(built) << built.error().message;
  const std::string& m = *built;

  // Top-level header fields.
  EXPECT_EQ(field(m, "From"), "Mail Delivery System <MAILER-DAEMON@mx.example.org>");
  EXPECT_EQ(field(m, "To"), "<alice@example.org>");
  EXPECT_EQ(field(m, "Subject"), "Undelivered Mail Returned to Sender");
  EXPECT_EQ(field(m, "Date"), "Tue, 14 Nov 2023 23:13:20 +0000");
  EXPECT_EQ(field(m, "Message-ID"), "<dsn1@mx.example.org>");
  EXPECT_EQ(field(m, "Auto-Submitted"), "auto-replied");
  EXPECT_EQ(field(m, "MIME-Version"), "1.0");
  EXPECT_EQ(field(m, "Content-Type"),
            "multipart/report; report-type=delivery-status; boundary=\"BOUNDARY-1\"");
  // Every line ends in CRLF and none is longer than 998 octets (RFC 5322 2.1.1).
  for (size_t i = 0; i < m.size(); ++i) {
    if (m[i] == '\n') {
      ASSERT_TRUE(i > 0 && m[i - 1] == '\r') << "bare LF at " << i;
    }
    if (m[i] == '\r') {
      ASSERT_TRUE(i + 1 < m.size() && m[i + 1] == '\n') << "bare CR at " << i;
    }
  }
  for (std::string_view line : str::split(m, '\n')) EXPECT_LE(line.size(), 999u);
  EXPECT_TRUE(m.ends_with("\r\n--BOUNDARY-1--\r\n"));

  const auto parts = parts_of(m, "BOUNDARY-1");
  ASSERT_EQ(parts.size(), 3u);

  // 1. Human-readable.
  EXPECT_EQ(field(parts[0], "Content-Type"), "text/plain; charset=us-ascii");
  std::string text = body_of(parts[0]);
  // Wrapped lines continue indented: unwrap before looking for phrases.
  for (size_t p; (p = text.find("\r\n    ")) != std::string::npos;) text.replace(p, 6, " ");
  EXPECT_NE(text.find("mx.example.org"), std::string::npos) << text;
  EXPECT_NE(text.find("could not be delivered"), std::string::npos) << text;
  EXPECT_NE(text.find("<bob@example.net>: delivery failed."), std::string::npos) << text;
  EXPECT_NE(text.find("Host mx.example.net said: 550 5.1.1 <bob@example.net>: no such user"),
            std::string::npos)
      << text;

  // 2. Machine-readable.
  EXPECT_EQ(field(parts[1], "Content-Type"), "message/delivery-status");
  const auto blocks = blocks_of(body_of(parts[1]));
  ASSERT_EQ(blocks.size(), 2u) << body_of(parts[1]);
  EXPECT_EQ(field(blocks[0], "Reporting-MTA"), "dns; mx.example.org");
  EXPECT_EQ(field(blocks[0], "Original-Envelope-Id"), "QQ314159");
  EXPECT_EQ(field(blocks[0], "Arrival-Date"), "Tue, 14 Nov 2023 22:13:20 +0000");
  EXPECT_EQ(field(blocks[1], "Original-Recipient"), "rfc822; Bob@Example.NET");
  EXPECT_EQ(field(blocks[1], "Final-Recipient"), "rfc822; bob@example.net");
  EXPECT_EQ(field(blocks[1], "Action"), "failed");
  EXPECT_EQ(field(blocks[1], "Status"), "5.1.1");
  EXPECT_EQ(field(blocks[1], "Remote-MTA"), "dns; mx.example.net");
  EXPECT_EQ(field(blocks[1], "Diagnostic-Code"), "smtp; 550 5.1.1 <bob@example.net>: no such user");
  EXPECT_EQ(field(blocks[1], "Last-Attempt-Date"), "Tue, 14 Nov 2023 23:12:20 +0000");
  EXPECT_EQ(field(blocks[1], "Will-Retry-Until"), "<absent>");

  // 3. The original's header section, and nothing of its body (no RET=FULL).
  EXPECT_EQ(field(parts[2], "Content-Type"), "text/rfc822-headers");
  EXPECT_EQ(field(parts[2], "Content-Description"), "Undelivered Message Headers");
  EXPECT_EQ(body_of(parts[2]), mime::header_section(kOriginal));
  EXPECT_EQ(m.find("Shall we have lunch?"), std::string::npos);
}

TEST(QueueDsn, RetFullReturnsTheWholeMessage) {
  Report r = failure_report();
  r.ret = store::DsnRet::full;
  auto built = build(r);
  ASSERT_TRUE(built);
  const auto parts = parts_of(*built, "BOUNDARY-1");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(field(parts[2], "Content-Type"), "message/rfc822");
  EXPECT_EQ(field(parts[2], "Content-Description"), "Undelivered Message");
  EXPECT_EQ(field(parts[2], "Content-Transfer-Encoding"), "<absent>");
  EXPECT_EQ(body_of(parts[2]), kOriginal);  // byte for byte
  // An 8-bit original is declared as such.
  std::string eight = kOriginal + "caf\xc3\xa9\r\n";
  r.original = eight;
  built = build(r);
  ASSERT_TRUE(built);
  const auto parts8 = parts_of(*built, "BOUNDARY-1");
  ASSERT_EQ(parts8.size(), 3u);
  EXPECT_EQ(field(parts8[2], "Content-Transfer-Encoding"), "8bit");
  EXPECT_EQ(body_of(parts8[2]), eight);
}

TEST(QueueDsn, DelayedNotice) {
  Report r = failure_report();
  r.envid.clear();
  RecipientReport& bob = r.recipients[0];
  bob.original_recipient.clear();
  bob.action = Action::delayed;
  bob.status = "4.4.1";
  bob.diagnostic = "X-Heron; connection refused";
  bob.remote_mta.clear();
  bob.will_retry_until = kArrival + 5 * 86400;
  auto built = build(r);
  ASSERT_TRUE(built);
  EXPECT_EQ(field(*built, "Subject"), "Delayed Mail (still being retried)");
  const auto parts = parts_of(*built, "BOUNDARY-1");
  ASSERT_EQ(parts.size(), 3u);
  const std::string text = body_of(parts[0]);
  EXPECT_NE(text.find("has not yet been delivered"), std::string::npos) << text;
  EXPECT_NE(text.find("Sun, 19 Nov 2023 22:13:20 +0000"), std::string::npos) << text;
  const auto blocks = blocks_of(body_of(parts[1]));
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(field(blocks[0], "Original-Envelope-Id"), "<absent>");
  EXPECT_EQ(field(blocks[1], "Original-Recipient"), "<absent>");
  EXPECT_EQ(field(blocks[1], "Action"), "delayed");
  EXPECT_EQ(field(blocks[1], "Status"), "4.4.1");
  EXPECT_EQ(field(blocks[1], "Remote-MTA"), "<absent>");
  EXPECT_EQ(field(blocks[1], "Diagnostic-Code"), "X-Heron; connection refused");
  EXPECT_EQ(field(blocks[1], "Will-Retry-Until"), "Sun, 19 Nov 2023 22:13:20 +0000");
}

TEST(QueueDsn, SuccessAndRelayedNotice) {
  Report r = failure_report();
  r.recipients[0].action = Action::relayed;
  r.recipients[0].status = "2.0.0";
  r.recipients[0].diagnostic = "smtp; 250 2.0.0 queued as 42";
  RecipientReport local;
  local.final_recipient = "carol@example.org";
  local.action = Action::delivered;
  local.status = "2.0.0";
  r.recipients.push_back(local);
  auto built = build(r);
  ASSERT_TRUE(built);
  EXPECT_EQ(field(*built, "Subject"), "Successful Mail Delivery Report");
  const auto parts = parts_of(*built, "BOUNDARY-1");
  ASSERT_EQ(parts.size(), 3u);
  const auto blocks = blocks_of(body_of(parts[1]));
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(field(blocks[1], "Action"), "relayed");
  EXPECT_EQ(field(blocks[2], "Final-Recipient"), "rfc822; carol@example.org");
  EXPECT_EQ(field(blocks[2], "Action"), "delivered");
  EXPECT_EQ(field(blocks[2], "Last-Attempt-Date"), "<absent>");
  EXPECT_EQ(field(parts[2], "Content-Description"), "Delivered Message Headers");
}

TEST(QueueDsn, Utf8OriginalUsesTheGlobalTypes) {
  Report r = failure_report();
  r.utf8 = true;
  r.recipient = "j\xc3\xb6rg@example.org";
  r.recipients[0].final_recipient = "m\xc3\xbcller@example.net";
  r.recipients[0].original_recipient = "utf-8;m\xc3\xbcller@example.net";
  const std::string original =
      "From: j\xc3\xb6rg@example.org\r\nSubject: gr\xc3\xbc\xc3\x9f\r\n\r\nx\r\n";
  r.original = original;
  auto built = build(r);
  ASSERT_TRUE(built);
  EXPECT_EQ(field(*built, "To"), "<j\xc3\xb6rg@example.org>");
  const auto parts = parts_of(*built, "BOUNDARY-1");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(field(parts[0], "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(field(parts[1], "Content-Type"), "message/global-delivery-status");
  const auto blocks = blocks_of(body_of(parts[1]));
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(field(blocks[1], "Final-Recipient"), "utf-8; m\xc3\xbcller@example.net");
  EXPECT_EQ(field(blocks[1], "Original-Recipient"), "utf-8; m\xc3\xbcller@example.net");
  EXPECT_EQ(field(parts[2], "Content-Type"), "message/global-headers");
  EXPECT_EQ(field(parts[2], "Content-Transfer-Encoding"), "8bit");
  EXPECT_EQ(body_of(parts[2]), mime::header_section(original));
  r.ret = store::DsnRet::full;
  built = build(r);
  ASSERT_TRUE(built);
  EXPECT_EQ(field(parts_of(*built, "BOUNDARY-1")[2], "Content-Type"), "message/global");
}

TEST(QueueDsn, NonAsciiAddressWithoutUtf8IsMaskedNotSent) {
  Report r = failure_report();
  r.recipients[0].final_recipient = "m\xc3\xbcller@example.net";
  auto built = build(r);
  ASSERT_TRUE(built);
  EXPECT_TRUE(str::is_ascii(*built));
  const auto blocks = blocks_of(body_of(parts_of(*built, "BOUNDARY-1")[1]));
  EXPECT_EQ(field(blocks[1], "Final-Recipient"), "rfc822; m??ller@example.net");
}

TEST(QueueDsn, NeverToTheNullSender) {
  Report r = failure_report();
  r.recipient.clear();
  auto built = build(r);
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error().code, EINVAL);
  r = failure_report();
  r.recipients.clear();
  EXPECT_FALSE(build(r));
}

TEST(QueueDsn, BoundaryMustNotOccurInTheOriginal) {
  Report r = failure_report();
  r.boundary = "lunch";  // occurs in the original
  EXPECT_FALSE(build(r));
  r.boundary.clear();  // generated: unique, and random
  r.message_id.clear();
  auto a = build(r);
  auto b = build(r);
  ASSERT_TRUE(a && b);
  auto boundary_of = [](const std::string& m) {
    const std::string ct = field(m, "Content-Type");
    const size_t q = ct.find("boundary=\"");
    return ct.substr(q + 10, ct.size() - q - 11);
  };
  EXPECT_NE(boundary_of(*a), boundary_of(*b));
  EXPECT_EQ(parts_of(*a, boundary_of(*a)).size(), 3u);
  EXPECT_NE(field(*a, "Message-ID"), field(*b, "Message-ID"));
  EXPECT_TRUE(field(*a, "Message-ID").ends_with("@mx.example.org>"));
}

TEST(QueueDsn, HostileRemoteTextCannotInjectFields) {
  Report r = failure_report();
  r.recipients[0].diagnostic =
      "smtp; 550 nope\r\nX-Injected: yes\r\n\r\n--BOUNDARY-1\r\nContent-Type: text/html\x01";
  r.recipients[0].remote_mta = "dns; evil\r\nX-Also: yes";
  r.envid = "id\r\nX-Envid: yes";
  auto built = build(r);
  ASSERT_TRUE(built);
  EXPECT_EQ(built->find("\r\nX-Injected"), std::string::npos);
  EXPECT_EQ(built->find("\r\nX-Also"), std::string::npos);
  EXPECT_EQ(built->find("\r\nX-Envid"), std::string::npos);
  EXPECT_EQ(parts_of(*built, "BOUNDARY-1").size(), 3u);
  const auto blocks = blocks_of(body_of(parts_of(*built, "BOUNDARY-1")[1]));
  EXPECT_EQ(field(blocks[1], "Diagnostic-Code"),
            "smtp; 550 nope X-Injected: yes --BOUNDARY-1 Content-Type: text/html?");
}

TEST(QueueDsn, LongDiagnosticsAreFolded) {
  Report r = failure_report();
  std::string text;
  for (int i = 0; i < 40; ++i) text += "word" + std::to_string(i) + " ";
  r.recipients[0].diagnostic = "smtp; 550 5.7.1 " + text;
  auto built = build(r);
  ASSERT_TRUE(built);
  for (std::string_view line : str::split(*built, '\n')) EXPECT_LE(line.size(), 79u) << line;
  const auto blocks = blocks_of(body_of(parts_of(*built, "BOUNDARY-1")[1]));
  EXPECT_EQ(field(blocks[1], "Diagnostic-Code"), "smtp; 550 5.7.1 " + std::string(str::trim(text)));
}

TEST(QueueDsn, WithoutTheOriginalThereAreTwoParts) {
  Report r = failure_report();
  r.original = {};
  auto built = build(r);
  ASSERT_TRUE(built);
  EXPECT_EQ(parts_of(*built, "BOUNDARY-1").size(), 2u);
}

TEST(QueueDsn, DiagnosticCodes) {
  EXPECT_EQ(diagnostic_code(550, "5.1.1", "no such\nuser"), "smtp; 550 5.1.1 no such user");
  EXPECT_EQ(diagnostic_code(451, "", "try later"), "smtp; 451 try later");
  EXPECT_EQ(diagnostic_code(0, "", "connect to mx.example.net: refused"),
            "X-Heron; connect to mx.example.net: refused");
  EXPECT_EQ(sanitize(std::string(600, 'a'), 10), "aaaaaaa...");
  EXPECT_EQ(sanitize("  a \t b\r\n"), "a b");
}

}  // namespace
}  // namespace heron::queue::dsn
