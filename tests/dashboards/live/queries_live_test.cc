// Every variable query and panel query of the bundled dashboards returns
// data against a real setup: a throwaway MariaDB, Redis, PostgreSQL,
// apache2 (plain and TLS), memcached, dnsmasq and snmpd, the outpost binary
// with the agent, node_exporter, mysqld_exporter, redis_exporter,
// postgres_exporter, apache_http, memcached_exporter, process_exporter,
// blackbox (http, https, icmp and dns targets) and snmp (if_mib)
// integrations at a 1 s interval,
// remote-writing to Debian's Prometheus
// (remote-write receiver on). Queries run through Prometheus' HTTP API with
// $job/$instance/$groupname = ".+" (the "All" value) and
// $__rate_interval = 15s.
//
// Why 15s: Grafana's $__rate_interval is at least four scrape intervals
// (4 s here); 15 s holds ~15 samples of every series, so rate() has the
// two points it needs even with a second or two of shipping delay, while
// the test only has to wait ~20 s of data (a 1m window would work as well
// but would hide a series that stopped arriving during the test).
#include <unistd.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/core/agent/http_get.h"
#include "tests/dashboards/dashboard_util.h"
#include "tests/e2e/cli/process.h"
#include "tests/support/free_port.h"
#include "tests/support/mariadb_server.h"
#include "tests/support/apache_server.h"
#include "tests/support/dnsmasq_server.h"
#include "tests/support/memcached_server.h"
#include "tests/support/postgres_server.h"
#include "tests/support/prometheus_receiver.h"
#include "tests/support/redis_server.h"
#include "tests/support/snmpd_server.h"

namespace outpost::dashboards {
namespace {

using outpost::testing::HttpRequestTo;
using outpost::testing::HttpResult;
using outpost::testing::UrlEncode;

constexpr char kRateInterval[] = "15s";

// Panel queries allowed to return nothing here, by a substring of the
// expression, with the reason.
const std::map<std::string, std::string>& EmptyAllowed() {
  static const auto* m = new std::map<std::string, std::string>{
      {"mysql_slave_status_seconds_behind_master",
       "replication lag: the throwaway MariaDB is not a replica"},
      {"mysql_global_status_innodb_row_ops_total",
       "MySQL's Innodb_rows_* status variables: MariaDB 10.6+ has none"},
  };
  return *m;
}

std::string Substitute(std::string q) {
  q = ReplaceAll(q, "$__rate_interval", kRateInterval);
  q = ReplaceAll(q, "$job", ".+");
  q = ReplaceAll(q, "$groupname", ".+");
  return ReplaceAll(q, "$instance", ".+");
}

// The live environment, shared by all tests of the suite.
struct Env {
  outpost::testing::TempDir dir;
  int prom_port = 0;
  std::unique_ptr<outpost::testing::PrometheusReceiver> prometheus;
  outpost::testing::MariadbServer db;
  outpost::testing::PostgresServer pg;
  std::unique_ptr<outpost::testing::RedisServer> redis;
  outpost::testing::ApacheServer httpd;
  std::unique_ptr<outpost::testing::MemcachedServer> memcached;
  std::unique_ptr<outpost::testing::ApacheServer> tls_web;
  std::unique_ptr<outpost::testing::DnsmasqServer> dns;
  outpost::testing::SnmpdServer snmpd;
  std::unique_ptr<outpost::testing::Process> agent;
  std::string error;  // set when setting up failed

  // GET on Prometheus' API; the parsed reply, or a discarded value.
  Json Api(const std::string& path, std::string* raw = nullptr) const {
    HttpResult r = HttpRequestTo(prom_port, "GET", path);
    const std::string& body = r.body;
    if (raw != nullptr) *raw = std::to_string(r.status) + " " + body.substr(0, 2000);
    if (r.status != 200) return Json::value_t::discarded;
    return Json::parse(body, nullptr, false);
  }
  // The result vector of an instant query (a discarded value on error).
  Json Query(const std::string& q, std::string* raw = nullptr) const {
    Json j = Api("/api/v1/query?query=" + UrlEncode(q), raw);
    if (j.is_discarded() || j.value("status", "") != "success") return Json::value_t::discarded;
    return j["data"]["result"];
  }
};

Env* env = nullptr;

bool WaitFor(const std::function<bool()>& ok, std::chrono::seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return false;
}

std::string SetUpEnv(Env& e) {
  e.prometheus = std::make_unique<outpost::testing::PrometheusReceiver>(e.dir.path());
  if (!e.prometheus->ok()) return e.prometheus->error();
  e.prom_port = e.prometheus->port();
  if (!e.db.Start()) return "MariaDB: " + e.db.error();
  outpost::testing::RedisServer::Options ro;
  // A maxmemory, so the memory-vs-maxmemory panel has data.
  ro.extra_args = {"--maxmemory", "64mb"};
  e.redis = std::make_unique<outpost::testing::RedisServer>(ro);
  if (!e.redis->ok()) return "Redis: " + e.redis->error();
  // Keys (one expiring), a hit and a miss.
  e.redis->Cli({"SET", "k1", "v"});
  e.redis->Cli({"SET", "k2", "v", "EX", "3600"});
  e.redis->Cli({"GET", "k1"});
  e.redis->Cli({"GET", "missing"});
  if (!e.pg.Start()) return "PostgreSQL: " + e.pg.error();
  // A user table in the DSN's database (the per-table panels), with
  // inserts, an update, a delete and reads by scan and by index.
  if (!e.pg.Sql("CREATE TABLE items (id int PRIMARY KEY, name text);"
                "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 100) g;"
                "UPDATE items SET name = 'changed' WHERE id <= 10;"
                "DELETE FROM items WHERE id > 90;"
                "ANALYZE items; SELECT count(*) FROM items; SELECT name FROM items WHERE id = 3;")) {
    return "PostgreSQL: " + e.pg.error();
  }
  if (!e.httpd.Start()) return "apache2: " + e.httpd.error();
  // Pages, and requests through the balancer (its members' counters).
  for (int i = 0; i < 5; ++i) {
    e.httpd.Get("/index.html");
    e.httpd.Get("/app/x");
  }
  // memcached: more values than its 8 MiB hold (evictions, six slab
  // classes), a hit and misses.
  e.memcached = std::make_unique<outpost::testing::MemcachedServer>();
  if (!e.memcached->Start()) return "memcached: " + e.memcached->error();
  if (!e.memcached->SetMany(1800, "get k1799\r\nget k1\r\nget missing\r\n"))
    return "memcached: loading data failed";
  outpost::testing::ApacheServer::Options tls;
  tls.tls = true;
  e.tls_web = std::make_unique<outpost::testing::ApacheServer>(tls);
  if (!e.tls_web->Start()) return "apache2 (TLS): " + e.tls_web->error();
  e.dns = std::make_unique<outpost::testing::DnsmasqServer>(
      std::vector<std::string>{"--host-record=www.test,127.0.0.10"});
  if (!e.dns->ready()) return "dnsmasq did not start";
  if (!e.snmpd.Start()) return "snmpd: " + e.snmpd.error();
  const int agent_port = outpost::testing::FreePort();
  outpost::testing::WriteFile(
      e.dir / "agent.yaml",
      "metrics:\n"
      "  wal_directory: " + (e.dir / "data") + "\n"
      "  global:\n"
      "    scrape_interval: 1s\n"
      "    scrape_timeout: 1s\n"
      "integrations:\n"
      "  prometheus_remote_write:\n"
      "    - url: " + e.prometheus->write_url() + "\n"
      "      queue_config: {batch_send_deadline: 1s}\n"
      "  agent:\n    enabled: true\n"
      "  node_exporter:\n    enabled: true\n"
      "  mysqld_exporter:\n    enabled: true\n"
      "    data_source_name: \"" + e.db.Dsn() + "\"\n"
      "  redis_exporter:\n    enabled: true\n"
      "    redis_addr: " + e.redis->addr() + "\n"
      "  postgres_exporter:\n    enabled: true\n"
      "    data_source_names: [\"" + e.pg.Dsn() + "\"]\n"
      "  apache_http:\n    enabled: true\n"
      "    scrape_uri: " + e.httpd.StatusUri() + "\n"
      "  memcached_exporter:\n    enabled: true\n"
      "    memcached_address: " + e.memcached->addr() + "\n"
      // The servers of this test and outpost itself (multi-threaded: the
      // thread panels).
      "  process_exporter:\n    enabled: true\n"
      "    process_names:\n"
      "      - name: \"{{.Comm}}\"\n"
      "        comm: [outpost, mariadbd, redis-server, postgres, prometheus, apache2, memcached]\n"
      // One probe per prober kind (the TLS one for the certificate panels).
      "  blackbox:\n    enabled: true\n"
      "    blackbox_config:\n"
      "      modules:\n"
      "        http_2xx: {prober: http}\n"
      "        https: {prober: http, http: {tls_config: {insecure_skip_verify: true}}}\n"
      "        icmp: {prober: icmp, icmp: {preferred_ip_protocol: ip4}}\n"
      "        dns: {prober: dns, dns: {query_name: www.test, query_type: A, preferred_ip_protocol: ip4}}\n"
      "    blackbox_targets:\n"
      "      - {name: status, address: '" + e.httpd.StatusUri() + "', module: http_2xx}\n"
      "      - {name: tls, address: 'https://127.0.0.1:" + std::to_string(e.tls_web->port()) + "/', module: https}\n"
      "      - {name: ping, address: 127.0.0.1, module: icmp}\n"
      "      - {name: dns, address: '" + e.dns->address() + "', module: dns}\n"
      "  snmp:\n    enabled: true\n"
      "    snmp_targets:\n"
      "      - {name: snmpd, address: '" + e.snmpd.address() + "'}\n");
  e.agent = std::make_unique<outpost::testing::Process>(
      std::vector<std::string>{"-config.file=" + (e.dir / "agent.yaml"),
                               "-server.http.address=127.0.0.1:" + std::to_string(agent_port)},
      e.dir.path());
  if (!e.agent->WaitForStderr("outpost started")) return "outpost did not start: " + e.agent->err();
  // Every integration (each blackbox and snmp target) has shipped at least
  // 20 s of samples (its up series spans 15 s and more in Prometheus).
  const std::string ready =
      "count(count_over_time(up{job=~\"integrations/(agent|node_exporter|mysqld_exporter|"
      "redis_exporter|postgres_exporter|apache_http|memcached_exporter|process_exporter|"
      "blackbox/.+|snmp/.+)\"}[1m]) >= 20)";
  if (!WaitFor([&] {
        Json r = e.Query(ready);
        return !r.is_discarded() && r.size() == 1 && r[0]["value"][1] == "13";
      },
      std::chrono::seconds(60))) {
    std::string raw;
    e.Query("count_over_time(up[1m])", &raw);
    return "not every integration shipped 20 samples within 60 s: " + raw + "\n" + e.agent->err();
  }
  return "";
}

// One test case for everything: ctest runs each case in its own process,
// and the environment (four servers and outpost) takes ~25 s to fill.
void CheckVariables(const std::string& file, const Json& dash) {
  const std::vector<const Json*> vars = QueryVariables(dash);
  ASSERT_GE(vars.size(), 2u);  // job, instance (and process's groupname)
  for (const Json* v : vars) {
    std::string sel, label;
    ASSERT_TRUE(ParseLabelValues(Str(*v, "query"), &sel, &label)) << Str(*v, "query");
    std::string raw;
    Json j = env->Api("/api/v1/label/" + label + "/values?match[]=" + UrlEncode(Substitute(sel)), &raw);
    ASSERT_FALSE(j.is_discarded()) << raw;
    EXPECT_EQ(j.value("status", ""), "success") << raw;
    EXPECT_FALSE(j["data"].empty()) << Str(*v, "query") << " lists nothing: " << raw;
    if (label == "job") {
      // The dashboard's own integration is among the jobs offered.
      // blackbox and snmp: a job per target (one of them).
      const std::map<std::string, std::string> kJob = {
          {"blackbox", "integrations/blackbox/tls"}, {"snmp", "integrations/snmp/snmpd"},
          {"node", "integrations/node_exporter"}, {"mysql", "integrations/mysqld_exporter"},
          {"redis", "integrations/redis_exporter"}, {"postgres", "integrations/postgres_exporter"},
          {"apache", "integrations/apache_http"}, {"memcached", "integrations/memcached_exporter"},
          {"process", "integrations/process_exporter"}, {"outpost", "integrations/agent"}};
      auto it = kJob.find(std::filesystem::path(file).stem().string());
      ASSERT_NE(it, kJob.end()) << file;
      EXPECT_NE(std::find(j["data"].begin(), j["data"].end(), it->second), j["data"].end()) << raw;
    }
  }
}

void CheckPanels(const Json& dash, std::set<std::string>* allowed_used) {
  int checked = 0;
  for (const TargetRef& t : AllTargets(dash)) {
    const std::string q = Substitute(t.expr);
    std::string raw;
    Json result = env->Query(q, &raw);
    ASSERT_FALSE(result.is_discarded()) << t.panel_title << ": " << q << "\n" << raw;
    bool allowed = false;
    for (const auto& [needle, reason] : EmptyAllowed()) {
      if (t.expr.find(needle) != std::string::npos) {
        allowed = true;
        allowed_used->insert(needle);
      }
    }
    if (allowed) continue;
    EXPECT_FALSE(result.empty()) << t.panel_title << ": no data for " << q;
    ++checked;
  }
  EXPECT_GT(checked, 10);
}

TEST(DashboardsLiveTest, EveryVariableAndPanelQueryReturnsDataLive) {
  Env e;
  env = &e;
  const std::string error = SetUpEnv(e);
  ASSERT_EQ(error, "");
  const std::vector<std::string> files = DashboardFiles();
  ASSERT_EQ(files.size(), 10u);
  std::set<std::string> allowed_used;
  for (const std::string& f : files) {
    SCOPED_TRACE(f);
    Json dash = LoadJson(f);
    ASSERT_FALSE(dash.is_discarded());
    CheckVariables(f, dash);
    CheckPanels(dash, &allowed_used);
  }
  // No stale allow-list entries.
  for (const auto& [needle, reason] : EmptyAllowed()) EXPECT_EQ(allowed_used.count(needle), 1u) << needle;
  env = nullptr;
}

}  // namespace
}  // namespace outpost::dashboards
