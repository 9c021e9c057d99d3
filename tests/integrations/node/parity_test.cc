// Parity with the real node_exporter 1.5.0 (Debian's prometheus-node-exporter,
// installed by tests/run.sh): both read the same fixture tree (and, in the
// second test, this machine), and their outputs are diffed by family (name,
// type, HELP), series (name + label set) and value. Every remaining
// difference is listed below with its reason; an unlisted one fails.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/base/absl_compat.h"
#include "core/base/exposition_parser.h"
#include "gtest/gtest.h"
#include "tests/support/free_port.h"
#include "tests/support/exporter_scrape.h"
#include "tests/support/series_set.h"
#include "tests/support/spawned_process.h"
#include "integrations/node/collector.h"
#include "integrations/node/node.h"
#include "tests/integrations/node/fixture_util.h"
#include "tests/integrations/node/test_appender.h"

namespace outpost::integrations::node {
namespace {

using ::outpost::testing::HttpGetMetrics;

using outpost::testing::TestAppender;

std::string ExporterBinary() {
  const char* env = std::getenv("OUTPOST_NODE_EXPORTER");
  return env != nullptr ? env : "/usr/bin/prometheus-node-exporter";
}

using ::outpost::testing::FreePort;
using ::outpost::testing::SpawnedProcess;
using ::outpost::testing::SpawnOptions;

// Runs node_exporter with `args` on a free loopback port and returns one
// scrape of it; fails the test when the binary is missing.
std::string ScrapeNodeExporter(std::vector<std::string> args) {
  const std::string bin = ExporterBinary();
  if (access(bin.c_str(), X_OK) != 0) {
    ADD_FAILURE() << "node_exporter binary " << bin
                  << " is missing: apt-get install -y prometheus-node-exporter (tests/run.sh)";
    return "";
  }
  const int port = FreePort();
  args.insert(args.begin(), bin);
  args.push_back("--web.listen-address=127.0.0.1:" + std::to_string(port));
  args.push_back("--web.disable-exporter-metrics");
  args.push_back("--log.level=error");
  SpawnedProcess exporter(args, SpawnOptions{});  // output: the test's
  std::string body;
  for (int i = 0; i < 200 && body.empty(); ++i) {  // up to ~10 s to start
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    body = HttpGetMetrics(port);
  }
  exporter.Stop();
  EXPECT_FALSE(body.empty()) << "node_exporter did not answer on port " << port;
  return body;
}

using Scrape = outpost::testing::SeriesSet;

std::string Key(const std::string& name, const Labels& labels) { return name + labels.ToString(); }

// The exporter's own metrics (Go runtime, process, HTTP handler, build
// info), which outpost does not reproduce (include_exporter_metrics).
bool ExporterSelfMetric(const std::string& name) {
  return outpost::testing::GoExporterSelfMetric(name, "node_exporter");
}

Scrape FromExposition(const std::string& text) {
  return outpost::testing::FromExposition(text, [](const std::string& f) { return !ExporterSelfMetric(f); });
}

Scrape FromAppender(const TestAppender& app) {
  Scrape s;
  for (const TestAppender::Entry& e : app.entries()) {
    if (!e.added) continue;
    s.families[e.family->name] = *e.family;
    std::string k = Key(e.family->name + e.suffix, e.labels);
    s.series[k] = e.value;
    s.family_of[k] = e.family->name;
  }
  return s;
}

std::vector<std::string> ExporterArgs(const std::vector<std::string>& collectors, const Options& o,
                                      bool fixture) {
  std::vector<std::string> a = {"--collector.disable-defaults"};
  for (const std::string& c : collectors) a.push_back("--collector." + c);
  if (fixture) {
    a.push_back("--path.procfs=" + o.procfs_path);
    a.push_back("--path.sysfs=" + o.sysfs_path);
    a.push_back("--path.rootfs=" + o.rootfs_path);
    a.push_back("--path.udev.data=" + o.udev_data_path);
  }
  // Grafana Agent's settings (static/integrations/node_exporter/config.go).
  a.push_back("--collector.filesystem.mount-points-exclude=" + o.filesystem_mount_points_exclude);
  a.push_back("--collector.filesystem.fs-types-exclude=" + o.filesystem_fs_types_exclude);
  a.push_back("--collector.diskstats.device-exclude=" + o.diskstats_device_exclude);
  a.push_back("--collector.netstat.fields=" + o.netstat_fields);
  a.push_back("--collector.vmstat.fields=" + o.vmstat_fields);
  a.push_back("--collector.netclass.ignored-devices=" + o.netclass_ignored_devices);
  // Debian's package patches the netdev default to exclude "lo"; upstream
  // and Grafana Agent exclude nothing.
  a.push_back("--collector.netdev.device-exclude=" + o.netdev_device_exclude);
  a.push_back("--no-collector.netdev.netlink");
  a.push_back("--no-collector.netclass.netlink");
  a.push_back("--collector.textfile.directory=" + o.textfile_directory);
  a.push_back(o.enable_cpu_guest_seconds_metric ? "--collector.cpu.guest"
                                                : "--no-collector.cpu.guest");
  return a;
}

// Values that change between the two scrapes by nature.
bool VolatileValue(const std::string& family) {
  static const std::set<std::string> kVolatile = {
      "node_scrape_collector_duration_seconds",
      "node_time_seconds",
      "node_timex_offset_seconds",
      "node_timex_frequency_adjustment_ratio",
      "node_timex_maxerror_seconds",
      "node_timex_estimated_error_seconds",
      "node_filesystem_avail_bytes",
      "node_filesystem_free_bytes",
      "node_filesystem_files_free",
  };
  return kVolatile.count(family) > 0;
}

struct Diff {
  std::vector<std::string> only_exporter, only_outpost, family_mismatch, value_mismatch;
  size_t exporter_series = 0, matched = 0;
};

Diff Compare(const Scrape& ne, const Scrape& op, bool compare_values) {
  Diff d;
  d.exporter_series = ne.series.size();
  for (const auto& [name, f] : ne.families) {
    auto it = op.families.find(name);
    if (it == op.families.end()) continue;  // reported per series below
    if (it->second.help != f.help || it->second.type != f.type) {
      d.family_mismatch.push_back(name + ": exporter {" + std::string(MetricTypeName(f.type)) +
                                  ", " + f.help + "} outpost {" +
                                  std::string(MetricTypeName(it->second.type)) + ", " +
                                  it->second.help + "}");
    }
  }
  for (const auto& [k, v] : ne.series) {
    auto it = op.series.find(k);
    if (it == op.series.end()) {
      d.only_exporter.push_back(k);
      continue;
    }
    ++d.matched;
    if (!compare_values || VolatileValue(ne.family_of.at(k))) continue;
    if (!(v == it->second || (std::isnan(v) && std::isnan(it->second)) ||
          std::fabs(v - it->second) <= 1e-9 * std::fabs(v))) {
      d.value_mismatch.push_back(k + ": exporter " + std::to_string(v) + " outpost " +
                                 std::to_string(it->second));
    }
  }
  for (const auto& [k, v] : op.series) {
    if (ne.series.count(k) == 0) d.only_outpost.push_back(k);
  }
  return d;
}

// Differences that remain, with their reason. Matched on the series key's
// prefix.
struct Known {
  const char* prefix;
  const char* reason;
};

bool IsKnown(const std::string& key, std::initializer_list<Known> known) {
  for (const Known& k : known) {
    if (key.rfind(k.prefix, 0) == 0) return true;
  }
  return false;
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += "  " + x + "\n";
  return s;
}

// node_exporter 1.5.0's default collectors, which are also Grafana Agent's
// (its Collectors table in static/integrations/node_exporter enables the
// same ones), whether outpost implements them or not: node_exporter runs
// all of them, so that what outpost lacks shows as missing series.
std::vector<std::string> DefaultCollectors() {
  std::vector<std::string> c;
  for (const CollectorInfo& info : AllCollectors()) {
    if (info.enabled_by_default) c.emplace_back(info.name);
  }
  return c;
}

// Optional collectors that outpost implements, compared too (added with
// enable_collectors on outpost's side).
const std::vector<std::string> kOptional = {"buddyinfo", "interrupts", "ksmd", "meminfo_numa",
                                            "processes"};

std::vector<std::string> ParityCollectors() {
  std::vector<std::string> c = DefaultCollectors();
  c.insert(c.end(), kOptional.begin(), kOptional.end());
  return c;
}

TEST(NodeParity, FixtureTreeMatchesNodeExporter150) {
  Options o = fixture::FixtureOptions();
  o.set_collectors.clear();  // the default set
  o.enable_collectors = kOptional;
  std::string text = ScrapeNodeExporter(ExporterArgs(ParityCollectors(), o, /*fixture=*/true));
  ASSERT_FALSE(text.empty());
  absl::StatusOr<std::unique_ptr<Integration>> node = NewNodeIntegration(o);
  ASSERT_TRUE(node.ok()) << node.status();
  TestAppender app;
  ASSERT_TRUE((*node)->Collect(app, absl::InfiniteFuture()).ok());

  Diff d = Compare(FromExposition(text), FromAppender(app), /*compare_values=*/true);
  // No known differences on the fixture tree.
  EXPECT_TRUE(d.family_mismatch.empty()) << Join(d.family_mismatch);
  EXPECT_TRUE(d.only_exporter.empty()) << "missing in outpost:\n" << Join(d.only_exporter);
  EXPECT_TRUE(d.only_outpost.empty()) << "extra in outpost:\n" << Join(d.only_outpost);
  EXPECT_TRUE(d.value_mismatch.empty()) << Join(d.value_mismatch);
  EXPECT_GE(static_cast<double>(d.matched), 0.98 * static_cast<double>(d.exporter_series));
  std::printf("fixture parity: %zu of %zu node_exporter series matched\n", d.matched,
              d.exporter_series);
}

TEST(NodeParity, LiveMachineNamesAndLabelsMatch) {
  // This machine's /proc, /sys and /, with the default collectors plus the
  // optional ones outpost implements.
  Options o;
  o.enable_cpu_guest_seconds_metric = true;  // node_exporter's default
  o.enable_collectors = kOptional;
  std::string text = ScrapeNodeExporter(ExporterArgs(ParityCollectors(), o, /*fixture=*/false));
  ASSERT_FALSE(text.empty());
  absl::StatusOr<std::unique_ptr<Integration>> node = NewNodeIntegration(o);
  ASSERT_TRUE(node.ok()) << node.status();
  TestAppender app;
  ASSERT_TRUE((*node)->Collect(app, absl::InfiniteFuture()).ok());

  Diff d = Compare(FromExposition(text), FromAppender(app), /*compare_values=*/false);
  // Live values move between the two scrapes; these series come and go with
  // them.
  const std::initializer_list<Known> kKnown = {
      {"node_arp_entries", "ARP entries age out between the two scrapes"},
      {"node_processes_state{", "process states (R, S, D, I, Z) change between the two scrapes"},
      {"node_processes_threads_state{", "thread states change between the two scrapes"},
  };
  std::vector<std::string> unknown;
  for (const auto* v : {&d.only_exporter, &d.only_outpost}) {
    for (const std::string& k : *v) {
      if (!IsKnown(k, kKnown)) unknown.push_back(k);
    }
  }
  EXPECT_TRUE(d.family_mismatch.empty()) << Join(d.family_mismatch);
  EXPECT_TRUE(unknown.empty()) << "unexpected differences:\n" << Join(unknown);
  EXPECT_GE(static_cast<double>(d.matched), 0.98 * static_cast<double>(d.exporter_series));
  std::printf("live parity: %zu of %zu node_exporter series matched\n", d.matched,
              d.exporter_series);
}

}  // namespace
}  // namespace outpost::integrations::node
