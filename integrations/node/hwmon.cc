// hwmon: the sensors of <sysfs>/class/hwmon/hwmon* and their device/
// directories (node_exporter 1.5.0 collector/hwmon_linux.go). Each sensor
// file <type><n>[_<property>] of a known type becomes one series labeled
// {chip, sensor}; the metric name, unit scaling and HELP follow upstream's
// chain of cases. Values are one read of at most 128 bytes (upstream's
// sysReadFile); unreadable or non-numeric files are skipped. A chip that
// cannot be listed fails the collector after the other chips are reported.
#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

bool ExplodeHwmonFilename(std::string_view name, std::string_view* type, int64_t* num,
                          std::string_view* property) {
  // ^(?P<type>[^0-9]+)(?P<id>[0-9]*)?(_(?P<property>.+))?$
  size_t i = 0;
  while (i < name.size() && !(name[i] >= '0' && name[i] <= '9')) ++i;
  if (i == 0) return false;
  size_t j = i;
  while (j < name.size() && name[j] >= '0' && name[j] <= '9') ++j;
  std::string_view rest = name.substr(j);
  if (!rest.empty() && (rest.size() < 2 || rest[0] != '_')) return false;
  if (rest.find('\n') != std::string_view::npos) return false;  // '.' stops at newlines
  *type = name.substr(0, i);
  *property = rest.empty() ? std::string_view() : rest.substr(1);
  *num = 0;
  if (j > i && !ParseInt(name.substr(i, j - i), num)) return false;  // Atoi overflow
  return true;
}

std::string CleanHwmonName(std::string_view s) {
  // strings.ToLower, then [^a-z0-9:_] -> '_' per rune (each invalid UTF-8
  // byte counts as one rune), then trim '_'.
  std::string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
      bool ok = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == ':' || l == '_';
      out.push_back(ok ? l : '_');
      ++i;
      continue;
    }
    size_t len = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 2;
    if (ok && len == 2 && c < 0xc2) ok = false;
    // U+212A KELVIN SIGN lowercases to ASCII 'k'.
    if (ok && len == 3 && s.substr(i, 3) == "\xE2\x84\xAA") {
      out.push_back('k');
    } else {
      out.push_back('_');
    }
    i += ok ? len : 1;
  }
  size_t b = out.find_first_not_of('_');
  if (b == std::string::npos) return "";
  size_t e = out.find_last_not_of('_');
  return out.substr(b, e - b + 1);
}

namespace {

constexpr std::string_view kSensorTypes[] = {"vrm",   "beep_enable", "update_interval", "in",
                                             "cpu",   "fan",         "pwm",             "temp",
                                             "curr",  "power",       "energy",          "humidity",
                                             "intrusion"};

bool KnownType(std::string_view t) {
  for (std::string_view k : kSensorTypes) {
    if (k == t) return true;
  }
  return false;
}

// The last path component of `p` (Go's filepath.Split).
std::string_view Base(std::string_view p) {
  size_t s = p.rfind('/');
  return s == std::string_view::npos ? p : p.substr(s + 1);
}

bool RealPath(const std::string& p, std::string* out) {
  char* r = ::realpath(p.c_str(), nullptr);
  if (r == nullptr) return false;
  *out = r;
  std::free(r);
  return true;
}

class HwmonCollector final : public Collector {
 public:
  explicit HwmonCollector(const Paths& p) : dir_(p.Sys("class/hwmon")) {
    chip_names_ = {"node_hwmon_chip_names", MetricType::kGauge,
                   "Annotation metric for human-readable chip names", ""};
    sensor_label_ = {"node_hwmon_sensor_label", MetricType::kGauge,
                     "Label for given chip and sensor", ""};
    beep_ = {"node_hwmon_beep_enabled", MetricType::kGauge, "Hardware beep enabled", ""};
    vrm_ = {"node_hwmon_voltage_regulator_version", MetricType::kGauge,
            "Hardware voltage regulator", ""};
    interval_ = {"node_hwmon_update_interval_seconds", MetricType::kGauge,
                 "Hardware monitor update interval", ""};
  }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::vector<std::string>> entries = ListDir(dir_);
    if (!entries.ok()) {
      return absl::IsNotFound(entries.status()) ? NoData("no /sys/class/hwmon")
                                                : entries.status();
    }
    absl::Status last = absl::OkStatus();
    for (const std::string& e : *entries) {
      const std::string path = Cat(dir_, "/", e);
      struct stat st;
      if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
      if (absl::Status s = Chip(path); !s.ok()) last = s;
    }
    files_.Sweep();
    return last;
  }

 private:
  using SensorData = std::map<std::string, std::string>;  // property -> value

  absl::StatusOr<std::string> ChipName(const std::string& dir) {
    std::string real;
    if (RealPath(Cat(dir, "/device"), &real)) {
      std::string_view dev = Base(real);
      std::string_view prefix = std::string_view(real).substr(0, real.size() - dev.size());
      while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
      std::string name = CleanHwmonName(dev), type = CleanHwmonName(Base(prefix));
      if (!type.empty() && !name.empty()) return Cat(type, "_", name);
      if (!name.empty()) return name;
    }
    if (absl::StatusOr<std::string> n = ReadSmallFile(Cat(dir, "/name")); n.ok() && !n->empty()) {
      std::string clean = CleanHwmonName(*n);
      if (!clean.empty()) return clean;
    }
    if (!RealPath(dir, &real)) return absl::NotFoundError(Cat("cannot resolve ", dir));
    std::string clean = CleanHwmonName(Base(real));
    if (clean.empty()) {
      return absl::InvalidArgumentError(Cat("Could not derive a monitoring name for ", dir));
    }
    return clean;
  }

  absl::Status SensorFiles(const std::string& dir, std::map<std::string, SensorData>* data) {
    absl::StatusOr<std::vector<std::string>> files = ListDir(dir);
    if (!files.ok()) return files.status();
    for (const std::string& f : *files) {
      std::string_view type, prop;
      int64_t num;
      if (!ExplodeHwmonFilename(f, &type, &num, &prop) || !KnownType(type)) continue;
      std::string_view text;
      if (files_.Get(Cat(dir, "/", f)).ReadErrno(&text) != 0) continue;
      text = text.substr(0, 128);
      while (!text.empty() && text.front() == '\n') text.remove_prefix(1);
      while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
      (*data)[Cat(type, num)][std::string(prop)] = std::string(text);
    }
    return absl::OkStatus();
  }

  const MetricFamily& Family(const std::string& name, MetricType type, std::string help) {
    return dynamic_.Get(name, [&](std::string_view n) {
      return MetricFamily{std::string(n), type, std::move(help), ""};
    });
  }

  absl::Status Chip(const std::string& dir) {
    absl::StatusOr<std::string> chip = ChipName(dir);
    if (!chip.ok()) return chip.status();
    std::map<std::string, SensorData> data;
    if (absl::Status s = SensorFiles(dir, &data); !s.ok()) return s;
    const std::string device = Cat(dir, "/device");
    struct stat st;
    if (::stat(device.c_str(), &st) == 0) {
      if (absl::Status s = SensorFiles(device, &data); !s.ok()) return s;
    }
    if (absl::StatusOr<std::string> n = ReadSmallFile(Cat(dir, "/name")); n.ok()) {
      std::string clean = CleanHwmonName(*n);
      if (!clean.empty()) series_.Add(chip_names_, {{"chip", *chip}, {"chip_name", clean}}, 1);
    }
    for (const auto& [sensor, props] : data) Sensor(*chip, sensor, props);
    return absl::OkStatus();
  }

  void Sensor(const std::string& chip, const std::string& sensor, const SensorData& props) {
    std::string_view type, unused_prop;
    int64_t unused_num;
    ExplodeHwmonFilename(sensor, &type, &unused_num, &unused_prop);
    const SeriesCache::LabelPairs labels = {{"chip", chip}, {"sensor", sensor}};
    if (auto it = props.find("label"); it != props.end()) {
      const std::string label = ToValidUtf8(it->second);
      series_.Add(sensor_label_, {{"chip", chip}, {"label", label}, {"sensor", sensor}}, 1);
    }
    auto raw = props.find("");
    double v;
    if (type == "beep_enable") {
      series_.Add(beep_, labels, raw != props.end() && raw->second == "1" ? 1.0 : 0.0);
      return;
    }
    if (type == "vrm" || type == "update_interval") {
      if (!ParseDouble(raw != props.end() ? raw->second : "", &v)) return;
      if (type == "vrm") {
        series_.Add(vrm_, labels, v);
      } else {
        series_.Add(interval_, labels, v * 0.001);
      }
      return;
    }
    const std::string prefix = Cat("node_hwmon_", type);
    for (const auto& [prop, value] : props) {
      if (prop == "label") continue;
      std::string name = prefix;
      if (prop == "input") {
        if (raw != props.end()) name += "_input";
      } else if (!prop.empty()) {
        name += Cat("_", CleanHwmonName(prop));
      }
      if (!ParseDouble(value, &v)) continue;
      const std::string& e = prop;
      const MetricFamily* f;
      double out = v;
      if (e == "fault" || e == "alarm") {
        f = &Family(name, MetricType::kGauge, Cat("Hardware sensor ", e, " status (", type, ")"));
      } else if (e == "beep") {
        f = &Family(name + "_enabled", MetricType::kGauge,
                    "Hardware monitor sensor has beeping enabled");
      } else if (type == "in" || type == "cpu") {
        f = &Family(name + "_volts", MetricType::kGauge,
                    Cat("Hardware monitor for voltage (", e, ")"));
        out = v * 0.001;
      } else if (type == "temp" && e != "type") {
        f = &Family(name + "_celsius", MetricType::kGauge,
                    Cat("Hardware monitor for temperature (", e.empty() ? "input" : e, ")"));
        out = v * 0.001;
      } else if (type == "curr") {
        f = &Family(name + "_amps", MetricType::kGauge,
                    Cat("Hardware monitor for current (", e, ")"));
        out = v * 0.001;
      } else if (type == "energy") {
        f = &Family(name + "_joule_total", MetricType::kCounter,
                    Cat("Hardware monitor for joules used so far (", e, ")"));
        out = v / 1000000.0;
      } else if (type == "power" && e == "accuracy") {
        f = &Family(name, MetricType::kGauge, "Hardware monitor power meter accuracy, as a ratio");
        out = v / 1000000.0;
      } else if (type == "power" && (e == "average_interval" || e == "average_interval_min" ||
                                     e == "average_interval_max")) {
        f = &Family(name + "_seconds", MetricType::kGauge,
                    Cat("Hardware monitor power usage update interval (", e, ")"));
        out = v * 0.001;
      } else if (type == "power") {
        f = &Family(name + "_watt", MetricType::kGauge,
                    Cat("Hardware monitor for power usage in watts (", e, ")"));
        out = v / 1000000.0;
      } else if (type == "humidity") {
        f = &Family(name, MetricType::kGauge,
                    Cat("Hardware monitor for humidity, as a ratio (multiply with 100.0 to get the "
                        "humidity as a percentage) (",
                        e, ")"));
        out = v / 1000000.0;
      } else if (type == "fan" && (e == "input" || e == "min" || e == "max" || e == "target")) {
        f = &Family(name + "_rpm", MetricType::kGauge,
                    Cat("Hardware monitor for fan revolutions per minute (", e, ")"));
      } else {
        f = &Family(name, MetricType::kGauge, Cat("Hardware monitor ", type, " element ", e));
      }
      series_.Add(*f, labels, out);
    }
  }

  std::string dir_;
  ProcFileSet files_;
  DynamicFamilies dynamic_;
  MetricFamily chip_names_, sensor_label_, beep_, vrm_, interval_;
};

}  // namespace

CollectorOr NewHwmonCollector(const Options&, const Paths& p) {
  return std::make_unique<HwmonCollector>(p);
}

}  // namespace outpost::integrations::node
