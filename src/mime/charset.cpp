#include "mime/charset.hpp"

#include <iconv.h>

#include <cerrno>
#include <cstring>

#include "base/strings.hpp"

namespace heron::mime {
namespace {

bool plain_label(std::string_view name) {
  if (name.empty() || name.size() > 40) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::strchr("-_.:()+", c) != nullptr;
    if (!ok) return false;
  }
  return true;
}

// Labels seen in mail that glibc's iconv does not accept under that name.
std::string glibc_name(std::string_view label) {
  struct Alias {
    std::string_view label;
    std::string_view glibc;
  };
  static constexpr Alias aliases[] = {
      {"ks_c_5601-1987", "CP949"},    {"x-gbk", "GBK"},         {"gb2312", "GBK"},
      {"iso-8859-8-i", "ISO-8859-8"}, {"windows-874", "CP874"}, {"x-mac-roman", "MACINTOSH"},
      {"unicode-1-1-utf-7", "UTF-7"}, {"x-sjis", "SHIFT_JIS"},  {"cp-850", "CP850"},
  };
  for (const Alias& a : aliases) {
    if (str::iequals(label, a.label)) return std::string(a.glibc);
  }
  return std::string(label);
}

class Iconv {
 public:
  explicit Iconv(const std::string& from) : cd_(iconv_open("UTF-8", from.c_str())) {}
  ~Iconv() {
    if (ok()) iconv_close(cd_);
  }
  Iconv(const Iconv&) = delete;
  Iconv& operator=(const Iconv&) = delete;
  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }

  std::optional<std::string> convert(std::string_view text) {
    std::string out;
    out.resize(text.size() * 2 + 16);
    char* in = const_cast<char*>(text.data());  // iconv's signature; the input is not written
    size_t in_left = text.size();
    size_t done = 0;
    while (true) {
      char* dst = out.data() + done;
      size_t dst_left = out.size() - done;
      const size_t r = iconv(cd_, in_left > 0 ? &in : nullptr, &in_left, &dst, &dst_left);
      done = out.size() - dst_left;
      if (r != static_cast<size_t>(-1)) {
        if (in_left == 0) break;
        continue;
      }
      if (errno != E2BIG) return std::nullopt;  // EILSEQ or EINVAL: not text in this charset
      out.resize(out.size() * 2);
    }
    // Flush a stateful encoding (ISO-2022-JP returns to ASCII).
    while (true) {
      char* dst = out.data() + done;
      size_t dst_left = out.size() - done;
      const size_t r = iconv(cd_, nullptr, nullptr, &dst, &dst_left);
      done = out.size() - dst_left;
      if (r != static_cast<size_t>(-1)) break;
      if (errno != E2BIG) return std::nullopt;
      out.resize(out.size() * 2);
    }
    out.resize(done);
    return out;
  }

 private:
  iconv_t cd_;
};

}  // namespace

std::optional<std::string> to_utf8(std::string_view text, std::string_view charset) {
  if (str::iequals(charset, "utf-8") || str::iequals(charset, "utf8") ||
      str::iequals(charset, "us-ascii") || str::iequals(charset, "ascii")) {
    if (str::is_valid_utf8(text)) return std::string(text);
    return std::nullopt;
  }
  if (!plain_label(charset)) return std::nullopt;
  Iconv cd(glibc_name(charset));
  if (!cd.ok()) return std::nullopt;
  std::optional<std::string> out = cd.convert(text);
  if (out && !str::is_valid_utf8(*out)) return std::nullopt;
  return out;
}

}  // namespace heron::mime
