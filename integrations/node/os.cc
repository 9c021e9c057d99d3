// os: node_os_info and node_os_version from <rootfs>/etc/os-release, else
// <rootfs>/usr/lib/os-release (node_exporter collector/os_release.go; the
// file is re-parsed only when its mtime changes; neither file = no data).
#include <sys/stat.h>

#include <map>
#include <string>
#include <vector>

#include "integrations/node/collectors.h"
#include "re2/re2.h"

namespace outpost::integrations::node {

void ParseOsRelease(std::string_view text,
                    absl::FunctionRef<void(std::string_view, std::string)> f) {
  std::string_view line;
  while (NextLine(&text, &line)) {
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    if (line.substr(0, 7) == "export ") line = Trim(line.substr(7));
    size_t eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    std::string_view key = line.substr(0, eq), raw = line.substr(eq + 1);
    std::string value;
    if (!raw.empty() && (raw[0] == '"' || raw[0] == '\'')) {
      const char q = raw[0];
      for (size_t i = 1; i < raw.size() && raw[i] != q; ++i) {
        if (q == '"' && raw[i] == '\\' && i + 1 < raw.size()) ++i;
        value.push_back(raw[i]);
      }
    } else {
      size_t hash = raw.find(" #");
      value = std::string(Trim(raw.substr(0, hash)));
    }
    f(key, std::move(value));
  }
}

namespace {

constexpr const char* kInfoKeys[][2] = {
    {"build_id", "BUILD_ID"},
    {"id", "ID"},
    {"id_like", "ID_LIKE"},
    {"image_id", "IMAGE_ID"},
    {"image_version", "IMAGE_VERSION"},
    {"name", "NAME"},
    {"pretty_name", "PRETTY_NAME"},
    {"variant", "VARIANT"},
    {"variant_id", "VARIANT_ID"},
    {"version", "VERSION"},
    {"version_codename", "VERSION_CODENAME"},
    {"version_id", "VERSION_ID"},
};

class OsCollector final : public Collector {
 public:
  explicit OsCollector(const Paths& p)
      : files_{p.rootfs + "/etc/os-release", p.rootfs + "/usr/lib/os-release"} {
    info_ = {"node_os_info", MetricType::kGauge,
             "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, "
             "image_version, name, pretty_name, variant, variant_id, version, version_codename, "
             "version_id.",
             ""};
    version_ = {"node_os_version", MetricType::kGauge,
                "Metric containing the major.minor part of the OS version.", ""};
  }

 protected:
  absl::Status Update() override {
    bool found = false;
    for (const std::string& file : files_) {
      struct stat st;
      if (::stat(file.c_str(), &st) != 0) continue;
      found = true;
      if (file != loaded_file_ || st.st_mtim.tv_sec != mtime_.tv_sec ||
          st.st_mtim.tv_nsec != mtime_.tv_nsec) {
        absl::StatusOr<std::string> text = ReadSmallFile(file);
        if (!text.ok()) return text.status();
        Load(*text);
        loaded_file_ = file;
        mtime_ = st.st_mtim;
      }
      break;
    }
    if (!found) return NoData("no os-release file found");
    series_.Add(info_, names_, values_, 1);
    if (version_value_ > 0) {
      series_.Add(version_, {{"id", id_}, {"id_like", id_like_}, {"name", name_}}, version_value_);
    }
    return absl::OkStatus();
  }

 private:
  void Load(const std::string& text) {
    env_.clear();
    ParseOsRelease(text,
                   [&](std::string_view k, std::string v) { env_[std::string(k)] = std::move(v); });
    // Label values are kept for the following collections (std::map
    // references are stable): no lookups per collection.
    names_.clear();
    values_.clear();
    for (const auto& k : kInfoKeys) {
      names_.push_back(k[0]);
      values_.push_back(env_[k[1]]);
    }
    id_ = env_["ID"];
    id_like_ = env_["ID_LIKE"];
    name_ = env_["NAME"];
    // versionRegex `^[0-9]+\.?[0-9]*` of VERSION_ID.
    std::string major_minor;
    version_value_ = 0;
    static const RE2* const kVersion = new RE2(R"(^([0-9]+\.?[0-9]*))");
    if (RE2::PartialMatch(env_["VERSION_ID"], *kVersion, &major_minor)) {
      double v;
      if (ParseDouble(major_minor, &v)) version_value_ = v;
    }
  }

  std::string files_[2];
  std::string loaded_file_;
  struct timespec mtime_ {};
  std::map<std::string, std::string> env_;
  std::vector<std::string_view> names_, values_;
  std::string_view id_, id_like_, name_;
  double version_value_ = 0;
  MetricFamily info_, version_;
};

}  // namespace

CollectorOr NewOsCollector(const Options&, const Paths& p) {
  return std::make_unique<OsCollector>(p);
}

}  // namespace outpost::integrations::node
