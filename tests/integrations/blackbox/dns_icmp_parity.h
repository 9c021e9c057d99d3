// Parity of the dns and icmp probers with Debian's
// prometheus-blackbox-exporter 0.23: the binary runs with a blackbox.yml
// the test writes, and its /probe answer for a module and target is
// compared with one run of outpost's prober plus the probe_success the
// framework adds: the same series (names and labels), types and HELP, and
// the same values except for timings (families ending in _seconds).
#ifndef OUTPOST_TESTS_INTEGRATIONS_BLACKBOX_DNS_ICMP_PARITY_H_
#define OUTPOST_TESTS_INTEGRATIONS_BLACKBOX_DNS_ICMP_PARITY_H_

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "tests/integrations/blackbox/dns_icmp_util.h"
#include "tests/support/exporter_scrape.h"
#include "tests/support/series_set.h"

namespace outpost::integrations::blackbox::testutil {

inline std::string BlackboxExporterBinary() {
  const char* env = std::getenv("OUTPOST_BLACKBOX_EXPORTER");
  return env != nullptr ? env : "/usr/bin/prometheus-blackbox-exporter";
}

// The exporter running with `modules_yaml` (the body under `modules:`).
class BlackboxExporter {
 public:
  explicit BlackboxExporter(const std::string& modules_yaml) {
    char tmpl[] = "/tmp/outpost-blackbox-XXXXXX";
    dir_ = mkdtemp(tmpl);
    std::ofstream(dir_ + "/blackbox.yml") << "modules:\n" << modules_yaml;
    process_ = std::make_unique<testing::ExporterProcess>(
        BlackboxExporterBinary(), "prometheus-blackbox-exporter",
        std::vector<std::string>{"--config.file=" + dir_ + "/blackbox.yml"});
  }
  ~BlackboxExporter() {
    process_.reset();
    std::filesystem::remove_all(dir_);
  }
  bool ready() const { return process_->ready(); }
  std::string Probe(const std::string& module, const std::string& target) const {
    return process_->Get("/probe?module=" + module + "&target=" + target);
  }

 private:
  std::string dir_;
  std::unique_ptr<testing::ExporterProcess> process_;
};

// One module of blackbox.yml's `modules:` map: `block` (flow style) is its
// `prober:` block, with a 5 s timeout.
inline std::string ModuleYaml(std::string_view prober, std::string_view name,
                              std::string_view block) {
  std::string s = "  ";
  s.append(name).append(":\n    prober: ").append(prober).append("\n    timeout: 5s\n    ");
  s.append(prober).append(": ").append(block).append("\n");
  return s;
}

inline bool IsTiming(const std::string& family) {
  return family.size() > 8 && family.compare(family.size() - 8, 8, "_seconds") == 0;
}

// Diffs the exporter's /probe text with outpost's outcome; `what` names
// the case in failure messages.
inline void ExpectParity(const std::string& theirs_text, const Outcome& ours,
                         const std::string& what) {
  ASSERT_FALSE(theirs_text.empty()) << what << ": no answer from the exporter";
  static const MetricFamily kSuccess{"probe_success", MetricType::kGauge,
                                     "Displays whether or not the probe was a success", ""};
  std::vector<CollectedSample> samples = ours.samples;
  samples.push_back(CollectedSample{&kSuccess, "probe_success", {}, ours.success ? 1.0 : 0.0});
  // probe_duration_seconds is the framework's, not the prober's.
  auto keep = [](const std::string& f) { return f != "probe_duration_seconds"; };
  const testing::SeriesSet theirs = testing::FromExposition(theirs_text, keep);
  const testing::SeriesSet mine = testing::FromCollected(samples, keep);
  for (const auto& [key, value] : theirs.series) {
    auto it = mine.series.find(key);
    if (it == mine.series.end()) {
      ADD_FAILURE() << what << ": missing " << key;
      continue;
    }
    if (!IsTiming(theirs.family_of.at(key))) {
      EXPECT_EQ(it->second, value) << what << ": " << key;
    }
  }
  for (const auto& entry : mine.series) {
    EXPECT_TRUE(theirs.series.count(entry.first)) << what << ": extra " << entry.first;
  }
  auto success = theirs.series.find("probe_success{}");
  std::printf("  %s: %zu series, probe_success %g (exporter) / %g (outpost)\n", what.c_str(),
              theirs.series.size(), success == theirs.series.end() ? -1.0 : success->second,
              ours.success ? 1.0 : 0.0);
  for (const auto& [name, fam] : theirs.families) {
    auto it = mine.families.find(name);
    if (it == mine.families.end()) continue;
    EXPECT_EQ(it->second.help, fam.help) << what << ": HELP of " << name;
    EXPECT_EQ(it->second.type, fam.type) << what << ": TYPE of " << name;
  }
}

}  // namespace outpost::integrations::blackbox::testutil

#endif  // OUTPOST_TESTS_INTEGRATIONS_BLACKBOX_DNS_ICMP_PARITY_H_
