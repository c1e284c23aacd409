#include "store/watchers.hpp"

#include <algorithm>

namespace heron::store {

Watch Watchers::add(int64_t account_id, Callback changed) {
  auto callback = std::make_shared<Callback>(std::move(changed));
  std::lock_guard lk(mutex_);
  auto& list = by_account_[account_id];
  // Drop the entries of watches already released while we are here, so the list stays small.
  std::erase_if(list, [](const std::weak_ptr<Callback>& w) { return w.expired(); });
  list.push_back(callback);
  return callback;
}

void Watchers::notify(int64_t account_id, int64_t mailbox_id) {
  std::vector<std::shared_ptr<Callback>> live;
  {
    std::lock_guard lk(mutex_);
    auto it = by_account_.find(account_id);
    if (it == by_account_.end()) return;
    for (const auto& w : it->second) {
      if (auto c = w.lock()) live.push_back(std::move(c));
    }
    if (live.empty()) by_account_.erase(it);
  }
  for (const auto& c : live) (*c)(mailbox_id);
}

}  // namespace heron::store
