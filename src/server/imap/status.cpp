#include "server/imap/status.hpp"

#include <algorithm>

#include "base/strings.hpp"

namespace heron::server::imap {
namespace {

bool has(const store::Message& m, std::string_view flag) {
  return std::any_of(m.flags.begin(), m.flags.end(),
                     [&](const std::string& f) { return str::iequals(f, flag); });
}

}  // namespace

bool status_needs_messages(const std::vector<std::string>& items) {
  return std::any_of(items.begin(), items.end(), [](const std::string& i) {
    return i == "UNSEEN" || i == "DELETED" || i == "RECENT";
  });
}

std::string status_data(const store::Mailbox& mailbox, const std::vector<store::Message>& messages,
                        const std::vector<std::string>& items) {
  std::string out = "(";
  for (const std::string& item : items) {
    uint64_t value = 0;
    if (item == "MESSAGES") {
      value = mailbox.messages;
    } else if (item == "UIDNEXT") {
      value = mailbox.uidnext;
    } else if (item == "UIDVALIDITY") {
      value = mailbox.uidvalidity;
    } else if (item == "UNSEEN") {
      value = static_cast<uint64_t>(std::count_if(messages.begin(), messages.end(),
                                                  [](const auto& m) { return !has(m, "\\Seen"); }));
    } else if (item == "DELETED") {
      value = static_cast<uint64_t>(std::count_if(
          messages.begin(), messages.end(), [](const auto& m) { return has(m, "\\Deleted"); }));
    } else if (item == "SIZE") {
      value = mailbox.total_size;
    } else if (item == "RECENT") {
      value =
          static_cast<uint64_t>(std::count_if(messages.begin(), messages.end(), [&](const auto& m) {
            return m.uid >= mailbox.recent_uid;
          }));
    } else if (item == "HIGHESTMODSEQ") {
      value = mailbox.highestmodseq;
    } else {
      continue;
    }
    if (out.size() > 1) out += ' ';
    out += item + ' ' + std::to_string(value);
  }
  return out + ")";
}

}  // namespace heron::server::imap
