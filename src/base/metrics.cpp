#include "base/metrics.hpp"

#include <atomic>
#include <memory>
#include <mutex>

namespace heron::metrics {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, std::unique_ptr<std::atomic<uint64_t>>, std::less<>> counters;
};

Registry& registry() {
  static Registry r;
  return r;
}

std::string key_of(std::string_view name, std::string_view label, std::string_view value) {
  std::string key(name);
  if (!label.empty()) {
    key += '{';
    key += label;
    key += "=\"";
    key += value;
    key += "\"}";
  }
  return key;
}

}  // namespace

void inc(std::string_view name, std::string_view label, std::string_view value, uint64_t by) {
  std::string key = key_of(name, label, value);
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  auto& slot = r.counters[key];
  if (!slot) slot = std::make_unique<std::atomic<uint64_t>>(0);
  slot->fetch_add(by, std::memory_order_relaxed);
}

uint64_t get(std::string_view name, std::string_view label, std::string_view value) {
  std::string key = key_of(name, label, value);
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  auto it = r.counters.find(key);
  return it == r.counters.end() ? 0 : it->second->load();
}

std::map<std::string, uint64_t> snapshot() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  std::map<std::string, uint64_t> out;
  for (auto& [k, v] : r.counters) out[k] = v->load();
  return out;
}

}  // namespace heron::metrics
