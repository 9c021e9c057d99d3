#include "integrations/snmp/options.h"

#include <cstdint>
#include <set>
#include <utility>

#include "core/base/absl_compat.h"
#include "core/config/duration.h"
#include "integrations/common/text.h"
#include "integrations/snmp/builtin_modules.h"

namespace outpost::integrations::snmp {
namespace {

const std::string kDefaultModule = "if_mib";
const std::string kDefaultAuth = "public_v2";

// The WalkParams keys of a module or a walk_params entry (v0.26
// config.go WalkParams; use_unconnected_udp_socket has no meaning for
// net-snmp's connected sockets and is accepted as is).
struct WalkKeys {
  std::optional<uint32_t> max_repetitions;
  std::optional<int> retries;
  std::optional<absl::Duration> timeout;
  bool allow_nonincreasing_oids = false;
};

WalkKeys ReadWalkKeys(config::MapReader& m) {
  WalkKeys k;
  if (m.Has("max_repetitions")) {
    uint64_t v = 0;
    m.Uint64("max_repetitions", &v);
    if (v > UINT32_MAX) m.ValueError("max_repetitions", "out of range");
    k.max_repetitions = static_cast<uint32_t>(v);
  }
  if (m.Has("retries")) {
    int v = 0;
    m.Int("retries", &v);
    k.retries = std::max(v, 0);  // gosnmp: negative retries are 0
  }
  if (m.Has("timeout")) {
    absl::Duration d;
    m.Duration("timeout", &d);
    k.timeout = d;
  }
  bool unconnected = false;
  m.Bool("use_unconnected_udp_socket", &unconnected);
  m.Bool("allow_nonincreasing_oids", &k.allow_nonincreasing_oids);
  return k;
}

// Parses the module's OIDs and compiles its engine; errors at `m`.
void Compile(config::MapReader& m, ModuleConfig* mc) {
  for (const auto& [list, out] : {std::pair{&mc->module.get, &mc->get}, std::pair{&mc->module.walk, &mc->walk}}) {
    for (const std::string& text : *list) {
      Oid oid;
      if (!ParseOid(text, &oid, /*leading_dot=*/true)) {
        m.Error("", Cat("invalid OID \"", text, "\""));
        continue;
      }
      out->push_back(std::move(oid));
    }
  }
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(mc->module);
  if (!engine.ok()) {
    m.Error("", ToStd(engine.status().message()));
    return;
  }
  mc->engine = std::shared_ptr<const Engine>(*std::move(engine));
}

// A module's mapping: the module keys, its walk parameters.
ModuleConfig ReadModule(config::MapReader& m) {
  ModuleConfig mc;
  mc.module = ParseModule(m);
  const WalkKeys k = ReadWalkKeys(m);
  if (k.max_repetitions) mc.walk_params.max_repetitions = *k.max_repetitions;
  if (k.retries) mc.walk_params.retries = *k.retries;
  if (k.timeout) mc.walk_params.timeout = *k.timeout;
  mc.walk_params.allow_nonincreasing_oids = k.allow_nonincreasing_oids;
  if (!mc.module.filters.empty())
    m.Warn("filters", "not supported yet: the filtered OIDs are walked whole");
  return mc;
}

bool IsCurrentFormat(const config::MapReader& m) {
  for (const std::string& k : m.Keys()) {
    if (k == "auths" || k == "modules" || k == "version") return true;
  }
  return m.Keys().empty();
}

void ParseCurrent(config::MapReader& m, SnmpConfig* c) {
  int version = 0;
  m.Int("version", &version);
  config::MapReader auths = m.Map("auths");
  for (const std::string& name : auths.Keys()) {
    config::MapReader a = auths.Map(name);
    c->auths[name] = ParseAuth(a);
    a.Finish();
  }
  config::MapReader modules = m.Map("modules");
  for (const std::string& name : modules.Keys()) {
    config::MapReader mm = modules.Map(name);
    ModuleConfig mc = ReadModule(mm);
    mm.Finish();
    Compile(mm, &mc);
    c->modules[name] = std::move(mc);
  }
}

// snmp_exporter 0.21 (config.go): map[module]Module, each with `version`
// and `auth:` beside the walk parameters.
void ParseOld(config::MapReader& m, SnmpConfig* c) {
  m.Warn("", "snmp.yml in the format of snmp_exporter before 0.23 (version and auth inside each "
             "module): converted, each module's auth is the auth named after the module");
  for (const std::string& name : m.Keys()) {
    config::MapReader mm = m.Map(name);
    Auth auth;
    mm.Int("version", &auth.version);
    if (mm.Has("auth")) {
      config::MapReader a = mm.Map("auth");
      ReadAuthKeys(a, &auth);
      a.Finish();
    }
    if (std::string err = ValidateAuth(auth); !err.empty()) mm.Error("", err);
    ModuleConfig mc = ReadModule(mm);
    mm.Finish();
    Compile(mm, &mc);
    c->auths[name] = std::move(auth);
    c->modules[name] = std::move(mc);
  }
}

// Reads `path` as a snmp.yml; its errors carry its own name and lines.
// Null when it cannot be read (the error names the file).
std::shared_ptr<SnmpConfig> LoadFile(config::MapReader& m, const std::string& path) {
  config::Errors errs;
  errs.file = path;
  std::shared_ptr<SnmpConfig> c;
  try {
    YAML::Node node = YAML::LoadFile(path);
    config::MapReader root(node, "", &errs);
    c = ParseSnmpConfig(root);
  } catch (const YAML::Exception& e) {
    m.ValueError("config_file", Cat("failed to load snmp config from file ", path, ": ", e.what()));
    return nullptr;
  }
  config::Errors* out = m.errors();
  out->errors.insert(out->errors.end(), errs.errors.begin(), errs.errors.end());
  out->warnings.insert(out->warnings.end(), errs.warnings.begin(), errs.warnings.end());
  return c;
}

void CheckTargets(const Options& o, std::vector<config::MapReader>& readers) {
  std::set<std::string> names;
  for (size_t i = 0; i < o.snmp_targets.size(); ++i) {
    const SnmpTarget& t = o.snmp_targets[i];
    config::MapReader& r = readers[i];
    if (t.name.empty() || t.address.empty()) {
      r.Error("", "failed to load snmp_targets; the `name` and `address` fields are mandatory");
      continue;
    }
    if (!names.insert(t.name).second) r.ValueError("name", Cat("duplicate target name \"", t.name, "\""));
    if (!o.snmp->modules.contains(t.ModuleName()))
      r.Error(t.module.empty() ? "" : "module", Cat("unknown module \"", t.ModuleName(), "\""));
    const std::string& auth = t.AuthName();
    if (!o.snmp->auths.contains(auth))
      r.Error(t.auth.empty() ? "" : "auth", Cat("unknown auth \"", auth, "\""));
    if (!t.walk_params.empty() && !o.walk_params.contains(t.walk_params))
      r.ValueError("walk_params", Cat("unknown walk_params \"", t.walk_params, "\""));
  }
}

void DumpWalk(const WalkParams& w, YAML::Emitter& out) {
  out << YAML::Key << "max_repetitions" << YAML::Value << w.max_repetitions;
  out << YAML::Key << "retries" << YAML::Value << w.retries;
  out << YAML::Key << "timeout" << YAML::Value << config::FormatPromDuration(w.timeout);
  if (w.allow_nonincreasing_oids) out << YAML::Key << "allow_nonincreasing_oids" << YAML::Value << true;
}

}  // namespace

const std::string& SnmpTarget::ModuleName() const { return module.empty() ? kDefaultModule : module; }
const std::string& SnmpTarget::AuthName() const { return auth.empty() ? kDefaultAuth : auth; }

std::shared_ptr<SnmpConfig> ParseSnmpConfig(config::MapReader& m) {
  auto c = std::make_shared<SnmpConfig>();
  if (IsCurrentFormat(m)) {
    ParseCurrent(m, c.get());
  } else {
    ParseOld(m, c.get());
    c->converted = true;
  }
  m.Finish();
  return c;
}

std::shared_ptr<const SnmpConfig> BuiltinSnmpConfig() {
  static const std::shared_ptr<const SnmpConfig> config = [] {
    auto c = std::make_shared<SnmpConfig>();
    c->auths = BuiltinAuths();
    config::Errors errs;
    YAML::Node none;
    config::MapReader m(none, "builtin", &errs);
    for (const auto& [name, module] : BuiltinModules()) {
      ModuleConfig mc;
      mc.module = module;
      Compile(m, &mc);
      c->modules[name] = std::move(mc);
    }
    return std::shared_ptr<const SnmpConfig>(std::move(c));
  }();
  return config;
}

Options ParseOptions(config::MapReader& m) {
  Options o;
  bool unreadable = false;
  m.String("config_file", &o.config_file);
  if (!o.config_file.empty()) {
    o.source = ConfigSource::kFile;
    m.Consume("snmp_config");  // Agent's LoadSNMPConfig: the file wins
    o.snmp = LoadFile(m, o.config_file);
    // Without the file, the targets' modules and auths cannot be checked:
    // the one error is the file's.
    unreadable = o.snmp == nullptr;
    if (unreadable) o.snmp = std::make_shared<SnmpConfig>();
  } else if (m.Has("snmp_config")) {
    config::MapReader s = m.Map("snmp_config");
    std::shared_ptr<SnmpConfig> c = ParseSnmpConfig(s);
    // Agent: an inline config without modules and auths is no config.
    if (!c->modules.empty() || !c->auths.empty()) {
      o.source = ConfigSource::kInline;
      o.snmp = std::move(c);
    }
  }
  if (o.snmp == nullptr) o.snmp = BuiltinSnmpConfig();

  config::MapReader wp = m.Map("walk_params");
  for (const std::string& name : wp.Keys()) {
    config::MapReader e = wp.Map(name);
    const WalkKeys k = ReadWalkKeys(e);
    e.Finish();
    WalkParamsOverride w;
    w.max_repetitions = k.max_repetitions.value_or(0);
    w.retries = k.retries;
    w.timeout = k.timeout.value_or(absl::ZeroDuration());
    o.walk_params[name] = w;
  }

  std::vector<config::MapReader> readers = m.MapList("snmp_targets");
  for (config::MapReader& r : readers) {
    SnmpTarget t;
    r.String("name", &t.name);
    r.String("address", &t.address);
    r.String("module", &t.module);
    r.String("auth", &t.auth);
    r.String("walk_params", &t.walk_params);
    r.String("snmp_context", &t.snmp_context);
    r.Finish();
    // With a converted old-format snmp.yml a target's default auth is its
    // module's own (0.21 kept the auth inside the module).
    if (t.auth.empty() && o.snmp->converted) t.auth = t.ModuleName();
    o.snmp_targets.push_back(std::move(t));
  }
  if (!unreadable) CheckTargets(o, readers);
  return o;
}

WalkParams TargetWalkParams(const Options& o, const SnmpTarget& t, const ModuleConfig& m) {
  WalkParams w = m.walk_params;
  if (t.walk_params.empty()) return w;
  auto it = o.walk_params.find(t.walk_params);
  if (it == o.walk_params.end()) return w;
  if (it->second.max_repetitions != 0) w.max_repetitions = it->second.max_repetitions;
  if (it->second.retries.has_value()) w.retries = *it->second.retries;
  if (it->second.timeout > absl::ZeroDuration()) w.timeout = it->second.timeout;
  return w;
}

void DumpOptions(const Options& o, YAML::Emitter& out) {
  if (!o.config_file.empty()) out << YAML::Key << "config_file" << YAML::Value << o.config_file;
  if (o.source == ConfigSource::kInline) {
    out << YAML::Key << "snmp_config" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "auths" << YAML::Value << YAML::BeginMap;
    for (const auto& [name, a] : o.snmp->auths) {
      out << YAML::Key << name << YAML::Value << YAML::BeginMap;
      DumpAuth(a, out);
      out << YAML::EndMap;
    }
    out << YAML::EndMap << YAML::Key << "modules" << YAML::Value << YAML::BeginMap;
    for (const auto& [name, mc] : o.snmp->modules) {
      out << YAML::Key << name << YAML::Value << YAML::BeginMap;
      DumpModule(mc.module, out);
      DumpWalk(mc.walk_params, out);
      out << YAML::EndMap;
    }
    out << YAML::EndMap << YAML::EndMap;
  }
  if (!o.walk_params.empty()) {
    out << YAML::Key << "walk_params" << YAML::Value << YAML::BeginMap;
    for (const auto& [name, w] : o.walk_params) {
      out << YAML::Key << name << YAML::Value << YAML::BeginMap;
      if (w.max_repetitions != 0) out << YAML::Key << "max_repetitions" << YAML::Value << w.max_repetitions;
      if (w.retries) out << YAML::Key << "retries" << YAML::Value << *w.retries;
      if (w.timeout > absl::ZeroDuration())
        out << YAML::Key << "timeout" << YAML::Value << config::FormatPromDuration(w.timeout);
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  out << YAML::Key << "snmp_targets" << YAML::Value << YAML::BeginSeq;
  for (const SnmpTarget& t : o.snmp_targets) {
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << t.name;
    out << YAML::Key << "address" << YAML::Value << t.address;
    out << YAML::Key << "module" << YAML::Value << t.ModuleName();
    out << YAML::Key << "auth" << YAML::Value << t.AuthName();
    if (!t.walk_params.empty()) out << YAML::Key << "walk_params" << YAML::Value << t.walk_params;
    if (!t.snmp_context.empty()) out << YAML::Key << "snmp_context" << YAML::Value << t.snmp_context;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

}  // namespace outpost::integrations::snmp
