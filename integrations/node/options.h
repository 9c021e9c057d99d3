// The node_exporter integration's own config keys, with Grafana Agent's
// names and defaults (grafana/agent static/integrations/node_exporter/
// config.go and node_exporter_linux.go).
#ifndef OUTPOST_INTEGRATIONS_NODE_OPTIONS_H_
#define OUTPOST_INTEGRATIONS_NODE_OPTIONS_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "core/config/config.h"
#include "core/config/map_reader.h"
#include "yaml-cpp/yaml.h"

namespace outpost::integrations::node {

struct Options : config::IntegrationOptions {
  std::string procfs_path = "/proc";
  std::string sysfs_path = "/sys";
  std::string rootfs_path = "/";
  std::string udev_data_path = "/run/udev/data";
  // Not a YAML key. A collector that found nothing to read on this machine
  // (NoData: no NFS, no md, no hwmon, ...) is not run again for this long;
  // it reports success 0 as it did. node_exporter probes every scrape: ~20
  // failing opens and stats a collection (issue 23: per-collection
  // syscalls). Zero probes every collection.
  absl::Duration no_data_recheck = absl::Minutes(1);

  std::vector<std::string> set_collectors;
  std::vector<std::string> enable_collectors;
  std::vector<std::string> disable_collectors;

  bool enable_bcache_priority_stats = false;
  std::string cpu_bugs_include;
  std::string cpu_flags_include;
  bool enable_cpu_guest_seconds_metric = false;
  bool enable_cpu_info_metric = false;
  std::string diskstats_device_exclude = R"(^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$)";
  std::string diskstats_device_include;
  std::string ethtool_device_exclude;
  std::string ethtool_device_include;
  std::string ethtool_metrics_include = ".*";
  std::string filesystem_fs_types_exclude =
      "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|"
      "iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|"
      "sysfs|tracefs)$";
  std::string filesystem_mount_points_exclude =
      "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+)($|/)";
  absl::Duration filesystem_mount_timeout = absl::Seconds(5);
  std::vector<std::string> ipvs_backend_labels;
  int ntp_ip_ttl = 1;
  absl::Duration ntp_local_offset_tolerance = absl::Milliseconds(1);
  absl::Duration ntp_max_distance = absl::Microseconds(3466080);
  int ntp_protocol_version = 4;
  std::string ntp_server = "127.0.0.1";
  bool ntp_server_is_local = false;
  bool netclass_ignore_invalid_speed_device = false;
  std::string netclass_ignored_devices = "^$";
  bool netdev_address_info = false;
  std::string netdev_device_exclude;
  std::string netdev_device_include;
  std::string netstat_fields =
      "^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|"
      "TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|InSegs|OutSegs|"
      "OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|"
      "RcvbufErrors|SndbufErrors))$";
  std::string perf_cpus;
  std::vector<std::string> perf_tracepoint;
  bool perf_disable_hardware_profilers = false;
  bool perf_disable_software_profilers = false;
  bool perf_disable_cache_profilers = false;
  std::vector<std::string> perf_hardware_profilers;
  std::vector<std::string> perf_software_profilers;
  std::vector<std::string> perf_cache_profilers;
  std::string powersupply_ignored_supplies = "^$";
  std::string runit_service_dir = "/etc/service";
  std::string supervisord_url = "http://localhost:9001/RPC2";
  std::vector<std::string> sysctl_include;
  std::vector<std::string> sysctl_include_info;
  bool systemd_enable_restarts_metrics = false;
  bool systemd_enable_start_time_metrics = false;
  bool systemd_enable_task_metrics = false;
  std::string systemd_unit_exclude = R"(.+\.(automount|device|mount|scope|slice))";
  std::string systemd_unit_include = ".+";
  std::string tapestats_ignored_devices = "^$";
  std::string textfile_directory;
  std::string vmstat_fields = "^(oom_kill|pgpg|pswp|pg.*fault).*";
};

// Reads the integration's keys from `m` over the defaults above. Keys whose
// feature outpost does not implement yet are rejected by name; deprecated
// aliases are accepted with a warning (both old and new set is an error).
// Errors and warnings go to m.errors().
Options ParseOptions(config::MapReader& m);

// Writes every key (defaults included) into an open YAML map.
void DumpOptions(const Options& o, YAML::Emitter& out);

}  // namespace outpost::integrations::node

#endif  // OUTPOST_INTEGRATIONS_NODE_OPTIONS_H_
