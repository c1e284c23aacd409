#include "proto/smtp/data_decoder.hpp"

#include <cstring>

namespace heron::smtp {
namespace {

// The automaton behind state_. "Line start" means right after a real CRLF, or at the very
// beginning of the data (the DATA command's own CRLF precedes it): only there can a dot be
// stuffing or the start of the end marker. A bare LF or CR never leads to a line start,
// whatever the mode, so "<LF>.<LF>" and friends stay content (RFC 5321 4.1.1.4, 2.3.8).
enum State : int {
  kLineStart = 0,  // initial state
  kText = 1,       // inside a line
  kCr = 2,         // a CR was read and not yet stored: CRLF, or a bare CR
  kDot = 3,        // "<CRLF>." was read; the dot is not stored
  kDotCr = 4,      // "<CRLF>.<CR>" was read; an LF now ends the data
};

}  // namespace

DataDecoder::DataDecoder(uint64_t max_size, BareLineEnds bare) : max_size_(max_size), bare_(bare) {}

// Stores decoded octets, keeping at most max_size_ of them; octets_ counts them all.
void DataDecoder::put(const char* p, size_t n) {
  octets_ += n;
  if (body_.size() < max_size_) {
    const uint64_t room = max_size_ - body_.size();
    body_.append(p, n < room ? n : static_cast<size_t>(room));
  }
  if (octets_ > max_size_ && error_ == Error::none) error_ = Error::too_big;
}

// A CR or LF that is not part of a CRLF pair (RFC 5321 2.3.8 forbids them in SMTP text).
void DataDecoder::bare_line_end(char c) {
  if (bare_ == BareLineEnds::normalize) {
    put("\r\n", 2);
    return;
  }
  if (error_ == Error::none) error_ = Error::bare_line_end;
  put(&c, 1);
}

// The slow path, one octet at a time; used around line ends and dots only.
void DataDecoder::step(char c) {
  while (true) {
    switch (state_) {
      case kLineStart:
        if (c == '.') {
          state_ = kDot;
          return;
        }
        state_ = kText;
        continue;
      case kText:
        if (c == '\r') {
          state_ = kCr;
        } else if (c == '\n') {
          bare_line_end(c);
        } else {
          put(&c, 1);
        }
        return;
      case kCr:
        if (c == '\n') {
          put("\r\n", 2);
          state_ = kLineStart;
          return;
        }
        bare_line_end('\r');
        if (c == '\r') return;  // this CR is pending in turn
        state_ = kText;
        continue;
      case kDot:
        if (c == '\r') {
          state_ = kDotCr;
          return;
        }
        // RFC 5321 4.5.2: a line starting with a dot and holding more loses that dot.
        state_ = kText;
        continue;
      case kDotCr:
        if (c == '\n') {
          done_ = true;  // <CRLF>.<CRLF>
          return;
        }
        // "<CRLF>.<CR>x": the dot was stuffing and the CR is bare; handle x after that CR.
        state_ = kCr;
        continue;
      default:
        state_ = kText;
        continue;
    }
  }
}

size_t DataDecoder::feed(std::string_view in) {
  const char* const d = in.data();
  const size_t n = in.size();
  size_t i = 0;
  while (i < n && !done_) {
    if (state_ != kText) {
      step(d[i++]);
      continue;
    }
    // Fast path: take whole CRLF-terminated lines with memchr, and store each run of plain
    // lines in one append. It stops at a dot after CRLF, a lone CR or LF, or the input's end.
    const size_t run = i;
    while (true) {
      const void* lf = std::memchr(d + i, '\n', n - i);
      const size_t stop = lf ? static_cast<size_t>(static_cast<const char*>(lf) - d) : n;
      const void* cr = std::memchr(d + i, '\r', stop - i);
      if (lf && cr && static_cast<const char*>(cr) == d + stop - 1) {
        i = stop + 1;  // a clean line, CRLF included
        if (i < n && d[i] != '.') continue;
        put(d + run, i - run);
        state_ = kLineStart;
        break;
      }
      const size_t special = cr ? static_cast<size_t>(static_cast<const char*>(cr) - d) : stop;
      put(d + run, special - run);
      i = special;
      if (i < n) step(d[i++]);
      break;
    }
  }
  return i;
}

}  // namespace heron::smtp
