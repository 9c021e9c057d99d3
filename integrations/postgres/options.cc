#include "integrations/postgres/options.h"

#include <cstdlib>
#include <string_view>
#include <utility>

#include "core/base/absl_compat.h"
#include "integrations/common/text.h"
#include "integrations/postgres/dsn.h"

namespace outpost::integrations::postgres {
namespace {

std::vector<std::string> SplitComma(std::string_view s) {
  std::vector<std::string> out;
  size_t at = 0;
  while (true) {
    const size_t comma = s.find(',', at);
    out.emplace_back(s.substr(at, comma == std::string_view::npos ? std::string_view::npos
                                                                   : comma - at));
    if (comma == std::string_view::npos) return out;
    at = comma + 1;
  }
}

}  // namespace

absl::StatusOr<std::vector<std::string>> Options::EffectiveDsns() const {
  std::vector<std::string> out;
  if (!data_source_names.empty()) {
    for (const config::Secret& s : data_source_names) out.push_back(s.reveal());
    return out;
  }
  const char* env = std::getenv(kDsnEnv);
  if (env == nullptr) {
    return absl::InvalidArgumentError(
        "cannot create postgres_exporter; neither postgres_exporter.data_source_name or "
        "$POSTGRES_EXPORTER_DATA_SOURCE_NAME is set");
  }
  return SplitComma(env);
}

std::vector<std::string> Options::IncludeDatabases() const {
  std::string joined;
  for (size_t i = 0; i < include_databases.size(); ++i) {
    if (i > 0) joined.push_back(',');
    joined += include_databases[i];
  }
  if (joined.empty()) return {};
  return SplitComma(joined);
}

Options ParseOptions(config::MapReader& m) {
  Options o;
  std::vector<std::string> dsns;
  m.StringList("data_source_names", &dsns);
  for (std::string& d : dsns) o.data_source_names.emplace_back(std::move(d));
  m.Bool("disable_settings_metrics", &o.disable_settings_metrics);
  m.Bool("autodiscover_databases", &o.autodiscover_databases);
  m.StringList("exclude_databases", &o.exclude_databases);
  m.StringList("include_databases", &o.include_databases);
  m.Bool("disable_default_metrics", &o.disable_default_metrics);
  m.String("query_path", &o.query_path);

  // No DSN at all is reported when the integration is created (Grafana
  // Agent's New), as the environment may supply them.
  absl::StatusOr<std::vector<std::string>> eff = o.EffectiveDsns();
  if (!eff.ok()) return o;
  const std::string from = o.data_source_names.empty() ? Cat("$", kDsnEnv, " ") : "";
  bool all_ok = true;
  for (size_t i = 0; i < eff->size(); ++i) {
    absl::StatusOr<Dsn> d = ParseDsn((*eff)[i]);
    if (!d.ok()) {
      all_ok = false;
      m.ValueError("data_source_names",
                   Cat(from, "[", i, "]: ", ToStd(d.status().message())));
    }
  }
  const YAML::Node instance = m.node().IsMap() ? m.node()["instance"] : YAML::Node();
  const bool instance_set = instance && instance.IsScalar() && !instance.Scalar().empty();
  if (all_ok && !instance_set) {
    absl::StatusOr<std::string> key = DsnInstanceKey(*eff);
    if (!key.ok()) m.ValueError("data_source_names", ToStd(key.status().message()));
  }
  return o;
}

void DumpOptions(const Options& o, YAML::Emitter& out) {
  auto list = [&](const char* k, const std::vector<std::string>& v) {
    out << YAML::Key << k << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const std::string& s : v) out << s;
    out << YAML::EndSeq;
  };
  out << YAML::Key << "data_source_names" << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const config::Secret& s : o.data_source_names) out << std::string(s.masked());
  out << YAML::EndSeq;
  out << YAML::Key << "disable_settings_metrics" << YAML::Value << o.disable_settings_metrics;
  out << YAML::Key << "autodiscover_databases" << YAML::Value << o.autodiscover_databases;
  list("exclude_databases", o.exclude_databases);
  list("include_databases", o.include_databases);
  out << YAML::Key << "disable_default_metrics" << YAML::Value << o.disable_default_metrics;
  out << YAML::Key << "query_path" << YAML::Value << o.query_path;
}

}  // namespace outpost::integrations::postgres
