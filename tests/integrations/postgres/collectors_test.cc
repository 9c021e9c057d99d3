// Each postgres collector on canned rows: names, types, HELP, labels and
// values as grafana/postgres_exporter@9358270470dd collector/pg_*.go maps
// them, with the cases of its pg_*_test.go (NULLs, inactive slots, skipped
// rows) and the version gates.
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/postgres/collector.h"
#include "tests/integrations/postgres/collector_test_util.h"

namespace outpost::integrations::postgres {
namespace {

using ::testing::HasSubstr;
using Rows = ResultSet;
constexpr auto kNull = std::nullopt;

TEST(DatabaseCollectorTest, SizesPerDatabaseNullSizeIsZero) {
  FakeQuerier q;
  // pg_database_test.go: postgres 1024; a NULL size is 0; a NULL name is
  // skipped.
  q.Set("pg_database_size", Typed(Rows::Make({"datname", "pg_database_size"},
                                             {{"postgres", "1024"}, {"gone", kNull}, {kNull, "5"}}),
                                  {kNameOid, kInt8Oid}));
  MemoryAppender app;
  auto c = NewDatabaseCollector({});
  ASSERT_TRUE(CollectOnce(*c, q, app).ok());
  EXPECT_EQ(app.Render(),
            "# HELP pg_database_size_bytes Disk space used by the database\n"
            "# TYPE pg_database_size_bytes gauge\n"
            "pg_database_size_bytes{datname=\"gone\"} 0\n"
            "pg_database_size_bytes{datname=\"postgres\"} 1024\n");
  ASSERT_EQ(q.queries().size(), 1u);
  EXPECT_EQ(q.queries()[0], "SELECT datname, pg_database_size(datname) FROM pg_database");
}

TEST(DatabaseCollectorTest, ExcludedDatabasesAreNotAskedFor) {
  FakeQuerier q;
  q.Set("pg_database_size",
        Typed(Rows::Make({"datname", "size"}, {{"app", "8"}}), {kNameOid, kInt8Oid}));
  MemoryAppender app;
  CollectorConfig config;
  config.exclude_databases = {"template0", "it's\\odd", std::string("nul\0", 4)};
  auto c = NewDatabaseCollector(config);
  ASSERT_TRUE(CollectOnce(*c, q, app).ok());
  ASSERT_EQ(q.queries().size(), 1u);
  EXPECT_EQ(q.queries()[0],
            "SELECT datname, pg_database_size(datname) FROM pg_database WHERE datname NOT IN "
            "(E'template0', E'it''s\\\\odd')");
  EXPECT_EQ(Value(app, "pg_database_size_bytes", Labels{{"datname", "app"}}), 8);
}

TEST(DatabaseCollectorTest, UnparsableSizeFails) {
  FakeQuerier q;
  q.Set("pg_database_size",
        Typed(Rows::Make({"datname", "size"}, {{"a", "x"}}), {kNameOid, kTextOid}));
  MemoryAppender app;
  auto c = NewDatabaseCollector({});
  absl::Status st = CollectOnce(*c, q, app);
  EXPECT_THAT(std::string(st.message()), HasSubstr("Scan error on column index 1, name \"size\""));
  q.Fail("pg_database", "ERROR:  permission denied");
  EXPECT_FALSE(CollectOnce(*c, q, app).ok());
}

TEST(LocksCollectorTest, CountsPerDatabaseAndMode) {
  FakeQuerier q;
  // pg_locks_test.go: test/exclusivelock 42; COALESCE makes counts 0, and
  // a NULL count would be 0 too; a NULL label skips the row.
  q.Set("FROM pg_locks",
        Typed(Rows::Make({"datname", "mode", "count"}, {{"test", "exclusivelock", "42"},
                                                        {"test", "sharelock", kNull},
                                                        {kNull, "sharelock", "1"},
                                                        {"test", kNull, "1"}}),
              {kNameOid, kTextOid, kInt8Oid}));
  MemoryAppender app;
  auto c = NewLocksCollector({});
  ASSERT_TRUE(CollectOnce(*c, q, app).ok());
  EXPECT_EQ(app.Render(),
            "# HELP pg_locks_count Number of locks\n"
            "# TYPE pg_locks_count gauge\n"
            "pg_locks_count{datname=\"test\",mode=\"exclusivelock\"} 42\n"
            "pg_locks_count{datname=\"test\",mode=\"sharelock\"} 0\n");
  EXPECT_THAT(q.queries()[0], HasSubstr("('sireadlock')"));
}

TEST(ReplicationCollectorTest, LagAndReplicaFlag) {
  FakeQuerier q;
  // pg_replication_test.go: lag 1000, is_replica 1 (EXTRACT is numeric on
  // PG 14+).
  q.Set("pg_is_in_recovery",
        Typed(Rows::Make({"lag", "is_replica"}, {{"1000", "1"}}), {kNumericOid, kInt4Oid}));
  MemoryAppender app;
  auto c = NewReplicationCollector({});
  ASSERT_TRUE(CollectOnce(*c, q, app).ok());
  EXPECT_EQ(app.Render(),
            "# HELP pg_replication_is_replica Indicates if the server is a replica\n"
            "# TYPE pg_replication_is_replica gauge\n"
            "pg_replication_is_replica 1\n"
            "# HELP pg_replication_lag_seconds Replication lag behind master in seconds\n"
            "# TYPE pg_replication_lag_seconds gauge\n"
            "pg_replication_lag_seconds 1000\n");
}

TEST(ReplicationCollectorTest, NullOrMissingRowFails) {
  MemoryAppender app;
  auto c = NewReplicationCollector({});
  FakeQuerier null_lag;
  null_lag.Set("pg_is_in_recovery",
               Typed(Rows::Make({"lag", "is_replica"}, {{kNull, "0"}}), {kFloat8Oid, kInt4Oid}));
  absl::Status st = CollectOnce(*c, null_lag, app);
  EXPECT_THAT(std::string(st.message()), HasSubstr("converting NULL to float64 is unsupported"));
  FakeQuerier empty;
  empty.Set("pg_is_in_recovery", Rows::Make({"lag", "is_replica"}, {}));
  st = CollectOnce(*c, empty, app);
  EXPECT_EQ(st.message(), "sql: no rows in result set");
  EXPECT_EQ(app.Samples().size(), 0u);
}

TEST(ReplicationSlotCollectorTest, ActiveSlotHasFlushedLsn) {
  // pg_replication_slot_test.go Active, InActive, ActiveNil, TestNilValues.
  FakeQuerier q;
  q.Set("pg_replication_slots", SlotRows({{"test_slot", "5", "3", "t"},
                                          {"inactive", "6", "12", "f"},
                                          {"nil_active", "6", "12", kNull}}));
  MemoryAppender app;
  auto c = NewReplicationSlotCollector({});
  ASSERT_TRUE(CollectOnce(*c, q, app).ok());
  EXPECT_EQ(app.Render(),
            "# HELP pg_replication_slot_slot_confirmed_flush_lsn last lsn confirmed flushed to "
            "the replication slot\n"
            "# TYPE pg_replication_slot_slot_confirmed_flush_lsn gauge\n"
            "pg_replication_slot_slot_confirmed_flush_lsn{slot_name=\"test_slot\"} 3\n"
            "# HELP pg_replication_slot_slot_current_wal_lsn current wal lsn value\n"
            "# TYPE pg_replication_slot_slot_current_wal_lsn gauge\n"
            "pg_replication_slot_slot_current_wal_lsn{slot_name=\"inactive\"} 6\n"
            "pg_replication_slot_slot_current_wal_lsn{slot_name=\"nil_active\"} 6\n"
            "pg_replication_slot_slot_current_wal_lsn{slot_name=\"test_slot\"} 5\n"
            "# HELP pg_replication_slot_slot_is_active whether the replication slot is active or "
            "not\n"
            "# TYPE pg_replication_slot_slot_is_active gauge\n"
            "pg_replication_slot_slot_is_active{slot_name=\"inactive\"} 0\n"
            "pg_replication_slot_slot_is_active{slot_name=\"nil_active\"} 0\n"
            "pg_replication_slot_slot_is_active{slot_name=\"test_slot\"} 1\n");

  FakeQuerier nil;
  nil.Set("pg_replication_slots", SlotRows({{kNull, kNull, kNull, "t"}}));
  MemoryAppender app2;
  ASSERT_TRUE(CollectOnce(*c, nil, app2).ok());
  const Labels unknown{{"slot_name", "unknown"}};
  EXPECT_EQ(Value(app2, "pg_replication_slot_slot_current_wal_lsn", unknown), 0);
  EXPECT_EQ(Value(app2, "pg_replication_slot_slot_confirmed_flush_lsn", unknown), 0);
  EXPECT_EQ(Value(app2, "pg_replication_slot_slot_is_active", unknown), 1);
  EXPECT_EQ(app2.Samples().size(), 3u);
}

TEST(StatBgwriterCollectorTest, CountersAndResetTime) {
  // pg_stat_bgwriter_test.go; stats_reset 2023-05-25 17:10:42.81132-07 is
  // 1685059842 (seconds, truncated).
  FakeQuerier q;
  q.Set("FROM pg_stat_bgwriter",
        BgwriterRows({"354", "4945", "289097744", "1242257", "3275602074", "89320867", "450139",
                      "2034563757", "0", "2725688749", "2023-05-25 17:10:42.81132-07"}));
  MemoryAppender app;
  auto c = NewStatBgwriterCollector({});
  ASSERT_TRUE(CollectOnce(*c, q, app).ok());
  EXPECT_EQ(app.Samples().size(), 11u);
  EXPECT_EQ(Value(app, "pg_stat_bgwriter_checkpoints_timed_total"), 354);
  EXPECT_EQ(Value(app, "pg_stat_bgwriter_checkpoints_req_total"), 4945);
  EXPECT_EQ(Value(app, "pg_stat_bgwriter_checkpoint_write_time_total"), 289097744);
  EXPECT_EQ(Value(app, "pg_stat_bgwriter_checkpoint_sync_time_total"), 1242257);
  EXPECT_EQ(Value(app, "pg_stat_bgwriter_buffers_checkpoint_total"), 3275602074);
  EXPECT_EQ(Value(app, "pg_stat_bgwriter_buffers_clean_total"), 89320867);
  EXPECT_EQ(Value(app, "pg_stat_bgwriter_maxwritten_clean_total"), 450139);
  EXPECT_EQ(Value(app, "pg_stat_bgwriter_buffers_backend_total"), 2034563757);
  EXPECT_EQ(Value(app, "pg_stat_bgwriter_buffers_backend_fsync_total"), 0);
  EXPECT_EQ(Value(app, "pg_stat_bgwriter_buffers_alloc_total"), 2725688749);
  EXPECT_EQ(Value(app, "pg_stat_bgwriter_stats_reset_total"), 1685059842);
  for (const CollectedSample& s : app.Samples()) {
    EXPECT_EQ(s.family->type, MetricType::kCounter) << s.name;
  }
}

TEST(StatBgwriterCollectorTest, NullsAreZero) {
  FakeQuerier q;
  q.Set("FROM pg_stat_bgwriter", BgwriterRows({kNull, kNull, kNull, kNull, kNull, kNull, kNull,
                                               kNull, kNull, kNull, kNull}));
  MemoryAppender app;
  auto c = NewStatBgwriterCollector({});
  ASSERT_TRUE(CollectOnce(*c, q, app).ok());
  ASSERT_EQ(app.Samples().size(), 11u);
  for (const CollectedSample& s : app.Samples()) EXPECT_EQ(s.value, 0) << s.name;
}

TEST(StatBgwriterCollectorTest, Postgres17ReadsTheColumnsItKept) {
  FakeQuerier q;
  q.Set("FROM pg_stat_bgwriter",
        Typed(Rows::Make({"buffers_clean", "maxwritten_clean", "buffers_alloc", "stats_reset"},
                         {{"7", "1", "900", "2024-01-02 03:04:05+00"}}),
              {kInt8Oid, kInt8Oid, kInt8Oid, kTimestampTzOid}));
  MemoryAppender app;
  auto c = NewStatBgwriterCollector({});
  ASSERT_TRUE(CollectOnce(*c, q, app, ServerVersion{17, 2, 0}).ok());
  EXPECT_EQ(q.queries()[0],
            "SELECT buffers_clean, maxwritten_clean, buffers_alloc, stats_reset FROM "
            "pg_stat_bgwriter;");
  EXPECT_EQ(app.Samples().size(), 4u);
  EXPECT_EQ(Value(app, "pg_stat_bgwriter_buffers_clean_total"), 7);
  EXPECT_EQ(Value(app, "pg_stat_bgwriter_maxwritten_clean_total"), 1);
  EXPECT_EQ(Value(app, "pg_stat_bgwriter_buffers_alloc_total"), 900);
  EXPECT_EQ(Value(app, "pg_stat_bgwriter_stats_reset_total"), 1704164645);

  // The same four-column reply to a PG 16 collection is a Scan error.
  EXPECT_EQ(CollectOnce(*c, q, app, ServerVersion{16, 4, 0}).message(),
            "sql: expected 4 destination arguments in Scan, not 11");
}

}  // namespace
}  // namespace outpost::integrations::postgres
