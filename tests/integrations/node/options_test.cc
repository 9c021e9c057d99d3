// The node_exporter integration's config keys: Grafana Agent's names and
// defaults, rejected unsupported keys, deprecated aliases, Dump.
#include "integrations/node/options.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/node/node.h"
#include "tests/integrations/options_test_util.h"

namespace outpost::integrations::node {
namespace {

using ::testing::HasSubstr;

using Parsed = options_test::Parsed<Options>;

Parsed Parse(const std::string& yaml) {
  return options_test::Parse<Options>(Spec(), yaml);
}

TEST(NodeOptions, DefaultsAreGrafanaAgents) {
  Parsed p = Parse("{}");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  const Options& o = p.o();
  EXPECT_EQ(o.procfs_path, "/proc");
  EXPECT_EQ(o.sysfs_path, "/sys");
  EXPECT_EQ(o.rootfs_path, "/");
  EXPECT_EQ(o.udev_data_path, "/run/udev/data");
  EXPECT_FALSE(o.enable_cpu_guest_seconds_metric);
  EXPECT_EQ(o.filesystem_mount_timeout, absl::Seconds(5));
  EXPECT_EQ(o.filesystem_mount_points_exclude,
            "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+)($|/)");
  EXPECT_EQ(o.diskstats_device_exclude, R"(^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$)");
  EXPECT_EQ(o.netclass_ignored_devices, "^$");
  EXPECT_EQ(o.vmstat_fields, "^(oom_kill|pgpg|pswp|pg.*fault).*");
  EXPECT_EQ(Spec().name(), "node_exporter");
}

TEST(NodeOptions, ReadsSupportedKeys) {
  Parsed p = Parse(R"(
procfs_path: /host/proc
sysfs_path: /host/sys
rootfs_path: /host/root
set_collectors: [cpu, meminfo]
enable_collectors: [loadavg]
disable_collectors: [meminfo]
enable_cpu_guest_seconds_metric: true
diskstats_device_include: ^sd
filesystem_mount_timeout: 2s
netdev_device_exclude: ^veth
netstat_fields: ^Tcp_.*
vmstat_fields: ^pg
netclass_ignored_devices: ^lo$
netclass_ignore_invalid_speed_device: true
)");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  const Options& o = p.o();
  EXPECT_EQ(o.procfs_path, "/host/proc");
  EXPECT_EQ(o.set_collectors, (std::vector<std::string>{"cpu", "meminfo"}));
  EXPECT_EQ(o.disable_collectors, (std::vector<std::string>{"meminfo"}));
  EXPECT_TRUE(o.enable_cpu_guest_seconds_metric);
  EXPECT_EQ(o.filesystem_mount_timeout, absl::Seconds(2));
  EXPECT_EQ(o.netdev_device_exclude, "^veth");
  EXPECT_TRUE(o.netclass_ignore_invalid_speed_device);
}

TEST(NodeOptions, UnsupportedKeysAreRejectedByName) {
  for (const char* key :
       {"runit_service_dir: /x", "systemd_unit_include: .+", "ntp_server: 10.0.0.1",
        "enable_cpu_info_metric: true", "perf_cpus: 1-2"}) {
    Parsed p = Parse(key);
    ASSERT_FALSE(p.errors.ok()) << key;
    std::string name(key, std::string(key).find(':'));
    EXPECT_THAT(p.AllErrors(), HasSubstr(name)) << key;
    EXPECT_THAT(p.AllErrors(), HasSubstr("not supported yet")) << key;
  }
}

TEST(NodeOptions, UnknownAndUnimplementedCollectorsAreConfigErrors) {
  EXPECT_THAT(Parse("enable_collectors: [nosuch]").AllErrors(),
              HasSubstr("unknown collector \"nosuch\""));
  EXPECT_THAT(Parse("set_collectors: [cpu, systemd]").AllErrors(),
              HasSubstr("collector \"systemd\" is not supported yet"));
  EXPECT_THAT(Parse("unknown_key: 1").AllErrors(), HasSubstr("unknown_key"));
}

TEST(NodeOptions, DeprecatedAliasesWarnAndBothIsAnError) {
  Parsed p = Parse(
      "netdev_device_blacklist: ^veth\nfilesystem_ignored_mount_points: ^/x\n"
      "diskstats_ignored_devices: ^ram\n");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  EXPECT_EQ(p.errors.warnings.size(), 3u);
  EXPECT_EQ(p.o().netdev_device_exclude, "^veth");
  EXPECT_EQ(p.o().filesystem_mount_points_exclude, "^/x");
  EXPECT_EQ(p.o().diskstats_device_exclude, "^ram");

  Parsed both = Parse("netdev_device_whitelist: a\nnetdev_device_include: b\n");
  EXPECT_FALSE(both.errors.ok());
  EXPECT_THAT(both.AllErrors(), HasSubstr("netdev_device_whitelist"));
  EXPECT_FALSE(Parse("systemd_unit_whitelist: a").errors.ok());
}

TEST(NodeOptions, StorageCollectorKeys) {
  Parsed p = Parse(R"(
tapestats_ignored_devices: ^st1$
ipvs_backend_labels: [proto, local_address]
enable_bcache_priority_stats: true
)");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  EXPECT_EQ(p.o().tapestats_ignored_devices, "^st1$");
  EXPECT_EQ(p.o().ipvs_backend_labels, (std::vector<std::string>{"proto", "local_address"}));
  EXPECT_TRUE(p.o().enable_bcache_priority_stats);
  EXPECT_EQ(Parse("{}").o().tapestats_ignored_devices, "^$");
  EXPECT_THAT(Parse("ipvs_backend_labels: [proto, nosuch]").AllErrors(),
              HasSubstr("unknown IPVS backend labels: \"nosuch\""));
  EXPECT_FALSE(Parse("tapestats_ignored_devices: \"(\"").errors.ok());
}

TEST(NodeOptions, BadValuesAreErrors) {
  EXPECT_FALSE(Parse("netstat_fields: \"(\"").errors.ok());
  EXPECT_FALSE(Parse("filesystem_mount_timeout: soon").errors.ok());
  EXPECT_FALSE(Parse("netdev_device_include: a\nnetdev_device_exclude: b\n").errors.ok());
}

TEST(NodeOptions, DumpWritesEveryKeyAndReadsBack) {
  Options o;
  o.netdev_device_exclude = "^veth";
  o.enable_collectors = {"cpu"};
  YAML::Emitter out;
  out << YAML::BeginMap;
  Spec().Dump(o, out);
  out << YAML::EndMap;
  YAML::Node dumped = YAML::Load(out.c_str());
  for (const char* key : {"procfs_path", "sysfs_path", "rootfs_path", "udev_data_path",
                          "set_collectors", "filesystem_mount_timeout", "textfile_directory",
                          "vmstat_fields"}) {
    EXPECT_TRUE(dumped[key].IsDefined()) << key;
  }
  // Keys of features not implemented yet are rejected on load, so the dump
  // leaves them out.
  for (const char* key : {"systemd_unit_exclude", "ntp_server"}) {
    EXPECT_FALSE(dumped[key].IsDefined()) << key;
  }
  EXPECT_EQ(dumped["netdev_device_exclude"].as<std::string>(), "^veth");
  EXPECT_EQ(dumped["filesystem_mount_timeout"].as<std::string>(), "5s");
  // And the dump loads again.
  EXPECT_TRUE(Parse(out.c_str()).errors.ok());
}

TEST(NodeOptions, InstanceKeyIsTheAgentKeyAndCreateWorks) {
  config::HostInfo host;
  host.agent_key = "vm:12345";
  Options o;
  EXPECT_EQ(Spec().InstanceKey(o, host), "vm:12345");
  config::IntegrationConfig cfg;
  cfg.name = "node_exporter";
  auto opts = std::make_shared<Options>();
  opts->set_collectors = {"loadavg"};
  cfg.options = opts;
  auto integ = Spec().Create(cfg, host);
  ASSERT_TRUE(integ.ok()) << integ.status();
  opts->set_collectors = {"nosuch"};
  EXPECT_FALSE(Spec().Create(cfg, host).ok());
}

}  // namespace
}  // namespace outpost::integrations::node
