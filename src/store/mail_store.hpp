#pragma once
// MailStore role: mailboxes and messages, and durable delivery.
//
// deliver() is the durability point of the MX (DESIGN.md, "The durability rule"): when it
// returns success the body blob is fsynced and renamed into place, its directory fsynced, and
// one store transaction holding every target's row is committed. Concurrent callers share
// those fsyncs: a committer batches every delivery that arrives while the previous batch is
// being written (group commit).
// Thread: any; deliver() blocks its caller, deliver_async() calls back on the committer
// thread. Failure: an Error, and nothing of that delivery is visible.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "store/types.hpp"

namespace heron::store {

class MailStore {
 public:
  virtual ~MailStore() = default;

  virtual Result<std::vector<Mailbox>> list_mailboxes(int64_t account_id) = 0;
  virtual Result<std::optional<Mailbox>> find_mailbox(int64_t account_id,
                                                      std::string_view name) = 0;
  virtual Result<std::vector<Message>> list_messages(int64_t mailbox_id) = 0;
  // header_prefix followed by the blob: the message exactly as a client must see it.
  virtual Result<std::string> read_message(const Message& message) = 0;

  virtual Result<std::vector<Delivered>> deliver(Delivery delivery) = 0;
  using DeliverCallback = std::function<void(Result<std::vector<Delivered>>)>;
  virtual void deliver_async(Delivery delivery, DeliverCallback done) = 0;

  // Start-up check of blobs against rows; see ReconcileReport.
  virtual Result<ReconcileReport> reconcile() = 0;
};

}  // namespace heron::store
