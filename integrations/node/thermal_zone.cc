// thermal_zone: node_thermal_zone_temp{zone,type} and the cooling devices'
// states from <sysfs>/class/thermal (node_exporter
// collector/thermal_zone_linux.go with prometheus/procfs
// sysfs/class_thermal.go and class_cooling_device.go v0.8.0: type, policy
// and temp are required; a zone answering ENODATA is skipped; any other
// read error fails the collector).
#include <cerrno>
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

class ThermalZoneCollector final : public Collector {
 public:
  explicit ThermalZoneCollector(const Paths& p) : dir_(p.Sys("class/thermal")) {
    temp_ = {"node_thermal_zone_temp", MetricType::kGauge, "Zone temperature in Celsius", ""};
    cur_ = {"node_cooling_device_cur_state", MetricType::kGauge,
            "Current throttle state of the cooling device", ""};
    max_ = {"node_cooling_device_max_state", MetricType::kGauge,
            "Maximum throttle state of the cooling device", ""};
  }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::vector<std::string>> entries = ListDir(dir_);
    if (!entries.ok()) {
      return absl::IsNotFound(entries.status()) ? absl::OkStatus() : entries.status();
    }
    absl::Status st = absl::OkStatus();
    for (const std::string& e : *entries) {
      if (Numbered(e, "thermal_zone")) {
        st = Zone(e);
      } else if (Numbered(e, "cooling_device")) {
        st = Cooling(e);
      }
      if (!st.ok()) break;
    }
    files_.Sweep();
    return st;
  }

 private:
  // procfs' globs: thermal_zone[0-9]*, cooling_device[0-9]*.
  static bool Numbered(const std::string& e, std::string_view prefix) {
    return e.size() > prefix.size() && std::string_view(e).substr(0, prefix.size()) == prefix &&
           e[prefix.size()] >= '0' && e[prefix.size()] <= '9';
  }

  absl::StatusOr<std::string_view> Attr(const std::string& dev, const char* attr) {
    path_ = Cat(dir_, "/", dev, "/", attr);
    absl::StatusOr<std::string_view> r = files_.Get(path_).Read();
    if (!r.ok()) return r.status();
    return Trim(*r);
  }

  absl::Status Zone(const std::string& dev) {
    absl::StatusOr<std::string_view> type = Attr(dev, "type");
    if (!type.ok()) return type.status();
    // policy is required by procfs, though not reported.
    if (absl::StatusOr<std::string_view> policy = Attr(dev, "policy"); !policy.ok()) {
      return policy.status();
    }
    absl::StatusOr<std::string_view> temp = Attr(dev, "temp");
    if (!temp.ok()) {
      // ENODATA: the sensor has no reading now; skip the zone.
      if (ToStd(temp.status().message()).find("No data available") != std::string_view::npos) {
        return absl::OkStatus();
      }
      return temp.status();
    }
    int64_t t;
    if (!ParseInt(*temp, &t)) return absl::InvalidArgumentError(Cat("bad temp in ", dev));
    series_.Add(temp_, {{"type", *type}, {"zone", std::string_view(dev).substr(12)}},
                static_cast<double>(t) / 1000.0);
    return absl::OkStatus();
  }

  absl::Status Cooling(const std::string& dev) {
    absl::StatusOr<std::string_view> type = Attr(dev, "type");
    if (!type.ok()) return type.status();
    int64_t vals[2];
    const char* attrs[2] = {"max_state", "cur_state"};
    for (int i = 0; i < 2; ++i) {
      absl::StatusOr<std::string_view> v = Attr(dev, attrs[i]);
      if (!v.ok()) return v.status();
      if (!ParseInt(*v, &vals[i]))
        return absl::InvalidArgumentError(Cat("bad ", attrs[i], " in ", dev));
    }
    std::string_view name = std::string_view(dev).substr(14);
    series_.Add(cur_, {{"name", name}, {"type", *type}}, static_cast<double>(vals[1]));
    series_.Add(max_, {{"name", name}, {"type", *type}}, static_cast<double>(vals[0]));
    return absl::OkStatus();
  }

  std::string dir_, path_;
  ProcFileSet files_;
  MetricFamily temp_, cur_, max_;
};

}  // namespace

CollectorOr NewThermalZoneCollector(const Options&, const Paths& p) {
  return std::make_unique<ThermalZoneCollector>(p);
}

}  // namespace outpost::integrations::node
