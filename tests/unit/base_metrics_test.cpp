// base/metrics: counters, gauges, histogram buckets and the Prometheus text renderer.
// Names are unique per test: the registry is process-wide.

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "base/metrics.hpp"

namespace heron::metrics {
namespace {

bool contains_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l == line) return true;
  }
  return false;
}

TEST(BaseMetrics, CounterKeepsTheOldApi) {
  inc("heron_test_a_total", "reason", "relay");
  inc("heron_test_a_total", "reason", "relay", 4);
  EXPECT_EQ(get("heron_test_a_total", "reason", "relay"), 5u);
  EXPECT_EQ(get("heron_test_a_total", "reason", "other"), 0u);
  EXPECT_EQ(snapshot().at("heron_test_a_total{reason=\"relay\"}"), 5u);
}

TEST(BaseMetrics, LabelValuesAreEscaped) {
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  inc("heron_test_escape_total", "what", "x\"y");
  EXPECT_TRUE(contains_line(render_prometheus(), "heron_test_escape_total{what=\"x\\\"y\"} 1"));
}

TEST(BaseMetrics, GaugesGoUpAndDown) {
  set_gauge("heron_test_gauge", 7);
  add_gauge("heron_test_gauge", {}, {}, -2.5);
  EXPECT_DOUBLE_EQ(get_gauge("heron_test_gauge"), 4.5);
  const std::string text = render_prometheus();
  EXPECT_TRUE(contains_line(text, "# TYPE heron_test_gauge gauge"));
  EXPECT_TRUE(contains_line(text, "heron_test_gauge 4.5"));
}

TEST(BaseMetrics, HistogramBucketsAreUpperBoundsInclusive) {
  define_histogram("heron_test_h_seconds", {1, 0.1, 0.5});  // sorted on definition
  observe("heron_test_h_seconds", 0.1);                     // le=0.1 holds 0.1 itself
  observe("heron_test_h_seconds", 0.2);
  observe("heron_test_h_seconds", 0.5);
  observe("heron_test_h_seconds", 3);  // only +Inf
  auto h = get_histogram("heron_test_h_seconds");
  ASSERT_EQ(h.bounds, (std::vector<double>{0.1, 0.5, 1}));
  EXPECT_EQ(h.cumulative, (std::vector<uint64_t>{1, 3, 3, 4}));
  EXPECT_EQ(h.count, 4u);
  EXPECT_DOUBLE_EQ(h.sum, 3.8);
}

TEST(BaseMetrics, HistogramRendersBucketSumAndCount) {
  define_histogram("heron_test_r_seconds", {0.001, 0.01});
  observe("heron_test_r_seconds", 0.005, "scope", "store");
  observe("heron_test_r_seconds", 0.0001, "scope", "store");
  const std::string text = render_prometheus();
  EXPECT_TRUE(contains_line(text, "# TYPE heron_test_r_seconds histogram"));
  EXPECT_TRUE(contains_line(text, "heron_test_r_seconds_bucket{scope=\"store\",le=\"0.001\"} 1"));
  EXPECT_TRUE(contains_line(text, "heron_test_r_seconds_bucket{scope=\"store\",le=\"0.01\"} 2"));
  EXPECT_TRUE(contains_line(text, "heron_test_r_seconds_bucket{scope=\"store\",le=\"+Inf\"} 2"));
  EXPECT_TRUE(contains_line(text, "heron_test_r_seconds_sum{scope=\"store\"} 0.0051"));
  EXPECT_TRUE(contains_line(text, "heron_test_r_seconds_count{scope=\"store\"} 2"));
}

TEST(BaseMetrics, UndefinedHistogramGetsLatencyBuckets) {
  observe("heron_test_default_seconds", 0.003);
  auto h = get_histogram("heron_test_default_seconds");
  EXPECT_EQ(h.bounds, kLatencyBuckets);
  EXPECT_EQ(h.cumulative.back(), 1u);
}

TEST(BaseMetrics, EveryFamilyHasHelpAndTypeOnce) {
  describe("heron_test_help_total", "Things\nthat happened.");
  inc("heron_test_help_total", "kind", "a");
  inc("heron_test_help_total", "kind", "b");
  const std::string text = render_prometheus();
  EXPECT_TRUE(contains_line(text, "# HELP heron_test_help_total Things\\nthat happened."));
  EXPECT_EQ(text.find("# TYPE heron_test_help_total counter"),
            text.rfind("# TYPE heron_test_help_total counter"));
  // A family without describe() still gets a HELP line (promtool lints for it).
  inc("heron_test_nohelp_total");
  EXPECT_TRUE(
      contains_line(render_prometheus(),
                    "# HELP heron_test_nohelp_total Heron counter heron_test_nohelp_total."));
  // Both series follow their family's TYPE line.
  const auto type_at = text.find("# TYPE heron_test_help_total");
  EXPECT_GT(text.find("heron_test_help_total{kind=\"a\"} 1"), type_at);
  EXPECT_GT(text.find("heron_test_help_total{kind=\"b\"} 1"), type_at);
}

TEST(BaseMetrics, CollectorsRunBeforeRenderingAndCanBeRemoved) {
  int calls = 0;
  {
    CollectorHandle handle([&calls] { set_gauge("heron_test_collected", ++calls); });
    EXPECT_TRUE(contains_line(render_prometheus(), "heron_test_collected 1"));
    EXPECT_TRUE(contains_line(render_prometheus(), "heron_test_collected 2"));
  }
  render_prometheus();
  EXPECT_EQ(calls, 2);
}

TEST(BaseMetrics, ThrowingCollectorIsCountedNotFatal) {
  const auto before = get("heron_bugs_total", "where", "metrics_collector");
  CollectorHandle handle([] { throw std::runtime_error("boom"); });
  render_prometheus();
  EXPECT_EQ(get("heron_bugs_total", "where", "metrics_collector"), before + 1);
}

}  // namespace
}  // namespace heron::metrics
