#include "mime/transfer.hpp"

#include "base/strings.hpp"
#include "mime/lex.hpp"

namespace heron::mime {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;  // lowercase tolerated (6.7 rule 1 note)
  return -1;
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string transfer_encoding_name(std::string_view value) {
  lex::Cursor cur(value);
  cur.skip_cfws();
  const std::string_view name = cur.token();
  cur.skip_cfws();
  if (!cur.done()) return {};
  return str::to_lower(name);
}

TransferEncoding parse_transfer_encoding(std::string_view value) {
  const std::string name = transfer_encoding_name(value);
  if (name.empty()) return TransferEncoding::seven_bit;
  if (str::iequals(name, "7bit")) return TransferEncoding::seven_bit;
  if (str::iequals(name, "8bit")) return TransferEncoding::eight_bit;
  if (str::iequals(name, "binary")) return TransferEncoding::binary;
  if (str::iequals(name, "base64")) return TransferEncoding::base64;
  if (str::iequals(name, "quoted-printable")) return TransferEncoding::quoted_printable;
  return TransferEncoding::unknown;
}

std::string decode_base64(std::string_view in) {
  std::string out;
  out.reserve(in.size() / 4 * 3 + 3);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;  // RFC 2045 6.8: padding ends the data
    const int v = base64_value(c);
    if (v < 0) continue;  // line breaks and junk outside the alphabet are ignored
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::string decode_quoted_printable(std::string_view in, bool in_header) {
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    const char c = in[i];
    if (c == '=') {
      if (i + 2 < in.size() && hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
        out += static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
        i += 3;
        continue;
      }
      // Soft line break: "=" then optional blanks then the line end (6.7 rule 5).
      size_t j = i + 1;
      while (j < in.size() && (in[j] == ' ' || in[j] == '\t')) ++j;
      if (j < in.size() && in[j] == '\n') {
        i = j + 1;
        continue;
      }
      if (j + 1 < in.size() && in[j] == '\r' && in[j + 1] == '\n') {
        i = j + 2;
        continue;
      }
      if (j == in.size()) break;  // "=" at the very end: a soft break with no line end
      out += c;                   // not an escape: kept as is
      ++i;
      continue;
    }
    if (c == ' ' || c == '\t') {
      // Blanks before a line end were added in transport (6.7 rule 3): drop them.
      size_t j = i;
      while (j < in.size() && (in[j] == ' ' || in[j] == '\t')) ++j;
      if (!in_header && (j == in.size() || in[j] == '\n' ||
                         (in[j] == '\r' && j + 1 < in.size() && in[j + 1] == '\n'))) {
        i = j;
        continue;
      }
      out.append(in.substr(i, j - i));
      i = j;
      continue;
    }
    out += (in_header && c == '_') ? ' ' : c;
    ++i;
  }
  return out;
}

std::optional<std::string> decode_body(std::string_view body, TransferEncoding encoding) {
  switch (encoding) {
    case TransferEncoding::seven_bit:
    case TransferEncoding::eight_bit:
    case TransferEncoding::binary:
      return std::string(body);
    case TransferEncoding::base64:
      return decode_base64(body);
    case TransferEncoding::quoted_printable:
      return decode_quoted_printable(body);
    case TransferEncoding::unknown:
      break;
  }
  return std::nullopt;
}

}  // namespace heron::mime
