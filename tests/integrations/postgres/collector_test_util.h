// Helpers of the postgres collector tests: typed canned rows, one
// collection of one collector, a sample's value.
#ifndef OUTPOST_TESTS_INTEGRATIONS_POSTGRES_COLLECTOR_TEST_UTIL_H_
#define OUTPOST_TESTS_INTEGRATIONS_POSTGRES_COLLECTOR_TEST_UTIL_H_

#include <initializer_list>
#include <string_view>

#include "core/base/memory_appender.h"
#include "gtest/gtest.h"
#include "integrations/postgres/collector.h"
#include "tests/integrations/postgres/fake_querier.h"

namespace outpost::integrations::postgres {

inline const ServerVersion kPg15{15, 4, 0};

// `rs` with its column type OIDs set, as the libpq Querier sets them.
inline ResultSet Typed(ResultSet rs, std::initializer_list<uint32_t> types) {
  size_t i = 0;
  for (uint32_t t : types) rs.SetColumnType(i++, t);
  return rs;
}

// One collection of `c` on `q` into `app`.
inline absl::Status CollectOnce(Collector& c, FakeQuerier& q, MemoryAppender& app,
                                const ServerVersion& v = kPg15) {
  SeriesCache series;
  series.Begin(app);
  return c.Update(q, v, series);
}

// The value of name{labels} in `app`; a test failure (and -1) when absent.
inline double Value(const MemoryAppender& app, std::string_view name, const Labels& labels = {}) {
  const double* v = app.Find(name, labels);
  EXPECT_NE(v, nullptr) << name << labels.ToString();
  return v == nullptr ? -1 : *v;
}

// Canned replies to each collector's query, with the column types a
// PostgreSQL 15 server sends.
inline ResultSet StatDatabaseRows(
    std::initializer_list<std::initializer_list<ResultSet::Cell>> rows) {
  return Typed(
      ResultSet::Make({"datid", "datname", "numbackends", "xact_commit", "xact_rollback",
                       "blks_read", "blks_hit", "tup_returned", "tup_fetched", "tup_inserted",
                       "tup_updated", "tup_deleted", "conflicts", "temp_files", "temp_bytes",
                       "deadlocks", "blk_read_time", "blk_write_time", "stats_reset"},
                      rows),
      {kOidOid, kNameOid, kInt4Oid, kInt8Oid, kInt8Oid, kInt8Oid, kInt8Oid, kInt8Oid, kInt8Oid,
       kInt8Oid, kInt8Oid, kInt8Oid, kInt8Oid, kInt8Oid, kInt8Oid, kInt8Oid, kFloat8Oid, kFloat8Oid,
       kTimestampTzOid});
}

inline ResultSet UserTableRows(std::initializer_list<std::initializer_list<ResultSet::Cell>> rows) {
  return Typed(
      ResultSet::Make({"datname",           "schemaname",          "relname",
                       "seq_scan",          "seq_tup_read",        "idx_scan",
                       "idx_tup_fetch",     "n_tup_ins",           "n_tup_upd",
                       "n_tup_del",         "n_tup_hot_upd",       "n_live_tup",
                       "n_dead_tup",        "n_mod_since_analyze", "last_vacuum",
                       "last_autovacuum",   "last_analyze",        "last_autoanalyze",
                       "vacuum_count",      "autovacuum_count",    "analyze_count",
                       "autoanalyze_count", "total_size"},
                      rows),
      {kNameOid, kNameOid, kNameOid,        kInt8Oid,        kInt8Oid,        kInt8Oid,
       kInt8Oid, kInt8Oid, kInt8Oid,        kInt8Oid,        kInt8Oid,        kInt8Oid,
       kInt8Oid, kInt8Oid, kTimestampTzOid, kTimestampTzOid, kTimestampTzOid, kTimestampTzOid,
       kInt8Oid, kInt8Oid, kInt8Oid,        kInt8Oid,        kInt8Oid});
}

inline ResultSet StatioRows(std::initializer_list<std::initializer_list<ResultSet::Cell>> rows) {
  return Typed(ResultSet::Make({"datname", "schemaname", "relname", "heap_blks_read",
                                "heap_blks_hit", "idx_blks_read", "idx_blks_hit", "toast_blks_read",
                                "toast_blks_hit", "tidx_blks_read", "tidx_blks_hit"},
                               rows),
               {kNameOid, kNameOid, kNameOid, kInt8Oid, kInt8Oid, kInt8Oid, kInt8Oid, kInt8Oid,
                kInt8Oid, kInt8Oid, kInt8Oid});
}

inline ResultSet BgwriterRows(std::initializer_list<ResultSet::Cell> row) {
  return Typed(ResultSet::Make({"checkpoints_timed", "checkpoints_req", "checkpoint_write_time",
                                "checkpoint_sync_time", "buffers_checkpoint", "buffers_clean",
                                "maxwritten_clean", "buffers_backend", "buffers_backend_fsync",
                                "buffers_alloc", "stats_reset"},
                               {row}),
               {kInt8Oid, kInt8Oid, kFloat8Oid, kFloat8Oid, kInt8Oid, kInt8Oid, kInt8Oid, kInt8Oid,
                kInt8Oid, kInt8Oid, kTimestampTzOid});
}

inline ResultSet SlotRows(std::initializer_list<std::initializer_list<ResultSet::Cell>> rows) {
  return Typed(ResultSet::Make({"slot_name", "current_wal_lsn", "?column?", "active"}, rows),
               {kNameOid, kNumericOid, kNumericOid, kBoolOid});
}

}  // namespace outpost::integrations::postgres

#endif  // OUTPOST_TESTS_INTEGRATIONS_POSTGRES_COLLECTOR_TEST_UTIL_H_
