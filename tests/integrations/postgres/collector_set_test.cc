// The collector package as a whole: database/sql's Scan rules, the
// CollectorSet (every collector, pg_scrape_collector_* per collector, a
// failing collector does not stop the others, one log line per state
// change) and the golden exposition of a canned PostgreSQL 15 server,
// written from grafana/postgres_exporter@9358270470dd collector/*.go.
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/base/log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integrations/postgres/collector_test_util.h"

namespace outpost::integrations::postgres {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Rows = ResultSet;
constexpr auto kNull = std::nullopt;

// One cell of type `oid` scanned as `kind`.
absl::Status ScanOne(std::optional<std::string_view> text, uint32_t oid, ScanKind kind,
                     std::optional<double>* out) {
  Rows rs = Typed(Rows::Make({"c"}, {{text}}), {oid});
  return ScanNull(rs, 0, 0, kind, out);
}

double Scanned(std::string_view text, uint32_t oid, ScanKind kind) {
  std::optional<double> v;
  absl::Status st = ScanOne(text, oid, kind, &v);
  EXPECT_TRUE(st.ok()) << text << ": " << st;
  return v.value_or(-1);
}

bool Fails(std::string_view text, uint32_t oid, ScanKind kind) {
  std::optional<double> v;
  return !ScanOne(text, oid, kind, &v).ok();
}

TEST(ScanTest, IntegersAsGoConvertsThem) {
  EXPECT_EQ(Scanned("42", kInt8Oid, ScanKind::kInt64), 42);
  EXPECT_EQ(Scanned("-7", kInt4Oid, ScanKind::kInt64), -7);
  EXPECT_EQ(Scanned("+7", kNumericOid, ScanKind::kInt64), 7);
  EXPECT_EQ(Scanned("123", kNumericOid, ScanKind::kInt64), 123);
  EXPECT_EQ(Scanned("3", kFloat8Oid, ScanKind::kInt64), 3);  // FormatFloat(3.0) is "3"
  EXPECT_TRUE(Fails("3.5", kFloat8Oid, ScanKind::kInt64));
  EXPECT_TRUE(Fails("1e21", kFloat8Oid, ScanKind::kInt64));  // "1e+21"
  EXPECT_TRUE(Fails("123.00", kNumericOid, ScanKind::kInt64));
  EXPECT_TRUE(Fails("t", kBoolOid, ScanKind::kInt64));
  EXPECT_TRUE(Fails("2023-06-02 00:00:00", kTimestampOid, ScanKind::kInt64));
  EXPECT_TRUE(Fails("", kTextOid, ScanKind::kInt64));
  EXPECT_EQ(Scanned("18446744073709551615", kNumericOid, ScanKind::kUint64),
            18446744073709551615.0);
  EXPECT_TRUE(Fails("-1", kInt8Oid, ScanKind::kUint64));
}

TEST(ScanTest, FloatsTimesAndBools) {
  EXPECT_EQ(Scanned("42", kInt8Oid, ScanKind::kFloat64), 42);
  EXPECT_EQ(Scanned("1.5e3", kNumericOid, ScanKind::kFloat64), 1500);
  EXPECT_TRUE(std::isnan(Scanned("NaN", kFloat8Oid, ScanKind::kFloat64)));
  EXPECT_EQ(Scanned("-Infinity", kFloat8Oid, ScanKind::kFloat64), -HUGE_VAL);
  EXPECT_TRUE(Fails("f", kBoolOid, ScanKind::kFloat64));
  EXPECT_TRUE(Fails("2023-06-02", kDateOid, ScanKind::kFloat64));
  EXPECT_TRUE(Fails("abc", kTextOid, ScanKind::kFloat64));

  EXPECT_EQ(Scanned("2023-06-02 00:00:00+00", kTimestampTzOid, ScanKind::kTime), 1685664000);
  EXPECT_EQ(Scanned("2023-06-02 02:00:00.999+02", kTimestampTzOid, ScanKind::kTime), 1685664000);
  EXPECT_EQ(Scanned("2023-06-02", kDateOid, ScanKind::kTime), 1685664000);
  EXPECT_EQ(Scanned("1970-01-01 00:00:00+00", kTimestampTzOid, ScanKind::kTime), 0);
  EXPECT_TRUE(Fails("2023-06-02 00:00:00", kTextOid, ScanKind::kTime));
  EXPECT_TRUE(Fails("-infinity", kTimestampTzOid, ScanKind::kTime));
  EXPECT_TRUE(Fails("15:04:05", kTimeOid, ScanKind::kTime));

  EXPECT_EQ(Scanned("t", kBoolOid, ScanKind::kBool), 1);
  EXPECT_EQ(Scanned("f", kBoolOid, ScanKind::kBool), 0);
  EXPECT_EQ(Scanned("1", kInt4Oid, ScanKind::kBool), 1);
  EXPECT_EQ(Scanned("True", kTextOid, ScanKind::kBool), 1);
  EXPECT_TRUE(Fails("2", kInt4Oid, ScanKind::kBool));
  EXPECT_TRUE(Fails("yes", kTextOid, ScanKind::kBool));
  EXPECT_TRUE(Fails("1", kFloat8Oid, ScanKind::kBool));
}

TEST(ScanTest, NullAndShapeErrors) {
  std::optional<double> v = 5;
  ASSERT_TRUE(ScanOne(kNull, kInt8Oid, ScanKind::kInt64, &v).ok());
  EXPECT_FALSE(v.has_value());
  Rows rs = Typed(Rows::Make({"n"}, {{kNull}}), {kInt8Oid});
  double d = 0;
  EXPECT_EQ(Scan(rs, 0, 0, ScanKind::kInt64, &d).message(),
            "sql: Scan error on column index 0, name \"n\": converting NULL to int64 is "
            "unsupported");
  EXPECT_EQ(CheckColumns(rs, 2).message(), "sql: expected 1 destination arguments in Scan, not 2");
  EXPECT_TRUE(CheckRow(rs, 1).ok());
  EXPECT_EQ(CheckRow(Rows::Make({"n"}, {}), 1).message(), "sql: no rows in result set");
  EXPECT_TRUE(IsNoDataError(NoDataError()));
  EXPECT_FALSE(IsNoDataError(absl::NotFoundError("other")));
}

// A PostgreSQL 15 server with two databases, a replication slot and one
// user table, as the collectors' queries would answer.
void CannedServer(FakeQuerier& q) {
  q.Set("pg_database_size",
        Typed(Rows::Make({"datname", "pg_database_size"},
                         {{"postgres", "7631663"}, {"app", "8725219"}, {"template0", "7545359"}}),
              {kNameOid, kInt8Oid}));
  q.Set("FROM pg_locks",
        Typed(Rows::Make({"datname", "mode", "count"}, {{"app", "accesssharelock", "2"},
                                                        {"app", "rowexclusivelock", "1"},
                                                        {"app", "sireadlock", "0"},
                                                        {"postgres", "accesssharelock", "0"},
                                                        {"postgres", "exclusivelock", "0"}}),
              {kNameOid, kTextOid, kInt8Oid}));
  q.Set("pg_last_xact_replay_timestamp",
        Typed(Rows::Make({"lag", "is_replica"}, {{"0", "0"}}), {kNumericOid, kInt4Oid}));
  q.Set("FROM pg_replication_slots",
        SlotRows({{"standby_1", "67109200", "67109000", "t"}, {"archive", "67109200", "0", "f"}}));
  q.Set("FROM pg_stat_bgwriter",
        BgwriterRows({"120", "4", "10234.5", "12.25", "5123", "0", "0", "2311", "0", "4410",
                      "2026-12-01 10:00:00.123456+00"}));
  q.Set(
      "FROM pg_stat_database;",
      StatDatabaseRows({{"0", kNull, "0", "0", "0", "51", "1502", "730", "412", "0", "0", "0", "0",
                         "0", "0", "0", "0", "0", kNull},
                        {"5", "postgres", "2", "1501", "3", "220", "88410", "90412", "20110", "12",
                         "4", "1", "0", "0", "0", "0", "1.5", "0", "2026-12-01 10:00:00+00"},
                        {"16384", "app", "1", "310", "0", "97", "5120", "6510", "2200", "1000",
                         "20", "5", "0", "1", "8192", "0", "0.25", "0.125", kNull}}));
  q.Set("FROM pg_stat_user_tables", UserTableRows({{"postgres",
                                                    "public",
                                                    "orders",
                                                    "3",
                                                    "3000",
                                                    kNull,
                                                    kNull,
                                                    "1000",
                                                    "20",
                                                    "5",
                                                    "18",
                                                    "995",
                                                    "25",
                                                    "45",
                                                    "1970-01-01 00:00:00+00",
                                                    "2026-12-06 23:59:59.5+00",
                                                    "1970-01-01 00:00:00+00",
                                                    "2026-12-07 00:00:01+00",
                                                    "0",
                                                    "1",
                                                    "0",
                                                    "2",
                                                    "131072"}}));
  q.Set("FROM pg_statio_user_tables", StatioRows({{"postgres", "public", "orders", "12", "4410",
                                                   kNull, kNull, kNull, kNull, kNull, kNull}}));
  q.Set("pg_ls_waldir",
        Typed(Rows::Make({"segments", "size"}, {{"3", "50331648"}}), {kInt8Oid, kNumericOid}));
}

// The samples of `app`, pg_scrape_collector_duration_seconds zeroed, as
// exposition text.
std::string RenderMasked(const MemoryAppender& app) {
  std::vector<CollectedSample> samples = app.Samples();
  for (CollectedSample& s : samples) {
    if (s.name == "pg_scrape_collector_duration_seconds") {
      EXPECT_GE(s.value, 0);
      s.value = 0;
    }
  }
  return RenderCollected(samples);
}

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(OUTPOST_SOURCE_DIR "/tests/integrations/postgres/testdata/") +
                   name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(CollectorSetTest, TheForksDefaultCollectorsInNameOrder) {
  std::vector<std::string_view> names;
  for (const CollectorInfo& c : AllCollectors()) names.push_back(c.name);
  EXPECT_THAT(names,
              ElementsAre("database", "locks", "replication", "replication_slot", "stat_bgwriter",
                          "stat_database", "stat_user_tables", "statio_user_tables", "wal"));
}

TEST(CollectorSetTest, GoldenExposition) {
  FakeQuerier q;
  CannedServer(q);
  auto set = CollectorSet::Create({});
  MemoryAppender app;
  set->Collect(q, kPg15, app);
  EXPECT_EQ(RenderMasked(app), ReadTestdata("collectors_pg15.prom"));
  EXPECT_EQ(q.queries().size(), 9u);

  // A second collection on the same Appender: the same series, no new ones.
  const size_t series = app.series_count();
  app.Clear();
  set->Collect(q, kPg15, app);
  EXPECT_EQ(app.series_count(), series);
  EXPECT_EQ(RenderMasked(app), ReadTestdata("collectors_pg15.prom"));
}

TEST(CollectorSetTest, AFailingCollectorIsReportedAndTheOthersRun) {
  std::vector<std::string> lines;
  log::SetSinkForTesting([&](std::string_view line) { lines.emplace_back(line); });
  FakeQuerier q;
  CannedServer(q);
  q.Fail("pg_ls_waldir", "ERROR:  permission denied for function pg_ls_waldir");
  auto set = CollectorSet::Create({});
  MemoryAppender app;
  set->Collect(q, kPg15, app);
  for (const CollectorInfo& c : AllCollectors()) {
    EXPECT_EQ(Value(app, "pg_scrape_collector_success", Labels{{"collector", std::string(c.name)}}),
              c.name == "wal" ? 0 : 1)
        << c.name;
    EXPECT_NE(app.Find("pg_scrape_collector_duration_seconds",
                       Labels{{"collector", std::string(c.name)}}),
              nullptr);
  }
  EXPECT_EQ(app.Find("pg_wal_segments", Labels{}), nullptr);
  EXPECT_EQ(Value(app, "pg_database_size_bytes", Labels{{"datname", "app"}}), 8725219);

  // One line when it starts failing, none while it keeps failing, one
  // when it recovers.
  app.Clear();
  set->Collect(q, kPg15, app);
  FakeQuerier ok;
  CannedServer(ok);
  set->Collect(ok, kPg15, app);
  log::SetSinkForTesting(nullptr);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr("collector failed"));
  EXPECT_THAT(lines[0], HasSubstr("collector=wal"));
  EXPECT_THAT(lines[0], HasSubstr("permission denied"));
  EXPECT_THAT(lines[1], HasSubstr("collector succeeded again"));
  EXPECT_EQ(Value(app, "pg_scrape_collector_success", Labels{{"collector", "wal"}}), 1);
}

TEST(CollectorSetTest, ExcludedDatabasesReachTheDatabaseCollector) {
  FakeQuerier q;
  CannedServer(q);
  auto set = CollectorSet::Create({"template0"});
  MemoryAppender app;
  set->Collect(q, kPg15, app);
  EXPECT_THAT(q.queries()[0], HasSubstr("WHERE datname NOT IN (E'template0')"));
}

TEST(CollectorSetTest, PastTheDeadlineCollectorsAreSkippedAsFailed) {
  FakeQuerier q;
  CannedServer(q);
  auto set = CollectorSet::Create({});
  MemoryAppender app;
  set->Collect(q, kPg15, app, absl::Now() - absl::Seconds(1));
  EXPECT_TRUE(q.queries().empty());
  EXPECT_EQ(app.Samples().size(), 2 * set->size());
  EXPECT_EQ(Value(app, "pg_scrape_collector_success", Labels{{"collector", "locks"}}), 0);
}

TEST(CollectorSetTest, AnotherAppenderGetsItsOwnSeries) {
  FakeQuerier q;
  CannedServer(q);
  auto set = CollectorSet::Create({});
  MemoryAppender first, second;
  set->Collect(q, kPg15, first);
  set->Collect(q, kPg15, second);
  EXPECT_EQ(RenderMasked(second), RenderMasked(first));
}

}  // namespace
}  // namespace outpost::integrations::postgres
