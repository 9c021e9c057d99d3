#include "integrations/blackbox/module.h"

#include <string_view>
#include <utility>

#include "core/config/duration.h"
#include "integrations/blackbox/probers.h"
#include "integrations/common/text.h"

namespace outpost::integrations::blackbox {
namespace {

constexpr std::string_view kBlocks[] = {"http", "tcp", "icmp", "dns"};

// One module; false when it has an error (reported).
bool ParseModule(config::MapReader& m, Module* out) {
  const size_t errors_before = m.errors()->errors.size();
  std::string prober_name;
  m.String("prober", &prober_name);
  m.Duration("timeout", &out->timeout, /*allow_zero=*/true);
  if (m.Has("grpc") || prober_name == "grpc") {
    m.Error(m.Has("grpc") ? "grpc" : "prober", "grpc prober is not supported yet");
    m.Consume("grpc");
  } else if (prober_name.empty()) {
    m.Error("prober", "missing prober (one of http, tcp, icmp, dns)");
  } else {
    out->prober = FindProber(prober_name);
    if (out->prober == nullptr) m.ValueError("prober", Cat("unknown prober \"", prober_name, "\""));
  }
  // Every block present is checked (upstream decodes them all); the one
  // of the module's prober is kept, an absent one is its defaults.
  for (std::string_view block : kBlocks) {
    const bool own = block == prober_name;
    if (!m.Has(block) && !(own && out->prober != nullptr)) continue;
    const Prober* p = FindProber(block);
    if (p == nullptr) {
      m.Error(block, Cat("unknown prober \"", block, "\""));
      m.Consume(block);
      continue;
    }
    config::MapReader b = m.Map(block);
    std::unique_ptr<ProberSettings> settings = p->parse(b);
    b.Finish();
    if (own) out->settings = std::move(settings);
  }
  m.Finish();
  return m.errors()->errors.size() == errors_before && out->prober != nullptr &&
         out->settings != nullptr;
}

}  // namespace

Modules ParseModules(config::MapReader& root) {
  Modules modules;
  config::MapReader mods = root.Map("modules");
  for (const std::string& name : mods.Keys()) {
    config::MapReader m = mods.Map(name);
    Module module;
    if (ParseModule(m, &module)) modules.emplace(name, std::move(module));
  }
  mods.Finish();
  return modules;
}

void DumpModules(const Modules& modules, YAML::Emitter& out) {
  out << YAML::Key << "modules" << YAML::Value << YAML::BeginMap;
  for (const auto& [name, m] : modules) {
    out << YAML::Key << name << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "prober" << YAML::Value << std::string(m.prober->name);
    if (m.timeout > absl::ZeroDuration())
      out << YAML::Key << "timeout" << YAML::Value << config::FormatPromDuration(m.timeout);
    out << YAML::Key << std::string(m.prober->name) << YAML::Value << YAML::BeginMap;
    m.settings->Dump(out);
    out << YAML::EndMap;
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

}  // namespace outpost::integrations::blackbox
