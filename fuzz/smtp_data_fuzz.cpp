// Fuzzes the DATA decoder (proto/smtp/data_decoder.hpp). The first byte picks the mode, the
// size limit and how the rest is split into feed() calls; the result must not depend on the
// split, and the decoded body must obey the smuggling and transparency rules.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "proto/smtp/data_decoder.hpp"

namespace {

using heron::smtp::BareLineEnds;
using heron::smtp::DataDecoder;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// RFC 5321 4.5.2, as a client does it.
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

// Every CR is followed by LF and every LF preceded by CR.
bool only_crlf(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] != '\n')) return false;
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t config = data[0];
  const BareLineEnds mode = (config & 1) ? BareLineEnds::normalize : BareLineEnds::reject;
  const uint64_t max = (config & 2) ? 1u << 20 : (config >> 2) * 4u;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);

  DataDecoder whole(max, mode);
  const size_t used = whole.feed(in);
  check(used <= in.size());
  check(whole.done() || used == in.size());

  // Same input in pieces of varying length.
  DataDecoder pieces(max, mode);
  size_t pos = 0;
  uint32_t seed = config * 2654435761u + 1;
  while (pos < in.size() && !pieces.done()) {
    seed = seed * 1103515245u + 12345u;
    const size_t len = 1 + (seed >> 16) % 17;
    pos += pieces.feed(in.substr(pos, len < in.size() - pos ? len : in.size() - pos));
  }
  check(pieces.done() == whole.done());
  check(pos == used);
  check(pieces.body() == whole.body());
  check(pieces.error() == whole.error());
  check(pieces.octets() == whole.octets());

  const std::string& body = whole.body();
  check(body.size() <= max);
  check(whole.octets() >= body.size());
  if (whole.octets() > max) check(whole.error() != DataDecoder::Error::none);
  if (whole.error() == DataDecoder::Error::none) {
    check(whole.octets() == body.size());
    // No bare CR or LF ever reaches an accepted body, in either mode.
    check(only_crlf(body));
  }
  if (mode == BareLineEnds::normalize) check(whole.error() != DataDecoder::Error::bare_line_end);
  if (whole.done() && whole.error() == DataDecoder::Error::none) {
    // The end marker came after a line end, and stuffing the body again reproduces it.
    check(body.empty() || (body.size() >= 2 && body.compare(body.size() - 2, 2, "\r\n") == 0));
    const std::string restuffed = stuff(body);
    DataDecoder again(max, mode);
    check(again.feed(restuffed) == restuffed.size());
    check(again.done());
    check(again.body() == body);
  }
  return 0;
}
