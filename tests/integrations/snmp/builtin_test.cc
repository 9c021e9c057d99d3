// The built-in modules: if_mib is upstream's generated if_mib module
// (testdata/if_mib_v0.21.yml, snmp_exporter v0.21.0's snmp.yml) in every
// metric, type, index, lookup, enum and HELP, and gives the same series on
// the same PDUs; system reads the system group; the YAML text parses back.
#include "integrations/snmp/builtin_modules.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integrations/snmp/engine_test_util.h"
#include "tests/integrations/snmp/if_mib_device.h"

namespace outpost::integrations::snmp {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

Module UpstreamIfMib() {
  config::Errors errs;
  YAML::Node doc = YAML::LoadFile(std::string(OUTPOST_SOURCE_DIR "/tests/integrations/snmp/testdata/if_mib_v0.21.yml"));
  config::MapReader m(doc["if_mib"], "if_mib", &errs);
  Module mod = ParseModule(m);
  m.Finish();
  EXPECT_TRUE(errs.ok()) << errs.errors.front();
  return mod;
}

const Module& Builtin(const std::string& name) {
  auto it = BuiltinModules().find(name);
  EXPECT_NE(it, BuiltinModules().end()) << name;
  return it->second;
}

TEST(SnmpBuiltin, IfMibIsUpstreamsModule) {
  const Module up = UpstreamIfMib();
  const Module& mine = Builtin("if_mib");
  EXPECT_EQ(mine.walk, up.walk);
  EXPECT_EQ(mine.get, up.get);
  ASSERT_EQ(mine.metrics.size(), up.metrics.size());
  for (const Metric& u : up.metrics) {
    SCOPED_TRACE(u.name);
    auto it = std::find_if(mine.metrics.begin(), mine.metrics.end(), [&](const Metric& m) { return m.name == u.name; });
    ASSERT_NE(it, mine.metrics.end());
    EXPECT_EQ(it->oid, u.oid);
    EXPECT_EQ(it->type, u.type);
    EXPECT_EQ(it->help, u.help);
    EXPECT_EQ(it->enum_values, u.enum_values);
    ASSERT_EQ(it->indexes.size(), u.indexes.size());
    for (size_t i = 0; i < u.indexes.size(); ++i) {
      EXPECT_EQ(it->indexes[i].labelname, u.indexes[i].labelname);
      EXPECT_EQ(it->indexes[i].type, u.indexes[i].type);
    }
    ASSERT_EQ(it->lookups.size(), u.lookups.size());
    for (size_t i = 0; i < u.lookups.size(); ++i) {
      EXPECT_EQ(it->lookups[i].labels, u.lookups[i].labels);
      EXPECT_EQ(it->lookups[i].labelname, u.lookups[i].labelname);
      EXPECT_EQ(it->lookups[i].oid, u.lookups[i].oid);
      EXPECT_EQ(it->lookups[i].type, u.lookups[i].type);
    }
  }
}

TEST(SnmpBuiltin, IfMibGivesUpstreamsSeries) {
  const std::vector<Pdu> pdus = test::IfMibDevicePdus(7);
  test::Collected up = test::RunModule(UpstreamIfMib(), pdus);
  test::Collected mine = test::RunModule(Builtin("if_mib"), pdus);
  ASSERT_TRUE(up.status.ok()) << up.status;
  ASSERT_TRUE(mine.status.ok()) << mine.status;
  EXPECT_EQ(mine.lines, up.lines);
  ASSERT_EQ(mine.families.size(), up.families.size());
  for (const auto& [name, f] : up.families) {
    EXPECT_EQ(mine.families[name].type, f.type) << name;
    EXPECT_EQ(mine.families[name].help, f.help) << name;
  }
  // 2 scalars, 7 interfaces x 38 columns (ifType as _info).
  EXPECT_EQ(mine.lines.size(), 2u + 7 * 38);
  EXPECT_THAT(mine.lines, Contains("ifType_info{ifAlias=\"uplink 2\", ifDescr=\"eth0\", ifIndex=\"2\", "
                                   "ifName=\"eth0\", ifType=\"ethernetCsmacd\"} 1"));
  EXPECT_THAT(mine.lines, Contains("ifPhysAddress{ifAlias=\"uplink 2\", ifDescr=\"eth0\", ifIndex=\"2\", "
                                   "ifName=\"eth0\", ifPhysAddress=\"52:54:00:12:34:02\"} 1"));
  EXPECT_THAT(mine.lines, Contains("ifSpecific{ifDescr=\"lo\", ifIndex=\"1\", ifName=\"lo\", ifSpecific=\"0.0\"} 1"));
  EXPECT_THAT(mine.lines, Contains("sysUpTime{} 1.23456789e+08"));
  EXPECT_EQ(mine.families["ifHCInOctets"].type, MetricType::kCounter);
  EXPECT_EQ(mine.families["ifOperStatus"].type, MetricType::kGauge);
}

TEST(SnmpBuiltin, IfTypeNamesAreIanas) {
  const Module& m = Builtin("if_mib");
  auto it = std::find_if(m.metrics.begin(), m.metrics.end(), [](const Metric& x) { return x.name == "ifType"; });
  ASSERT_NE(it, m.metrics.end());
  EXPECT_EQ(it->enum_values.size(), 299u);
  EXPECT_EQ(it->enum_values.at(6), "ethernetCsmacd");
  EXPECT_EQ(it->enum_values.at(24), "softwareLoopback");
  EXPECT_EQ(it->enum_values.at(303), "p2pOverLan");
}

TEST(SnmpBuiltin, SystemGroup) {
  const std::vector<Pdu> pdus = {
      test::Bytes("1.3.6.1.2.1.1.1.0", "Linux host 6.1.0 x86_64"),
      test::OidValue("1.3.6.1.2.1.1.2.0", "1.3.6.1.4.1.8072.3.2.10"),
      test::Unsigned("1.3.6.1.2.1.1.3.0", PduType::kTimeTicks, 4200),
      test::Bytes("1.3.6.1.2.1.1.4.0", "ops@example.com"),
      test::Bytes("1.3.6.1.2.1.1.5.0", "host"),
      test::Bytes("1.3.6.1.2.1.1.6.0", "rack 4"),
      test::Int("1.3.6.1.2.1.1.7.0", 72),
      test::Unsigned("1.3.6.1.2.1.1.8.0", PduType::kTimeTicks, 3),
      test::OidValue("1.3.6.1.2.1.1.9.1.2.1", "1.3.6.1.6.3.1"),
      test::Bytes("1.3.6.1.2.1.1.9.1.3.1", "The MIB module for SNMPv2 entities"),
      test::Unsigned("1.3.6.1.2.1.1.9.1.4.1", PduType::kTimeTicks, 2),
  };
  test::Collected c = test::RunModule(Builtin("system"), pdus);
  ASSERT_TRUE(c.status.ok()) << c.status;
  EXPECT_THAT(c.lines,
              ElementsAre("sysContact{sysContact=\"ops@example.com\"} 1",
                          "sysDescr{sysDescr=\"Linux host 6.1.0 x86_64\"} 1", "sysLocation{sysLocation=\"rack 4\"} 1",
                          "sysName{sysName=\"host\"} 1", "sysORDescr{sysORDescr=\"The MIB module for SNMPv2 entities\", "
                                                         "sysORIndex=\"1\"} 1",
                          "sysORID{sysORID=\"1.3.6.1.6.3.1\", sysORIndex=\"1\"} 1", "sysORLastChange{} 3",
                          "sysORUpTime{sysORIndex=\"1\"} 2", "sysObjectID{sysObjectID=\"1.3.6.1.4.1.8072.3.2.10\"} 1",
                          "sysServices{} 72", "sysUpTime{} 4200"));
  EXPECT_EQ(c.families["sysName"].help, "An administratively-assigned name for this managed node - 1.3.6.1.2.1.1.5");
  EXPECT_EQ(Builtin("system").walk, std::vector<std::string>{"1.3.6.1.2.1.1"});
}

TEST(SnmpBuiltin, YamlParsesBackToTheModules) {
  YAML::Node doc = YAML::Load(BuiltinModulesYaml());
  ASSERT_TRUE(doc["modules"].IsMap());
  for (const auto& [name, module] : BuiltinModules()) {
    config::Errors errs;
    config::MapReader m(doc["modules"][name], "modules." + name, &errs);
    Module again = ParseModule(m);
    m.Finish();
    ASSERT_TRUE(errs.ok()) << errs.errors.front();
    YAML::Emitter a, b;
    a << YAML::BeginMap;
    DumpModule(module, a);
    a << YAML::EndMap;
    b << YAML::BeginMap;
    DumpModule(again, b);
    b << YAML::EndMap;
    EXPECT_EQ(std::string(a.c_str()), std::string(b.c_str())) << name;
  }
}

}  // namespace
}  // namespace outpost::integrations::snmp
