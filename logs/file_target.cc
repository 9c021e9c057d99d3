#include "logs/file_target.h"

#include <set>
#include <tuple>

#include "core/relabel/relabel.h"

namespace outpost::logs {
namespace {

std::string Absolute(const std::string& path, const std::string& cwd) {
  if (path.empty() || path[0] == '/') return path;
  if (cwd.empty() || cwd.back() == '/') return cwd + path;
  return cwd + "/" + path;
}

}  // namespace

std::vector<FileTarget> BuildFileTargets(const config::LogsScrapeConfig& sc,
                                         const std::string& cwd, const std::string& hostname,
                                         std::map<std::string, int>* failed) {
  std::vector<FileTarget> out;
  std::set<std::tuple<std::string, Labels, std::string>> seen;
  for (const config::LogsStaticConfig& group : sc.static_configs) {
    std::vector<std::string> addresses = group.targets;
    if (addresses.empty()) addresses.push_back("localhost");
    for (const std::string& address : addresses) {
      Labels labels;
      for (const auto& [name, value] : group.labels) labels.Set(name, value);
      labels.Set("__address__", address);
      if (!relabel::Process(sc.relabel_configs, labels)) {
        ++(*failed)["dropped"];
        continue;
      }
      const std::string path(labels.Get("__path__"));
      if (path.empty()) {
        ++(*failed)["no_path"];
        continue;
      }
      if (std::string_view host = labels.Get("__host__"); !host.empty() && host != hostname) {
        ++(*failed)["wrong_host"];
        continue;
      }
      FileTarget t;
      t.job = sc.job_name;
      t.path_glob = Absolute(path, cwd);
      t.exclude_glob = Absolute(std::string(labels.Get("__path_exclude__")), cwd);
      for (const Label& l : labels) {
        if (l.name.rfind("__", 0) != 0) t.labels.Set(l.name, l.value);
      }
      if (!seen.emplace(t.path_glob, t.labels, t.exclude_glob).second) {
        ++(*failed)["exists"];
        continue;
      }
      out.push_back(std::move(t));
    }
  }
  return out;
}

}  // namespace outpost::logs
