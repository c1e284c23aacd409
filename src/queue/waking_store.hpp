#pragma once
// A QueueStore that says when it got due work: it forwards every call to the real store and,
// after an enqueue commits (or an operator makes work due: retry, release), calls `wake` so
// the delivery loop claims at once rather than at its next timer (docs/queue.md, "The
// delivery loop"). serve.cpp hands this wrapper to everything that submits in-process (the
// SMTP servers, the notifier); other processes use the FIFO of queue/trigger.hpp.
// Thread: any; `wake` must be callable from any thread (the loop posts to its strand).
// Failure: the wrapped store's, unchanged.

#include <functional>
#include <utility>

#include "store/queue_store.hpp"

namespace heron::queue {

class WakingStore final : public store::QueueStore {
 public:
  WakingStore(store::QueueStore& inner, std::function<void()> wake)
      : inner_(inner), wake_(std::move(wake)) {}

  Result<int64_t> enqueue(store::NewQueueMessage message) override {
    auto r = inner_.enqueue(std::move(message));
    if (r) wake_();
    return r;
  }
  void enqueue_async(store::NewQueueMessage message, EnqueueCallback done) override {
    inner_.enqueue_async(std::move(message), [this, done = std::move(done)](Result<int64_t> r) {
      if (r) wake_();
      done(std::move(r));
    });
  }
  Result<std::vector<store::QueuedMessage>> list() override { return inner_.list(); }
  Result<std::optional<store::QueuedMessage>> get(int64_t id) override { return inner_.get(id); }
  Result<std::string> read_body(const store::QueuedMessage& message) override {
    return inner_.read_body(message);
  }
  Result<std::vector<store::Claim>> claim_due(const store::ClaimRequest& request) override {
    return inner_.claim_due(request);
  }
  Result<void> unclaim(const std::vector<int64_t>& recipient_ids) override {
    return inner_.unclaim(recipient_ids);
  }
  Result<std::optional<int64_t>> next_due() override { return inner_.next_due(); }
  Result<void> record(std::vector<store::AttemptRecord> records) override {
    return inner_.record(std::move(records));
  }
  void record_async(std::vector<store::AttemptRecord> records, RecordCallback done) override {
    inner_.record_async(std::move(records), std::move(done));
  }
  Result<std::vector<store::QueuedMessage>> notice_work(int64_t delay_cutoff) override {
    return inner_.notice_work(delay_cutoff);
  }
  Result<void> settle(const store::NoticeSettlement& settlement) override {
    return inner_.settle(settlement);
  }
  Result<bool> hold(int64_t id) override { return inner_.hold(id); }
  Result<bool> release(int64_t id) override {
    auto r = inner_.release(id);
    if (r && *r) wake_();
    return r;
  }
  Result<bool> retry_now(int64_t id, int64_t now) override {
    auto r = inner_.retry_now(id, now);
    if (r && *r) wake_();
    return r;
  }
  Result<uint64_t> retry_all(int64_t now) override {
    auto r = inner_.retry_all(now);
    if (r) wake_();
    return r;
  }
  Result<bool> remove(int64_t id) override { return inner_.remove(id); }
  Result<store::QueueReconcileReport> reconcile() override { return inner_.reconcile(); }

 private:
  store::QueueStore& inner_;
  std::function<void()> wake_;
};

}  // namespace heron::queue
