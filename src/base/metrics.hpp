#pragma once
// Process-wide counters. Every reject path bumps one (STYLE.md principle 12), so the
// operator HTTP endpoint (a later issue) can export them in Prometheus format.
// Names follow Prometheus conventions: heron_smtp_rejects_total{reason="relay"} is
// counter("heron_smtp_rejects_total", "reason", "relay").
// Thread: any; the map is guarded, the counters are atomics. Failure: none.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace heron::metrics {

void inc(std::string_view name, std::string_view label = {}, std::string_view value = {},
         uint64_t by = 1);
uint64_t get(std::string_view name, std::string_view label = {}, std::string_view value = {});
// Name with labels in Prometheus form -> value, for export and tests.
std::map<std::string, uint64_t> snapshot();

}  // namespace heron::metrics
