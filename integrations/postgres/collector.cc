#include "integrations/postgres/collector.h"

#include <chrono>
#include <utility>

#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "integrations/common/text.h"

namespace outpost::integrations::postgres {
namespace {

constexpr std::string_view kIntegration = "postgres_exporter";
constexpr std::string_view kNoData = "collector returned no data";

// The fork's default-on collectors (registerCollector(..., defaultEnabled,
// ...) in collector/pg_*.go), sorted by name.
constexpr CollectorInfo kCollectors[] = {
    {"database", &NewDatabaseCollector},
    {"locks", &NewLocksCollector},
    {"replication", &NewReplicationCollector},
    {"replication_slot", &NewReplicationSlotCollector},
    {"stat_bgwriter", &NewStatBgwriterCollector},
    {"stat_database", &NewStatDatabaseCollector},
    {"stat_user_tables", &NewStatUserTablesCollector},
    {"statio_user_tables", &NewStatioUserTablesCollector},
    {"wal", &NewWalCollector},
};

// The Go value lib/pq decodes a text-format column into (lib/pq
// encode.go textDecode): int2/4/8 → int64, float4/8 → float64, bool →
// bool, timestamp[tz]/date/time → time.Time, the rest string or []byte
// (which convert alike).
enum class GoValue { kInt64, kFloat64, kBool, kTime, kBytes };

GoValue ValueOf(uint32_t oid) {
  switch (oid) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
      return GoValue::kInt64;
    case kFloat4Oid:
    case kFloat8Oid:
      return GoValue::kFloat64;
    case kBoolOid:
      return GoValue::kBool;
    case kTimestampOid:
    case kTimestampTzOid:
    case kDateOid:
    case kTimeOid:
      return GoValue::kTime;
    default:
      return GoValue::kBytes;
  }
}

std::string_view KindName(ScanKind k) {
  switch (k) {
    case ScanKind::kInt64:
      return "int64";
    case ScanKind::kUint64:
      return "uint64";
    case ScanKind::kFloat64:
      return "float64";
    case ScanKind::kTime:
      return "time.Time";
    case ScanKind::kBool:
      return "bool";
  }
  return "?";
}

// strconv.ParseInt(s, 10, 64) / ParseUint(s, 10, 64) (ParseInt takes a '+').
bool GoParseInt(std::string_view s, double* out) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-') s.remove_prefix(1);
  int64_t v;
  if (!ParseInt(s, &v)) return false;
  *out = static_cast<double>(v);
  return true;
}

// strconv.ParseBool.
bool GoParseBool(std::string_view s, double* out) {
  for (std::string_view t : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (s == t) {
      *out = 1;
      return true;
    }
  }
  for (std::string_view f : {"0", "f", "F", "FALSE", "false", "False"}) {
    if (s == f) {
      *out = 0;
      return true;
    }
  }
  return false;
}

// database/sql convertAssign of lib/pq's value of `text` (column type
// `oid`) into `kind`.
bool Convert(std::string_view text, uint32_t oid, ScanKind kind, double* out) {
  const GoValue src = ValueOf(oid);
  switch (kind) {
    case ScanKind::kInt64:
    case ScanKind::kUint64: {
      // Numbers go through their string form (asString): a float64 as
      // FormatFloat(v, 'g', -1, 64), so 3.0 scans as 3 and 3.5 fails.
      if (src == GoValue::kBool || src == GoValue::kTime) return false;
      std::string buf;
      if (src == GoValue::kFloat64) {
        double f;
        if (!ParseGoFloat(text, &f, OutOfRange::kKeep)) return false;
        buf = FormatGoFloat(f);
        text = buf;
      }
      return kind == ScanKind::kInt64 ? GoParseInt(text, out) : ParseUintAsDouble(text, out);
    }
    case ScanKind::kFloat64:
      if (src == GoValue::kBool || src == GoValue::kTime) return false;
      return ParseGoFloat(text, out);
    case ScanKind::kTime:
      // Only a time.Time stores into a time.Time; a time-of-day column
      // (year 0) is not one outpost's collectors read.
      if (src != GoValue::kTime || oid == kTimeOid) return false;
      return ParseTimestamp(text, out);
    case ScanKind::kBool:
      // driver.Bool.ConvertValue: bool, 1/0 integers, ParseBool strings.
      if (src == GoValue::kBool) {
        *out = !text.empty() && text[0] == 't' ? 1 : 0;
        return true;
      }
      if (src == GoValue::kFloat64 || src == GoValue::kTime) return false;
      return GoParseBool(text, out);
  }
  return false;
}

absl::Status ScanError(const ResultSet& rs, size_t col, std::string_view detail) {
  return absl::InvalidArgumentError(
      Cat("sql: Scan error on column index ", col, ", name \"", rs.columns()[col], "\": ", detail));
}

}  // namespace

std::span<const CollectorInfo> AllCollectors() { return kCollectors; }

absl::Status NoDataError() { return absl::NotFoundError(ToAbsl(kNoData)); }

bool IsNoDataError(const absl::Status& st) {
  return absl::IsNotFound(st) && ToStd(st.message()) == kNoData;
}

std::unique_ptr<CollectorSet> CollectorSet::Create(
    const std::vector<std::string>& exclude_databases) {
  std::unique_ptr<CollectorSet> set(new CollectorSet());
  // collector.go scrapeDurationDesc, scrapeSuccessDesc.
  set->duration_ = {"pg_scrape_collector_duration_seconds", MetricType::kGauge,
                    "postgres_exporter: Duration of a collector scrape.", ""};
  set->success_ = {"pg_scrape_collector_success", MetricType::kGauge,
                   "postgres_exporter: Whether a collector succeeded.", ""};
  CollectorConfig config;
  config.exclude_databases = exclude_databases;
  set->entries_.reserve(std::size(kCollectors));
  for (const CollectorInfo& info : kCollectors) {
    set->entries_.push_back(Entry{&info, info.factory(config), SeriesCache(), false});
  }
  return set;
}

void CollectorSet::Collect(Querier& q, const ServerVersion& v, Appender& app, absl::Time deadline) {
  scrape_.Begin(app);
  for (Entry& e : entries_) {
    const auto start = std::chrono::steady_clock::now();
    absl::Status st;
    if (absl::Now() > deadline) {
      st = absl::DeadlineExceededError("scrape timeout reached before the collector ran");
    } else {
      e.series.Begin(app);
      st = e.collector->Update(q, v, e.series);
    }
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // collector.go execute: ErrNoData is logged at debug level, any other
    // error at error level; success is 0 for both.
    if (st.ok() && e.failing) {
      log::Info("collector succeeded again",
                {{"integration", kIntegration}, {"collector", e.info->name}});
    } else if (!st.ok() && !e.failing) {
      log::Log(IsNoDataError(st) ? log::Level::kDebug : log::Level::kError,
               IsNoDataError(st) ? "collector returned no data" : "collector failed",
               {{"integration", kIntegration},
                {"collector", e.info->name},
                {"err", ToStd(st.message())}});
    }
    e.failing = !st.ok();
    scrape_.Add(duration_, {{"collector", e.info->name}}, took);
    scrape_.Add(success_, {{"collector", e.info->name}}, st.ok() ? 1 : 0);
  }
}

absl::Status ScanNull(const ResultSet& rs, size_t row, size_t col, ScanKind kind,
                      std::optional<double>* out) {
  const ResultSet::Cell cell = rs.Get(row, col);
  if (!cell.has_value()) {
    out->reset();
    return absl::OkStatus();
  }
  double v;
  if (!Convert(*cell, rs.column_type(col), kind, &v)) {
    return ScanError(rs, col,
                     Cat("converting \"", *cell, "\" to a ", KindName(kind), " is unsupported"));
  }
  *out = v;
  return absl::OkStatus();
}

absl::Status Scan(const ResultSet& rs, size_t row, size_t col, ScanKind kind, double* out) {
  std::optional<double> v;
  if (absl::Status st = ScanNull(rs, row, col, kind, &v); !st.ok()) return st;
  if (!v.has_value()) {
    return ScanError(rs, col, Cat("converting NULL to ", KindName(kind), " is unsupported"));
  }
  *out = *v;
  return absl::OkStatus();
}

absl::Status CheckColumns(const ResultSet& rs, size_t n) {
  if (rs.num_columns() == n) return absl::OkStatus();
  return absl::InvalidArgumentError(
      Cat("sql: expected ", rs.num_columns(), " destination arguments in Scan, not ", n));
}

absl::Status CheckRow(const ResultSet& rs, size_t n) {
  if (rs.num_rows() == 0) return absl::NotFoundError("sql: no rows in result set");
  return CheckColumns(rs, n);
}

absl::Status QueryRow(Querier& q, std::string_view sql, ResultSet* rs,
                      std::initializer_list<ScanKind> kinds, double* out) {
  if (absl::Status st = q.Query(sql, rs); !st.ok()) return st;
  if (absl::Status st = CheckRow(*rs, kinds.size()); !st.ok()) return st;
  size_t col = 0;
  for (ScanKind kind : kinds) {
    if (absl::Status st = Scan(*rs, 0, col, kind, &out[col]); !st.ok()) return st;
    ++col;
  }
  return absl::OkStatus();
}

std::vector<MetricFamily> MakeFamilies(std::string_view prefix,
                                       std::span<const ColumnMetric> columns) {
  std::vector<MetricFamily> out;
  out.reserve(columns.size());
  for (const ColumnMetric& c : columns) {
    out.push_back({Cat(prefix, "_", c.name), c.type, std::string(c.help), ""});
  }
  return out;
}

absl::Status ScanRow(const ResultSet& rs, size_t row, size_t first,
                     std::span<const ColumnMetric> columns, std::optional<double>* out) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (absl::Status st = ScanNull(rs, row, first + i, columns[i].kind, &out[i]); !st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

ColumnTable::ColumnTable(std::string_view prefix, std::vector<std::string_view> label_names,
                         std::span<const ColumnMetric> columns)
    : label_names_(std::move(label_names)),
      columns_(columns),
      families_(MakeFamilies(prefix, columns)),
      labels_(label_names_.size()),
      values_(columns.size()) {}

absl::Status ColumnTable::EmitRow(const ResultSet& rs, size_t row, SeriesCache& out,
                                  std::span<const size_t> only) {
  const size_t first = label_names_.size();
  const size_t n = only.empty() ? columns_.size() : only.size();
  for (size_t i = 0; i < n; ++i) {
    const ColumnMetric& c = columns_[only.empty() ? i : only[i]];
    if (absl::Status st = ScanNull(rs, row, first + i, c.kind, &values_[i]); !st.ok()) return st;
  }
  for (size_t i = 0; i < first; ++i) labels_[i] = rs.Get(row, i).value_or("unknown");
  if (!only.empty()) {
    for (size_t i = 0; i < n; ++i) {
      out.Add(families_[only[i]], label_names_, labels_, values_[i].value_or(0));
    }
    return absl::OkStatus();
  }
  // One lookup for the row's handles (stat_user_tables: 20 per table).
  std::span<const SeriesRef> refs = out.GetRow(families_, label_names_, labels_);
  for (size_t i = 0; i < n; ++i) out.Add(refs[i], values_[i].value_or(0));
  return absl::OkStatus();
}

namespace {

class TableCollector final : public Collector {
 public:
  TableCollector(std::string_view query, std::string_view prefix,
                 std::vector<std::string_view> label_names, std::span<const ColumnMetric> columns)
      : query_(query), table_(prefix, std::move(label_names), columns) {}

  absl::Status Update(Querier& q, const ServerVersion&, SeriesCache& out) override {
    if (absl::Status st = q.Query(query_, &rs_); !st.ok()) return st;
    if (absl::Status st = CheckColumns(rs_, table_.width()); !st.ok()) return st;
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      if (absl::Status st = table_.EmitRow(rs_, r, out); !st.ok()) return st;
    }
    return absl::OkStatus();
  }

 private:
  std::string_view query_;
  ColumnTable table_;
};

}  // namespace

std::unique_ptr<Collector> NewTableCollector(std::string_view query, std::string_view prefix,
                                             std::vector<std::string_view> label_names,
                                             std::span<const ColumnMetric> columns) {
  return std::make_unique<TableCollector>(query, prefix, std::move(label_names), columns);
}

}  // namespace outpost::integrations::postgres
