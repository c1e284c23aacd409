#pragma once
// Graceful shutdown of the sessions of one server (SIGTERM, docs/admin.md "Signals").
//
// Each session enrolls with its server's Drain for its lifetime and gives a callback;
// start() marks the drain as begun and calls every callback with force = false; force() (the
// shutdown timeout has passed) calls them again with force = true. A session's callback posts
// to its own strand, where it answers new commands with its protocol's shutdown reply (SMTP
// 421 4.3.2, IMAP BYE, POP3 -ERR) and closes, while a transaction in flight (an SMTP message
// body being received) is allowed to finish and get its durable reply first.
// A session that enrolls after start() is told at once. active() counts enrolled sessions,
// so the process can wait for them to end up to [server] shutdown_timeout.
// Thread: any; guarded by a mutex. Callbacks run on the thread calling start() (or enroll()),
// under the mutex, and must only post. Failure: none.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace heron::net {

class Drain {
  struct State {
    std::mutex mutex;
    std::map<uint64_t, std::function<void(bool force)>> sessions;
    bool forced = false;
    uint64_t next = 1;
    bool draining = false;
  };

 public:
  // Leaves the drain when destroyed. It shares the drain's state, so a session frame destroyed
  // after its server (by the io_context, when a shutdown timed out) leaves safely.
  class Enrollment {
   public:
    Enrollment() = default;
    Enrollment(std::shared_ptr<State> state, uint64_t id) : state_(std::move(state)), id_(id) {}
    Enrollment(Enrollment&&) noexcept = default;
    Enrollment& operator=(Enrollment&& other) noexcept {
      if (this != &other) {
        reset();
        state_ = std::move(other.state_);
        id_ = other.id_;
      }
      return *this;
    }
    ~Enrollment() { reset(); }
    void reset() {
      if (!state_) return;
      std::lock_guard lock(state_->mutex);
      state_->sessions.erase(id_);
      state_.reset();
    }

   private:
    std::shared_ptr<State> state_;
    uint64_t id_ = 0;
  };

  Enrollment enroll(std::function<void(bool force)> on_drain) {
    std::unique_lock lock(state_->mutex);
    const uint64_t id = state_->next++;
    if (state_->draining) on_drain(state_->forced);
    state_->sessions.emplace(id, std::move(on_drain));
    return Enrollment(state_, id);
  }

  void start() {
    std::lock_guard lock(state_->mutex);
    if (state_->draining) return;
    state_->draining = true;
    for (auto& [id, fn] : state_->sessions) fn(false);
  }

  // After the shutdown timeout: every session stops now, a transaction in flight included
  // (it was never acknowledged, so nothing is lost).
  void force() {
    std::lock_guard lock(state_->mutex);
    state_->draining = true;
    state_->forced = true;
    for (auto& [id, fn] : state_->sessions) fn(true);
  }

  bool draining() const {
    std::lock_guard lock(state_->mutex);
    return state_->draining;
  }

  size_t active() const {
    std::lock_guard lock(state_->mutex);
    return state_->sessions.size();
  }

 private:
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace heron::net
