#pragma once
// Process-wide metrics: counters, gauges and histograms, exported in the Prometheus text
// exposition format (version 0.0.4) by the operator HTTP endpoint (server/http, GET /metrics).
// Every reject path bumps a counter (STYLE.md principle 12).
//
// Names follow Prometheus conventions: heron_smtp_rejects_total{reason="relay"} is
// inc("heron_smtp_rejects_total", "reason", "relay"). Counters end in _total, durations are
// in seconds and end in _seconds. A series has at most one label. describe() gives a family
// its HELP text; families without one get a generic text, so the output always passes
// `promtool check metrics`.
// Gauges whose value lives elsewhere (queue size, store size) are set at scrape time by
// collectors that render_prometheus() calls first (add_collector()).
// Thread: any; the maps are guarded, counters are atomics. Collectors run on the thread that
// renders (the blocking pool for HTTP scrapes). Failure: none; a throwing collector is logged
// and counted as heron_bugs_total{where="metrics_collector"}.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace heron::metrics {

// Counters.
void inc(std::string_view name, std::string_view label = {}, std::string_view value = {},
         uint64_t by = 1);
uint64_t get(std::string_view name, std::string_view label = {}, std::string_view value = {});
// Counter name with labels in Prometheus form -> value, for export and tests.
std::map<std::string, uint64_t> snapshot();

// Gauges: a value that goes up and down.
void set_gauge(std::string_view name, std::string_view label, std::string_view value, double v);
inline void set_gauge(std::string_view name, double v) {
  set_gauge(name, {}, {}, v);
}
void add_gauge(std::string_view name, std::string_view label, std::string_view value, double by);
double get_gauge(std::string_view name, std::string_view label = {}, std::string_view value = {});

// Histograms with fixed buckets (upper bounds, ascending; +Inf is implicit).
// define_histogram() sets a family's buckets before its first observation; otherwise
// kLatencyBuckets apply.
inline const std::vector<double> kLatencyBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                    0.1,    0.25,  0.5,    1,     2.5,  5,     10};
void define_histogram(std::string_view name, std::vector<double> buckets);
void observe(std::string_view name, double v, std::string_view label = {},
             std::string_view value = {});
struct HistogramSnapshot {
  std::vector<double> bounds;
  std::vector<uint64_t> cumulative;  // per bound, then +Inf last (== count)
  double sum = 0;
  uint64_t count = 0;
};
HistogramSnapshot get_histogram(std::string_view name, std::string_view label = {},
                                std::string_view value = {});

// HELP text of a family (the name without labels or _bucket/_sum/_count).
void describe(std::string_view name, std::string_view help);

// Runs fn before each render_prometheus(); the returned id removes it again. fn typically
// calls set_gauge().
using Collector = std::function<void()>;
uint64_t add_collector(Collector fn);
void remove_collector(uint64_t id);

// Removes a collector when it goes out of scope.
class CollectorHandle {
 public:
  explicit CollectorHandle(Collector fn) : id_(add_collector(std::move(fn))) {}
  ~CollectorHandle() { remove_collector(id_); }
  CollectorHandle(const CollectorHandle&) = delete;
  CollectorHandle& operator=(const CollectorHandle&) = delete;

 private:
  uint64_t id_;
};

// Every counter, gauge and histogram as Prometheus text format 0.0.4: per family "# HELP",
// "# TYPE", then its samples, families sorted by name.
std::string render_prometheus();

// The label value escaped as the text format asks (backslash, double quote, line feed).
std::string escape_label_value(std::string_view value);

}  // namespace heron::metrics
