#pragma once
// The DATA phase decoder (RFC 5321 4.1.1.4 and 4.5.2).
//
// Only <CRLF>.<CRLF> ends the data. A bare LF or bare CR is never a line end that could end
// it (SMTP smuggling, CVE-2023-51764 class): "<LF>.<LF>", "<LF>.<CR><LF>", "<CR><LF>.<LF>" and
// "<CR>.<CR>" are all content. With BareLineEnds::reject the message is marked bad and the
// session answers 5xx after the real end; with ::normalize each bare LF or CR becomes CRLF in
// the stored body, and still ends nothing. Leading dots are removed per 4.5.2 (transparency).
// Bytes past max_size are counted and dropped, and error() says too_big.
// Input: untrusted. Thread: one session. Failure: a sticky error(), never an exception.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace heron::smtp {

enum class BareLineEnds { reject, normalize };

class DataDecoder {
 public:
  enum class Error { none, too_big, bare_line_end };

  DataDecoder(uint64_t max_size, BareLineEnds bare);

  // Consumes bytes; returns how many it took. It stops right after the end marker, so what
  // follows (pipelined commands) stays with the caller.
  size_t feed(std::string_view in);
  bool done() const { return done_; }
  Error error() const { return error_; }
  uint64_t octets() const { return octets_; }  // decoded size, including dropped bytes
  std::string& body() { return body_; }  // decoded message, CRLF line ends

 private:
  uint64_t max_size_;
  BareLineEnds bare_;
  std::string body_;
  uint64_t octets_ = 0;
  Error error_ = Error::none;
  bool done_ = false;
  int state_ = 0;  // position in the line-start / end-marker automaton (see .cpp)

  void put(const char* p, size_t n);
  void bare_line_end(char c);
  void step(char c);
};

}  // namespace heron::smtp
