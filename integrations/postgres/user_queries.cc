// query_path (queries.go parseUserQueries at grafana/postgres_exporter@
// 9358270470dd), read strictly with the config's MapReader.
#include "integrations/postgres/user_queries.h"

#include <fstream>
#include <iterator>

#include "core/config/digest.h"
#include "core/config/map_reader.h"
#include "integrations/common/text.h"

namespace outpost::integrations::postgres {
namespace {

// Prometheus' metric name charset: the namespace and its columns make up
// metric names.
bool IsMetricName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void ReadColumn(config::MapReader& m, ColumnSpec* col) {
  std::string usage;
  m.String("usage", &usage);
  if (!m.Has("usage")) {
    m.Error("usage", "missing");
  } else if (!ParseColumnUsage(usage, &col->usage)) {
    m.ValueError("usage", Cat("unknown usage \"", usage,
                              "\" (LABEL, COUNTER, GAUGE, MAPPEDMETRIC, DURATION, HISTOGRAM or "
                              "DISCARD)"));
  }
  m.String("description", &col->description);
  config::MapReader mapping = m.Map("metric_mapping");
  for (const std::string& text : mapping.Keys()) {
    double v = 0;
    mapping.Double(text, &v);
    col->mapping.emplace_back(text, v);
  }
  mapping.Finish();
  m.Finish();
}

void ReadNamespace(config::MapReader& m, const std::string& name, NamespaceSpec* ns) {
  ns->name = name;
  if (!IsMetricName(name)) m.Error("", "not a valid metric name prefix");
  std::string query;
  m.String("query", &query);
  if (!m.Has("query")) m.Error("query", "missing");
  ns->queries.push_back({{}, query});
  m.Bool("master", &ns->master);
  m.Uint64("cache_seconds", &ns->cache_seconds);
  std::string runonserver;  // read, without effect (see the header)
  m.String("runonserver", &runonserver);
  for (config::MapReader& item : m.MapList("metrics")) {
    for (const std::string& column : item.Keys()) {
      config::MapReader cm = item.Map(column);
      if (!IsMetricName(column)) cm.Error("", "not a valid metric name suffix");
      ColumnSpec& col = ns->columns.emplace_back();
      col.name = column;
      ReadColumn(cm, &col);
    }
    item.Finish();
  }
  m.Finish();
}

}  // namespace

bool ParseUserQueries(std::string_view yaml, std::string_view filename,
                      std::vector<NamespaceSpec>* out, std::vector<std::string>* errors) {
  config::Errors errs;
  errs.file = std::string(filename);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    config::AddError(&errs, e.mark, "", Cat("yaml: ", e.msg));
  }
  std::vector<NamespaceSpec> specs;
  if (errs.ok()) {
    try {
      config::MapReader top(root, "", &errs);
      for (const std::string& name : top.Keys()) {
        config::MapReader m = top.Map(name);
        ReadNamespace(m, name, &specs.emplace_back());
      }
      top.Finish();
    } catch (const YAML::Exception& e) {
      config::AddError(&errs, e.mark, "", Cat("yaml: ", e.msg));
    }
  }
  errors->insert(errors->end(), errs.errors.begin(), errs.errors.end());
  if (!errs.ok()) return false;
  *out = std::move(specs);
  return true;
}

UserQueries LoadUserQueries(const std::string& path) {
  UserQueries uq;
  uq.filename = path;
  std::ifstream in(path, std::ios::binary);
  std::string data;
  if (in.is_open()) {
    data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (!in.is_open() || in.bad()) {
    uq.errors.push_back(Cat(path, ": cannot read the user queries file"));
    return uq;
  }
  uq.hashsum = config::Sha256Hex(data);
  ParseUserQueries(data, path, &uq.namespaces, &uq.errors);
  return uq;
}

void AddUserQueriesLoadError(const UserQueries& uq, SeriesCache& series) {
  static const MetricFamily* const family = new MetricFamily{
      "pg_exporter_user_queries_load_error", MetricType::kGauge,
      "Whether the user queries file was loaded and parsed successfully (1 for error, 0 for "
      "success).",
      ""};
  series.Add(*family, {{"filename", uq.filename}, {"hashsum", uq.hashsum}}, uq.ok() ? 0 : 1);
}

}  // namespace outpost::integrations::postgres
