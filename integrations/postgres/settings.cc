// pg_settings (pg_setting.go at grafana/postgres_exporter@9358270470dd).
#include "integrations/postgres/settings.h"

#include <array>
#include <cmath>
#include <utility>

#include "integrations/common/text.h"

namespace outpost::integrations::postgres {
namespace {

// The suffixes sanitizeValue strips from values (AWS RDS Aurora reports
// "10 s"-style values, postgres_exporter#619): the unit and the character
// before it.
constexpr std::array<std::string_view, 10> kValueSuffixes = {"ms", "s",  "min", "h",  "d",
                                                             "B",  "kB", "MB",  "GB", "TB"};

struct UnitFactor {
  std::string_view unit;
  std::string_view word;
  double factor;
};
// normaliseUnit's table: time units to seconds, size units to bytes.
constexpr std::array<UnitFactor, 20> kUnits = {{
    {"ms", "seconds", 1e-3},
    {"s", "seconds", 1},
    {"min", "seconds", 60},
    {"h", "seconds", 60 * 60},
    {"d", "seconds", 60 * 60 * 24},
    {"B", "bytes", 1},
    {"kB", "bytes", 0x1p10},
    {"MB", "bytes", 0x1p20},
    {"GB", "bytes", 0x1p30},
    {"TB", "bytes", 0x1p40},
    {"1kB", "bytes", 0x1p10},
    {"2kB", "bytes", 0x1p11},
    {"4kB", "bytes", 0x1p12},
    {"8kB", "bytes", 0x1p13},
    {"16kB", "bytes", 0x1p14},
    {"32kB", "bytes", 0x1p15},
    {"64kB", "bytes", 0x1p16},
    {"16MB", "bytes", 0x1p24},
    {"32MB", "bytes", 0x1p25},
    {"64MB", "bytes", 0x1p26},
}};

}  // namespace

absl::Status NormaliseSettingUnit(std::string_view name, std::string_view setting,
                                  std::string_view unit, double* value,
                                  std::string_view* unit_word) {
  *unit_word = {};
  for (std::string_view suffix : kValueSuffixes) {
    if (setting.ends_with(suffix)) {
      // Upstream slices off one more character than the suffix (and would
      // panic on a value as short as the suffix).
      if (setting.size() < suffix.size() + 1) {
        return absl::InvalidArgumentError(
            Cat("Error converting setting \"", name, "\" value \"", setting, "\" to float"));
      }
      setting.remove_suffix(suffix.size() + 1);
      break;
    }
  }
  if (!ParseGoFloat(setting, value, OutOfRange::kKeep)) {
    return absl::InvalidArgumentError(
        Cat("Error converting setting \"", name, "\" value \"", setting, "\" to float"));
  }
  if (unit.empty()) return absl::OkStatus();
  for (const UnitFactor& u : kUnits) {
    if (u.unit != unit) continue;
    *unit_word = u.word;
    if (*value != -1) *value *= u.factor;  // -1 is special: kept as is
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(Cat("Unknown unit for runtime variable: \"", unit, "\""));
}

absl::Status Settings::Collect(Querier& q, std::string_view server, SeriesCache& series,
                               std::vector<std::string>* row_errors) {
  if (absl::Status st = q.Query(kSettingsQuery, &rs_); !st.ok()) {
    return absl::Status(st.code(), Cat("Error running query on database \"", server,
                                       "\": pg ", st.message()));
  }
  if (rs_.num_columns() < 5) {
    return absl::InternalError("pg_settings: expected 5 columns");
  }
  for (size_t r = 0; r < rs_.num_rows(); ++r) {
    const std::string_view name = rs_.Text(r, 0), setting = rs_.Text(r, 1),
                           unit = rs_.Text(r, 2), vartype = rs_.Text(r, 4);
    double value = 0;
    std::string_view unit_word;
    if (vartype == "bool") {
      value = setting == "on" ? 1 : 0;
    } else if (vartype == "integer" || vartype == "real") {
      if (absl::Status st = NormaliseSettingUnit(name, setting, unit, &value, &unit_word);
          !st.ok()) {
        row_errors->emplace_back(st.message());
        continue;
      }
    } else {
      row_errors->push_back(Cat("Unsupported vartype \"", vartype, "\""));
      continue;
    }
    name_.assign("pg_settings_");
    for (char c : name) name_.push_back(c == '.' ? '_' : c);
    if (!unit_word.empty()) {
      name_.push_back('_');
      name_.append(unit_word);
    }
    const MetricFamily& family = families_.Get(name_, [&](std::string_view metric) {
      std::string help = Cat("Server Parameter: ", name);
      if (!unit_word.empty()) help += Cat(" [Units converted to ", unit_word, ".]");
      return MetricFamily{std::string(metric), MetricType::kGauge, std::move(help), ""};
    });
    series.Add(family, {{"server", server}}, value);
  }
  return absl::OkStatus();
}

}  // namespace outpost::integrations::postgres
