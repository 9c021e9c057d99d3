// meminfo_numa (off by default): node_memory_numa_<field>{node} from
// <sysfs>/devices/system/node/node[0-9]*/meminfo (gauges, kB scaled to
// bytes) and numastat (counters named <field>_total) (node_exporter 1.5.0
// collector/meminfo_numa_linux.go). Any unreadable file or malformed line
// fails the collection.
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

absl::Status ParseMeminfoNuma(
    std::string_view text,
    absl::FunctionRef<void(std::string_view node, std::string_view key, double v)> f) {
  std::string_view line;
  std::string_view p[6];
  while (NextLine(&text, &line)) {
    line = Trim(line);
    if (line.empty()) continue;
    const size_t n = SplitFields(line, p, 6);
    double v;
    if (n < 4 || !ParseDouble(p[3], &v)) {
      return absl::InvalidArgumentError(Cat("invalid value in meminfo: ", line));
    }
    if (n == 5 && p[4] == "kB") {
      v *= 1024;
    } else if (n != 4) {
      return absl::InvalidArgumentError(Cat("invalid line in meminfo: ", line));
    }
    std::string_view key = p[2];
    while (!key.empty() && key.back() == ':') key.remove_suffix(1);
    f(p[1], key, v);
  }
  return absl::OkStatus();
}

absl::Status ParseNumastat(std::string_view text,
                           absl::FunctionRef<void(std::string_view key, double v)> f) {
  std::string_view line;
  std::string_view p[3];
  while (NextLine(&text, &line)) {
    line = Trim(line);
    if (line.empty()) continue;
    double v;
    if (SplitFields(line, p, 3) != 2 || !ParseDouble(p[1], &v)) {
      return absl::InvalidArgumentError(Cat("bad numastat line: ", line));
    }
    f(p[0], v);
  }
  return absl::OkStatus();
}

namespace {

class MeminfoNumaCollector final : public Collector {
 public:
  explicit MeminfoNumaCollector(const Paths& p) : dir_(p.Sys("devices/system/node")) {}

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::vector<std::string>> entries = ListDir(dir_);
    std::vector<std::string> nodes;
    if (entries.ok()) {  // Glob("node[0-9]*"): a missing directory matches nothing
      for (const std::string& e : *entries) {
        if (e.size() > 4 && e.compare(0, 4, "node") == 0 && e[4] >= '0' && e[4] <= '9') {
          nodes.push_back(e);
        }
      }
    }
    absl::Status st = absl::OkStatus();
    for (const std::string& node : nodes) {
      st = Node(node);
      if (!st.ok()) break;
    }
    files_.Sweep();
    return st;
  }

 private:
  const MetricFamily& Family(std::string_view name, MetricType type) {
    return families_.Get(name, [type](std::string_view n) {
      return MetricFamily{Cat("node_memory_numa_", n), type,
                          Cat("Memory information field ", n, "."), ""};
    });
  }

  absl::Status Node(const std::string& node) {
    absl::StatusOr<std::string_view> text = files_.Get(Cat(dir_, "/", node, "/meminfo")).Read();
    if (!text.ok()) return text.status();
    absl::Status st = ParseMeminfoNuma(*text, [&](std::string_view n, std::string_view key,
                                                  double v) {
      MeminfoKeyToName(key, &name_);
      series_.Add(Family(name_, MetricType::kGauge), {{"node", n}}, v);
    });
    if (!st.ok()) return st;
    text = files_.Get(Cat(dir_, "/", node, "/numastat")).Read();
    if (!text.ok()) return text.status();
    // The node number: the digits after "node" (meminfoNodeRE).
    std::string_view num = std::string_view(node).substr(4);
    size_t digits = 0;
    while (digits < num.size() && num[digits] >= '0' && num[digits] <= '9') ++digits;
    num = num.substr(0, digits);
    return ParseNumastat(*text, [&](std::string_view key, double v) {
      name_ = Cat(key, "_total");
      series_.Add(Family(name_, MetricType::kCounter), {{"node", num}}, v);
    });
  }

  std::string dir_, name_;
  ProcFileSet files_;
  DynamicFamilies families_;
};

}  // namespace

CollectorOr NewMeminfoNumaCollector(const Options&, const Paths& p) {
  return std::make_unique<MeminfoNumaCollector>(p);
}

}  // namespace outpost::integrations::node
