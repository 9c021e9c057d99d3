// textfile: metrics from the *.prom files of textfile_directory, parsed with
// the exposition-format parser, plus node_textfile_mtime_seconds{file} and
// node_textfile_scrape_error (node_exporter collector/textfile.go: a file
// that does not parse, or carries timestamps, is skipped and sets
// scrape_error 1; a family without HELP gets "Metric read from <files>";
// with no directory configured only scrape_error 0 is reported). A file is
// re-parsed only when its size, mtime or inode changes.
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "core/base/exposition_parser.h"
#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

class TextfileCollector final : public Collector {
 public:
  explicit TextfileCollector(const Options& o) : dir_(o.textfile_directory) {
    error_ = {"node_textfile_scrape_error", MetricType::kGauge,
              "1 if there was an error opening or reading a file, 0 otherwise", ""};
    mtime_ = {"node_textfile_mtime_seconds", MetricType::kGauge,
              "Unixtime mtime of textfiles successfully read.", ""};
  }

 protected:
  absl::Status Update() override {
    bool errored = false;
    if (!dir_.empty()) Collect(&errored);
    series_.Add(error_, errored ? 1 : 0);
    return absl::OkStatus();
  }

 private:
  struct File {
    int64_t size = -1, mtime_ns = -1;
    uint64_t ino = 0;
    bool ok = false;
    std::vector<ExpositionFamily> families;
  };

  void Collect(bool* errored) {
    absl::StatusOr<std::vector<std::string>> names = ListDir(dir_);
    if (!names.ok()) {
      *errored = true;
      return;
    }
    // Which files each family came from, for the default HELP.
    std::map<std::string, std::string> sources;
    std::vector<std::pair<std::string, File*>> good;
    for (const std::string& name : *names) {
      if (name.size() < 5 || name.compare(name.size() - 5, 5, ".prom") != 0) continue;
      const std::string path = JoinPath(dir_, name);
      File& f = files_[path];
      if (!Load(path, &f)) {
        *errored = true;
        continue;
      }
      for (const ExpositionFamily& fam : f.families) {
        std::string& s = sources[fam.meta.name];
        if (!s.empty()) s += ", ";
        s += path;
      }
      good.emplace_back(path, &f);
    }
    for (auto& [path, f] : good) {
      for (const ExpositionFamily& fam : f->families) {
        MetricFamily meta = fam.meta;
        if (meta.help.empty()) meta.help = Cat("Metric read from ", sources[meta.name]);
        const MetricFamily& family =
            families_.Get(Cat(meta.name, "\xff", MetricTypeName(meta.type), "\xff", meta.help),
                          [&](std::string_view) { return meta; });
        for (const ExpositionSample& s : fam.samples) {
          std::string_view suffix =
              std::string_view(s.name).substr(std::min(s.name.size(), family.name.size()));
          series_.Add(series_.Get(family, s.labels, suffix), s.value);
        }
      }
      series_.Add(mtime_, {{"file", path}}, static_cast<double>(f->mtime_ns / 1000000000));
    }
    // Forget files that are gone.
    std::erase_if(files_, [&](const auto& kv) {
      return std::find(names->begin(), names->end(), kv.first.substr(dir_.size() + 1)) ==
             names->end();
    });
  }

  // Parses `path` into *f unless it is unchanged; false on any error.
  static bool Load(const std::string& path, File* f) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return false;
    const int64_t mtime_ns =
        static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    if (f->size == st.st_size && f->mtime_ns == mtime_ns && f->ino == st.st_ino) return f->ok;
    f->size = st.st_size;
    f->mtime_ns = mtime_ns;
    f->ino = st.st_ino;
    f->ok = false;
    f->families.clear();
    absl::StatusOr<std::string> text = ReadSmallFile(path);
    if (!text.ok()) return false;
    absl::StatusOr<std::vector<ExpositionFamily>> parsed = ParseExposition(*text);
    if (!parsed.ok()) return false;
    for (const ExpositionFamily& fam : *parsed) {
      for (const ExpositionSample& s : fam.samples) {
        if (s.timestamp_ms.has_value()) return false;  // unsupported, whole file skipped
      }
    }
    f->families = std::move(*parsed);
    f->ok = true;
    return true;
  }

  std::string dir_;
  std::map<std::string, File> files_;
  DynamicFamilies families_;
  MetricFamily error_, mtime_;
};

}  // namespace

CollectorOr NewTextfileCollector(const Options& o, const Paths&) {
  return std::make_unique<TextfileCollector>(o);
}

}  // namespace outpost::integrations::node
