#pragma once
// The IMAP command reader: turns the client's byte stream into complete commands, literals
// included (RFC 9051 2.2, 4.3; RFC 7888 LITERAL+ and LITERAL-; RFC 3516 literal8).
//
// A command is one or more lines; a line that ends in a literal marker ("{n}", "{n+}",
// "~{n}", "~{n+}") is followed by exactly n octets of literal data and then the rest
// of the command on the next line. The reader hands out a RawCommand: the line texts with the
// markers cut off, and the literal octets in between, byte for byte (NUL and 8-bit included).
//
// Synchronizing literals: when the reader accepts "{n}" it returns Item::continuation once,
// and the server writes "+ ..." before the client sends the octets. A synchronizing literal
// over the limit is refused without a continuation: the client does not send it, and the
// reader goes back to reading lines. A non-synchronizing literal over the limit ("{n+}")
// cannot be refused: the client sends it anyway. RFC 7888 4 lets the server
// answer and close the connection, and the reader reports it as fatal (the server says BYE),
// rather than reading up to the message-size limit of octets it will throw away.
//
// Limits: the text of a command's lines together (literals excluded) at most max_line
// octets; each literal at most max_literal; at most max_literals literals per command. A line
// over the limit is skipped to its end and reported as an error; the reader stays usable.
// Line ends are CRLF; a bare LF is accepted as a line end too (as Dovecot does), a bare CR
// is part of the line.
// Input: untrusted. Thread: the session's strand. Failure: Item::error, never an exception.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace heron::proto::imap {

struct RawCommand {
  std::vector<std::string> lines;     // lines[i] ends where literal i begins
  std::vector<std::string> literals;  // literals.size() == lines.size() - 1
  std::vector<bool> binary;           // literal i was a literal8 (~{n})
};

class Reader {
 public:
  struct Limits {
    uint64_t max_line = 64 * 1024;
    uint64_t max_literal = 50ull * 1024 * 1024;
    uint32_t max_literals = 1000;
  };

  struct Item {
    enum Kind {
      need_more,     // feed more bytes
      continuation,  // write "+ ..." now: a synchronizing literal was accepted
      complete,      // `command` is a whole command
      line,          // next_line(): `text` is one raw line
      error,         // `message` for a BAD (or NO [TOOBIG]), with the tag when known
    };
    Kind kind = need_more;
    RawCommand command;
    std::string text;
    std::string tag;
    std::string message;
    bool too_big = false;  // a literal over max_literal: NO [TOOBIG] (RFC 9051 7.1)
    bool fatal = false;    // the stream cannot be resynchronised: say BYE and close
  };

  explicit Reader(Limits limits) : limits_(limits) {}

  void feed(std::string_view bytes) { buffer_.append(bytes); }
  // The next command, continuation request, or error. Call until need_more.
  Item next();
  // For the lines of AUTHENTICATE (RFC 9051 6.2.2) and IDLE's DONE: one line, not parsed for
  // literals. need_more, line, or error (too long; the line is then skipped).
  Item next_line();
  // Bytes received but not yet consumed (pipelined commands).
  bool has_buffered() const { return pos_ < buffer_.size(); }
  const Limits& limits() const { return limits_; }

 private:
  enum class State { line, literal, skip_line };

  // Finds the end of a line from pos_; returns npos if it is not there yet.
  size_t find_line_end() const;
  void compact();
  Item fail(std::string message, bool fatal = false, bool too_big = false);
  void reset_command();

  Limits limits_;
  std::string buffer_;
  size_t pos_ = 0;
  size_t scanned_ = 0;  // bytes from pos_ already searched for a line end
  State state_ = State::line;
  RawCommand current_;
  uint64_t line_bytes_ = 0;  // text of the current command's lines so far
  uint64_t literal_left_ = 0;
};

// The tag at the start of a command line, if it has a valid one (RFC 9051 9: tag = 1*<any
// ASTRING-CHAR except "+">), else empty.
std::string tag_of(std::string_view line);

}  // namespace heron::proto::imap
