// Generic namespace mapping (namespace.go, makeDescMap in
// postgres_exporter.go at grafana/postgres_exporter@9358270470dd).
#include "integrations/postgres/namespaces.h"

#include <algorithm>
#include <cmath>

#include "absl/container/node_hash_map.h"
#include "core/base/absl_compat.h"
#include "integrations/common/text.h"

namespace outpost::integrations::postgres {

bool ParseColumnUsage(std::string_view s, ColumnUsage* out) {
  static constexpr std::pair<std::string_view, ColumnUsage> kNames[] = {
      {"DISCARD", ColumnUsage::kDiscard},     {"LABEL", ColumnUsage::kLabel},
      {"COUNTER", ColumnUsage::kCounter},     {"GAUGE", ColumnUsage::kGauge},
      {"HISTOGRAM", ColumnUsage::kHistogram}, {"MAPPEDMETRIC", ColumnUsage::kMappedMetric},
      {"DURATION", ColumnUsage::kDuration},
  };
  for (const auto& [name, usage] : kNames) {
    if (s == name) {
      *out = usage;
      return true;
    }
  }
  return false;
}

namespace {

// Go's time.ParseDuration, in whole milliseconds (float64(d /
// time.Millisecond)); absl's parser has Go's syntax plus "inf".
bool ParseGoDurationMs(std::string_view s, double* ms) {
  if (s.find("inf") != std::string_view::npos) return false;
  absl::Duration d;
  if (!absl::ParseDuration(ToAbsl(s), &d)) return false;
  *ms = static_cast<double>(absl::ToInt64Milliseconds(d));
  return true;
}

// A one-dimensional PostgreSQL array text ("{1,2.5,4}") as lib/pq's
// Float64Array / Int64Array scan it; NULL is an empty array.
bool ParseArray(ResultSet::Cell cell, bool integers, std::vector<double>* out) {
  out->clear();
  if (!cell.has_value()) return true;
  std::string_view s = *cell;
  if (s.size() < 2 || s.front() != '{' || s.back() != '}') return false;
  s = s.substr(1, s.size() - 2);
  if (s.empty()) return true;
  while (true) {
    const size_t comma = s.find(',');
    const std::string_view item = s.substr(0, comma);
    double v = 0;
    if (integers) {
      int64_t i = 0;
      if (!ParseInt(item, &i)) return false;
      v = static_cast<double>(i);
    } else if (!ParseGoFloat(item, &v)) {
      return false;
    }
    out->push_back(v);
    if (comma == std::string_view::npos) return true;
    s.remove_prefix(comma + 1);
  }
}

}  // namespace

struct Namespaces::Compiled {
  struct Column {
    ColumnUsage usage = ColumnUsage::kDiscard;  // kDiscard also for labels, gated columns
    const ColumnSpec* spec = nullptr;
    MetricFamily family;
  };
  // How one column of the current result maps.
  struct Plan {
    const Column* column = nullptr;         // null: unknown column
    const MetricFamily* family = nullptr;   // the sample's family
    int bucket = -1, sum = -1, count = -1;  // HISTOGRAM's companion columns
  };

  const NamespaceSpec* spec = nullptr;
  std::string sql;  // "" → disabled on this version
  std::vector<std::string> label_names;
  absl::node_hash_map<std::string, Column> columns;  // stable addresses
  DynamicFamilies unknown;
  std::vector<Plan> plan;
  std::vector<size_t> label_cols;
  // Samples of the last query, added once it mapped completely; kept as the
  // cache for cache_seconds.
  std::vector<std::pair<SeriesRef, double>> pending;
  bool cached = false;
  absl::Time last_scrape;
};

Namespaces::Namespaces(NamespacesOptions options) : options_(std::move(options)) {}
Namespaces::~Namespaces() = default;

void Namespaces::Build(const ServerVersion& version, bool master) {
  compiled_.clear();
  // The handles cached per family pointer die with the families.
  series_ = std::make_unique<SeriesCache>();
  last_app_ = nullptr;
  built_ = true;
  built_version_ = version.Num();
  built_master_ = master;

  std::vector<const NamespaceSpec*> specs;
  if (master && options_.builtin_enabled) {
    for (const NamespaceSpec& b : BuiltinNamespaces()) {
      const bool replaced = std::any_of(options_.user.begin(), options_.user.end(),
                                        [&](const NamespaceSpec& u) { return u.name == b.name; });
      if (!replaced) specs.push_back(&b);
    }
  }
  for (const NamespaceSpec& u : options_.user) {
    if (u.master && !master) continue;  // queryNamespaceMappings skips these
    specs.push_back(&u);
  }

  for (const NamespaceSpec* spec : specs) {
    auto ns = std::make_unique<Compiled>();
    ns->spec = spec;
    if (spec->queries.empty()) {
      ns->sql = Cat("SELECT * FROM ", spec->name, ";");
    } else {
      for (const QuerySpec& q : spec->queries) {
        if (q.versions.Contains(version)) {
          ns->sql = q.sql;
          break;
        }
      }
    }
    // Every LABEL column is a label, whatever its version range
    // (makeDescMap collects them before the version check).
    for (const ColumnSpec& c : spec->columns) {
      if (c.usage == ColumnUsage::kLabel) ns->label_names.push_back(c.name);
    }
    ns->label_names.push_back("server");
    for (const ColumnSpec& c : spec->columns) {
      Compiled::Column& col = ns->columns[c.name];
      col = {};
      col.spec = &c;
      if (!c.versions.Contains(version)) continue;
      col.usage = c.usage;
      std::string name = Cat(spec->name, "_", c.name);
      switch (c.usage) {
        case ColumnUsage::kDiscard:
        case ColumnUsage::kLabel:
          col.usage = ColumnUsage::kDiscard;
          continue;
        case ColumnUsage::kCounter:
          col.family = {std::move(name), MetricType::kCounter, c.description, ""};
          break;
        case ColumnUsage::kGauge:
        case ColumnUsage::kMappedMetric:
          col.family = {std::move(name), MetricType::kGauge, c.description, ""};
          break;
        case ColumnUsage::kDuration:
          col.family = {Cat(name, "_milliseconds"), MetricType::kGauge, c.description, ""};
          break;
        case ColumnUsage::kHistogram:
          col.family = {std::move(name), MetricType::kHistogram, c.description, ""};
          break;
      }
    }
    // A histogram's companion columns are not metrics of their own.
    for (const ColumnSpec& c : spec->columns) {
      if (c.usage != ColumnUsage::kHistogram || !c.versions.Contains(version)) continue;
      for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
        ns->columns.try_emplace(Cat(c.name, suffix));
      }
    }
    compiled_.push_back(std::move(ns));
  }
}

void Namespaces::Collect(Querier& q, const ServerVersion& version, bool master,
                         std::string_view server, Appender& app, absl::Time now,
                         CollectErrors* errors) {
  if (!built_ || version.Num() != built_version_ || master != built_master_) {
    Build(version, master);
  }
  series_->Begin(app);
  app_ = &app;
  if (&app != last_app_) {
    // Cached samples hold handles of the previous Appender.
    for (auto& ns : compiled_) ns->cached = false;
    last_app_ = &app;
  }
  if (master && options_.settings_enabled) {
    absl::Status st = settings_.Collect(q, server, *series_, &errors->errors);
    if (!st.ok()) errors->errors.push_back(Cat("error retrieving settings: ", st.message()));
  }
  for (auto& ns : compiled_) CollectOne(q, *ns, server, now, errors);
  app_ = nullptr;
}

void Namespaces::CollectOne(Querier& q, Compiled& ns, std::string_view server, absl::Time now,
                            CollectErrors* errors) {
  if (ns.sql.empty()) return;  // no query for this server version
  const uint64_t cache_seconds = ns.spec->cache_seconds;
  if (cache_seconds > 0 && ns.cached &&
      now - ns.last_scrape <= absl::Seconds(static_cast<int64_t>(cache_seconds))) {
    for (const auto& [ref, value] : ns.pending) app_->Add(ref, value);
    return;
  }
  ns.pending.clear();
  if (absl::Status st = q.Query(ns.sql, &rs_); !st.ok()) {
    errors->errors.push_back(Cat("Error running query on database \"", server, "\": ",
                                 ns.spec->name, " ", st.message()));
  } else if (!MapRows(ns, server, errors)) {
    ns.pending.clear();  // upstream returns no metric of the namespace
  }
  for (const auto& [ref, value] : ns.pending) app_->Add(ref, value);
  if (cache_seconds > 0) {
    // A failed query is cached too (empty), as upstream.
    ns.cached = true;
    ns.last_scrape = now;
  }
}

bool Namespaces::MapRows(Compiled& ns, std::string_view server, CollectErrors* errors) {
  const size_t ncols = rs_.num_columns();
  if (ncols == 0) return true;
  const std::string& nsname = ns.spec->name;
  ns.plan.assign(ncols, {});
  for (size_t j = 0; j < ncols; ++j) {
    const std::string& colname = rs_.columns()[j];
    Compiled::Plan& p = ns.plan[j];
    auto it = ns.columns.find(colname);
    if (it == ns.columns.end()) {
      p.family = &ns.unknown.Get(colname, [&](std::string_view c) {
        return MetricFamily{Cat(nsname, "_", c), MetricType::kUnknown,
                            Cat("Unknown metric from ", nsname), ""};
      });
      continue;
    }
    p.column = &it->second;
    p.family = &it->second.family;
    if (p.column->usage == ColumnUsage::kHistogram) {
      p.bucket = rs_.ColumnIndex(Cat(colname, "_bucket"));
      p.sum = rs_.ColumnIndex(Cat(colname, "_sum"));
      p.count = rs_.ColumnIndex(Cat(colname, "_count"));
    }
  }
  // A label column missing from the result reads column 0 (namespace.go:
  // columnIdx[label] of an absent key is 0).
  const size_t nlabels = ns.label_names.size() - 1;
  ns.label_cols.resize(nlabels);
  for (size_t i = 0; i < nlabels; ++i) {
    ns.label_cols[i] = static_cast<size_t>(std::max(0, rs_.ColumnIndex(ns.label_names[i])));
  }
  label_values_.resize(nlabels);
  names_.assign(ns.label_names.begin(), ns.label_names.end());
  values_.resize(nlabels + 1);
  values_[nlabels] = server;

  for (size_t r = 0; r < rs_.num_rows(); ++r) {
    for (size_t i = 0; i < nlabels; ++i) {
      label_values_[i].clear();
      ToLabel(rs_, r, ns.label_cols[i], &label_values_[i]);
      values_[i] = label_values_[i];
    }
    for (size_t j = 0; j < ncols; ++j) {
      const Compiled::Plan& p = ns.plan[j];
      double v = std::nan("");
      bool ok = false;
      const ResultSet::Cell cell = rs_.Get(r, j);
      const ColumnUsage usage = p.column ? p.column->usage : ColumnUsage::kGauge;
      switch (usage) {
        case ColumnUsage::kDiscard:
        case ColumnUsage::kLabel:
          continue;
        case ColumnUsage::kHistogram:
          if (!MapHistogram(ns, r, j, errors)) return false;
          continue;
        case ColumnUsage::kCounter:
        case ColumnUsage::kGauge:
          ok = ToFloat(rs_, r, j, &v);
          break;
        case ColumnUsage::kMappedMetric:
          if (cell.has_value()) {
            for (const auto& [text, value] : p.column->spec->mapping) {
              if (text == *cell) {
                v = value;
                ok = true;
                break;
              }
            }
          }
          break;
        case ColumnUsage::kDuration:
          ok = cell.has_value() && *cell != "-1" && ParseGoDurationMs(*cell, &v);
          break;
      }
      if (!ok) {
        errors->warnings.push_back(Cat(p.column ? "Unexpected error parsing column: "
                                                : "Unparseable column type - discarding: ",
                                       nsname, " ", rs_.columns()[j], " ",
                                       cell.value_or("<nil>")));
        continue;
      }
      ns.pending.emplace_back(series_->Get(*p.family, names_, values_), v);
    }
  }
  return true;
}

bool Namespaces::MapHistogram(Compiled& ns, size_t row, size_t col, CollectErrors* errors) {
  const Compiled::Plan& p = ns.plan[col];
  const std::string& nsname = ns.spec->name;
  const std::string& colname = rs_.columns()[col];
  if (!ParseArray(rs_.Get(row, col), false, &bounds_)) {
    errors->errors.push_back(Cat("Error retrieving ", colname, " buckets: ", nsname));
    return false;
  }
  auto missing = [&](std::string_view suffix) {
    errors->warnings.push_back(Cat("Missing column: ", nsname, " ", colname, suffix));
    return true;
  };
  if (p.bucket < 0) return missing("_bucket");
  if (!ParseArray(rs_.Get(row, static_cast<size_t>(p.bucket)), true, &counts_)) {
    errors->errors.push_back(Cat("Error retrieving ", colname, " bucket values: ", nsname));
    return false;
  }
  if (p.sum < 0) return missing("_sum");
  double sum = 0;
  if (!ToFloat(rs_, row, static_cast<size_t>(p.sum), &sum)) {
    errors->warnings.push_back(Cat("Unexpected error parsing column: ", nsname, " ", colname,
                                   "_sum"));
    return true;
  }
  if (p.count < 0) return missing("_count");
  // dbToUint64: NULL is 0, text must be an unsigned integer.
  uint64_t count = 0;
  const ResultSet::Cell count_cell = rs_.Get(row, static_cast<size_t>(p.count));
  if (count_cell.has_value() && !ParseUint(*count_cell, &count)) {
    errors->warnings.push_back(Cat("Unexpected error parsing column: ", nsname, " ", colname,
                                   "_count"));
    return true;
  }

  // Buckets as Go's map[float64]uint64 (a repeated bound keeps its last
  // count), exposed sorted with the +Inf bucket added (expfmt).
  const size_t n = std::min(bounds_.size(), counts_.size());
  order_.clear();
  for (size_t i = 0; i < n; ++i) order_.push_back(i);
  std::stable_sort(order_.begin(), order_.end(),
                   [&](size_t a, size_t b) { return bounds_[a] < bounds_[b]; });
  hist_labels_.Clear();
  for (size_t i = 0; i + 1 < names_.size(); ++i) hist_labels_.Set(names_[i], values_[i]);
  hist_labels_.Set("server", values_.back());
  const MetricFamily& family = *p.family;
  bool inf_seen = false;
  for (size_t k = 0; k < order_.size(); ++k) {
    const size_t i = order_[k];
    if (k + 1 < order_.size() && bounds_[order_[k + 1]] == bounds_[i]) continue;
    inf_seen = inf_seen || std::isinf(bounds_[i]);
    hist_labels_.Set("le", FormatGoFloat(bounds_[i]));
    ns.pending.emplace_back(series_->Get(family, hist_labels_, "_bucket"), counts_[i]);
  }
  if (!inf_seen) {
    hist_labels_.Set("le", "+Inf");
    ns.pending.emplace_back(series_->Get(family, hist_labels_, "_bucket"),
                            static_cast<double>(count));
  }
  hist_labels_.Del("le");
  ns.pending.emplace_back(series_->Get(family, hist_labels_, "_sum"), sum);
  ns.pending.emplace_back(series_->Get(family, hist_labels_, "_count"),
                          static_cast<double>(count));
  return true;
}

}  // namespace outpost::integrations::postgres
