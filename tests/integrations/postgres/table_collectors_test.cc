// stat_database, stat_user_tables, statio_user_tables and wal on canned
// rows, with the cases of grafana/postgres_exporter@9358270470dd
// collector/pg_stat_database_test.go, pg_stat_user_tables_test.go,
// pg_statio_user_tables_test.go and pg_wal_test.go.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/common/text.h"
#include "tests/integrations/postgres/collector_test_util.h"

namespace outpost::integrations::postgres {
namespace {

using ::testing::HasSubstr;
using Rows = ResultSet;
constexpr auto kNull = std::nullopt;

constexpr const char* kStatDatabaseNames[] = {
    "numbackends", "xact_commit",  "xact_rollback", "blks_read",      "blks_hit",   "tup_returned",
    "tup_fetched", "tup_inserted", "tup_updated",   "tup_deleted",    "conflicts",  "temp_files",
    "temp_bytes",  "deadlocks",    "blk_read_time", "blk_write_time", "stats_reset"};

void ExpectStatDatabase(const MemoryAppender& app, const Labels& labels,
                        std::initializer_list<double> values) {
  size_t i = 0;
  for (double v : values) {
    EXPECT_EQ(Value(app, Cat("pg_stat_database_", kStatDatabaseNames[i]), labels), v)
        << kStatDatabaseNames[i];
    ++i;
  }
}

TEST(StatDatabaseCollectorTest, OneSeriesPerColumn) {
  FakeQuerier q;
  q.Set("FROM pg_stat_database",
        StatDatabaseRows({{"pid", "postgres", "354", "4945", "289097744", "1242257", "3275602074",
                           "89320867", "450139", "2034563757", "0", "2725688749", "23", "52", "74",
                           "925", "16", "823", "2023-05-25 17:10:42.81132-07"}}));
  MemoryAppender app;
  auto c = NewStatDatabaseCollector({});
  ASSERT_TRUE(CollectOnce(*c, q, app).ok());
  const Labels labels{{"datid", "pid"}, {"datname", "postgres"}};
  ExpectStatDatabase(app, labels,
                     {354, 4945, 289097744, 1242257, 3275602074, 89320867, 450139, 2034563757, 0,
                      2725688749, 23, 52, 74, 925, 16, 823, 1685059842});
  EXPECT_EQ(app.Samples().size(), 17u);
  for (const CollectedSample& s : app.Samples()) {
    EXPECT_EQ(s.family->type,
              s.name == "pg_stat_database_numbackends" ? MetricType::kGauge : MetricType::kCounter)
        << s.name;
  }
}

TEST(StatDatabaseCollectorTest, RowsWithNullsAreSkippedNullResetIsZero) {
  // NullValues (no datid), RowLeakTest (an all-NULL row between two rows
  // of one database: the later row's values stand), TestNilStatReset.
  FakeQuerier q;
  q.Set("FROM pg_stat_database",
        StatDatabaseRows({{kNull, "postgres", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1",
                           "1", "1", "1", "1", "1", kNull},
                          {"pid", "postgres", "354", "4945", "289097744", "1242257", "3275602074",
                           "89320867", "450139", "2034563757", "0", "2725688749", "23", "52", "74",
                           "925", "16", "823", "2023-05-25 17:10:42.81132-07"},
                          {kNull, kNull, kNull, kNull, kNull, kNull, kNull, kNull, kNull, kNull,
                           kNull, kNull, kNull, kNull, kNull, kNull, kNull, kNull, kNull},
                          {"pid", "postgres", "355", "4946", "289097745", "1242258", "3275602075",
                           "89320868", "450140", "2034563758", "1", "2725688750", "24", "53", "75",
                           "926", "17", "824", "2023-05-25 17:10:42.81132-07"},
                          {"0", kNull, "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0",
                           "0", "0", "0", "0", kNull},
                          {"5", "nullcounter", "0", kNull, "0", "0", "0", "0", "0", "0", "0", "0",
                           "0", "0", "0", "0", "0", "0", kNull},
                          {"7", "noreset", "354", "4945", "289097744", "1242257", "3275602074",
                           "89320867", "450139", "2034563757", "0", "2725688749", "23", "52", "74",
                           "925", "16", "823", kNull}}));
  MemoryAppender app;
  auto c = NewStatDatabaseCollector({});
  ASSERT_TRUE(CollectOnce(*c, q, app).ok());
  ExpectStatDatabase(app, Labels{{"datid", "pid"}, {"datname", "postgres"}},
                     {355, 4946, 289097745, 1242258, 3275602075, 89320868, 450140, 2034563758, 1,
                      2725688750, 24, 53, 75, 926, 17, 824, 1685059842});
  ExpectStatDatabase(app, Labels{{"datid", "7"}, {"datname", "noreset"}},
                     {354, 4945, 289097744, 1242257, 3275602074, 89320867, 450139, 2034563757, 0,
                      2725688749, 23, 52, 74, 925, 16, 823, 0});
  EXPECT_EQ(app.Samples().size(), 34u);
}

TEST(StatDatabaseCollectorTest, ScanErrorsFail) {
  FakeQuerier q;
  q.Set("FROM pg_stat_database",
        StatDatabaseRows({{"1", "db", "x", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1",
                           "1", "1", "1", "1", kNull}}));
  MemoryAppender app;
  auto c = NewStatDatabaseCollector({});
  EXPECT_THAT(std::string(CollectOnce(*c, q, app).message()),
              HasSubstr("column index 2, name \"numbackends\""));
  // An "infinity" stats_reset is no time.Time for lib/pq.
  FakeQuerier inf;
  inf.Set("FROM pg_stat_database",
          StatDatabaseRows({{"1", "db", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1",
                             "1", "1", "1", "1", "infinity"}}));
  EXPECT_THAT(std::string(CollectOnce(*c, inf, app).message()),
              HasSubstr("name \"stats_reset\": converting \"infinity\" to a time.Time"));
  EXPECT_EQ(app.Samples().size(), 0u);
}

TEST(StatUserTablesCollectorTest, OneSeriesPerColumnTimesInSeconds) {
  FakeQuerier q;
  q.Set("FROM pg_stat_user_tables", UserTableRows({{"postgres",
                                                    "public",
                                                    "a_table",
                                                    "1",
                                                    "2",
                                                    "3",
                                                    "4",
                                                    "5",
                                                    "6",
                                                    "7",
                                                    "8",
                                                    "9",
                                                    "10",
                                                    "0",
                                                    "2023-06-02 00:00:00+00",
                                                    "2023-06-03 00:00:00+00",
                                                    "2023-06-04 00:00:00+00",
                                                    "2023-06-05 00:00:00+00",
                                                    "11",
                                                    "12",
                                                    "13",
                                                    "14",
                                                    "15"}}));
  MemoryAppender app;
  auto c = NewStatUserTablesCollector({});
  ASSERT_TRUE(CollectOnce(*c, q, app).ok());
  EXPECT_THAT(q.queries()[0], HasSubstr("COALESCE(last_vacuum, '1970-01-01Z') as last_vacuum"));
  const Labels l{{"datname", "postgres"}, {"relname", "a_table"}, {"schemaname", "public"}};
  const std::pair<const char*, double> expected[] = {
      {"seq_scan", 1},
      {"seq_tup_read", 2},
      {"idx_scan", 3},
      {"idx_tup_fetch", 4},
      {"n_tup_ins", 5},
      {"n_tup_upd", 6},
      {"n_tup_del", 7},
      {"n_tup_hot_upd", 8},
      {"n_live_tup", 9},
      {"n_dead_tup", 10},
      {"n_mod_since_analyze", 0},
      {"last_vacuum", 1685664000},
      {"last_autovacuum", 1685750400},
      {"last_analyze", 1685836800},
      {"last_autoanalyze", 1685923200},
      {"vacuum_count", 11},
      {"autovacuum_count", 12},
      {"analyze_count", 13},
      {"autoanalyze_count", 14},
      {"size_bytes", 15},
  };
  for (const auto& [name, v] : expected) {
    EXPECT_EQ(Value(app, Cat("pg_stat_user_tables_", name), l), v) << name;
  }
  EXPECT_EQ(app.Samples().size(), 20u);
}

TEST(StatUserTablesCollectorTest, NullLabelsAreUnknownNullValuesZero) {
  FakeQuerier q;
  q.Set("FROM pg_stat_user_tables",
        UserTableRows({{"postgres", kNull, kNull, kNull, kNull, kNull, kNull, kNull,
                        kNull,      kNull, kNull, kNull, kNull, kNull, kNull, kNull,
                        kNull,      kNull, kNull, kNull, kNull, kNull, kNull}}));
  MemoryAppender app;
  auto c = NewStatUserTablesCollector({});
  ASSERT_TRUE(CollectOnce(*c, q, app).ok());
  ASSERT_EQ(app.Samples().size(), 20u);
  const Labels l{{"datname", "postgres"}, {"relname", "unknown"}, {"schemaname", "unknown"}};
  for (const CollectedSample& s : app.Samples()) {
    EXPECT_EQ(s.labels, l) << s.name;
    EXPECT_EQ(s.value, 0) << s.name;
  }
}

TEST(StatioUserTablesCollectorTest, CountersPerTableNullsUnknownAndZero) {
  FakeQuerier q;
  q.Set(
      "FROM pg_statio_user_tables",
      StatioRows({{"postgres", "public", "a_table", "1", "2", "3", "4", "5", "6", "7", "8"},
                  {kNull, kNull, kNull, kNull, kNull, kNull, kNull, kNull, kNull, kNull, kNull}}));
  MemoryAppender app;
  auto c = NewStatioUserTablesCollector({});
  ASSERT_TRUE(CollectOnce(*c, q, app).ok());
  const Labels l{{"datname", "postgres"}, {"relname", "a_table"}, {"schemaname", "public"}};
  const Labels unknown{{"datname", "unknown"}, {"relname", "unknown"}, {"schemaname", "unknown"}};
  const char* names[] = {"heap_blocks_read", "heap_blocks_hit",   "idx_blocks_read",
                         "idx_blocks_hit",   "toast_blocks_read", "toast_blocks_hit",
                         "tidx_blocks_read", "tidx_blocks_hit"};
  for (size_t i = 0; i < std::size(names); ++i) {
    const std::string name = Cat("pg_statio_user_tables_", names[i]);
    EXPECT_EQ(Value(app, name, l), static_cast<double>(i + 1)) << name;
    EXPECT_EQ(Value(app, name, unknown), 0) << name;
  }
  EXPECT_EQ(app.Samples().size(), 16u);
  for (const CollectedSample& s : app.Samples()) {
    EXPECT_EQ(s.family->type, MetricType::kCounter) << s.name;
  }
}

TEST(WalCollectorTest, SegmentsAndSize) {
  FakeQuerier q;
  q.Set("pg_ls_waldir",
        Typed(Rows::Make({"segments", "size"}, {{"47", "788529152"}}), {kInt8Oid, kNumericOid}));
  MemoryAppender app;
  auto c = NewWalCollector({});
  ASSERT_TRUE(CollectOnce(*c, q, app).ok());
  EXPECT_EQ(app.Render(),
            "# HELP pg_wal_segments Number of WAL segments\n"
            "# TYPE pg_wal_segments gauge\n"
            "pg_wal_segments 47\n"
            "# HELP pg_wal_size_bytes Total size of WAL segments\n"
            "# TYPE pg_wal_size_bytes gauge\n"
            "pg_wal_size_bytes 788529152\n");

  // No segment: SUM is NULL, which a uint64 cannot hold.
  FakeQuerier none;
  none.Set("pg_ls_waldir",
           Typed(Rows::Make({"segments", "size"}, {{"0", kNull}}), {kInt8Oid, kNumericOid}));
  EXPECT_THAT(std::string(CollectOnce(*c, none, app).message()),
              HasSubstr("converting NULL to uint64 is unsupported"));
}

}  // namespace
}  // namespace outpost::integrations::postgres
