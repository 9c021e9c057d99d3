// The builtin namespaces and the generic row mapping on canned rows: names,
// types, HELP, labels and values as grafana/postgres_exporter@9358270470dd
// maps them, per server version, master or not.
#include "integrations/postgres/namespaces.h"

#include <algorithm>
#include <string>
#include <vector>

#include "core/base/memory_appender.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integrations/postgres/fake_querier.h"

namespace outpost::integrations::postgres {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
constexpr auto kNull = std::nullopt;

ServerVersion V(int major, int minor = 0) { return {major, minor, 0}; }

std::string_view QueryOf(std::string_view ns, const ServerVersion& v) {
  for (const NamespaceSpec& s : BuiltinNamespaces()) {
    if (s.name != ns) continue;
    for (const QuerySpec& q : s.queries) {
      if (q.versions.Contains(v)) return q.sql;
    }
  }
  return {};
}

NamespacesOptions NoSettings() {
  NamespacesOptions o;
  o.settings_enabled = false;
  return o;
}

struct Result {
  std::string text;  // the exposition
  CollectErrors errors;
};
// One collection by a new Namespaces.
Result CollectOnce(Querier& q, const ServerVersion& v, bool master, std::string_view server,
                   NamespacesOptions o = NoSettings()) {
  Namespaces ns(std::move(o));
  MemoryAppender app;
  Result r;
  ns.Collect(q, v, master, server, app, absl::UnixEpoch(), &r.errors);
  r.text = app.Render();
  return r;
}

TEST(NamespacesTest, BuiltinsHaveTheForksNamesAndVersionGates) {
  std::vector<std::string> names;
  for (const NamespaceSpec& s : BuiltinNamespaces()) names.push_back(s.name);
  EXPECT_THAT(names, ElementsAre("pg_stat_database_conflicts", "pg_stat_replication",
                                 "pg_replication_slots", "pg_stat_archiver", "pg_stat_activity"));
  EXPECT_THAT(QueryOf("pg_stat_replication", V(15)), HasSubstr("pg_current_wal_lsn()"));
  EXPECT_THAT(QueryOf("pg_stat_replication", V(9, 6)), HasSubstr("pg_current_xlog_location()"));
  EXPECT_THAT(QueryOf("pg_stat_replication", V(9, 6)), HasSubstr("replay_location"));
  EXPECT_THAT(QueryOf("pg_replication_slots", V(9, 6)), HasSubstr("pg_xlog_location_diff"));
  EXPECT_EQ(QueryOf("pg_replication_slots", V(9, 3)), "");
  EXPECT_EQ(QueryOf("pg_stat_archiver", V(9, 3)), "");
  EXPECT_THAT(QueryOf("pg_stat_activity", V(9, 1)), HasSubstr("'unknown' AS state"));
}

// PG 15, master: every builtin query with canned rows.
TEST(NamespacesTest, Pg15MasterMapsEveryBuiltin) {
  FakeQuerier q;
  const ServerVersion v = V(15, 4);
  ResultSet conflicts = ResultSet::Make(
      {"datid", "datname", "confl_tablespace", "confl_lock", "confl_snapshot", "confl_bufferpin",
       "confl_deadlock"},
      {{"5", "postgres", "0", "1", "2", "3", "4"}});
  q.Set("SELECT * FROM pg_stat_database_conflicts;", conflicts);
  ResultSet activity = ResultSet::Make(
      {"datname", "state", "usename", "application_name", "count", "max_tx_duration"},
      {{"postgres", "active", "postgres", "psql", "1", "0.5"},
       {"postgres", "idle", kNull, kNull, "0", "0"}});
  q.Set(std::string(QueryOf("pg_stat_activity", v)), activity);
  ResultSet archiver = ResultSet::Make(
      {"archived_count", "last_archived_wal", "last_archived_time", "failed_count",
       "last_failed_wal", "last_failed_time", "stats_reset", "last_archive_age"},
      {{"0", kNull, kNull, "0", kNull, kNull, "2024-01-02 03:04:05+00", kNull}});
  archiver.SetColumnType(6, kTimestampTzOid);
  q.Set(std::string(QueryOf("pg_stat_archiver", v)), archiver);
  ResultSet slots = ResultSet::Make({"slot_name", "database", "active", "pg_wal_lsn_diff"},
                                    {{"s1", kNull, "t", "1024"}});
  slots.SetColumnType(2, kBoolOid);
  q.Set(std::string(QueryOf("pg_replication_slots", v)), slots);
  ResultSet repl = ResultSet::Make(
      {"pid", "usesysid", "usename", "application_name", "client_addr", "client_hostname",
       "client_port", "backend_start", "backend_xmin", "state", "sent_lsn", "write_lsn",
       "flush_lsn", "replay_lsn", "write_lag", "flush_lag", "replay_lag", "sync_priority",
       "sync_state", "reply_time", "pg_current_wal_lsn", "pg_current_wal_lsn_bytes",
       "pg_wal_lsn_diff"},
      {{"4242", "10", "rep", "walreceiver", "10.0.0.2", kNull, "5000", "2024-01-02 03:04:05+00",
        kNull, "streaming", "0/3000060", "0/3000060", "0/3000060", "0/3000060", kNull, kNull,
        kNull, "0", "async", "2024-01-02 03:04:06+00", "0/3000060", "50331744", "0"}});
  repl.SetColumnType(19, kTimestampTzOid);
  q.Set(std::string(QueryOf("pg_stat_replication", v)), repl);

  const Result r = CollectOnce(q, v, true, "db:5432");
  EXPECT_THAT(r.errors.errors, ElementsAre());
  EXPECT_THAT(r.errors.warnings, ElementsAre());
  const std::string& text = r.text;
  // Conflicts: counters with datid/datname and the server label.
  EXPECT_THAT(text, HasSubstr(
      "# HELP pg_stat_database_conflicts_confl_lock Number of queries in this database that have "
      "been canceled due to lock timeouts\n"
      "# TYPE pg_stat_database_conflicts_confl_lock counter\n"
      "pg_stat_database_conflicts_confl_lock{datid=\"5\",datname=\"postgres\",server=\"db:5432\"} "
      "1\n"));
  // Activity: NULL labels are absent.
  EXPECT_THAT(text, HasSubstr(
      "# HELP pg_stat_activity_count number of connections in this state\n"
      "# TYPE pg_stat_activity_count gauge\n"
      "pg_stat_activity_count{application_name=\"psql\",datname=\"postgres\",server=\"db:5432\","
      "state=\"active\",usename=\"postgres\"} 1\n"
      "pg_stat_activity_count{datname=\"postgres\",server=\"db:5432\",state=\"idle\"} 0\n"));
  EXPECT_THAT(text, HasSubstr(
      "pg_stat_activity_max_tx_duration{application_name=\"psql\",datname=\"postgres\","
      "server=\"db:5432\",state=\"active\",usename=\"postgres\"} 0.5\n"));
  // Archiver: NULL → NaN; discarded columns absent.
  EXPECT_THAT(text, HasSubstr(
      "# HELP pg_stat_archiver_last_archive_age Time in seconds since last WAL segment was "
      "successfully archived\n"
      "# TYPE pg_stat_archiver_last_archive_age gauge\n"
      "pg_stat_archiver_last_archive_age{server=\"db:5432\"} NaN\n"));
  EXPECT_THAT(text, HasSubstr("pg_stat_archiver_archived_count{server=\"db:5432\"} 0\n"));
  EXPECT_THAT(text, Not(HasSubstr("stats_reset")));
  // Slots: bool → 1.
  EXPECT_THAT(text, HasSubstr(
      "pg_replication_slots_active{server=\"db:5432\",slot_name=\"s1\"} 1\n"));
  EXPECT_THAT(text, HasSubstr(
      "pg_replication_slots_pg_wal_lsn_diff{server=\"db:5432\",slot_name=\"s1\"} 1024\n"));
  // Replication: slot_name is not a column, so it reads column 0 (pid);
  // reply_time (PG ≥12) is an unknown column, untyped, in Unix seconds.
  EXPECT_THAT(text, HasSubstr(
      "# HELP pg_stat_replication_pg_current_wal_lsn_bytes WAL position in bytes\n"
      "# TYPE pg_stat_replication_pg_current_wal_lsn_bytes gauge\n"
      "pg_stat_replication_pg_current_wal_lsn_bytes{application_name=\"walreceiver\","
      "client_addr=\"10.0.0.2\",server=\"db:5432\",slot_name=\"4242\",state=\"streaming\"} "
      "50331744\n"));
  EXPECT_THAT(text, HasSubstr(
      "# HELP pg_stat_replication_reply_time Unknown metric from pg_stat_replication\n"
      "# TYPE pg_stat_replication_reply_time untyped\n"
      "pg_stat_replication_reply_time{application_name=\"walreceiver\",client_addr=\"10.0.0.2\","
      "server=\"db:5432\",slot_name=\"4242\",state=\"streaming\"} 1704164646\n"));
  EXPECT_THAT(text, Not(HasSubstr("pg_stat_replication_pid")));
  EXPECT_THAT(text, Not(HasSubstr("pg_stat_replication_sent_lsn")));
  EXPECT_THAT(q.queries().size(), 5u);
}

// Unknown columns of a newer server (PG 16's confl_active_logicalslot) and
// cells that do not parse.
TEST(NamespacesTest, UnknownColumnsAreUntypedAndUnparsableCellsWarn) {
  FakeQuerier q;
  q.Set("SELECT * FROM pg_stat_database_conflicts;",
        ResultSet::Make({"datid", "datname", "confl_tablespace", "confl_lock", "confl_snapshot",
                         "confl_bufferpin", "confl_deadlock", "confl_active_logicalslot",
                         "some_text"},
                        {{"0", kNull, "0", "x", "0", "0", "0", "7", "abc"}}));
  const Result r = CollectOnce(q, V(16), true, "");
  const std::string& text = r.text;
  const CollectErrors& errors = r.errors;
  EXPECT_THAT(text, HasSubstr(
      "# HELP pg_stat_database_conflicts_confl_active_logicalslot Unknown metric from "
      "pg_stat_database_conflicts\n"
      "# TYPE pg_stat_database_conflicts_confl_active_logicalslot untyped\n"
      "pg_stat_database_conflicts_confl_active_logicalslot{datid=\"0\"} 7\n"));
  EXPECT_THAT(text, Not(HasSubstr("confl_lock")));
  EXPECT_THAT(text, Not(HasSubstr("some_text")));
  EXPECT_THAT(errors.warnings,
              ElementsAre("Unexpected error parsing column: pg_stat_database_conflicts "
                          "confl_lock x",
                          "Unparseable column type - discarding: pg_stat_database_conflicts "
                          "some_text abc"));
  // The other builtins were not registered: their failures are errors.
  EXPECT_EQ(errors.errors.size(), 4u);
  EXPECT_THAT(errors.errors[0], HasSubstr("pg_stat_replication ERROR:  relation does not exist"));
}

// PG 9.6 picks the 9.x queries and column gates; PG 9.3 has no archiver or
// slot query (namespaces disabled, no error).
TEST(NamespacesTest, OldServersUseTheirQueries) {
  FakeQuerier q;
  const ServerVersion v96 = V(9, 6);
  q.Set(std::string(QueryOf("pg_stat_replication", v96)),
        ResultSet::Make({"pid", "application_name", "client_addr", "state", "sent_location",
                         "pg_current_xlog_location", "pg_xlog_location_diff"},
                        {{"7", "w", "10.0.0.3", "streaming", "0/1", "0/2", "16"}}));
  const Result r96 = CollectOnce(q, v96, true, "");
  EXPECT_THAT(r96.text, HasSubstr(
      "# HELP pg_stat_replication_pg_xlog_location_diff Lag in bytes between master and slave\n"
      "# TYPE pg_stat_replication_pg_xlog_location_diff gauge\n"
      "pg_stat_replication_pg_xlog_location_diff{application_name=\"w\",client_addr=\"10.0.0.3\","
      "slot_name=\"7\",state=\"streaming\"} 16\n"));
  EXPECT_THAT(r96.text, Not(HasSubstr("sent_location")));

  // The same column on PG 15 is outside its range: discarded.
  FakeQuerier q15;
  q15.Set(std::string(QueryOf("pg_stat_replication", V(15))),
          ResultSet::Make({"pid", "pg_xlog_location_diff", "pg_wal_lsn_diff"},
                          {{"7", "16", "32"}}));
  const Result r15 = CollectOnce(q15, V(15), true, "");
  EXPECT_THAT(r15.text, Not(HasSubstr("pg_xlog_location_diff")));
  // Label columns missing from the result read column 0 (upstream trap).
  EXPECT_THAT(r15.text, HasSubstr("pg_stat_replication_pg_wal_lsn_diff{application_name=\"7\","
                                 "client_addr=\"7\",slot_name=\"7\",state=\"7\"} 32\n"));

  FakeQuerier q93;
  CollectOnce(q93, V(9, 3), true, "");
  for (const std::string& sql : q93.queries()) {
    EXPECT_THAT(sql, Not(HasSubstr("pg_stat_archiver")));
    EXPECT_THAT(sql, Not(HasSubstr("pg_replication_slots")));
  }
  EXPECT_EQ(q93.queries().size(), 3u);
}

NamespaceSpec UserSpec(std::string name, std::string sql, bool master,
                       std::vector<ColumnSpec> columns, uint64_t cache_seconds = 0) {
  NamespaceSpec s;
  s.name = std::move(name);
  s.queries.push_back({{}, std::move(sql)});
  s.master = master;
  s.columns = std::move(columns);
  s.cache_seconds = cache_seconds;
  return s;
}

// Master: builtins + settings + user queries; non-master: only user
// queries with master: false; disable_* turn the builtins and settings off.
TEST(NamespacesTest, MasterDecidesWhatRuns) {
  NamespacesOptions o;
  o.user.push_back(UserSpec("pg_everywhere", "SELECT 1 AS one", false,
                            {{"one", ColumnUsage::kGauge, "one", {}, {}}}));
  o.user.push_back(UserSpec("pg_master_only", "SELECT 2 AS two", true,
                            {{"two", ColumnUsage::kGauge, "two", {}, {}}}));
  FakeQuerier q;
  q.Set("SELECT 1 AS one", ResultSet::Make({"one"}, {{"1"}}));
  q.Set("SELECT 2 AS two", ResultSet::Make({"two"}, {{"2"}}));
  {
    const Result r = CollectOnce(q, V(15), false, "db:5432", o);
    EXPECT_THAT(q.queries(), ElementsAre("SELECT 1 AS one"));
    EXPECT_EQ(r.text,
              "# HELP pg_everywhere_one one\n# TYPE pg_everywhere_one gauge\n"
              "pg_everywhere_one{server=\"db:5432\"} 1\n");
    EXPECT_THAT(r.errors.errors, ElementsAre());
  }
  {
    FakeQuerier qm;
    qm.Set("SELECT 1 AS one", ResultSet::Make({"one"}, {{"1"}}));
    const Result r = CollectOnce(qm, V(15), true, "", o);
    // settings, 5 builtins, 2 user queries.
    EXPECT_EQ(qm.queries().size(), 8u);
    EXPECT_EQ(qm.queries()[0], kSettingsQuery);
    EXPECT_THAT(r.errors.errors[0], HasSubstr("error retrieving settings: "));
    // A failed namespace does not stop the others.
    EXPECT_THAT(r.text, HasSubstr("pg_everywhere_one 1\n"));
  }
  {
    o.builtin_enabled = false;
    o.settings_enabled = false;
    FakeQuerier qd;
    CollectOnce(qd, V(15), true, "", o);
    EXPECT_THAT(qd.queries(), ElementsAre("SELECT 1 AS one", "SELECT 2 AS two"));
  }
}

TEST(NamespacesTest, UserQueryReplacesTheBuiltinOfTheSameName) {
  NamespacesOptions o = NoSettings();
  o.user.push_back(UserSpec("pg_stat_activity", "SELECT 3 AS n", true,
                            {{"n", ColumnUsage::kCounter, "mine", {}, {}}}));
  FakeQuerier q;
  q.Set("SELECT 3 AS n", ResultSet::Make({"n"}, {{"3"}}));
  const Result r = CollectOnce(q, V(15), true, "", o);
  EXPECT_EQ(std::count(q.queries().begin(), q.queries().end(), "SELECT 3 AS n"), 1);
  EXPECT_EQ(q.queries().size(), 5u);
  EXPECT_THAT(r.text, HasSubstr("# TYPE pg_stat_activity_n counter\npg_stat_activity_n 3\n"));
}

TEST(NamespacesTest, MappedDurationAndHistogramColumns) {
  NamespacesOptions o = NoSettings();
  o.builtin_enabled = false;
  ColumnSpec mapped{"mode", ColumnUsage::kMappedMetric, "the mode", {}, {{"on", 1}, {"off", 0}}};
  o.user.push_back(UserSpec(
      "pg_x", "SELECT x", false,
      {{"app", ColumnUsage::kLabel, "", {}, {}},
       mapped,
       {"wait", ColumnUsage::kDuration, "waited", {}, {}},
       {"lat", ColumnUsage::kHistogram, "latency", {}, {}}}));
  FakeQuerier q;
  q.Set("SELECT x",
        ResultSet::Make({"app", "mode", "wait", "lat", "lat_bucket", "lat_sum", "lat_count"},
                        {{"a", "on", "1.5s", "{1,5,2}", "{1,3,2}", "9.5", "4"},
                         {"b", "maybe", "-1", kNull, kNull, kNull, kNull},
                         {"c", kNull, "bogus", "{1}", "{1}", "1", "x"}}));
  Namespaces ns(o);
  MemoryAppender app;
  CollectErrors errors;
  ns.Collect(q, V(15), true, "", app, absl::UnixEpoch(), &errors);
  EXPECT_EQ(app.Render(),
            "# HELP pg_x_lat latency\n"
            "# TYPE pg_x_lat histogram\n"
            "pg_x_lat_bucket{app=\"a\",le=\"1\"} 1\n"
            "pg_x_lat_bucket{app=\"a\",le=\"2\"} 2\n"
            "pg_x_lat_bucket{app=\"a\",le=\"5\"} 3\n"
            "pg_x_lat_bucket{app=\"a\",le=\"+Inf\"} 4\n"
            "pg_x_lat_sum{app=\"a\"} 9.5\n"
            "pg_x_lat_count{app=\"a\"} 4\n"
            "pg_x_lat_bucket{app=\"b\",le=\"+Inf\"} 0\n"
            "pg_x_lat_sum{app=\"b\"} NaN\n"
            "pg_x_lat_count{app=\"b\"} 0\n"
            "# HELP pg_x_mode the mode\n"
            "# TYPE pg_x_mode gauge\n"
            "pg_x_mode{app=\"a\"} 1\n"
            "# HELP pg_x_wait_milliseconds waited\n"
            "# TYPE pg_x_wait_milliseconds gauge\n"
            "pg_x_wait_milliseconds{app=\"a\"} 1500\n");
  EXPECT_EQ(errors.warnings.size(), 5u);  // maybe, -1, NULL mode, bogus, count "x"
  EXPECT_THAT(errors.errors, ElementsAre());

  // A bucket array that does not parse drops the namespace with an error.
  FakeQuerier bad;
  bad.Set("SELECT x", ResultSet::Make({"app", "mode", "lat", "lat_bucket"},
                                      {{"a", "on", "{1,x}", "{1,2}"}}));
  MemoryAppender app2;
  CollectErrors errors2;
  ns.Collect(bad, V(15), true, "", app2, absl::UnixEpoch(), &errors2);
  EXPECT_EQ(app2.Render(), "");
  EXPECT_THAT(errors2.errors, ElementsAre("Error retrieving lat buckets: pg_x"));
}

TEST(NamespacesTest, CacheSecondsReEmitsCachedRows) {
  NamespacesOptions o = NoSettings();
  o.builtin_enabled = false;
  o.user.push_back(UserSpec("pg_c", "SELECT c", false,
                            {{"v", ColumnUsage::kGauge, "v", {}, {}}}, 30));
  FakeQuerier q;
  q.Set("SELECT c", ResultSet::Make({"v"}, {{"1"}}));
  Namespaces ns(o);
  MemoryAppender app;
  CollectErrors errors;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  ns.Collect(q, V(15), false, "", app, t0, &errors);
  q.Set("SELECT c", ResultSet::Make({"v"}, {{"2"}}));
  app.Clear();
  ns.Collect(q, V(15), false, "", app, t0 + absl::Seconds(30), &errors);
  EXPECT_EQ(q.queries().size(), 1u);
  EXPECT_EQ(*app.Find("pg_c_v", {}), 1);
  app.Clear();
  ns.Collect(q, V(15), false, "", app, t0 + absl::Seconds(31), &errors);
  EXPECT_EQ(q.queries().size(), 2u);
  EXPECT_EQ(*app.Find("pg_c_v", {}), 2);
  // A version change rebuilds the families and queries again.
  app.Clear();
  ns.Collect(q, V(16), false, "", app, t0 + absl::Seconds(32), &errors);
  EXPECT_EQ(q.queries().size(), 3u);
  EXPECT_EQ(*app.Find("pg_c_v", {}), 2);
}

TEST(NamespacesTest, SteadyStateReusesSeries) {
  FakeQuerier q;
  q.Set("SELECT * FROM pg_stat_database_conflicts;",
        ResultSet::Make({"datid", "datname", "confl_lock"}, {{"1", "a", "1"}, {"2", "b", "2"}}));
  Namespaces ns(NoSettings());
  MemoryAppender app;
  CollectErrors errors;
  ns.Collect(q, V(15), true, "s", app, absl::UnixEpoch(), &errors);
  const size_t series = app.series_count();
  app.Clear();
  ns.Collect(q, V(15), true, "s", app, absl::UnixEpoch(), &errors);
  EXPECT_EQ(app.series_count(), series);
  EXPECT_EQ(app.Samples().size(), 2u);
}

}  // namespace
}  // namespace outpost::integrations::postgres
