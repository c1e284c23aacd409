#include "server/imap/flags.hpp"

namespace heron::server::imap {

std::string flag_list(const std::vector<std::string>& flags, bool recent) {
  std::string out = "(";
  for (const std::string& f : flags) {
    if (out.size() > 1) out += ' ';
    out += f;
  }
  if (recent) out += out.size() > 1 ? " \\Recent" : "\\Recent";
  return out + ")";
}

}  // namespace heron::server::imap
