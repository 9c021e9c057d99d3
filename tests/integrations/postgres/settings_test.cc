// pg_settings on canned rows: every unit of pg_setting.go, names, HELP,
// bools, -1, and rows that upstream would panic on.
#include <cmath>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/memory_appender.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/postgres/settings.h"
#include "tests/integrations/postgres/fake_querier.h"

namespace outpost::integrations::postgres {
namespace {

using ::testing::HasSubstr;

struct UnitCase {
  std::string_view setting, unit;
  double value;
  std::string_view word;
};

TEST(SettingsTest, NormalisesEveryUnit) {
  const UnitCase cases[] = {
      {"5", "s", 5, "seconds"},
      {"5000", "ms", 5, "seconds"},
      {"2", "min", 120, "seconds"},
      {"2", "h", 7200, "seconds"},
      {"2", "d", 172800, "seconds"},
      {"-1", "d", -1, "seconds"},
      {"-1", "kB", -1, "bytes"},
      {"3", "B", 3, "bytes"},
      {"3", "kB", 3072, "bytes"},
      {"3", "MB", 3 * 1048576.0, "bytes"},
      {"3", "GB", 3 * 1073741824.0, "bytes"},
      {"3", "TB", 3 * 1099511627776.0, "bytes"},
      {"3", "1kB", 3072, "bytes"},
      {"3", "2kB", 6144, "bytes"},
      {"3", "4kB", 12288, "bytes"},
      {"17", "8kB", 139264, "bytes"},
      {"3.0", "16kB", 49152, "bytes"},
      {"3", "32kB", 98304, "bytes"},
      {"3", "64kB", 196608, "bytes"},
      {"3.0", "16MB", 5.0331648e+07, "bytes"},
      {"3.0", "32MB", 1.00663296e+08, "bytes"},
      {"3.0", "64MB", 2.01326592e+08, "bytes"},
      {"0.5", "", 0.5, ""},
      {"10 s", "s", 10, "seconds"},  // sanitizeValue (RDS Aurora)
  };
  for (const UnitCase& c : cases) {
    double v = 0;
    std::string_view word = "x";
    absl::Status st = NormaliseSettingUnit("n", c.setting, c.unit, &v, &word);
    ASSERT_TRUE(st.ok()) << c.unit << ": " << st;
    EXPECT_EQ(v, c.value) << c.setting << " " << c.unit;
    EXPECT_EQ(word, c.word) << c.unit;
  }
  double v = 0;
  std::string_view word;
  EXPECT_EQ(NormaliseSettingUnit("unknown_unit", "10", "nonexistent", &v, &word).message(),
            "Unknown unit for runtime variable: \"nonexistent\"");
  EXPECT_FALSE(NormaliseSettingUnit("x", "abc", "", &v, &word).ok());
  EXPECT_FALSE(NormaliseSettingUnit("x", "s", "s", &v, &word).ok());  // upstream panics
}

ResultSet::Cell C(std::string_view s) { return s; }

// One Settings collection: the exposition, row errors in *errors.
absl::StatusOr<std::string> CollectOnce(Querier& q, std::string_view server,
                                        std::vector<std::string>* errors) {
  Settings s;
  MemoryAppender app;
  SeriesCache series;
  series.Begin(app);
  if (absl::Status st = s.Collect(q, server, series, errors); !st.ok()) return st;
  return app.Render();
}

TEST(SettingsTest, RowsBecomeGaugesAndBadRowsAreSkipped) {
  FakeQuerier q;
  q.Set(std::string(kSettingsQuery),
        ResultSet::Make({"name", "setting", "coalesce", "short_desc", "vartype"},
                        {{C("fsync"), C("on"), C(""), C("Forces synchronization."), C("bool")},
                         {C("ssl"), C("off"), C(""), C("Enables SSL."), C("bool")},
                         {C("shared_buffers"), C("16384"), C("8kB"), C("x"), C("integer")},
                         {C("statement_timeout"), C("1500"), C("ms"), C("x"), C("integer")},
                         {C("rds.reserved"), C("2"), C(""), C("x"), C("integer")},
                         {C("weird"), C("10"), C("parsecs"), C("x"), C("integer")},
                         {C("lc_x"), C("C"), C(""), C("x"), C("string")},
                         {C("vacuum_cost_delay"), C("-1"), C("ms"), C("x"), C("real")}}));
  std::vector<std::string> errors;
  absl::StatusOr<std::string> text = CollectOnce(q, "db:5432", &errors);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text,
            "# HELP pg_settings_fsync Server Parameter: fsync\n"
            "# TYPE pg_settings_fsync gauge\n"
            "pg_settings_fsync{server=\"db:5432\"} 1\n"
            "# HELP pg_settings_rds_reserved Server Parameter: rds.reserved\n"
            "# TYPE pg_settings_rds_reserved gauge\n"
            "pg_settings_rds_reserved{server=\"db:5432\"} 2\n"
            "# HELP pg_settings_shared_buffers_bytes Server Parameter: shared_buffers [Units "
            "converted to bytes.]\n"
            "# TYPE pg_settings_shared_buffers_bytes gauge\n"
            "pg_settings_shared_buffers_bytes{server=\"db:5432\"} 134217728\n"
            "# HELP pg_settings_ssl Server Parameter: ssl\n"
            "# TYPE pg_settings_ssl gauge\n"
            "pg_settings_ssl{server=\"db:5432\"} 0\n"
            "# HELP pg_settings_statement_timeout_seconds Server Parameter: statement_timeout "
            "[Units converted to seconds.]\n"
            "# TYPE pg_settings_statement_timeout_seconds gauge\n"
            "pg_settings_statement_timeout_seconds{server=\"db:5432\"} 1.5\n"
            "# HELP pg_settings_vacuum_cost_delay_seconds Server Parameter: vacuum_cost_delay "
            "[Units converted to seconds.]\n"
            "# TYPE pg_settings_vacuum_cost_delay_seconds gauge\n"
            "pg_settings_vacuum_cost_delay_seconds{server=\"db:5432\"} -1\n");
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "Unknown unit for runtime variable: \"parsecs\"",
                        "Unsupported vartype \"string\""}));
}

TEST(SettingsTest, FailedQueryIsReturned) {
  FakeQuerier q;
  q.Fail(std::string(kSettingsQuery), "permission denied");
  std::vector<std::string> errors;
  EXPECT_THAT(CollectOnce(q, "", &errors).status().message(), HasSubstr("permission denied"));
}

}  // namespace
}  // namespace outpost::integrations::postgres
