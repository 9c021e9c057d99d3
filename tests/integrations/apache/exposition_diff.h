// Diffs two text expositions series by series (name + labels → type, HELP,
// value) for the apache_http tests: the goldens written by Debian's
// prometheus-apache-exporter and the live parity test.
#ifndef OUTPOST_TESTS_INTEGRATIONS_APACHE_EXPOSITION_DIFF_H_
#define OUTPOST_TESTS_INTEGRATIONS_APACHE_EXPOSITION_DIFF_H_

#include <map>
#include <string>
#include <string_view>

#include "core/base/exposition_parser.h"
#include "gtest/gtest.h"

namespace outpost::integrations::apache {

struct SeriesInfo {
  MetricType type;
  std::string help;
  double value;
};
using SeriesIndex = std::map<std::string, SeriesInfo>;  // "name{labels}"

// The apache_* series of `text` (fails the test on a parse error), without
// the build_info families (the exporter's and the agent's differ by name).
inline SeriesIndex IndexApache(std::string_view text) {
  SeriesIndex out;
  auto fams = ParseExposition(text);
  EXPECT_TRUE(fams.ok()) << fams.status();
  if (!fams.ok()) return out;
  for (const ExpositionFamily& f : *fams) {
    const std::string& n = f.meta.name;
    if (n.rfind("apache_", 0) != 0 || n == "apache_exporter_build_info" ||
        n == "apache_http_build_info")
      continue;
    for (const ExpositionSample& s : f.samples) {
      const std::string name = s.name.empty() ? n : s.name;
      out[s.labels.empty() ? name : name + s.labels.ToString()] =
          SeriesInfo{f.meta.type, f.meta.help, s.value};
    }
  }
  return out;
}

// Every series of `theirs` in `ours` with the same type and HELP (and value
// when `values`), and nothing more; one failure per difference.
inline void ExpectSameSeries(const SeriesIndex& ours, const SeriesIndex& theirs, bool values,
                             const std::string& what) {
  for (const auto& [key, s] : theirs) {
    auto it = ours.find(key);
    if (it == ours.end()) {
      ADD_FAILURE() << what << ": missing in outpost: " << key;
      continue;
    }
    EXPECT_EQ(it->second.type, s.type) << what << ": type of " << key;
    EXPECT_EQ(it->second.help, s.help) << what << ": HELP of " << key;
    if (values) {
      EXPECT_EQ(it->second.value, s.value) << what << ": value of " << key;
    }
  }
  for (const auto& [key, s] : ours) {
    if (!theirs.count(key)) {
      ADD_FAILURE() << what << ": extra in outpost: " << key;
    }
  }
}

}  // namespace outpost::integrations::apache

#endif  // OUTPOST_TESTS_INTEGRATIONS_APACHE_EXPOSITION_DIFF_H_
