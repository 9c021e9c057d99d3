// meminfo: one gauge per /proc/meminfo field, node_memory_<Field>[_bytes]
// (node_exporter collector/meminfo_linux.go: "Active(anon)" becomes
// "Active_anon"; a field with a kB unit is scaled by 1024 and gets _bytes).
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

void MeminfoKeyToName(std::string_view key, std::string* out) {
  out->clear();
  for (char c : key) {
    if (c == '(')
      out->push_back('_');
    else if (c != ')')
      out->push_back(c);
  }
}

absl::Status ParseMeminfo(std::string_view text,
                          absl::FunctionRef<void(std::string_view, double, bool)> f) {
  std::string_view line;
  while (NextLine(&text, &line)) {
    std::string_view p[4];
    size_t n = SplitFields(line, p, 4);
    if (n == 0) continue;
    if (n < 2 || n > 3 || p[0].size() < 2 || p[0].back() != ':') {
      return absl::InvalidArgumentError(Cat("invalid line in meminfo: ", line));
    }
    double v;
    if (!ParseDouble(p[1], &v)) {
      return absl::InvalidArgumentError(Cat("invalid value in meminfo: ", line));
    }
    f(p[0].substr(0, p[0].size() - 1), v, n == 3);
  }
  return absl::OkStatus();
}

namespace {

class MeminfoCollector final : public Collector {
 public:
  explicit MeminfoCollector(const Paths& p) : file_(p.Proc("meminfo")) {}

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::string_view> text = file_.Read();
    if (!text.ok()) return text.status();
    return ParseMeminfo(*text, [&](std::string_view key, double v, bool kb) {
      series_.Add(Family(key, kb), kb ? v * 1024 : v);
    });
  }

 private:
  // Families are made on first sight of a field and kept (stable addresses).
  const MetricFamily& Family(std::string_view key, bool kb) {
    auto it = families_.find(ToAbsl(key));
    if (it != families_.end()) return *it->second;
    MeminfoKeyToName(key, &name_);
    if (kb) name_ += "_bytes";
    auto f = std::make_unique<MetricFamily>();
    f->name = Cat("node_memory_", name_);
    f->type = MetricType::kGauge;
    f->help = Cat("Memory information field ", name_, ".");
    return *families_.emplace(std::string(key), std::move(f)).first->second;
  }

  ProcFile file_;
  absl::flat_hash_map<std::string, std::unique_ptr<MetricFamily>> families_;
  std::string name_;
};

}  // namespace

CollectorOr NewMeminfoCollector(const Options&, const Paths& p) {
  return std::make_unique<MeminfoCollector>(p);
}

}  // namespace outpost::integrations::node
