#include <gtest/gtest.h>

#include <string>

#include "proto/smtp/data_decoder.hpp"

namespace heron::smtp {
namespace {

constexpr uint64_t kBig = 1 << 20;

struct Decoded {
  bool done = false;
  size_t used = 0;
  DataDecoder::Error error = DataDecoder::Error::none;
  std::string body;
  uint64_t octets = 0;
};

Decoded decode(std::string_view in, BareLineEnds mode = BareLineEnds::reject, uint64_t max = kBig) {
  DataDecoder d(max, mode);
  Decoded r;
  r.used = d.feed(in);
  r.done = d.done();
  r.error = d.error();
  r.body = d.body();
  r.octets = d.octets();
  return r;
}

// Feeds one octet per call; must give the same result as one big feed.
Decoded decode_bytewise(std::string_view in, BareLineEnds mode = BareLineEnds::reject,
                        uint64_t max = kBig) {
  DataDecoder d(max, mode);
  Decoded r;
  for (size_t i = 0; i < in.size() && !d.done(); ++i) r.used += d.feed(in.substr(i, 1));
  r.done = d.done();
  r.error = d.error();
  r.body = d.body();
  r.octets = d.octets();
  return r;
}

void expect_same(const Decoded& a, const Decoded& b) {
  EXPECT_EQ(a.done, b.done);
  EXPECT_EQ(a.used, b.used);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(a.octets, b.octets);
}

TEST(SmtpDataDecoder, SimpleMessageStopsAfterEndMarker) {
  const std::string in = "Subject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n";
  Decoded r = decode(in);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.used, in.size() - 6);  // "QUIT\r\n" stays with the caller
  EXPECT_EQ(r.body, "Subject: hi\r\n\r\nbody\r\n");
  EXPECT_EQ(r.error, DataDecoder::Error::none);
  EXPECT_EQ(r.octets, r.body.size());
}

TEST(SmtpDataDecoder, EmptyMessage) {
  Decoded r = decode(".\r\n");
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.used, 3u);
  EXPECT_EQ(r.body, "");
}

TEST(SmtpDataDecoder, NotDoneWithoutEndMarker) {
  Decoded r = decode("line\r\n");
  EXPECT_FALSE(r.done);
  EXPECT_EQ(r.used, 6u);
  EXPECT_EQ(r.body, "line\r\n");
  Decoded partial = decode("line\r\n.\r");
  EXPECT_FALSE(partial.done);
  EXPECT_EQ(partial.body, "line\r\n");
}

TEST(SmtpDataDecoder, DotUnstuffing) {
  // RFC 5321 4.5.2: the client doubled leading dots; we remove one.
  Decoded r = decode("..\r\n...\r\n..x\r\n.y\r\na.b\r\n.\r\n");
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.body, ".\r\n..\r\n.x\r\ny\r\na.b\r\n");
  // A dot at the very start of the data is at a line start too.
  EXPECT_EQ(decode("..x\r\n.\r\n").body, ".x\r\n");
}

// Stuffs a body the way an RFC 5321 client does, for round trips.
std::string stuff(std::string_view body) {
  std::string out;
  bool line_start = true;
  for (char c : body) {
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = c == '\n';
  }
  return out + ".\r\n";
}

TEST(SmtpDataDecoder, DotStuffingRoundTripIsByteExact) {
  const std::string body = ".\r\n..\r\n.x\r\nnormal\r\n\r\n...\r\n. \r\nend.\r\n";
  for (BareLineEnds mode : {BareLineEnds::reject, BareLineEnds::normalize}) {
    Decoded r = decode(stuff(body), mode);
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.error, DataDecoder::Error::none);
    EXPECT_EQ(r.body, body);
    expect_same(r, decode_bytewise(stuff(body), mode));
  }
}

// Each of these looks like an end of data to a lax parser (SMTP smuggling); none is one.
const char* const kSmuggling[] = {"\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r"};

TEST(SmtpDataDecoder, SmugglingSequencesDoNotEndDataInRejectMode) {
  for (const char* trick : kSmuggling) {
    const std::string in = std::string("a") + trick + "MAIL FROM:<x@evil>\r\n.\r\n";
    Decoded r = decode(in, BareLineEnds::reject);
    EXPECT_TRUE(r.done) << trick;
    EXPECT_EQ(r.used, in.size()) << trick;  // only the real end stopped it
    EXPECT_EQ(r.error, DataDecoder::Error::bare_line_end) << trick;
    expect_same(r, decode_bytewise(in, BareLineEnds::reject));
  }
}

TEST(SmtpDataDecoder, SmugglingSequencesDoNotEndDataInNormalizeMode) {
  for (const char* trick : kSmuggling) {
    const std::string in = std::string("a") + trick + "MAIL FROM:<x@evil>\r\n.\r\n";
    Decoded r = decode(in, BareLineEnds::normalize);
    EXPECT_TRUE(r.done) << trick;
    EXPECT_EQ(r.used, in.size()) << trick;
    EXPECT_EQ(r.error, DataDecoder::Error::none) << trick;
    EXPECT_NE(r.body.find("MAIL FROM:<x@evil>\r\n"), std::string::npos) << trick;
    expect_same(r, decode_bytewise(in, BareLineEnds::normalize));
  }
}

TEST(SmtpDataDecoder, NormalizeModeBodies) {
  auto body = [](std::string_view in) {
    Decoded r = decode(in, BareLineEnds::normalize);
    EXPECT_TRUE(r.done) << in;
    return r.body;
  };
  // A "." line between bare LFs is content and is kept as is.
  EXPECT_EQ(body("a\n.\nb\r\n.\r\n"), "a\r\n.\r\nb\r\n");
  EXPECT_EQ(body("a\n.\r\nb\r\n.\r\n"), "a\r\n.\r\nb\r\n");
  EXPECT_EQ(body("a\n..x\r\n.\r\n"), "a\r\n..x\r\n");  // no unstuffing after a bare LF
  EXPECT_EQ(body("a\r.\rb\r\n.\r\n"), "a\r\n.\r\nb\r\n");
  // After a real CRLF the dot is stuffing (4.5.2) even when a bare line end follows it.
  EXPECT_EQ(body("a\r\n.\nb\r\n.\r\n"), "a\r\n\r\nb\r\n");
  EXPECT_EQ(body("a\r\n.\rb\r\n.\r\n"), "a\r\n\r\nb\r\n");
  EXPECT_EQ(body("x\r\r\ny\r\n.\r\n"), "x\r\n\r\ny\r\n");
  EXPECT_EQ(body("\n\n\r\n.\r\n"), "\r\n\r\n\r\n");
  EXPECT_EQ(body("a\r\n.\r\r\n.\r\n"), "a\r\n\r\n\r\n");
}

TEST(SmtpDataDecoder, RejectModeKeepsScanningForTheRealEnd) {
  const std::string in = "a\nb\r\n.\r\nNOOP\r\n";
  Decoded r = decode(in, BareLineEnds::reject);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.used, in.size() - 6);
  EXPECT_EQ(r.error, DataDecoder::Error::bare_line_end);
  EXPECT_EQ(decode("a\rb\r\n.\r\n").error, DataDecoder::Error::bare_line_end);
  EXPECT_EQ(decode("a\r\n.\r\r\n.\r\n").error, DataDecoder::Error::bare_line_end);
  EXPECT_EQ(decode("clean\r\n.\r\n").error, DataDecoder::Error::none);
}

TEST(SmtpDataDecoder, TooBigIsCountedAndDropped) {
  const std::string line(98, 'x');
  std::string in;
  for (int i = 0; i < 10; ++i) in += line + "\r\n";  // 1000 octets
  in += ".\r\n";
  Decoded exact = decode(in, BareLineEnds::reject, 1000);
  EXPECT_EQ(exact.error, DataDecoder::Error::none);
  EXPECT_EQ(exact.body.size(), 1000u);

  Decoded r = decode(in, BareLineEnds::reject, 999);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.error, DataDecoder::Error::too_big);
  EXPECT_EQ(r.octets, 1000u);
  EXPECT_LE(r.body.size(), 999u);
  expect_same(r, decode_bytewise(in, BareLineEnds::reject, 999));

  Decoded zero = decode("x\r\n.\r\n", BareLineEnds::reject, 0);
  EXPECT_EQ(zero.error, DataDecoder::Error::too_big);
  EXPECT_EQ(zero.body, "");
}

TEST(SmtpDataDecoder, FirstErrorSticks) {
  Decoded r = decode("a\nbbbbbbbbbb\r\n.\r\n", BareLineEnds::reject, 4);
  EXPECT_EQ(r.error, DataDecoder::Error::bare_line_end);
  Decoded s = decode("bbbbbbbbbb\na\r\n.\r\n", BareLineEnds::reject, 4);
  EXPECT_EQ(s.error, DataDecoder::Error::too_big);
}

TEST(SmtpDataDecoder, FeedAfterDoneTakesNothing) {
  DataDecoder d(kBig, BareLineEnds::reject);
  EXPECT_EQ(d.feed("x\r\n.\r\n"), 6u);
  EXPECT_TRUE(d.done());
  EXPECT_EQ(d.feed("more\r\n.\r\n"), 0u);
  EXPECT_EQ(d.body(), "x\r\n");
}

TEST(SmtpDataDecoder, ByteAtATimeEqualsWholeOnAssortedInputs) {
  const char* const inputs[] = {
      "Subject: x\r\n\r\nhello\r\n.\r\n",
      "..\r\n.\r\n",
      "a\r\n.\r.\r\n.\r\n",
      "\r\r\r\n\n\n.\r\n.\r\n",
      ".\r\r\n.\r\n",
      ".\n.\r\n",
      "a\r\n..\r\n.\r\nafter",
      "\r\n\r\n.\r\n",
      "no end at all\r\n.",
  };
  for (BareLineEnds mode : {BareLineEnds::reject, BareLineEnds::normalize}) {
    for (const char* in : inputs) {
      SCOPED_TRACE(in);
      expect_same(decode(in, mode), decode_bytewise(in, mode));
      expect_same(decode(in, mode, 5), decode_bytewise(in, mode, 5));
    }
  }
}

TEST(SmtpDataDecoder, SplitAnywhereEqualsWhole) {
  const std::string in = "From: a\r\n\r\n..x\r\nl\n.\nq\r.\r\r\n.y\r\n.\r\nTAIL";
  for (BareLineEnds mode : {BareLineEnds::reject, BareLineEnds::normalize}) {
    const Decoded whole = decode(in, mode);
    for (size_t cut = 0; cut <= in.size(); ++cut) {
      DataDecoder d(kBig, mode);
      size_t used = d.feed(std::string_view(in).substr(0, cut));
      if (!d.done()) used += d.feed(std::string_view(in).substr(used));
      EXPECT_EQ(used, whole.used) << cut;
      EXPECT_EQ(d.body(), whole.body) << cut;
      EXPECT_EQ(d.error(), whole.error) << cut;
    }
  }
}

TEST(SmtpDataDecoder, LargeBody) {
  std::string body;
  for (int i = 0; i < 2000; ++i) {
    body += (i % 7 == 0) ? ".dotted line " : "plain line ";
    body += std::to_string(i) + "\r\n";
  }
  Decoded r = decode(stuff(body));
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.body, body);
}

}  // namespace
}  // namespace heron::smtp
