#include "core/scrape/file_sd.h"

#include <glob.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/scrape/target.h"

namespace outpost::scrape {

FileSd::FileSd(config::FileSdConfig cfg) : cfg_(std::move(cfg)) {}

bool FileSd::Refresh(bool force, std::vector<std::string>* errors) {
  std::map<std::string, File> next;
  for (const std::string& pattern : cfg_.files) {
    glob_t g{};
    if (glob(pattern.c_str(), 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) next[g.gl_pathv[i]];
    }
    globfree(&g);
  }
  bool changed = next.size() != files_.size();
  for (auto& [path, f] : next) {
    struct stat st {};
    auto old = files_.find(path);
    if (old == files_.end()) changed = true;
    if (stat(path.c_str(), &st) != 0) {
      errors->push_back(absl::StrCat(path, ": cannot stat"));
      continue;
    }
    const int64_t mtime = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
    if (!force && old != files_.end() && old->second.mtime_ns == mtime &&
        old->second.size == st.st_size) {
      f = old->second;
      continue;
    }
    f.mtime_ns = mtime;
    f.size = st.st_size;
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    absl::StatusOr<std::vector<config::TargetGroup>> groups =
        in ? ParseTargetGroups(path, ss.str())
           : absl::StatusOr<std::vector<config::TargetGroup>>(
                 absl::UnavailableError(absl::StrCat(path, ": cannot read")));
    if (!groups.ok()) {
      errors->push_back(std::string(groups.status().message()));
      // Keep the last good content of a file that turned bad.
      if (old != files_.end()) f.groups = old->second.groups;
      continue;
    }
    if (old == files_.end() || old->second.groups.size() != groups->size()) changed = true;
    if (!changed && old != files_.end()) {
      for (size_t i = 0; i < groups->size(); ++i) {
        const config::TargetGroup& a = (*groups)[i];
        const config::TargetGroup& b = old->second.groups[i];
        if (a.targets != b.targets || a.labels != b.labels) changed = true;
      }
    }
    f.groups = *std::move(groups);
  }
  files_ = std::move(next);
  return changed;
}

std::vector<Labels> FileSd::Targets() const {
  std::vector<Labels> out;
  for (const auto& [path, f] : files_) {
    for (const config::TargetGroup& g : f.groups) {
      for (Labels& l : GroupTargets(g)) {
        l.Set("__meta_filepath", path);
        out.push_back(std::move(l));
      }
    }
  }
  return out;
}

}  // namespace outpost::scrape
