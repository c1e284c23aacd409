// ENABLE (RFC 5161): IMAP4rev2 (RFC 9051), UTF8=ACCEPT (RFC 6855) and CONDSTORE (RFC 7162).
// Unknown capabilities are ignored, as the RFC says.

#include "server/imap/session.hpp"

namespace heron::server::imap {

boost::asio::awaitable<void> Session::cmd_enable(Command& c) {
  std::string enabled;
  for (const std::string& cap : c.capabilities) {
    bool* flag = cap == "IMAP4REV2"     ? &rev2_
                 : cap == "UTF8=ACCEPT" ? &utf8_
                 : cap == "CONDSTORE"   ? &condstore_
                                        : nullptr;
    if (flag == nullptr || *flag) continue;
    *flag = true;
    enabled += ' ';
    enabled += cap == "IMAP4REV2" ? "IMAP4rev2" : cap;
  }
  untagged("ENABLED" + enabled);
  ok(c.tag, "ENABLE completed");
  co_return;
}

}  // namespace heron::server::imap
