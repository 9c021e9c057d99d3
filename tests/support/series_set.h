// The series of one scrape or collection, keyed for comparison, for the
// parity tests that diff outpost against a Debian exporter binary: the
// exporter's text (FromExposition) and outpost's collected samples
// (FromCollected) become the same shape.
#ifndef OUTPOST_TESTS_SUPPORT_SERIES_SET_H_
#define OUTPOST_TESTS_SUPPORT_SERIES_SET_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/exposition_parser.h"
#include "core/base/labels.h"
#include "core/base/metric.h"
#include "gtest/gtest.h"

namespace outpost::testing {

struct SeriesSet {
  std::map<std::string, MetricFamily> families;  // by name
  std::map<std::string, double> series;          // series key -> value
  std::map<std::string, std::string> family_of;  // series key -> family name
};

// Which families to keep, by name; and the key of a series.
using KeepFamily = std::function<bool(const std::string& family)>;
using SeriesKey = std::function<std::string(const std::string& name, const Labels& labels)>;

inline std::string NameAndLabels(const std::string& name, const Labels& labels) {
  return name + labels.ToString();
}

// What a Go exporter binary adds that an embedded exporter does not
// (Grafana Agent registers no go_/process_/promhttp_ collectors, and its
// own <exporter>_build_info): true for those families.
inline bool GoExporterSelfMetric(const std::string& family, std::string_view exporter) {
  for (const char* p : {"go_", "process_", "promhttp_"}) {
    if (family.rfind(p, 0) == 0) return true;
  }
  return family == std::string(exporter) + "_build_info";
}

// Parses exposition text (a failure fails the calling test).
inline SeriesSet FromExposition(const std::string& text, const KeepFamily& keep,
                                const SeriesKey& key = NameAndLabels) {
  SeriesSet s;
  absl::StatusOr<std::vector<ExpositionFamily>> fams = ParseExposition(text);
  EXPECT_TRUE(fams.ok()) << fams.status();
  if (!fams.ok()) return s;
  for (const ExpositionFamily& f : *fams) {
    if (!keep(f.meta.name)) continue;
    s.families[f.meta.name] = f.meta;
    for (const ExpositionSample& smp : f.samples) {
      const std::string k = key(smp.name, smp.labels);
      s.series[k] = smp.value;
      s.family_of[k] = f.meta.name;
    }
  }
  return s;
}

inline SeriesSet FromCollected(const std::vector<CollectedSample>& samples, const KeepFamily& keep,
                               const SeriesKey& key = NameAndLabels) {
  SeriesSet s;
  for (const CollectedSample& c : samples) {
    if (!keep(c.family->name)) continue;
    s.families[c.family->name] = *c.family;
    const std::string k = key(c.name, c.labels);
    s.series[k] = c.value;
    s.family_of[k] = c.family->name;
  }
  return s;
}

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_SUPPORT_SERIES_SET_H_
