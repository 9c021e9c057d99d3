#include "integrations/node/collector.h"

#include <algorithm>
#include <map>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

// node_exporter 1.5.0's Linux collectors and their default state
// (`node_exporter --help`). factory == nullptr: not implemented by outpost
// yet. Every default-enabled collector is implemented.
constexpr CollectorInfo kCollectors[] = {
    {"arp", true, &NewArpCollector},
    {"bcache", true, &NewBcacheCollector},
    {"bonding", true, &NewBondingCollector},
    {"btrfs", true, &NewBtrfsCollector},
    {"buddyinfo", false, &NewBuddyinfoCollector},
    {"cgroups", false, nullptr},
    {"conntrack", true, &NewConntrackCollector},
    {"cpu", true, &NewCpuCollector},
    {"cpufreq", true, &NewCpufreqCollector},
    {"diskstats", true, &NewDiskstatsCollector},
    {"dmi", true, &NewDmiCollector},
    {"drbd", false, nullptr},
    {"drm", false, nullptr},
    {"edac", true, &NewEdacCollector},
    {"entropy", true, &NewEntropyCollector},
    {"ethtool", false, nullptr},
    {"fibrechannel", true, &NewFibreChannelCollector},
    {"filefd", true, &NewFilefdCollector},
    {"filesystem", true, &NewFilesystemCollector},
    {"hwmon", true, &NewHwmonCollector},
    {"infiniband", true, &NewInfiniBandCollector},
    {"interrupts", false, &NewInterruptsCollector},
    {"ipvs", true, &NewIpvsCollector},
    {"ksmd", false, &NewKsmdCollector},
    {"lnstat", false, nullptr},
    {"loadavg", true, &NewLoadavgCollector},
    {"logind", false, nullptr},
    {"mdadm", true, &NewMdadmCollector},
    {"meminfo", true, &NewMeminfoCollector},
    {"meminfo_numa", false, &NewMeminfoNumaCollector},
    {"mountstats", false, nullptr},
    {"netclass", true, &NewNetclassCollector},
    {"netdev", true, &NewNetdevCollector},
    {"netstat", true, &NewNetstatCollector},
    {"network_route", false, nullptr},
    {"nfs", true, &NewNfsCollector},
    {"nfsd", true, &NewNfsdCollector},
    {"ntp", false, nullptr},
    {"nvme", true, &NewNvmeCollector},
    {"os", true, &NewOsCollector},
    {"perf", false, nullptr},
    {"powersupplyclass", true, &NewPowerSupplyClassCollector},
    {"pressure", true, &NewPressureCollector},
    {"processes", false, &NewProcessesCollector},
    {"qdisc", false, nullptr},
    {"rapl", true, &NewRaplCollector},
    {"runit", false, nullptr},
    {"schedstat", true, &NewSchedstatCollector},
    {"selinux", true, &NewSelinuxCollector},
    {"slabinfo", false, nullptr},
    {"sockstat", true, &NewSockstatCollector},
    {"softnet", true, &NewSoftnetCollector},
    {"stat", true, &NewStatCollector},
    {"supervisord", false, nullptr},
    {"sysctl", false, nullptr},
    {"systemd", false, nullptr},
    {"tapestats", true, &NewTapestatsCollector},
    {"tcpstat", false, nullptr},
    {"textfile", true, &NewTextfileCollector},
    {"thermal_zone", true, &NewThermalZoneCollector},
    {"time", true, &NewTimeCollector},
    {"timex", true, &NewTimexCollector},
    {"udp_queues", true, &NewUdpQueuesCollector},
    {"uname", true, &NewUnameCollector},
    {"vmstat", true, &NewVmstatCollector},
    {"wifi", false, nullptr},
    {"xfs", true, &NewXfsCollector},
    {"zfs", true, &NewZfsCollector},
    {"zoneinfo", false, nullptr},
};

const CollectorInfo* Find(std::string_view name) {
  for (const CollectorInfo& c : kCollectors) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace

absl::Status NoData(std::string_view why) { return absl::NotFoundError(Cat("no data: ", why)); }

bool IsNoData(const absl::Status& s) {
  return absl::IsNotFound(s) && ToStd(s.message()).substr(0, 9) == "no data: ";
}

std::span<const CollectorInfo> AllCollectors() { return kCollectors; }

// node_exporter 1.5 collectors that exist only on other systems (BSD,
// Darwin, Solaris). Grafana Agent accepts them on Linux as a no-op
// (static/integrations/node_exporter/config.go lists every OS's names), and
// Grafana Cloud's snippets name some of them (boottime), so they select
// nothing here instead of failing the config.
constexpr std::string_view kOtherOsCollectors[] = {"boottime", "devstat", "exec", "netisr",
                                                   "thermal"};

bool IsOtherOsCollector(std::string_view name) {
  for (std::string_view n : kOtherOsCollectors) {
    if (n == name) return true;
  }
  return false;
}

absl::StatusOr<std::vector<const CollectorInfo*>> SelectCollectors(const Options& o) {
  // name -> explicitly requested (set/enable) or only a default.
  std::map<std::string_view, bool> selected;
  for (const auto* list : {&o.set_collectors, &o.enable_collectors, &o.disable_collectors}) {
    for (const std::string& name : *list) {
      if (Find(name) == nullptr && !IsOtherOsCollector(name)) {
        return absl::InvalidArgumentError(Cat("unknown collector \"", name, "\""));
      }
    }
  }
  if (!o.set_collectors.empty()) {
    for (const std::string& name : o.set_collectors) {
      if (const CollectorInfo* c = Find(name)) selected[c->name] = true;
    }
  } else {
    for (const CollectorInfo& c : kCollectors) {
      if (c.enabled_by_default) selected[c.name] = false;
    }
  }
  for (const std::string& name : o.enable_collectors) {
    if (const CollectorInfo* c = Find(name)) selected[c->name] = true;
  }
  for (const std::string& name : o.disable_collectors) selected.erase(name);

  std::vector<const CollectorInfo*> out;
  for (const auto& [name, requested] : selected) {
    const CollectorInfo* c = Find(name);
    if (c->factory == nullptr) {
      if (requested) {
        return absl::InvalidArgumentError(Cat("collector \"", name, "\" is not supported yet"));
      }
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace outpost::integrations::node
