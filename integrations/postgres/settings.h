// pg_settings as gauges pg_settings_<name>[_seconds|_bytes]{server}.
//
// Model: grafana/postgres_exporter@9358270470dd
// cmd/postgres_exporter/pg_setting.go (querySettings, pgSetting.metric,
// normaliseUnit, sanitizeValue). Names have '.' replaced by '_'; HELP is
// "Server Parameter: <name>" plus " [Units converted to seconds.]" (or
// bytes) when a unit applies; bool settings are 1 for "on", else 0; time
// units become seconds and size units bytes (powers of 2); -1 is kept.
// Upstream panics on an unknown unit or vartype: here that setting is
// skipped and reported as an error.
//
// Thread-safety: none; owned by one server's Namespaces.
#ifndef OUTPOST_INTEGRATIONS_POSTGRES_SETTINGS_H_
#define OUTPOST_INTEGRATIONS_POSTGRES_SETTINGS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "integrations/common/result_set.h"
#include "integrations/common/series_cache.h"
#include "integrations/postgres/values.h"

namespace outpost::integrations::postgres {

inline constexpr std::string_view kSettingsQuery =
    "SELECT name, setting, COALESCE(unit, ''), short_desc, vartype FROM pg_settings WHERE "
    "vartype IN ('bool', 'integer', 'real') AND name != 'sync_commit_cancel_wait';";

// normaliseUnit of one integer/real setting: the value in seconds or bytes
// and the unit word ("seconds", "bytes", or "" when `unit` is empty).
// InvalidArgument for a value that is not a number or an unknown unit
// ("Unknown unit for runtime variable: \"x\"").
absl::Status NormaliseSettingUnit(std::string_view name, std::string_view setting,
                                  std::string_view unit, double* value, std::string_view* unit_word);

class Settings {
 public:
  // Runs kSettingsQuery and adds one gauge per row through `series`, with
  // the `server` label (absent when empty). A failed query is returned; a
  // row that cannot be mapped is skipped and its message appended to
  // *row_errors.
  absl::Status Collect(Querier& q, std::string_view server, SeriesCache& series,
                       std::vector<std::string>* row_errors);
 private:
  DynamicFamilies families_;
  ResultSet rs_;
  std::string name_;
};

}  // namespace outpost::integrations::postgres

#endif  // OUTPOST_INTEGRATIONS_POSTGRES_SETTINGS_H_
