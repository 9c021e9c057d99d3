#include "integrations/process/options.h"

#include <memory>

#include "core/template/go_template.h"
#include "re2/re2.h"

namespace outpost::integrations::process {
namespace {

void ReadRule(config::MapReader& m, MatcherRule* r) {
  m.String("name", &r->name);
  r->has_comm = m.Has("comm");
  m.StringList("comm", &r->comm);
  r->has_exe = m.Has("exe");
  m.StringList("exe", &r->exe);
  r->has_cmdline = m.Has("cmdline");
  m.StringList("cmdline", &r->cmdline);
  for (const std::string& re : r->cmdline) {
    RE2 compiled(re, RE2::Quiet);
    if (!compiled.ok()) {
      m.ValueError("cmdline", "bad cmdline regex \"" + re + "\": " + compiled.error());
    }
  }
  if (!r->has_comm && !r->has_exe && !r->has_cmdline) m.Error("", "no matchers provided");
  std::string error;
  const std::string& text = r->name.empty() ? std::string("{{.ExeBase}}") : r->name;
  if (tmpl::GoTemplate::Parse(text, &error) == nullptr) {
    m.ValueError("name", "bad name template \"" + text + "\": " + error);
  }
  m.Finish();
}

}  // namespace

Options ParseOptions(config::MapReader& m) {
  Options o;
  for (config::MapReader& item : m.MapList("process_names")) {
    ReadRule(item, &o.process_names.emplace_back());
  }
  m.String("procfs_path", &o.procfs_path);
  if (o.procfs_path.empty()) o.procfs_path = "/proc";
  m.Bool("track_children", &o.track_children);
  m.Bool("track_threads", &o.track_threads);
  m.Bool("gather_smaps", &o.gather_smaps);
  m.Bool("recheck_on_scrape", &o.recheck_on_scrape);
  return o;
}

void DumpOptions(const Options& o, YAML::Emitter& out) {
  out << YAML::Key << "process_names" << YAML::Value << YAML::BeginSeq;
  for (const MatcherRule& r : o.process_names) {
    out << YAML::BeginMap;
    if (!r.name.empty()) out << YAML::Key << "name" << YAML::Value << r.name;
    if (r.has_comm) out << YAML::Key << "comm" << YAML::Value << YAML::Flow << r.comm;
    if (r.has_exe) out << YAML::Key << "exe" << YAML::Value << YAML::Flow << r.exe;
    if (r.has_cmdline) out << YAML::Key << "cmdline" << YAML::Value << YAML::Flow << r.cmdline;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "procfs_path" << YAML::Value << o.procfs_path;
  out << YAML::Key << "track_children" << YAML::Value << o.track_children;
  out << YAML::Key << "track_threads" << YAML::Value << o.track_threads;
  out << YAML::Key << "gather_smaps" << YAML::Value << o.gather_smaps;
  out << YAML::Key << "recheck_on_scrape" << YAML::Value << o.recheck_on_scrape;
}

}  // namespace outpost::integrations::process
