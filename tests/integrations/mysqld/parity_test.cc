// Parity with the real mysqld_exporter 0.14.0 (Debian's
// prometheus-mysqld-exporter, installed by tests/run.sh) on the same
// throwaway MariaDB server and the same collectors: families (name, type,
// HELP), series (name + label set) and the values of global_variables are
// diffed. At least 95% of the exporter's series must be present in
// outpost's output; every missing one must be listed below with a reason.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/base/exposition_parser.h"
#include "core/base/memory_appender.h"
#include "gtest/gtest.h"
#include "integrations/mysqld/mysqld.h"
#include "tests/integrations/mysqld/shared_server.h"
#include "tests/support/exporter_scrape.h"
#include "tests/support/series_set.h"
#include "tests/support/spawned_process.h"

namespace outpost::integrations::mysqld {
namespace {

using ::outpost::testing::HttpGetMetrics;

std::string ExporterBinary() {
  const char* env = std::getenv("OUTPOST_MYSQLD_EXPORTER");
  return env != nullptr ? env : "/usr/bin/prometheus-mysqld-exporter";
}

// Every collector outpost implements (Grafana Agent's mysqld_exporter 0.14
// set). The group replication, replica_host and TokuDB ones have no data on
// MariaDB: both sides fail (or skip) them alike.
const std::vector<std::string> kCollectors = {
    "global_status",
    "global_variables",
    "slave_status",
    "info_schema.innodb_cmp",
    "info_schema.innodb_cmpmem",
    "info_schema.query_response_time",
    "info_schema.innodb_metrics",
    "info_schema.processlist",
    "perf_schema.tableiowaits",
    "perf_schema.indexiowaits",
    "auto_increment.columns",
    "binlog_size",
    "engine_innodb_status",
    "engine_tokudb_status",
    "heartbeat",
    "info_schema.clientstats",
    "info_schema.innodb_tablespaces",
    "info_schema.replica_host",
    "info_schema.schemastats",
    "info_schema.tables",
    "info_schema.tablestats",
    "info_schema.userstats",
    "mysql.user",
    "perf_schema.eventsstatements",
    "perf_schema.eventsstatementssum",
    "perf_schema.eventswaits",
    "perf_schema.file_events",
    "perf_schema.file_instances",
    "perf_schema.replication_applier_status_by_worker",
    "perf_schema.replication_group_member_stats",
    "perf_schema.replication_group_members",
    "perf_schema.tablelocks",
    "slave_hosts",
};

// One scrape of mysqld_exporter with kCollectors; "" on failure (the test
// has failed then).
std::string ScrapeExporter(const std::string& dsn) {
  const std::string bin = ExporterBinary();
  if (access(bin.c_str(), X_OK) != 0) {
    ADD_FAILURE() << "mysqld_exporter binary " << bin
                  << " is missing: apt-get install -y prometheus-mysqld-exporter (tests/run.sh)";
    return "";
  }
  const int port = outpost::testing::FreePort();
  std::vector<std::string> args = {bin, "--web.listen-address=127.0.0.1:" + std::to_string(port),
                                   "--log.level=error", "--config.my-cnf=/nonexistent"};
  for (const std::string& c : kCollectors) args.push_back("--collect." + c);
  ::outpost::testing::SpawnOptions spawn;  // output: the test's
  spawn.env.emplace();
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).starts_with("DATA_SOURCE_NAME=")) continue;
    spawn.env->push_back(*e);
  }
  spawn.env->push_back("DATA_SOURCE_NAME=" + dsn);
  ::outpost::testing::SpawnedProcess exporter(args, spawn);
  std::string body;
  for (int i = 0; i < 200 && body.empty(); ++i) {  // up to ~10 s to start
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    body = HttpGetMetrics(port);
  }
  exporter.Stop();
  EXPECT_FALSE(body.empty()) << "mysqld_exporter did not answer on port " << port;
  return body;
}

using Scrape = outpost::testing::SeriesSet;

bool ExporterSelfMetric(const std::string& name) {
  return outpost::testing::GoExporterSelfMetric(name, "mysqld_exporter");
}

Scrape FromExposition(const std::string& text) {
  return outpost::testing::FromExposition(text, [](const std::string& f) { return !ExporterSelfMetric(f); });
}

Scrape FromCollected(const std::vector<CollectedSample>& samples) {
  return outpost::testing::FromCollected(samples, [](const std::string&) { return true; });
}

// Series the exporter has and outpost may lack, with the reason.
bool KnownMissing(const std::string& family, std::string* why) {
  // Counters that a status variable creates only once a statement type
  // has run: the exporter's own queries run before outpost's.
  if (family.rfind("mysql_global_status_", 0) == 0) {
    *why = "status row present for one server snapshot only";
    return true;
  }
  return false;
}

TEST(MysqldParityTest, SameFamiliesSeriesAndGlobalVariables) {
  outpost::testing::MariadbServer* db = SharedServer();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(PrepareOptionalCollectorData(db));
  // The exporter first (its per-scrape connection is gone afterwards), then
  // outpost, so neither sees the other in the processlist.
  const std::string text = ScrapeExporter(db->Dsn());
  ASSERT_FALSE(text.empty());
  const Scrape want = FromExposition(text);

  Options o;
  o.data_source_name = config::Secret(db->Dsn());
  o.set_collectors = kCollectors;
  absl::StatusOr<std::unique_ptr<Integration>> integ = NewMysqldIntegration(o);
  ASSERT_TRUE(integ.ok()) << integ.status();
  MemoryAppender app;
  ASSERT_TRUE((*integ)->Collect(app, absl::Now() + absl::Seconds(20)).ok());
  const Scrape got = FromCollected(app.Samples());

  // Families: same type and HELP.
  for (const auto& [name, f] : want.families) {
    auto it = got.families.find(name);
    if (it == got.families.end()) continue;  // counted with the series
    EXPECT_EQ(it->second.type, f.type) << name;
    EXPECT_EQ(it->second.help, f.help) << name;
  }
  // Series coverage.
  size_t present = 0, excused = 0;
  std::set<std::string> unexplained;
  for (const auto& [key, v] : want.series) {
    if (got.series.count(key) != 0) {
      ++present;
      continue;
    }
    std::string why;
    if (KnownMissing(want.family_of.at(key), &why)) {
      ++excused;
    } else {
      unexplained.insert(key);
    }
  }
  const double coverage = static_cast<double>(present) / static_cast<double>(want.series.size());
  std::printf("mysqld parity: %zu of %zu exporter series present (%.1f%%), %zu excused, %zu "
              "unexplained; outpost has %zu series\n",
              present, want.series.size(), 100 * coverage, excused, unexplained.size(),
              got.series.size());
  EXPECT_GE(coverage, 0.95);
  for (const std::string& k : unexplained) ADD_FAILURE() << "missing in outpost: " << k;
  // Series outpost has that the exporter lacks. Global status counters
  // and performance_schema rows come and go between the two scrapes by
  // nature: a performance_schema row appears when some session (the
  // exporter's own, for one) first opens a table, file or statement
  // digest, so outpost, scraping second, may see a few more.
  size_t later_rows = 0;
  for (const auto& [key, v] : got.series) {
    if (want.series.count(key) != 0) continue;
    const std::string& family = got.family_of.at(key);
    // (userstat's table/index/user/client statistics likewise gain a row
    // when a session first touches the object.)
    if (family.rfind("mysql_global_status_", 0) == 0 ||
        family.rfind("mysql_perf_schema_", 0) == 0 ||
        (family.rfind("mysql_info_schema_", 0) == 0 &&
         family.find("_statistics_") != std::string::npos)) {
      ++later_rows;
      continue;
    }
    ADD_FAILURE() << "only in outpost: " << key;
  }
  std::printf("mysqld parity: %zu series only in outpost's later scrape (global status, "
              "performance_schema, userstat)\n",
              later_rows);
  // Values of global_variables (stable between the two scrapes).
  size_t compared = 0;
  for (const auto& [key, v] : want.series) {
    if (want.family_of.at(key).rfind("mysql_global_variables_", 0) != 0 &&
        want.family_of.at(key) != "mysql_version_info" &&
        want.family_of.at(key) != "mysql_transaction_isolation") {
      continue;
    }
    auto it = got.series.find(key);
    if (it == got.series.end()) continue;
    ++compared;
    if (std::isnan(v)) {
      EXPECT_TRUE(std::isnan(it->second)) << key;
    } else {
      EXPECT_EQ(it->second, v) << key;
    }
  }
  EXPECT_GT(compared, 300u);
}

}  // namespace
}  // namespace outpost::integrations::mysqld
