// Every metric name the bundled dashboards and rules read is one outpost
// really emits. The catalog is built by running the code, not from a hand
// list: the node integration against the node test fixture tree and
// against this host, the process integration against this host, the mysqld,
// redis, postgres, apache_http and memcached
// integrations against throwaway MariaDB / Redis / PostgreSQL / apache2 / memcached servers, the
// blackbox probers against apache2 (plain and TLS), loopback and dnsmasq, snmp against snmpd (all through the
// integration registry into a MemoryAppender), and outpost's self-metrics
// from the built binary's /metrics. Also runs `promtool check rules` and `promtool test rules` on
// dashboards/rules.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "core/base/exposition_parser.h"
#include "core/base/memory_appender.h"
#include "core/config/integration_spec.h"
#include "core/config/map_reader.h"
#include "gtest/gtest.h"
#include "integrations/registry.h"
#include "tests/core/agent/http_get.h"
#include "tests/dashboards/dashboard_util.h"
#include "tests/e2e/cli/process.h"
#include "tests/integrations/node/fixture_util.h"
#include "tests/support/apache_server.h"
#include "tests/support/dnsmasq_server.h"
#include "tests/support/free_port.h"
#include "tests/support/mariadb_server.h"
#include "tests/support/memcached_server.h"
#include "tests/support/postgres_server.h"
#include "tests/support/redis_server.h"
#include "tests/support/snmpd_server.h"
#include "yaml-cpp/yaml.h"

namespace outpost::dashboards {
namespace {

using outpost::testing::HttpRequestTo;

// Names that cannot be produced here, each with the reason. Keep short.
const std::map<std::string, std::string>& AllowList() {
  static const auto* m = new std::map<std::string, std::string>{
      {"mysql_slave_status_seconds_behind_master",
       "slave_status only has rows on a replica; the throwaway MariaDB is a lone primary"},
      {"mysql_global_status_innodb_row_ops_total",
       "from MySQL's Innodb_rows_* status variables, which MariaDB (10.6+, Debian 12's "
       "10.11) no longer has"},
  };
  return *m;
}

// The report series outpost adds for every integration, as a scrape does
// (core/agent/pipeline.cc kReportNames). They are written to the WAL, not
// produced by a collector, so no collection above can show them.
const std::set<std::string>& ReportSeries() {
  static const auto* s = new std::set<std::string>{
      "up", "scrape_duration_seconds", "scrape_samples_scraped",
      "scrape_samples_post_metric_relabeling", "scrape_series_added"};
  return *s;
}

// The integration `name` with options `yaml` (or `opts`); for a handler
// integration (blackbox, snmp), the one collecting target `target`.
std::unique_ptr<Integration> Create(const std::string& name, const std::string& yaml,
                                    std::shared_ptr<const config::IntegrationOptions> opts,
                                    std::string* error, size_t target = 0) {
  const config::IntegrationSpec* spec = integrations::Builtin().Find(name);
  if (spec == nullptr) {
    *error = "no integration " + name + " in the registry";
    return nullptr;
  }
  config::IntegrationConfig cfg;
  cfg.name = name;
  cfg.common.enabled = true;
  cfg.common.scrape_interval = absl::Seconds(15);
  cfg.common.scrape_timeout = absl::Seconds(10);
  if (opts == nullptr) {
    config::Errors errors;
    YAML::Node node = YAML::Load(yaml);
    config::MapReader m(node, "integrations." + name, &errors);
    opts = spec->Parse(m);
    m.Finish();
    if (!errors.ok()) {
      *error = errors.errors.front();
      return nullptr;
    }
  }
  cfg.options = std::move(opts);
  config::HostInfo host{"catalog-host", "catalog-host:12345", nullptr};
  absl::StatusOr<std::unique_ptr<Integration>> integ =
      spec->has_targets() ? spec->CreateTarget(cfg, host, target) : spec->Create(cfg, host);
  if (!integ.ok()) {
    *error = std::string(integ.status().message());
    return nullptr;
  }
  return std::move(*integ);
}

// Collects once and adds the sample names (with _bucket/_sum/_count).
void CollectNames(Integration& integ, std::set<std::string>* names, const std::string& what) {
  MemoryAppender app;
  absl::Status st = integ.Collect(app, absl::Now() + absl::Seconds(20));
  ASSERT_TRUE(st.ok()) << what << ": " << st;
  for (const CollectedSample& s : app.Samples()) names->insert(s.name);
  ASSERT_FALSE(app.Samples().empty()) << what;
}

void AddExpositionNames(const std::string& text, std::set<std::string>* names) {
  absl::StatusOr<std::vector<ExpositionFamily>> fams = ParseExposition(text);
  ASSERT_TRUE(fams.ok()) << fams.status();
  for (const ExpositionFamily& f : *fams) {
    for (const ExpositionSample& s : f.samples) names->insert(s.name.empty() ? f.meta.name : s.name);
  }
}

class CatalogTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    catalog_ = new std::set<std::string>(ReportSeries());
    std::string err;
    // node: the fixture tree (plus the syscall collectors), and this host
    // with the default collectors.
    {
      auto o = std::make_shared<integrations::node::Options>(
          integrations::node::fixture::FixtureOptions());
      o->set_collectors.push_back("uname");
      o->set_collectors.push_back("timex");
      auto integ = Create("node_exporter", "", o, &err);
      ASSERT_NE(integ, nullptr) << err;
      CollectNames(*integ, catalog_, "node_exporter (fixtures)");
      auto host = Create("node_exporter", "{}", nullptr, &err);
      ASSERT_NE(host, nullptr) << err;
      CollectNames(*host, catalog_, "node_exporter (host)");
    }
    {
      outpost::testing::MariadbServer db;
      ASSERT_TRUE(db.Start()) << db.error();
      auto integ = Create("mysqld_exporter", "data_source_name: \"" + db.Dsn() + "\"", nullptr, &err);
      ASSERT_NE(integ, nullptr) << err;
      CollectNames(*integ, catalog_, "mysqld_exporter");
    }
    {
      outpost::testing::RedisServer redis;
      ASSERT_TRUE(redis.ok()) << redis.error();
      // A key with an expiry, so the keyspace series exist.
      redis.Cli({"SET", "k1", "v"});
      redis.Cli({"SET", "k2", "v", "EX", "3600"});
      auto integ = Create("redis_exporter", "redis_addr: " + redis.addr(), nullptr, &err);
      ASSERT_NE(integ, nullptr) << err;
      CollectNames(*integ, catalog_, "redis_exporter");
    }
    {
      outpost::testing::PostgresServer pg;
      ASSERT_TRUE(pg.Start()) << pg.error();
      // A user table with rows and a read through its index, so the
      // per-table series (pg_stat_user_tables, pg_statio_user_tables) exist.
      ASSERT_TRUE(pg.Sql("CREATE TABLE items (id int PRIMARY KEY, name text);"
                         "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 10) g;"
                         "ANALYZE items; SELECT name FROM items WHERE id = 3;"))
          << pg.error();
      auto integ = Create("postgres_exporter", "data_source_names: [\"" + pg.Dsn() + "\"]",
                          nullptr, &err);
      ASSERT_NE(integ, nullptr) << err;
      CollectNames(*integ, catalog_, "postgres_exporter");
    }
    {
      outpost::testing::ApacheServer httpd;
      ASSERT_TRUE(httpd.Start()) << httpd.error();
      httpd.Get("/app/x");  // the balancer members' counters
      auto integ = Create("apache_http", "scrape_uri: " + httpd.StatusUri(), nullptr, &err);
      ASSERT_NE(integ, nullptr) << err;
      CollectNames(*integ, catalog_, "apache_http");
    }
    {
      outpost::testing::MemcachedServer mc;
      ASSERT_TRUE(mc.Start()) << mc.error();
      ASSERT_TRUE(mc.Set("k1", 100)) << "memcached set failed";
      auto integ = Create("memcached_exporter", "memcached_address: " + mc.addr(), nullptr, &err);
      ASSERT_NE(integ, nullptr) << err;
      CollectNames(*integ, catalog_, "memcached_exporter");
    }
    {
      // Every process of this host with a command line, threads and smaps
      // on (Debian's examples/all.yaml).
      auto integ = Create("process_exporter",
                          "process_names:\n  - name: \"{{.Comm}}\"\n    cmdline: [\".+\"]", nullptr,
                          &err);
      ASSERT_NE(integ, nullptr) << err;
      // A second thread of this test, so the thread families exist.
      std::thread second([] { std::this_thread::sleep_for(std::chrono::seconds(2)); });
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      CollectNames(*integ, catalog_, "process_exporter");
      second.join();
    }
    {
      // blackbox: a target per prober (http plain and over TLS, tcp, icmp,
      // dns), each collected through its own target integration.
      outpost::testing::ApacheServer web;
      ASSERT_TRUE(web.Start()) << web.error();
      outpost::testing::ApacheServer::Options tls;
      tls.tls = true;
      outpost::testing::ApacheServer tls_web(tls);
      ASSERT_TRUE(tls_web.Start()) << tls_web.error();
      outpost::testing::DnsmasqServer dns({"--host-record=www.test,127.0.0.10"});
      ASSERT_TRUE(dns.ready());
      const std::string yaml =
          "blackbox_config:\n"
          "  modules:\n"
          "    http_2xx: {prober: http}\n"
          "    https: {prober: http, http: {tls_config: {insecure_skip_verify: true}}}\n"
          "    tcp: {prober: tcp}\n"
          "    icmp: {prober: icmp, icmp: {preferred_ip_protocol: ip4}}\n"
          "    dns: {prober: dns, dns: {query_name: www.test, query_type: A, preferred_ip_protocol: ip4}}\n"
          "blackbox_targets:\n"
          "  - {name: web, address: 'http://127.0.0.1:" + std::to_string(web.port()) + "/', module: http_2xx}\n"
          "  - {name: tls, address: 'https://127.0.0.1:" + std::to_string(tls_web.port()) + "/', module: https}\n"
          "  - {name: tcp, address: '127.0.0.1:" + std::to_string(web.port()) + "', module: tcp}\n"
          "  - {name: ping, address: 127.0.0.1, module: icmp}\n"
          "  - {name: dns, address: '" + dns.address() + "', module: dns}\n";
      for (size_t i = 0; i < 5; ++i) {
        auto integ = Create("blackbox", yaml, nullptr, &err, i);
        ASSERT_NE(integ, nullptr) << err;
        CollectNames(*integ, catalog_, "blackbox target " + std::to_string(i));
      }
    }
    {
      // snmp: the built-in if_mib module against a throwaway snmpd.
      outpost::testing::SnmpdServer snmpd;
      ASSERT_TRUE(snmpd.Start()) << snmpd.error();
      auto integ = Create("snmp", "snmp_targets:\n  - {name: dev, address: '" + snmpd.address() + "'}",
                          nullptr, &err);
      ASSERT_NE(integ, nullptr) << err;
      CollectNames(*integ, catalog_, "snmp");
    }
    // outpost's self-metrics: the binary with remote write configured (to a
    // port nobody listens on; the queue's metrics exist regardless).
    {
      outpost::testing::TempDir d;
      const int port = outpost::testing::FreePort();
      const int rw_port = outpost::testing::FreePort();
      outpost::testing::WriteFile(
          d / "agent.yaml",
          "metrics:\n  wal_directory: " + (d / "data") +
              "\n  global:\n    scrape_interval: 1s\n"
              "integrations:\n  prometheus_remote_write:\n"
              "    - url: http://127.0.0.1:" + std::to_string(rw_port) + "/api/v1/write\n"
              "  agent:\n    enabled: true\n");
      outpost::testing::Process agent(
          {"-config.file=" + (d / "agent.yaml"),
           "-server.http.address=127.0.0.1:" + std::to_string(port)},
          d.path());
      std::string body;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (std::chrono::steady_clock::now() < deadline) {
        outpost::testing::HttpResult r = HttpRequestTo(port, "GET", "/metrics");
        if (r.status == 200 && r.body.find("prometheus_wal_watcher_current_segment") != std::string::npos &&
            r.body.find("prometheus_remote_storage_samples_total") != std::string::npos) {
          body = r.body;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
      ASSERT_FALSE(body.empty()) << "outpost /metrics never showed the remote-write metrics\n"
                                 << agent.err();
      AddExpositionNames(body, catalog_);
    }
  }
  static void TearDownTestSuite() {
    delete catalog_;
    catalog_ = nullptr;
  }

  // The names in `names` that are neither emitted nor allow-listed.
  static std::set<std::string> Unknown(const std::set<std::string>& names,
                                       const std::set<std::string>& extra = {}) {
    std::set<std::string> out;
    for (const std::string& n : names) {
      if (catalog_->count(n) == 0 && AllowList().count(n) == 0 && extra.count(n) == 0) out.insert(n);
    }
    return out;
  }

  static std::set<std::string>* catalog_;
};

std::set<std::string>* CatalogTest::catalog_ = nullptr;

std::string Join(const std::set<std::string>& s) {
  std::string out;
  for (const std::string& x : s) out += (out.empty() ? "" : ", ") + x;
  return out;
}

TEST_F(CatalogTest, CatalogHasEveryIntegrationAndTheSelfMetrics) {
  ASSERT_NE(catalog_, nullptr);
  for (const char* n : {"node_uname_info", "node_cpu_seconds_total", "mysql_up",
                        "mysql_global_status_queries", "redis_up", "redis_db_keys",
                        "pg_up", "pg_stat_user_tables_n_live_tup", "apache_up", "memcached_up",
                        "memcached_slab_items_outofmemory_total", "namedprocess_namegroup_thread_count",
                        "agent_build_info", "probe_success", "probe_ssl_earliest_cert_expiry",
                        "probe_icmp_duration_seconds", "probe_dns_answer_rrs", "ifHCInOctets",
                        "snmp_scrape_duration_seconds", "prometheus_remote_storage_samples_total",
                        "prometheus_remote_storage_sent_batch_duration_seconds_bucket"}) {
    EXPECT_EQ(catalog_->count(n), 1u) << n;
  }
  // The allow-list only holds names the catalog really lacks.
  for (const auto& [name, reason] : AllowList()) EXPECT_EQ(catalog_->count(name), 0u) << name;
}

TEST_F(CatalogTest, DashboardMetricNamesAreEmitted) {
  ASSERT_NE(catalog_, nullptr);
  const std::vector<std::string> files = DashboardFiles();
  ASSERT_FALSE(files.empty());
  std::set<std::string> used_allowed;
  for (const std::string& f : files) {
    Json dash = LoadJson(f);
    ASSERT_FALSE(dash.is_discarded()) << f;
    std::set<std::string> names;
    for (const TargetRef& t : AllTargets(dash)) {
      ExprInfo info = AnalyzeExpr(t.expr);
      EXPECT_EQ(info.error, "") << f << " " << t.panel_title << ": " << t.expr;
      for (const Selector& s : info.selectors) names.insert(s.metric);
    }
    for (const Json* v : QueryVariables(dash)) {
      std::string sel, label;
      ASSERT_TRUE(ParseLabelValues(Str(*v, "query"), &sel, &label)) << f;
      for (const std::string& n : MetricNames(sel)) names.insert(n);
    }
    names.erase("");
    EXPECT_GT(names.size(), 5u) << f;
    EXPECT_EQ(Join(Unknown(names)), "") << f << " reads names outpost does not emit";
    for (const std::string& n : names) {
      if (AllowList().count(n)) used_allowed.insert(n);
    }
  }
  // Every allow-list entry is there because a dashboard needs it.
  for (const auto& [name, reason] : AllowList()) EXPECT_EQ(used_allowed.count(name), 1u) << name;
}

// Runs a program, returns {exit status, combined output}.
std::pair<int, std::string> RunProgram(const std::vector<std::string>& argv) {
  outpost::testing::TempDir d;
  outpost::testing::SpawnedProcess p(argv, d / "out");
  const int code = p.Wait(std::chrono::minutes(5)).value_or(-1);
  return {code > 128 ? -1 : code, outpost::testing::ReadAll(d / "out")};
}

const char kPromtool[] = "/usr/bin/promtool";

TEST(RulesTest, PromtoolChecksAndTestsTheRules) {
  ASSERT_EQ(access(kPromtool, X_OK), 0)
      << "promtool is required (Debian package prometheus; tests/run.sh installs it)";
  const std::vector<std::string> rules = FilesIn("rules", ".yaml");
  const std::vector<std::string> tests = FilesIn("rules/tests", ".yaml");
  ASSERT_GE(rules.size(), 4u);
  ASSERT_GE(tests.size(), rules.size()) << "one promtool test file per rule file";
  std::vector<std::string> check = {kPromtool, "check", "rules"};
  check.insert(check.end(), rules.begin(), rules.end());
  auto [code, out] = RunProgram(check);
  EXPECT_EQ(code, 0) << out;
  std::vector<std::string> test = {kPromtool, "test", "rules"};
  test.insert(test.end(), tests.begin(), tests.end());
  auto [tcode, tout] = RunProgram(test);
  EXPECT_EQ(tcode, 0) << tout;
  EXPECT_EQ(tout.find("FAILED"), std::string::npos) << tout;
}

TEST_F(CatalogTest, RuleMetricNamesAreEmitted) {
  ASSERT_NE(catalog_, nullptr);
  for (const std::string& f : FilesIn("rules", ".yaml")) {
    YAML::Node doc;
    try {
      doc = YAML::LoadFile(f);
    } catch (const YAML::Exception& e) {
      FAIL() << f << ": " << e.what();
    }
    std::set<std::string> recorded, names;
    for (const YAML::Node& g : doc["groups"]) {
      for (const YAML::Node& r : g["rules"]) {
        if (r["record"]) recorded.insert(r["record"].as<std::string>());
        const std::string expr = r["expr"].as<std::string>();
        ExprInfo info = AnalyzeExpr(expr);
        EXPECT_EQ(info.error, "") << f << ": " << expr;
        for (const Selector& s : info.selectors) {
          names.insert(s.metric);
          // Rules see every outpost in the TSDB: pin the integration's job.
          if (recorded.count(s.metric) == 0) {
            EXPECT_NE(s.matchers.find("job="), std::string::npos) << f << ": " << expr;
          }
        }
      }
    }
    names.erase("");
    EXPECT_EQ(Join(Unknown(names, recorded)), "") << f << " reads names outpost does not emit";
  }
}

}  // namespace
}  // namespace outpost::dashboards
