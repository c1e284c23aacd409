// Fuzz target for what the MX does to the Authentication-Results fields of untrusted mail
// (RFC 8601 5): authserv_id_of() on any field value, and remove_own() on any message. Neither
// may crash, hang or throw; remove_own() only ever removes whole header fields (the output is
// never longer than the input, and removing again finds nothing), and the values and comments
// Heron writes never contain a line break.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mailauth/auth_results.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace heron::mailauth;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const std::string id = authserv_id_of(text);
  if (id.find_first_of("\r\n;( ") != std::string::npos) std::abort();

  for (std::string_view own : {std::string_view("mx.example.org"), std::string_view(id)}) {
    size_t removed = 0;
    const std::string once = remove_own(text, own, removed);
    if (once.size() > text.size()) std::abort();
    if (removed == 0 && once != text) std::abort();
    size_t again = 0;
    const std::string twice = remove_own(once, own, again);
    if (again != 0 || twice != once) std::abort();
  }

  for (const std::string& written : {ptype_value(text), comment(text)}) {
    if (written.find_first_of("\r\n") != std::string::npos) std::abort();
  }
  return 0;
}
