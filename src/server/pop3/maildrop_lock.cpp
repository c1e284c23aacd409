#include "server/pop3/maildrop_lock.hpp"

namespace heron::server::pop3 {

MaildropLease& MaildropLease::operator=(MaildropLease&& other) noexcept {
  if (this != &other) {
    release();
    locks_ = other.locks_;
    account_id_ = other.account_id_;
    other.locks_ = nullptr;
  }
  return *this;
}

void MaildropLease::release() {
  if (locks_ != nullptr) locks_->unlock(account_id_);
  locks_ = nullptr;
}

MaildropLease MaildropLocks::try_lock(int64_t account_id) {
  std::lock_guard lock(mutex_);
  if (!held_.insert(account_id).second) return {};
  return MaildropLease(*this, account_id);
}

bool MaildropLocks::locked(int64_t account_id) const {
  std::lock_guard lock(mutex_);
  return held_.count(account_id) != 0;
}

void MaildropLocks::unlock(int64_t account_id) {
  std::lock_guard lock(mutex_);
  held_.erase(account_id);
}

}  // namespace heron::server::pop3
