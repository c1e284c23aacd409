#include "mime/encoded_word.hpp"

#include <optional>
#include <vector>

#include "mime/charset.hpp"
#include "mime/transfer.hpp"

namespace heron::mime {
namespace {

struct Word {
  size_t begin = 0;  // position of "=?"
  size_t end = 0;    // just past "?="
  std::string_view charset;
  std::string bytes;  // decoded, still in `charset`
};

bool is_charset_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f && c != '?' && c != '(' && c != ')' && c != '"' && c != ',';
}

// The encoded-word starting at `pos` (which holds "=?"), if it is one.
std::optional<Word> word_at(std::string_view s, size_t pos) {
  size_t i = pos + 2;
  const size_t cs_begin = i;
  while (i < s.size() && is_charset_char(s[i])) ++i;
  if (i == cs_begin || i + 3 > s.size() || s[i] != '?') return std::nullopt;
  std::string_view charset = s.substr(cs_begin, i - cs_begin);
  const char enc = s[i + 1];
  if (s[i + 2] != '?') return std::nullopt;
  const bool b = enc == 'B' || enc == 'b';
  const bool q = enc == 'Q' || enc == 'q';
  if (!b && !q) return std::nullopt;
  const size_t text_begin = i + 3;
  const size_t close = s.find("?=", text_begin);
  if (close == std::string_view::npos) return std::nullopt;
  const std::string_view encoded = s.substr(text_begin, close - text_begin);
  if (encoded.find_first_of("\r\n") != std::string_view::npos) return std::nullopt;
  // RFC 2231 5: "charset*language"
  if (size_t star = charset.find('*'); star != std::string_view::npos) {
    charset = charset.substr(0, star);
  }
  if (charset.empty()) return std::nullopt;
  Word w;
  w.begin = pos;
  w.end = close + 2;
  w.charset = charset;
  w.bytes = b ? decode_base64(encoded) : decode_quoted_printable(encoded, true);
  return w;
}

bool only_blanks(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

bool same_charset(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  }
  return true;
}

// Appends a run of adjacent words, converting each stretch of one charset at once. If any
// stretch fails to convert, its words are copied through unchanged.
void flush_run(std::string_view s, std::vector<Word>& run, std::string& out) {
  size_t i = 0;
  while (i < run.size()) {
    size_t j = i + 1;
    std::string bytes = run[i].bytes;
    while (j < run.size() && same_charset(run[j].charset, run[i].charset)) {
      bytes += run[j].bytes;
      ++j;
    }
    if (std::optional<std::string> text = to_utf8(bytes, run[i].charset)) {
      out += *text;
    } else {
      // Left as is, with the blanks that separated the words.
      out.append(s.substr(run[i].begin, run[j - 1].end - run[i].begin));
      // The blanks after an undecoded word still separate it from the next one.
      if (j < run.size()) out.append(s.substr(run[j - 1].end, run[j].begin - run[j - 1].end));
    }
    i = j;
  }
  run.clear();
}

}  // namespace

std::string decode_encoded_words(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::vector<Word> run;  // adjacent words not yet written
  size_t pos = 0;         // next byte not yet handled
  while (pos < s.size()) {
    const size_t start = s.find("=?", pos);
    if (start == std::string_view::npos) break;
    std::optional<Word> w = word_at(s, start);
    if (!w) {
      // Not a word: everything up to and including "=?" is plain text.
      flush_run(s, run, out);
      out.append(s.substr(pos, start + 2 - pos));
      pos = start + 2;
      continue;
    }
    const std::string_view between = s.substr(pos, start - pos);
    if (run.empty() || !only_blanks(between)) {
      flush_run(s, run, out);
      out.append(between);
    }
    pos = w->end;
    run.push_back(std::move(*w));
  }
  flush_run(s, run, out);
  out.append(s.substr(pos));
  return out;
}

}  // namespace heron::mime
