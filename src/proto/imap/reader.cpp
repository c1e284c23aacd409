#include "proto/imap/reader.hpp"

#include <algorithm>
#include <optional>

namespace heron::proto::imap {
namespace {

constexpr size_t kReserveCap = 1 << 20;      // trust an announced size only this far

struct Marker {
  size_t start = 0;  // where the marker begins in the line
  uint64_t size = 0;
  bool sync = true;
  bool binary = false;
};

bool tag_char(unsigned char c) {
  // ASTRING-CHAR minus "+": no CTL, SP, "(", ")", "{", "%", "*", DQUOTE, "\", or 8-bit.
  if (c <= 0x20 || c >= 0x7f) return false;
  switch (c) {
    case '(':
    case ')':
    case '{':
    case '%':
    case '*':
    case '"':
    case '\\':
    case '+':
      return false;
    default:
      return true;
  }
}

// "{123}", "{123+}", "~{123}", "~{123+}" at the very end of a line (RFC 9051 9 literal,
// RFC 7888 LITERAL+, RFC 3516 literal8). There is no "{n-}": LITERAL- only limits "{n+}" to
// 4096 octets, and Heron announces LITERAL+, so it has no such limit.
std::optional<Marker> literal_marker(std::string_view line) {
  if (line.empty() || line.back() != '}') return std::nullopt;
  const size_t open = line.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  std::string_view inside = line.substr(open + 1, line.size() - open - 2);
  Marker m;
  m.start = open;
  if (!inside.empty() && inside.back() == '+') {
    m.sync = false;
    inside.remove_suffix(1);
  }
  if (inside.empty() || inside.size() > 19) return std::nullopt;
  for (char c : inside) {
    if (c < '0' || c > '9') return std::nullopt;
    m.size = m.size * 10 + static_cast<uint64_t>(c - '0');
  }
  if (open > 0 && line[open - 1] == '~') {
    m.binary = true;
    m.start = open - 1;
  }
  return m;
}

}  // namespace

std::string tag_of(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && tag_char(static_cast<unsigned char>(line[n]))) ++n;
  if (n == 0 || (n < line.size() && line[n] != ' ')) return {};
  return std::string(line.substr(0, n));
}

size_t Reader::find_line_end() const {
  const size_t from = pos_ + scanned_;
  const size_t lf = buffer_.find('\n', from);
  return lf;
}

void Reader::compact() {
  if (pos_ == 0) return;
  if (pos_ >= buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
  } else if (pos_ > 4096 && pos_ * 2 > buffer_.size()) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
}

void Reader::reset_command() {
  current_ = RawCommand{};
  line_bytes_ = 0;
}

Reader::Item Reader::fail(std::string message, bool fatal, bool too_big) {
  Item item;
  item.kind = Item::error;
  item.tag = current_.lines.empty() ? std::string() : tag_of(current_.lines.front());
  item.message = std::move(message);
  item.fatal = fatal;
  item.too_big = too_big;
  reset_command();
  return item;
}

Reader::Item Reader::next() {
  while (true) {
    if (state_ == State::literal) {
      const uint64_t take = std::min<uint64_t>(buffer_.size() - pos_, literal_left_);
      current_.literals.back().append(buffer_, pos_, take);
      pos_ += take;
      literal_left_ -= take;
      if (literal_left_ > 0) {
        compact();
        return Item{};
      }
      state_ = State::line;
      scanned_ = 0;
      continue;
    }
    const size_t end = find_line_end();
    if (state_ == State::skip_line) {
      if (end == std::string::npos) {
        pos_ = buffer_.size();
        scanned_ = 0;
        compact();
        return Item{};
      }
      pos_ = end + 1;
      scanned_ = 0;
      state_ = State::line;
      continue;
    }
    if (end == std::string::npos) {
      const uint64_t pending = buffer_.size() - pos_;
      if (line_bytes_ + pending > limits_.max_line) {
        // Keep the start for the tag, then drop everything up to the line's end.
        if (current_.lines.empty()) current_.lines.push_back(buffer_.substr(pos_, 64));
        pos_ = buffer_.size();
        scanned_ = 0;
        state_ = State::skip_line;
        compact();
        return fail("Command line too long");
      }
      scanned_ = pending;
      compact();
      return Item{};
    }
    std::string_view line(buffer_.data() + pos_, end - pos_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos_ = end + 1;
    scanned_ = 0;
    line_bytes_ += line.size();
    if (line.empty() && current_.lines.empty()) continue;  // a stray blank line
    auto marker = literal_marker(line);
    if (marker) line = line.substr(0, marker->start);
    current_.lines.emplace_back(line);
    if (line_bytes_ > limits_.max_line) {
      if (marker && !marker->sync) return fail("Command line too long", true);
      return fail("Command line too long");
    }
    if (!marker) {
      Item item;
      item.kind = Item::complete;
      item.command = std::move(current_);
      reset_command();
      compact();
      return item;
    }
    const bool over = marker->size > limits_.max_literal;
    if (current_.literals.size() >= limits_.max_literals) {
      return fail("Too many literals", !marker->sync);
    }
    if (over) {
      // RFC 7888 4: a non-synchronizing literal is on its way whatever we answer.
      return fail("Literal larger than the " + std::to_string(limits_.max_literal) +
                      " octets allowed",
                  !marker->sync, true);
    }
    current_.literals.emplace_back();
    current_.literals.back().reserve(std::min<uint64_t>(marker->size, kReserveCap));
    current_.binary.push_back(marker->binary);
    literal_left_ = marker->size;
    state_ = State::literal;
    if (marker->sync) {
      Item item;
      item.kind = Item::continuation;
      return item;
    }
  }
}

Reader::Item Reader::next_line() {
  while (true) {
    const size_t end = find_line_end();
    if (state_ == State::skip_line) {
      if (end == std::string::npos) {
        pos_ = buffer_.size();
        compact();
        return Item{};
      }
      pos_ = end + 1;
      scanned_ = 0;
      state_ = State::line;
      continue;
    }
    if (end == std::string::npos) {
      if (buffer_.size() - pos_ > limits_.max_line) {
        pos_ = buffer_.size();
        scanned_ = 0;
        state_ = State::skip_line;
        compact();
        Item item;
        item.kind = Item::error;
        item.message = "Line too long";
        return item;
      }
      scanned_ = buffer_.size() - pos_;
      compact();
      return Item{};
    }
    std::string_view line(buffer_.data() + pos_, end - pos_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    Item item;
    item.kind = Item::line;
    item.text = std::string(line);
    pos_ = end + 1;
    scanned_ = 0;
    compact();
    return item;
  }
}

}  // namespace heron::proto::imap
