#include "integrations/blackbox/options.h"

#include <set>
#include <utility>

#include "integrations/common/text.h"

namespace outpost::integrations::blackbox {
namespace {

// Loads and parses config_file; its errors name the file's own lines.
Modules LoadConfigFile(config::MapReader& m, const std::string& path, bool* ok) {
  config::Errors file_errors;
  file_errors.file = path;
  Modules modules;
  try {
    YAML::Node root = YAML::LoadFile(path);
    config::MapReader r(root, "", &file_errors);
    modules = ParseModules(r);
    r.Finish();
  } catch (const YAML::BadFile&) {
    m.ValueError("config_file", Cat("cannot read blackbox config file ", path));
    *ok = false;
    return modules;
  } catch (const YAML::Exception& e) {
    file_errors.errors.push_back(
        Cat(path, ":", e.mark.line + 1, ":", e.mark.column + 1, ": ", e.msg));
  }
  *ok = file_errors.errors.empty();
  for (std::string& e : file_errors.errors) m.errors()->errors.push_back(std::move(e));
  for (std::string& w : file_errors.warnings) m.errors()->warnings.push_back(std::move(w));
  return modules;
}

void ReadTargets(config::MapReader& m, bool check_modules, Options* o) {
  std::set<std::string, std::less<>> names;
  for (config::MapReader& t : m.MapList("blackbox_targets")) {
    Target target;
    t.String("name", &target.name);
    t.String("address", &target.address);
    t.String("module", &target.module);
    if (t.Has("labels")) {
      t.Error("labels", "not supported: static mode's blackbox_targets have name, address and "
                        "module only (use relabel_configs)");
      t.Consume("labels");
    }
    t.Finish();
    if (target.name.empty() || target.address.empty()) {
      t.Error(target.name.empty() ? "name" : "address",
              "the `name` and `address` fields are mandatory");
    } else if (!names.insert(target.name).second) {
      t.ValueError("name", Cat("duplicate target name \"", target.name, "\""));
    }
    if (check_modules && o->modules->find(TargetModule(target)) == o->modules->end()) {
      if (target.module.empty()) {
        t.Error("module", "no module given, and the default module \"http_2xx\" is not in the "
                          "blackbox config");
      } else {
        t.ValueError("module", Cat("unknown module \"", target.module, "\""));
      }
    }
    o->targets.push_back(std::move(target));
  }
}

}  // namespace

std::string_view TargetModule(const Target& t) {
  return t.module.empty() ? std::string_view("http_2xx") : std::string_view(t.module);
}

Options ParseOptions(config::MapReader& m) {
  Options o;
  m.String("config_file", &o.config_file);
  const size_t errors_before = m.errors()->errors.size();
  bool modules_ok = false;
  if (!o.config_file.empty()) {
    m.Consume("blackbox_config");  // config_file wins (Agent's LoadBlackboxConfig)
    o.modules = std::make_shared<Modules>(LoadConfigFile(m, o.config_file, &modules_ok));
  } else if (m.Has("blackbox_config")) {
    o.inline_config = true;
    config::MapReader b = m.Map("blackbox_config");
    o.modules = std::make_shared<Modules>(ParseModules(b));
    b.Finish();
    modules_ok = m.errors()->errors.size() == errors_before;
  } else {
    m.Error("", "failed to load blackbox config; no config file or config block provided "
                "(config_file or blackbox_config)");
  }
  m.Double("probe_timeout_offset", &o.probe_timeout_offset);
  if (o.probe_timeout_offset < 0)
    m.ValueError("probe_timeout_offset", "must not be negative");
  ReadTargets(m, modules_ok, &o);
  return o;
}

void DumpOptions(const Options& o, YAML::Emitter& out) {
  if (!o.config_file.empty()) out << YAML::Key << "config_file" << YAML::Value << o.config_file;
  if (o.inline_config) {
    out << YAML::Key << "blackbox_config" << YAML::Value << YAML::BeginMap;
    DumpModules(*o.modules, out);
    out << YAML::EndMap;
  }
  out << YAML::Key << "blackbox_targets" << YAML::Value << YAML::BeginSeq;
  for (const Target& t : o.targets) {
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << t.name << YAML::Key << "address"
        << YAML::Value << t.address;
    if (!t.module.empty()) out << YAML::Key << "module" << YAML::Value << t.module;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "probe_timeout_offset" << YAML::Value << o.probe_timeout_offset;
}

}  // namespace outpost::integrations::blackbox
