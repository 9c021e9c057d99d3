// The snmp integration's per-target collection against a real snmpd:
// module metrics, snmp_scrape_* with the module label, v3, and a target
// that is down (wrong community, wrong v3 password, nothing listening):
// up 0 through TargetDown, logged once per state change.
#include "integrations/snmp/snmp.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "core/base/memory_appender.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integrations/options_test_util.h"
#include "tests/support/log_capture.h"
#include "tests/support/shared_server.h"
#include "tests/support/snmpd_server.h"

namespace outpost::integrations::snmp {
namespace {

using ::testing::HasSubstr;
using testing::SnmpdServer;

SnmpdServer* Snmpd() { return testing::SharedServerOf<SnmpdServer>("snmpd"); }

const std::string kFixture = std::string(OUTPOST_SOURCE_DIR "/tests/integrations/snmp/testdata/if_test.yml");

// The options of one target of module if_test at `address` with `auth`
// (an auth of the fixture or of `extra_auths`, a YAML auths: body).
std::shared_ptr<const Options> OneTarget(const std::string& address, const std::string& auth,
                                         const std::string& extra = "") {
  // The fixture's module, inline, so that more auths can be added.
  YAML::Node fixture = YAML::LoadFile(kFixture);
  YAML::Node block;
  block["snmp_config"] = fixture;
  if (!extra.empty()) {
    YAML::Node more = YAML::Load(extra);
    for (const auto& kv : more) block["snmp_config"]["auths"][kv.first] = kv.second;
  }
  YAML::Node t;
  t["name"] = "dev";
  t["address"] = address;
  t["module"] = "if_test";
  t["auth"] = auth;
  block["snmp_targets"].push_back(t);
  YAML::Emitter e;
  e << block;
  auto p = options_test::Parse<Options>(Spec(), e.c_str());
  EXPECT_TRUE(p.errors.ok()) << p.AllErrors();
  return std::static_pointer_cast<const Options>(p.opts);
}

std::unique_ptr<Integration> Make(std::shared_ptr<const Options> o) {
  absl::StatusOr<std::unique_ptr<Integration>> i = NewTargetIntegration(std::move(o), 0);
  EXPECT_TRUE(i.ok()) << i.status();
  return i.ok() ? *std::move(i) : nullptr;
}

const std::string kV3Auths = std::string(R"(
v3ok: {version: 3, security_level: authPriv, username: )") + SnmpdServer::kV3User +
                             ", password: " + SnmpdServer::kAuthPassword +
                             ", auth_protocol: SHA, priv_protocol: AES, priv_password: " +
                             SnmpdServer::kPrivPassword + R"(}
v3bad: {version: 3, security_level: authPriv, username: )" + SnmpdServer::kV3User +
                             ", password: not-the-password, auth_protocol: SHA, priv_protocol: AES, "
                             "priv_password: " +
                             SnmpdServer::kPrivPassword + R"(}
wrongcommunity: {community: not-public}
)";

void ExpectInterfaceMetrics(const std::string& auth) {
  SnmpdServer* snmpd = Snmpd();
  ASSERT_NE(snmpd, nullptr);
  std::unique_ptr<Integration> in = Make(OneTarget(snmpd->address(), auth, kV3Auths));
  ASSERT_NE(in, nullptr);
  MemoryAppender app;
  ASSERT_TRUE(in->Collect(app, absl::Now() + absl::Seconds(20)).ok());
  const std::string text = app.Render();
  EXPECT_THAT(text, HasSubstr("ifInOctets{ifDescr=\"lo\",ifIndex=\"1\"}"));
  EXPECT_THAT(text, HasSubstr("ifHCInOctets{ifIndex=\"1\",ifName=\"lo\"}"));
  EXPECT_THAT(text, HasSubstr("ifType_info{ifDescr=\"lo\",ifIndex=\"1\",ifType=\"softwareLoopback\"} 1"));
  EXPECT_THAT(text, HasSubstr("# TYPE ifInOctets counter"));
  EXPECT_THAT(text, HasSubstr("sysUpTime "));
  for (const char* m : {"snmp_scrape_walk_duration_seconds", "snmp_scrape_packets_sent",
                        "snmp_scrape_packets_retried", "snmp_scrape_pdus_returned",
                        "snmp_scrape_duration_seconds"}) {
    EXPECT_THAT(text, HasSubstr(std::string(m) + "{module=\"if_test\"} ")) << m;
  }
  EXPECT_NE(app.Find("snmp_scrape_packets_retried", Labels({{"module", "if_test"}})), nullptr);
  EXPECT_EQ(*app.Find("snmp_scrape_packets_retried", Labels({{"module", "if_test"}})), 0);
  EXPECT_GT(*app.Find("snmp_scrape_pdus_returned", Labels({{"module", "if_test"}})), 20);
  // Again, on the kept session.
  app.Clear();
  ASSERT_TRUE(in->Collect(app, absl::Now() + absl::Seconds(20)).ok());
  EXPECT_THAT(app.Render(), HasSubstr("ifInOctets{ifDescr=\"lo\",ifIndex=\"1\"}"));
}

TEST(SnmpIntegration, V2cIfMetrics) { ExpectInterfaceMetrics("test_v2"); }
TEST(SnmpIntegration, V3AuthPrivIfMetrics) { ExpectInterfaceMetrics("v3ok"); }

void ExpectDown(const std::string& address, const std::string& auth, absl::Duration limit) {
  testing::LogCapture logs;
  std::unique_ptr<Integration> in = Make(OneTarget(address, auth, kV3Auths));
  ASSERT_NE(in, nullptr);
  for (int round = 0; round < 2; ++round) {
    MemoryAppender app;
    const absl::Time start = absl::Now();
    absl::Status st = in->Collect(app, start + limit);
    EXPECT_TRUE(IsTargetDown(st)) << st;
    EXPECT_THAT(st.message(), HasSubstr("snmp: dev: "));
    EXPECT_EQ(app.series_count(), 0u);
    EXPECT_LT(absl::Now(), start + limit + absl::Seconds(5)) << "did not stop at the deadline";
  }
  EXPECT_EQ(logs.Count("error scraping SNMP target"), 1) << logs.text();
}

// The fixture's module: timeout 2s, retries 2: down after ~6 s.
TEST(SnmpIntegration, WrongCommunityIsDown) {
  SnmpdServer* snmpd = Snmpd();
  ASSERT_NE(snmpd, nullptr);
  ExpectDown(snmpd->address(), "wrongcommunity", absl::Seconds(30));
}

TEST(SnmpIntegration, WrongV3PasswordIsDown) {
  SnmpdServer* snmpd = Snmpd();
  ASSERT_NE(snmpd, nullptr);
  ExpectDown(snmpd->address(), "v3bad", absl::Seconds(30));
}

TEST(SnmpIntegration, NothingListeningIsDownAtTheDeadline) {
  ExpectDown("127.0.0.1:" + std::to_string(testing::FreeUdpPort()), "test_v2", absl::Seconds(1));
}

TEST(SnmpIntegration, RecoveryIsLoggedOnce) {
  SnmpdServer* snmpd = Snmpd();
  ASSERT_NE(snmpd, nullptr);
  testing::LogCapture logs;
  // A target whose address is right but the first rounds end at a
  // deadline already passed: down, then up.
  std::unique_ptr<Integration> in = Make(OneTarget(snmpd->address(), "test_v2"));
  ASSERT_NE(in, nullptr);
  MemoryAppender app;
  EXPECT_TRUE(IsTargetDown(in->Collect(app, absl::Now() - absl::Seconds(1))));
  EXPECT_TRUE(IsTargetDown(in->Collect(app, absl::Now() - absl::Seconds(1))));
  EXPECT_TRUE(in->Collect(app, absl::Now() + absl::Seconds(20)).ok());
  EXPECT_TRUE(in->Collect(app, absl::Now() + absl::Seconds(20)).ok());
  EXPECT_EQ(logs.Count("error scraping SNMP target"), 1) << logs.text();
  EXPECT_EQ(logs.Count("SNMP target reachable again"), 1) << logs.text();
}

// Targets collected from several threads at once (the agent's bounded
// concurrency): v2c and v3 sessions share net-snmp's process-wide state.
TEST(SnmpIntegration, ConcurrentTargets) {
  SnmpdServer* snmpd = Snmpd();
  ASSERT_NE(snmpd, nullptr);
  std::vector<std::unique_ptr<Integration>> targets;
  for (int i = 0; i < 4; ++i) {
    targets.push_back(Make(OneTarget(snmpd->address(), i % 2 == 0 ? "test_v2" : "v3ok", kV3Auths)));
    ASSERT_NE(targets.back(), nullptr);
  }
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (auto& t : targets) {
    threads.emplace_back([&ok, in = t.get()] {
      MemoryAppender app;  // one per target, as the agent's
      for (int round = 0; round < 3; ++round) {
        app.Clear();
        absl::Status st = in->Collect(app, absl::Now() + absl::Seconds(20));
        if (!st.ok()) std::fprintf(stderr, "collect: %s\n", std::string(st.message()).c_str());
        if (st.ok() && app.Render().find("ifInOctets{ifDescr=\"lo\"") != std::string::npos) ++ok;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 12);
}

TEST(SnmpIntegration, FiltersAreWalkedWhole) {
  auto p = options_test::Parse<Options>(Spec(), R"(
snmp_config:
  modules:
    m:
      walk: [1.3.6.1.2.1.2.2.1.2]
      metrics: []
      filters:
      - oid: 1.3.6.1.2.1.2.2.1.7
        targets: [1.3.6.1.2.1.2.2.1.2]
        values: ["1"]
)");
  EXPECT_TRUE(p.errors.ok()) << p.AllErrors();
  ASSERT_EQ(p.errors.warnings.size(), 1u);
  EXPECT_THAT(p.errors.warnings[0], HasSubstr("snmp_config.modules.m.filters: not supported yet"));
}

}  // namespace
}  // namespace outpost::integrations::snmp
