// Helpers for the node tests: the fixture tree and options pointing at it.
#ifndef OUTPOST_TESTS_INTEGRATIONS_NODE_FIXTURE_UTIL_H_
#define OUTPOST_TESTS_INTEGRATIONS_NODE_FIXTURE_UTIL_H_

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "integrations/node/options.h"

namespace outpost::integrations::node::fixture {

// The fixture tree. Git does not keep empty directories, and a few of
// upstream's fixtures are exactly that (an InfiniBand port without
// counters, a btrfs filesystem without features): they are made here, once
// per process, before anything reads the tree.
inline std::string FixtureDir() {
  static const std::string dir = [] {
    std::string d = OUTPOST_SOURCE_DIR "/tests/fixtures/node";
    for (const char* empty : {"sys/class/infiniband/i40iw0/ports/1/counters",
                              "sys/fs/btrfs/7f07c59f-6136-449c-ab87-e1cf2328731b/features"}) {
      std::error_code ec;
      std::filesystem::create_directories(d + "/" + empty, ec);
    }
    return d;
  }();
  return dir;
}

// The collectors whose output depends only on the fixture tree (uname and
// timex read syscalls; time's clock values are masked by the tests).
inline std::vector<std::string> FixtureCollectors() {
  return {"arp",     "bonding", "conntrack", "cpu",          "cpufreq",  "diskstats",  "dmi",
          "edac",    "entropy", "filefd",    "filesystem",   "loadavg",  "meminfo",    "netclass",
          "netdev",  "netstat", "nvme",      "os",           "pressure", "schedstat",  "sockstat",
          "softnet", "stat",    "textfile",  "thermal_zone", "time",     "udp_queues", "vmstat",
          "hwmon",   "mdadm",   "powersupplyclass", "bcache", "btrfs", "fibrechannel",
          "infiniband", "ipvs", "nfs", "nfsd", "rapl", "tapestats", "xfs", "zfs", "processes", "ksmd", "buddyinfo", "interrupts", "meminfo_numa"};
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

// A private copy of the fixture tree that a test may modify; removed at the
// end of the scope.
class TempTree {
 public:
  TempTree() {
    char tmpl[] = "/tmp/node_fixture_XXXXXX";
    dir_ = mkdtemp(tmpl);
    std::filesystem::copy(FixtureDir(), dir_, std::filesystem::copy_options::recursive);
  }
  ~TempTree() { std::filesystem::remove_all(dir_); }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

// Writes `text` to `path`, creating its directories.
inline void WriteText(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

}  // namespace outpost::integrations::node::fixture

#endif  // OUTPOST_TESTS_INTEGRATIONS_NODE_FIXTURE_UTIL_H_
