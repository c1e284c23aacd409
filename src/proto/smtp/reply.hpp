#pragma once
// SMTP replies (RFC 5321 4.2) with enhanced status codes (RFC 3463, RFC 2034).
// Thread: any. Input: trusted (built by our code).

#include <string>
#include <string_view>

namespace heron::smtp {

struct Reply {
  int code = 250;
  std::string enhanced;  // "2.1.0", or empty when ENHANCEDSTATUSCODES does not apply (220, 221 greeting lines may carry none)
  std::string text;  // may contain '\n' to make a multi-line reply

  bool positive() const { return code < 400; }
  bool transient() const { return code >= 400 && code < 500; }
  bool permanent() const { return code >= 500; }
  // Wire form: every line "code-enhanced text\r\n", the last one with a space after the code.
  std::string format() const;
};

}  // namespace heron::smtp
