// rapl: node_rapl_<zone>_joules_total{index,path} from
// <sysfs>/class/powercap/*/{name,max_energy_range_uj,energy_uj}
// (node_exporter 1.5.0 collector/rapl_linux.go with prometheus/procfs
// v0.8.0 sysfs/class_powercap.go). A zone name "x-N" is zone x with index N;
// a repeated plain name gets its use count as index. A missing powercap
// directory or a permission error is no data; a zone without a parsable
// max_energy_range_uj or energy_uj fails the collection.
#include <cerrno>
#include <map>
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

void RaplZoneIndex(std::string_view name, std::map<std::string, int, std::less<>>* uses,
                   int* index, std::string* zone) {
  // getIndexAndName: strings.Split(name, "-") of exactly two parts, the
  // second an integer (strconv.Atoi).
  size_t dash = name.find('-');
  if (dash != std::string_view::npos && name.find('-', dash + 1) == std::string_view::npos) {
    std::string_view num = name.substr(dash + 1);
    if (!num.empty() && num[0] == '+') num.remove_prefix(1);
    int64_t v;
    if (ParseInt(num, &v) && v >= INT32_MIN && v <= INT32_MAX) {
      *index = static_cast<int>(v);
      zone->assign(name.substr(0, dash));
      (*uses)[*zone] = *index + 1;
      return;
    }
  }
  auto it = uses->find(name);
  *index = it == uses->end() ? 0 : it->second;
  zone->assign(name);
  (*uses)[*zone] = *index + 1;
}

std::string SanitizeMetricName(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_';
    if (!ok) c = '_';
  }
  return out;
}

namespace {

bool IsPermission(const absl::Status& s) { return absl::IsPermissionDenied(s); }

class RaplCollector final : public Collector {
 public:
  explicit RaplCollector(const Paths& p) : dir_(p.Sys("class/powercap")) {}

 protected:
  absl::Status Update() override {
    if (!PathExists(dir_)) return no_data_;
    absl::StatusOr<std::vector<std::string>> entries = ListDir(dir_);
    if (!entries.ok()) {
      if (absl::IsNotFound(entries.status()) || IsPermission(entries.status())) {
        return NoData("no powercap files");
      }
      return entries.status();
    }
    uses_.clear();
    absl::Status st = absl::OkStatus();
    for (const std::string& e : *entries) {
      st = Zone(e);
      if (!st.ok()) break;
    }
    files_.Sweep();
    return st;
  }

 private:
  absl::StatusOr<uint64_t> ReadUint(const std::string& path) {
    absl::StatusOr<std::string_view> r = files_.Get(path).Read();
    if (!r.ok()) return r.status();
    uint64_t v;
    if (!ParseUint(Trim(*r), &v)) return absl::InvalidArgumentError(Cat("bad value in ", path));
    return v;
  }

  absl::Status Zone(const std::string& e) {
    const std::string base = Cat(dir_, "/", e);
    absl::StatusOr<std::string_view> name = files_.Get(Cat(base, "/name")).Read();
    if (!name.ok()) return absl::OkStatus();  // not a zone
    int index;
    RaplZoneIndex(Trim(*name), &uses_, &index, &zone_);
    if (absl::StatusOr<uint64_t> max = ReadUint(Cat(base, "/max_energy_range_uj")); !max.ok()) {
      return max.status();
    }
    absl::StatusOr<uint64_t> uj = ReadUint(Cat(base, "/energy_uj"));
    if (!uj.ok()) return IsPermission(uj.status()) ? NoData("energy_uj unreadable") : uj.status();
    const MetricFamily& f = families_.Get(zone_, [](std::string_view z) {
      return MetricFamily{Cat("node_rapl_", SanitizeMetricName(z), "_joules_total"),
                          MetricType::kCounter, Cat("Current RAPL ", z, " value in joules"), ""};
    });
    const std::string idx = Cat(index);
    series_.Add(f, {{"index", idx}, {"path", base}}, static_cast<double>(*uj) / 1000000.0);
    return absl::OkStatus();
  }

  std::string dir_, zone_;
  const absl::Status no_data_ = NoData("no powercap files");
  std::map<std::string, int, std::less<>> uses_;
  ProcFileSet files_;
  DynamicFamilies families_;
};

}  // namespace

CollectorOr NewRaplCollector(const Options&, const Paths& p) {
  return std::make_unique<RaplCollector>(p);
}

}  // namespace outpost::integrations::node
