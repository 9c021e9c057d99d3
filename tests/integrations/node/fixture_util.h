// Helpers for the node tests: the fixture tree and options pointing at it.
#ifndef OUTPOST_TESTS_INTEGRATIONS_NODE_FIXTURE_UTIL_H_
#define OUTPOST_TESTS_INTEGRATIONS_NODE_FIXTURE_UTIL_H_

#include <string>
#include <vector>

#include "integrations/node/options.h"

namespace outpost::integrations::node::fixture {

inline std::string FixtureDir() { return std::string(OUTPOST_SOURCE_DIR) + "/tests/fixtures/node"; }

// The collectors whose output depends only on the fixture tree (uname and
// timex read syscalls; time's clock values are masked by the tests).
inline std::vector<std::string> FixtureCollectors() {
  return {"arp",     "bonding", "conntrack", "cpu",          "cpufreq",  "diskstats",  "dmi",
          "edac",    "entropy", "filefd",    "filesystem",   "loadavg",  "meminfo",    "netclass",
          "netdev",  "netstat", "nvme",      "os",           "pressure", "schedstat",  "sockstat",
          "softnet", "stat",    "textfile",  "thermal_zone", "time",     "udp_queues", "vmstat",
          "hwmon",   "mdadm",   "powersupplyclass"};
}

inline Options FixtureOptions(const std::string& root = FixtureDir()) {
  Options o;
  o.procfs_path = root + "/proc";
  o.sysfs_path = root + "/sys";
  o.rootfs_path = root + "/root";
  o.udev_data_path = root + "/udev";
  o.set_collectors = FixtureCollectors();
  o.enable_cpu_guest_seconds_metric = true;
  o.textfile_directory = root + "/textfile";
  return o;
}

}  // namespace outpost::integrations::node::fixture

#endif  // OUTPOST_TESTS_INTEGRATIONS_NODE_FIXTURE_UTIL_H_
