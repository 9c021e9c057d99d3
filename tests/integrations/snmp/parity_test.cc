// Parity with Debian's prometheus-snmp-exporter 0.21 against the same
// snmpd, for module if_test (testdata/if_test.yml) and for the built-in
// if_mib, each converted by the test to 0.21's format (version and auth
// inside the module): the same module series with the same labels, types
// and HELP, and the same values except
// what moves between the two walks (sysUpTime; the traffic counters of
// interfaces that carry traffic, lo carrying the walks themselves, compared
// with a tolerance; the idle ifb interfaces' counters are exact);
// snmp_scrape_packets_sent, _retried and _pdus_returned equal (same
// requests); the scrape durations only present.
//
// Documented difference: snmp_scrape_* carry {module="<module>"} in outpost
// (snmp_exporter v0.26, which Grafana Agent v0.44 embeds:
// collector/collector.go collect()'s moduleLabel) and no label in 0.21.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "core/base/memory_appender.h"
#include "gtest/gtest.h"
#include "integrations/snmp/builtin_modules.h"
#include "integrations/snmp/snmp.h"
#include "tests/integrations/options_test_util.h"
#include "tests/support/exporter_scrape.h"
#include "tests/support/series_set.h"
#include "tests/support/shared_server.h"
#include "tests/support/snmpd_server.h"

namespace outpost::integrations::snmp {
namespace {

using testing::SeriesSet;
using testing::SnmpdServer;

const std::string kFixture = std::string(OUTPOST_SOURCE_DIR "/tests/integrations/snmp/testdata/if_test.yml");
constexpr const char* kExporter = "/usr/bin/prometheus-snmp-exporter";

// snmp_exporter 0.21's snmp.yml: each v0.26 module with the auth's
// fields (here version and community) inside.
std::string ToOldFormat(const YAML::Node& current, int version, const std::string& community) {
  YAML::Node old;
  for (const auto& kv : current["modules"]) {
    YAML::Node m = YAML::Clone(kv.second);
    m["version"] = version;
    m["auth"]["community"] = community;
    old[kv.first.as<std::string>()] = m;
  }
  YAML::Emitter e;
  e << old;
  return e.c_str();
}

bool IsScrapeMetric(const std::string& family) { return family.rfind("snmp_scrape_", 0) == 0; }

// Outpost's key of a snmp_scrape_* series without its module label.
std::string KeyWithoutModule(const std::string& name, const Labels& labels) {
  if (!IsScrapeMetric(name)) return testing::NameAndLabels(name, labels);
  EXPECT_FALSE(labels.Get("module").empty()) << name;
  return testing::NameAndLabels(name, Labels());
}

// The idle interfaces of the test machine (ifb0, ifb1: indexes 2 and 3),
// whose counters do not move between the walks.
bool IdleInterface(const std::string& key) {
  return key.find("ifb") != std::string::npos || key.find("ifIndex=\"2\"") != std::string::npos ||
         key.find("ifIndex=\"3\"") != std::string::npos;
}

// Walks `module` of the shared snmpd with Debian's snmp_exporter (config
// `old_config`, 0.21's format) and with outpost (the integration block
// `block` plus one target of that module and `auth`), then compares.
void ExpectParity(const std::string& module, const std::string& old_config, const std::string& block,
                  const std::string& auth) {
  ASSERT_EQ(access(kExporter, X_OK), 0)
      << kExporter << " is missing: apt-get install -y prometheus-snmp-exporter (tests/run.sh)";
  SnmpdServer* snmpd = testing::SharedServerOf<SnmpdServer>("snmpd");
  ASSERT_NE(snmpd, nullptr);

  const std::string old_path = snmpd->dir() + "/snmp-0.21-" + module + ".yml";
  {
    std::ofstream f(old_path);
    f << old_config;
  }
  testing::ExporterProcess exporter(kExporter, "prometheus-snmp-exporter", {"--config.file=" + old_path});
  ASSERT_TRUE(exporter.ready());

  auto parsed = options_test::Parse<Options>(
      Spec(), block + "\nsnmp_targets: [{name: dev, address: " + snmpd->address() + ", module: " +
                  module + ", auth: " + auth + "}]");
  ASSERT_TRUE(parsed.errors.ok()) << parsed.AllErrors();
  absl::StatusOr<std::unique_ptr<Integration>> ours_in =
      NewTargetIntegration(std::static_pointer_cast<const Options>(parsed.opts), 0);
  ASSERT_TRUE(ours_in.ok()) << ours_in.status();

  const std::string theirs_text =
      exporter.Get("/snmp?target=" + snmpd->address() + "&module=" + module);
  ASSERT_FALSE(theirs_text.empty());
  MemoryAppender app;
  ASSERT_TRUE((*ours_in)->Collect(app, absl::Now() + absl::Seconds(20)).ok());

  const auto all = [](const std::string&) { return true; };
  const SeriesSet theirs = testing::FromExposition(theirs_text, all);
  const SeriesSet ours = testing::FromCollected(app.Samples(), all, KeyWithoutModule);
  std::printf("  accepted difference: snmp_scrape_* have {module=\"%s\"} in outpost "
              "(snmp_exporter v0.26, Grafana Agent v0.44), no label in 0.21\n",
              module.c_str());
  std::printf("snmp parity (%s): %zu series from snmp_exporter 0.21, %zu from outpost\n",
              module.c_str(), theirs.series.size(), ours.series.size());
  EXPECT_GT(theirs.series.size(), 40u);

  EXPECT_EQ(ours.families.size(), theirs.families.size());
  for (const auto& [name, f] : theirs.families) {
    auto it = ours.families.find(name);
    if (it == ours.families.end()) {
      ADD_FAILURE() << "outpost lacks family " << name;
      continue;
    }
    EXPECT_EQ(it->second.type, f.type) << name;
    EXPECT_EQ(it->second.help, f.help) << name;
  }
  for (const auto& [key, value] : theirs.series) {
    auto it = ours.series.find(key);
    if (it == ours.series.end()) {
      ADD_FAILURE() << "outpost lacks " << key;
      continue;
    }
    const std::string& family = theirs.family_of.at(key);
    const double mine = it->second;
    if (family == "snmp_scrape_walk_duration_seconds" || family == "snmp_scrape_duration_seconds") {
      continue;
    } else if (family == "sysUpTime") {
      EXPECT_GE(mine, value) << key;
      EXPECT_LE(mine, value + 3000) << key;  // 30 s of TimeTicks
    } else if (theirs.families.at(family).type == MetricType::kCounter && !IdleInterface(key)) {
      // Traffic between the walks (lo carries the walks themselves).
      EXPECT_GE(mine, value) << key;
      EXPECT_LE(mine, value + std::max(1e7, value * 0.01)) << key;
    } else {
      EXPECT_EQ(mine, value) << key;
    }
  }
  for (const auto& [key, value] : ours.series) {
    EXPECT_TRUE(theirs.series.contains(key)) << "outpost has more: " << key;
  }
}

TEST(SnmpParity, TestModuleSameAsSnmpExporter021) {
  ExpectParity("if_test", ToOldFormat(YAML::LoadFile(kFixture), 2, "public"), "config_file: " + kFixture,
               "test_v2");
}

// The built-in if_mib (no snmp.yml given, auth public_v2), given to the
// exporter in its format.
TEST(SnmpParity, BuiltinIfMibSameAsSnmpExporter021) {
  ExpectParity("if_mib", ToOldFormat(YAML::Load(BuiltinModulesYaml()), 2, "public"), "", "public_v2");
}

}  // namespace
}  // namespace outpost::integrations::snmp
