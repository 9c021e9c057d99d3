#include "integrations/node/options.h"

#include <string_view>

#include "core/config/duration.h"
#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

// Keys of Grafana Agent's node_exporter config whose feature outpost does not
// implement yet: present = config error naming the key.
constexpr std::string_view kUnsupportedKeys[] = {
    "cpu_bugs_include",
    "cpu_flags_include",
    "enable_cpu_info_metric",
    "ethtool_device_exclude",
    "ethtool_device_include",
    "ethtool_metrics_include",
    "ntp_ip_ttl",
    "ntp_local_offset_tolerance",
    "ntp_max_distance",
    "ntp_protocol_version",
    "ntp_server",
    "ntp_server_is_local",
    "netdev_address_info",
    "perf_cpus",
    "perf_tracepoint",
    "perf_disable_hardware_profilers",
    "perf_disable_software_profilers",
    "perf_disable_cache_profilers",
    "perf_hardware_profilers",
    "perf_software_profilers",
    "perf_cache_profilers",
    "powersupply_ignored_supplies",
    "runit_service_dir",
    "supervisord_url",
    "sysctl_include",
    "sysctl_include_info",
    "systemd_enable_restarts_metrics",
    "systemd_enable_start_time_metrics",
    "systemd_enable_task_metrics",
    "systemd_unit_exclude",
    "systemd_unit_include",
    "systemd_unit_whitelist",
    "systemd_unit_blacklist",
};

// A regex key with a deprecated alias (Grafana Agent's migratedFields): the
// old key is read with a warning; both set is an error.
void RegexWithAlias(config::MapReader& m, std::string_view old_key, std::string_view new_key,
                    std::string* out) {
  m.Regex(new_key, out);
  if (m.Deprecated(old_key, new_key)) m.Regex(old_key, out);
}

}  // namespace

Options ParseOptions(config::MapReader& m) {
  Options o;
  m.String("procfs_path", &o.procfs_path);
  m.String("sysfs_path", &o.sysfs_path);
  m.String("rootfs_path", &o.rootfs_path);
  m.String("udev_data_path", &o.udev_data_path);
  m.StringList("set_collectors", &o.set_collectors);
  m.StringList("enable_collectors", &o.enable_collectors);
  m.StringList("disable_collectors", &o.disable_collectors);

  m.Bool("enable_cpu_guest_seconds_metric", &o.enable_cpu_guest_seconds_metric);
  RegexWithAlias(m, "diskstats_ignored_devices", "diskstats_device_exclude",
                 &o.diskstats_device_exclude);
  m.Regex("diskstats_device_include", &o.diskstats_device_include);
  RegexWithAlias(m, "filesystem_ignored_fs_types", "filesystem_fs_types_exclude",
                 &o.filesystem_fs_types_exclude);
  RegexWithAlias(m, "filesystem_ignored_mount_points", "filesystem_mount_points_exclude",
                 &o.filesystem_mount_points_exclude);
  m.Duration("filesystem_mount_timeout", &o.filesystem_mount_timeout);
  m.Bool("netclass_ignore_invalid_speed_device", &o.netclass_ignore_invalid_speed_device);
  m.Regex("netclass_ignored_devices", &o.netclass_ignored_devices);
  RegexWithAlias(m, "netdev_device_whitelist", "netdev_device_include", &o.netdev_device_include);
  RegexWithAlias(m, "netdev_device_blacklist", "netdev_device_exclude", &o.netdev_device_exclude);
  if (!o.netdev_device_include.empty() && !o.netdev_device_exclude.empty()) {
    // node_exporter: "device-include & device-exclude are mutually exclusive".
    m.Error("netdev_device_include",
            "netdev_device_include and netdev_device_exclude are mutually exclusive");
  }
  m.Regex("netstat_fields", &o.netstat_fields);
  m.Regex("vmstat_fields", &o.vmstat_fields);
  m.Regex("tapestats_ignored_devices", &o.tapestats_ignored_devices);
  m.StringList("ipvs_backend_labels", &o.ipvs_backend_labels);
  m.Bool("enable_bcache_priority_stats", &o.enable_bcache_priority_stats);
  if (absl::StatusOr<std::vector<int>> l = IpvsBackendLabels(o.ipvs_backend_labels); !l.ok()) {
    m.ValueError("ipvs_backend_labels", ToStd(l.status().message()));
  }
  m.String("textfile_directory", &o.textfile_directory);

  for (std::string_view key : kUnsupportedKeys) m.Unsupported(key);
  return o;
}

void DumpOptions(const Options& o, YAML::Emitter& out) {
  // Keys that ParseOptions rejects are left out, so that the effective
  // config (check-config, /-/config) loads again.
  auto supported = [](std::string_view k) {
    for (std::string_view u : kUnsupportedKeys) {
      if (u == k) return false;
    }
    return true;
  };
  auto str = [&](const char* k, const std::string& v) {
    if (supported(k)) out << YAML::Key << k << YAML::Value << v;
  };
  auto boolean = [&](const char* k, bool v) {
    if (supported(k)) out << YAML::Key << k << YAML::Value << v;
  };
  auto integer = [&](const char* k, int v) {
    if (supported(k)) out << YAML::Key << k << YAML::Value << v;
  };
  auto dur = [&](const char* k, absl::Duration v) {
    if (supported(k)) out << YAML::Key << k << YAML::Value << config::FormatPromDuration(v);
  };
  auto list = [&](const char* k, const std::vector<std::string>& v) {
    if (!supported(k)) return;
    out << YAML::Key << k << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const std::string& s : v) out << s;
    out << YAML::EndSeq;
  };
  str("procfs_path", o.procfs_path);
  str("sysfs_path", o.sysfs_path);
  str("rootfs_path", o.rootfs_path);
  str("udev_data_path", o.udev_data_path);
  list("enable_collectors", o.enable_collectors);
  list("disable_collectors", o.disable_collectors);
  list("set_collectors", o.set_collectors);
  boolean("enable_bcache_priority_stats", o.enable_bcache_priority_stats);
  str("cpu_bugs_include", o.cpu_bugs_include);
  boolean("enable_cpu_guest_seconds_metric", o.enable_cpu_guest_seconds_metric);
  boolean("enable_cpu_info_metric", o.enable_cpu_info_metric);
  str("cpu_flags_include", o.cpu_flags_include);
  str("diskstats_device_exclude", o.diskstats_device_exclude);
  str("diskstats_device_include", o.diskstats_device_include);
  str("ethtool_device_exclude", o.ethtool_device_exclude);
  str("ethtool_device_include", o.ethtool_device_include);
  str("ethtool_metrics_include", o.ethtool_metrics_include);
  str("filesystem_fs_types_exclude", o.filesystem_fs_types_exclude);
  str("filesystem_mount_points_exclude", o.filesystem_mount_points_exclude);
  dur("filesystem_mount_timeout", o.filesystem_mount_timeout);
  list("ipvs_backend_labels", o.ipvs_backend_labels);
  integer("ntp_ip_ttl", o.ntp_ip_ttl);
  dur("ntp_local_offset_tolerance", o.ntp_local_offset_tolerance);
  dur("ntp_max_distance", o.ntp_max_distance);
  integer("ntp_protocol_version", o.ntp_protocol_version);
  str("ntp_server", o.ntp_server);
  boolean("ntp_server_is_local", o.ntp_server_is_local);
  boolean("netclass_ignore_invalid_speed_device", o.netclass_ignore_invalid_speed_device);
  str("netclass_ignored_devices", o.netclass_ignored_devices);
  boolean("netdev_address_info", o.netdev_address_info);
  str("netdev_device_exclude", o.netdev_device_exclude);
  str("netdev_device_include", o.netdev_device_include);
  str("netstat_fields", o.netstat_fields);
  str("perf_cpus", o.perf_cpus);
  list("perf_tracepoint", o.perf_tracepoint);
  boolean("perf_disable_hardware_profilers", o.perf_disable_hardware_profilers);
  boolean("perf_disable_software_profilers", o.perf_disable_software_profilers);
  boolean("perf_disable_cache_profilers", o.perf_disable_cache_profilers);
  list("perf_hardware_profilers", o.perf_hardware_profilers);
  list("perf_software_profilers", o.perf_software_profilers);
  list("perf_cache_profilers", o.perf_cache_profilers);
  str("powersupply_ignored_supplies", o.powersupply_ignored_supplies);
  str("runit_service_dir", o.runit_service_dir);
  str("supervisord_url", o.supervisord_url);
  list("sysctl_include", o.sysctl_include);
  list("sysctl_include_info", o.sysctl_include_info);
  boolean("systemd_enable_restarts_metrics", o.systemd_enable_restarts_metrics);
  boolean("systemd_enable_start_time_metrics", o.systemd_enable_start_time_metrics);
  boolean("systemd_enable_task_metrics", o.systemd_enable_task_metrics);
  str("systemd_unit_exclude", o.systemd_unit_exclude);
  str("systemd_unit_include", o.systemd_unit_include);
  str("tapestats_ignored_devices", o.tapestats_ignored_devices);
  str("textfile_directory", o.textfile_directory);
  str("vmstat_fields", o.vmstat_fields);
}

}  // namespace outpost::integrations::node
