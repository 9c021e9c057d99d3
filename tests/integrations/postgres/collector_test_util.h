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

}  // namespace outpost::integrations::postgres

#endif  // OUTPOST_TESTS_INTEGRATIONS_POSTGRES_COLLECTOR_TEST_UTIL_H_
