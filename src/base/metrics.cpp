#include "base/metrics.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <memory>
#include <mutex>

#include "base/log.hpp"

namespace heron::metrics {
namespace {

struct Series {
  std::vector<uint64_t> counts;  // per bucket, not cumulative; the last one is +Inf
  double sum = 0;
  uint64_t count = 0;
};

struct HistogramFamily {
  std::vector<double> bounds;
  std::map<std::string, Series, std::less<>> series;  // by label part ("" or {k="v"})
};

struct Registry {
  std::mutex mutex;
  std::map<std::string, std::unique_ptr<std::atomic<uint64_t>>, std::less<>> counters;
  std::map<std::string, double, std::less<>> gauges;
  std::map<std::string, HistogramFamily, std::less<>> histograms;
  std::map<std::string, std::string, std::less<>> help;
  // Separate, and held while collectors run, so remove_collector() waits for a running one.
  std::mutex collectors_mutex;
  std::map<uint64_t, Collector> collectors;
  uint64_t next_collector = 1;
};

Registry& registry() {
  static Registry r;
  return r;
}

std::string label_part(std::string_view label, std::string_view value) {
  if (label.empty()) return {};
  std::string part = "{";
  part += label;
  part += "=\"";
  part += escape_label_value(value);
  part += "\"}";
  return part;
}

std::string key_of(std::string_view name, std::string_view label, std::string_view value) {
  return std::string(name) + label_part(label, value);
}

// Go's strconv.ParseFloat reads what std::to_chars writes (shortest round trip).
std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general);
  if (ec != std::errc()) return "NaN";
  return std::string(buf, end);
}

// labels: "" or {k="v"}; adds le="bound" as the last label.
std::string with_le(const std::string& labels, std::string_view le) {
  std::string out = labels.empty() ? "{" : labels.substr(0, labels.size() - 1) + ",";
  out += "le=\"";
  out += le;
  out += "\"}";
  return out;
}

std::string family_of(std::string_view key) {
  return std::string(key.substr(0, key.find('{')));
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

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

void set_gauge(std::string_view name, std::string_view label, std::string_view value, double v) {
  std::string key = key_of(name, label, value);
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.gauges[key] = v;
}

void add_gauge(std::string_view name, std::string_view label, std::string_view value, double by) {
  std::string key = key_of(name, label, value);
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.gauges[key] += by;
}

double get_gauge(std::string_view name, std::string_view label, std::string_view value) {
  std::string key = key_of(name, label, value);
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  auto it = r.gauges.find(key);
  return it == r.gauges.end() ? 0 : it->second;
}

void define_histogram(std::string_view name, std::vector<double> buckets) {
  std::sort(buckets.begin(), buckets.end());
  buckets.erase(std::unique(buckets.begin(), buckets.end()), buckets.end());
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  auto& family = r.histograms[std::string(name)];
  if (family.series.empty()) family.bounds = std::move(buckets);
}

void observe(std::string_view name, double v, std::string_view label, std::string_view value) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  auto it = r.histograms.find(name);
  if (it == r.histograms.end()) {
    it = r.histograms.emplace(std::string(name), HistogramFamily{kLatencyBuckets, {}}).first;
  }
  HistogramFamily& family = it->second;
  Series& s = family.series[label_part(label, value)];
  if (s.counts.empty()) s.counts.assign(family.bounds.size() + 1, 0);
  // The first bucket whose upper bound (le: "less than or equal") holds v.
  auto bound = std::lower_bound(family.bounds.begin(), family.bounds.end(), v);
  ++s.counts[static_cast<size_t>(bound - family.bounds.begin())];
  s.sum += v;
  ++s.count;
}

HistogramSnapshot get_histogram(std::string_view name, std::string_view label,
                                std::string_view value) {
  HistogramSnapshot out;
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  auto it = r.histograms.find(name);
  if (it == r.histograms.end()) return out;
  out.bounds = it->second.bounds;
  auto s = it->second.series.find(label_part(label, value));
  if (s == it->second.series.end()) {
    out.cumulative.assign(out.bounds.size() + 1, 0);
    return out;
  }
  uint64_t running = 0;
  for (uint64_t c : s->second.counts) out.cumulative.push_back(running += c);
  out.sum = s->second.sum;
  out.count = s->second.count;
  return out;
}

void describe(std::string_view name, std::string_view help) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.help[std::string(name)] = std::string(help);
}

uint64_t add_collector(Collector fn) {
  Registry& r = registry();
  std::lock_guard lock(r.collectors_mutex);
  uint64_t id = r.next_collector++;
  r.collectors.emplace(id, std::move(fn));
  return id;
}

void remove_collector(uint64_t id) {
  Registry& r = registry();
  std::lock_guard lock(r.collectors_mutex);
  r.collectors.erase(id);
}

std::string render_prometheus() {
  Registry& r = registry();
  {
    std::lock_guard lock(r.collectors_mutex);
    for (auto& [id, fn] : r.collectors) {
      try {
        fn();
      } catch (const std::exception& e) {
        log::error("metrics.collector.failed", {{"error", e.what()}});
        inc("heron_bugs_total", "where", "metrics_collector");
      }
    }
  }

  struct Family {
    const char* type = "counter";
    std::string samples;
  };
  std::map<std::string, Family> families;
  std::lock_guard lock(r.mutex);
  for (auto& [key, v] : r.counters) {
    Family& f = families[family_of(key)];
    f.samples += key + " " + std::to_string(v->load()) + "\n";
  }
  for (auto& [key, v] : r.gauges) {
    Family& f = families[family_of(key)];
    f.type = "gauge";
    f.samples += key + " " + format_value(v) + "\n";
  }
  for (auto& [name, h] : r.histograms) {
    if (h.series.empty()) continue;
    Family& f = families[name];
    f.type = "histogram";
    for (auto& [labels, s] : h.series) {
      uint64_t running = 0;
      for (size_t i = 0; i < h.bounds.size(); ++i) {
        running += s.counts[i];
        f.samples += name + "_bucket" + with_le(labels, format_value(h.bounds[i])) + " " +
                     std::to_string(running) + "\n";
      }
      f.samples +=
          name + "_bucket" + with_le(labels, "+Inf") + " " + std::to_string(s.count) + "\n";
      f.samples += name + "_sum" + labels + " " + format_value(s.sum) + "\n";
      f.samples += name + "_count" + labels + " " + std::to_string(s.count) + "\n";
    }
  }
  std::string out;
  for (auto& [name, f] : families) {
    auto help = r.help.find(name);
    // HELP text escapes backslash and line feed (text format 0.0.4).
    std::string text =
        help != r.help.end() ? help->second : "Heron " + std::string(f.type) + " " + name + ".";
    std::string escaped;
    for (char c : text) {
      if (c == '\\') {
        escaped += "\\\\";
      } else if (c == '\n') {
        escaped += "\\n";
      } else {
        escaped += c;
      }
    }
    out += "# HELP " + name + " " + escaped + "\n";
    out += "# TYPE " + name + " " + f.type + "\n";
    out += f.samples;
  }
  return out;
}

}  // namespace heron::metrics
