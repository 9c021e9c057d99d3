// powersupplyclass: <sysfs>/class/power_supply/* (node_exporter 1.5.0
// collector/powersupplyclass_linux.go with prometheus/procfs v0.8.0
// sysfs/class_power_supply.go). Every regular file of every supply is read
// (one read of at most 128 bytes, trimmed); a read error other than ENOENT,
// EOPNOTSUPP or EINVAL, or a numeric attribute that is not a Go base-0
// integer, fails the whole collection before anything is reported. The
// ignore regex (powersupply_ignored_supplies) is applied after parsing, as
// upstream.
#include <sys/stat.h>

#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

namespace {

// strconv.Parse{Int,Uint}(s, 0, 64) without the range check: optional sign,
// 0x/0o/0b/0 prefixes, '_' between digits. false on syntax errors or a
// magnitude above 2^64.
bool ParseGoBase0(std::string_view s, bool* neg, unsigned __int128* out) {
  *neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    *neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  int base = 10;
  bool prefixed = false;
  if (s.size() >= 2 && s[0] == '0') {
    char c = static_cast<char>(s[1] | 0x20);
    if (c == 'x' || c == 'o' || c == 'b') {
      base = c == 'x' ? 16 : c == 'o' ? 8 : 2;
      s.remove_prefix(2);
      prefixed = true;
    } else {
      base = 8;
      s.remove_prefix(1);
      prefixed = true;
    }
  }
  // Underscores: only after a digit or the base prefix, never last.
  char saw = prefixed ? '0' : '^';
  unsigned __int128 v = 0;
  size_t digits = 0;
  for (char c : s) {
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'z') ? c - 'a' + 10
            : (c >= 'A' && c <= 'Z') ? c - 'A' + 10
                                     : 99;
    if (d >= base) return false;
    saw = '0';
    v = v * static_cast<unsigned>(base) + static_cast<unsigned>(d);
    if (v > (static_cast<unsigned __int128>(1) << 64)) return false;
    ++digits;
  }
  if (saw == '_') return false;
  if (digits == 0 && !(prefixed && base == 8)) return false;  // "0x" alone; "0" is fine
  *out = v;
  return true;
}

}  // namespace

bool ParseGoInt64Base0(std::string_view s, int64_t* out) {
  bool neg;
  unsigned __int128 v;
  if (!ParseGoBase0(s, &neg, &v)) return false;
  const unsigned __int128 limit = static_cast<unsigned __int128>(INT64_MAX) + (neg ? 1 : 0);
  if (v > limit) return false;
  *out = neg ? static_cast<int64_t>(-static_cast<__int128>(v)) : static_cast<int64_t>(v);
  return true;
}

bool ParseGoUint64Base0(std::string_view s, uint64_t* out) {
  bool neg;
  unsigned __int128 v;
  if (s.empty() || s[0] == '+' || s[0] == '-' || !ParseGoBase0(s, &neg, &v)) return false;
  if (v > UINT64_MAX) return false;
  *out = static_cast<uint64_t>(v);
  return true;
}

namespace {

// Numeric attributes: file, exported metric ("" = parsed only), divisor.
struct NumAttr {
  const char* file;
  const char* metric;
  double divisor;
};
constexpr NumAttr kNumAttrs[] = {
    {"authentic", "authentic", 1},
    {"calibrate", "calibrate", 1},
    {"capacity", "capacity", 1},
    {"capacity_alert_max", "capacity_alert_max", 1},
    {"capacity_alert_min", "capacity_alert_min", 1},
    {"cycle_count", "cyclecount", 1},
    {"online", "online", 1},
    {"present", "present", 1},
    {"time_to_empty_now", "time_to_empty_seconds", 1},
    {"time_to_full_now", "time_to_full_seconds", 1},
    {"current_boot", "current_boot", 1e6},
    {"current_max", "current_max", 1e6},
    {"current_now", "current_ampere", 1e6},
    {"energy_empty", "energy_empty", 1e6},
    {"energy_empty_design", "energy_empty_design", 1e6},
    {"energy_full", "energy_full", 1e6},
    {"energy_full_design", "energy_full_design", 1e6},
    {"energy_now", "energy_watthour", 1e6},
    {"voltage_boot", "voltage_boot", 1e6},
    {"voltage_max", "voltage_max", 1e6},
    {"voltage_max_design", "voltage_max_design", 1e6},
    {"voltage_min", "voltage_min", 1e6},
    {"voltage_min_design", "voltage_min_design", 1e6},
    {"voltage_now", "voltage_volt", 1e6},
    {"voltage_ocv", "voltage_ocv", 1e6},
    {"charge_control_limit", "charge_control_limit", 1e6},
    {"charge_control_limit_max", "charge_control_limit_max", 1e6},
    {"charge_counter", "charge_counter", 1e6},
    {"charge_empty", "charge_empty", 1e6},
    {"charge_empty_design", "charge_empty_design", 1e6},
    {"charge_full", "charge_full", 1e6},
    {"charge_full_design", "charge_full_design", 1e6},
    {"charge_now", "charge_ampere", 1e6},
    {"charge_term_current", "charge_term_current", 1e6},
    {"constant_charge_current", "constant_charge_current", 1e6},
    {"constant_charge_current_max", "constant_charge_current_max", 1e6},
    {"constant_charge_voltage", "constant_charge_voltage", 1e6},
    {"constant_charge_voltage_max", "constant_charge_voltage_max", 1e6},
    {"precharge_current", "precharge_current", 1e6},
    {"input_current_limit", "input_current_limit", 1e6},
    {"power_now", "power_watt", 1e6},
    {"temp", "temp_celsius", 10},
    {"temp_alert_max", "temp_alert_max_celsius", 10},
    {"temp_alert_min", "temp_alert_min_celsius", 10},
    {"temp_ambient", "temp_ambient_celsius", 10},
    {"temp_ambient_max", "temp_ambient_max_celsius", 10},
    {"temp_ambient_min", "temp_ambient_min_celsius", 10},
    {"temp_max", "temp_max_celsius", 10},
    {"temp_min", "temp_min_celsius", 10},
    {"charge_avg", "", 1},
    {"current_avg", "", 1},
    {"energy_avg", "", 1},
    {"power_avg", "", 1},
    {"time_to_empty_avg", "", 1},
    {"time_to_full_avg", "", 1},
    {"voltage_avg", "", 1},
};
constexpr size_t kNumCount = sizeof(kNumAttrs) / sizeof(kNumAttrs[0]);

// String attributes, which become labels of node_power_supply_info (sorted).
constexpr const char* kStrAttrs[] = {"capacity_level", "charge_type",   "health",
                                     "manufacturer",   "model_name",    "scope",
                                     "serial_number",  "status",        "technology",
                                     "type",           "usb_type"};
constexpr size_t kStrCount = sizeof(kStrAttrs) / sizeof(kStrAttrs[0]);

struct Supply {
  std::string name;
  std::optional<int64_t> nums[kNumCount];
  std::string strs[kStrCount];
};

class PowerSupplyCollector final : public Collector {
 public:
  PowerSupplyCollector(const Paths& p, std::unique_ptr<RE2> ignored)
      : dir_(p.Sys("class/power_supply")), ignored_(std::move(ignored)), match_(ignored_.get()) {
    for (size_t i = 0; i < kNumCount; ++i) {
      if (kNumAttrs[i].metric[0] == '\0') continue;
      num_[i] = {Cat("node_power_supply_", kNumAttrs[i].metric), MetricType::kGauge,
                 Cat(kNumAttrs[i].metric, " value of /sys/class/power_supply/<power_supply>."),
                 ""};
    }
    info_ = {"node_power_supply_info", MetricType::kGauge,
             "info of /sys/class/power_supply/<power_supply>.", ""};
  }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::vector<std::string>> entries = ListDir(dir_);
    if (!entries.ok()) {
      return absl::IsNotFound(entries.status()) ? NoData("no /sys/class/power_supply")
                                                : entries.status();
    }
    supplies_.resize(entries->size());
    for (size_t i = 0; i < entries->size(); ++i) {
      if (absl::Status s = Parse((*entries)[i], &supplies_[i]); !s.ok()) {
        files_.Sweep();
        return absl::InternalError(Cat("could not get power_supply class info: ", s.message()));
      }
    }
    files_.Sweep();
    for (const Supply& s : supplies_) {
      if (match_.Matches(s.name)) continue;
      for (size_t i = 0; i < kNumCount; ++i) {
        if (!s.nums[i].has_value() || kNumAttrs[i].metric[0] == '\0') continue;
        series_.Add(num_[i], {{"power_supply", s.name}},
                    static_cast<double>(*s.nums[i]) / kNumAttrs[i].divisor);
      }
      names_.clear();
      values_.clear();
      for (size_t i = 0; i < kStrCount; ++i) {
        if (i == 5) {  // "power_supply" sorts between model_name and scope
          names_.push_back("power_supply");
          values_.push_back(s.name);
        }
        if (s.strs[i].empty()) continue;
        names_.push_back(kStrAttrs[i]);
        values_.push_back(s.strs[i]);
      }
      series_.Add(info_, names_, values_, 1);
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Parse(const std::string& entry, Supply* s) {
    const std::string dir = Cat(dir_, "/", entry);
    absl::StatusOr<std::vector<std::string>> files = ListDir(dir);
    if (!files.ok()) return files.status();
    s->name = entry;
    for (auto& n : s->nums) n.reset();
    for (auto& str : s->strs) str.clear();
    for (const std::string& f : *files) {
      path_ = Cat(dir, "/", f);
      struct stat st;
      if (::lstat(path_.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      std::string_view text;
      int err = files_.Get(path_).ReadErrno(&text);
      if (err == ENOENT || err == EOPNOTSUPP || err == EINVAL) continue;
      if (err != 0) {
        return absl::UnavailableError(Cat("failed to read file \"", path_, "\": errno ", err));
      }
      text = Trim(text.substr(0, 128));
      for (size_t i = 0; i < kNumCount; ++i) {
        if (f != kNumAttrs[i].file) continue;
        int64_t v;
        if (!ParseGoInt64Base0(text, &v)) {
          return absl::InvalidArgumentError(Cat("bad integer in ", path_));
        }
        s->nums[i] = v;
      }
      for (size_t i = 0; i < kStrCount; ++i) {
        if (f == kStrAttrs[i]) s->strs[i] = ToValidUtf8(text);
      }
    }
    return absl::OkStatus();
  }

  std::string dir_, path_;
  std::unique_ptr<RE2> ignored_;
  MatchCache match_;
  ProcFileSet files_;
  std::vector<Supply> supplies_;
  std::vector<std::string_view> names_, values_;
  MetricFamily num_[kNumCount];
  MetricFamily info_;
};

}  // namespace

CollectorOr NewPowerSupplyClassCollector(const Options& o, const Paths& p) {
  auto re = std::make_unique<RE2>(o.powersupply_ignored_supplies, RE2::Quiet);
  if (!re->ok()) {
    return absl::InvalidArgumentError(
        Cat("powersupply_ignored_supplies: invalid regex: ", re->error()));
  }
  return std::make_unique<PowerSupplyCollector>(p, std::move(re));
}

}  // namespace outpost::integrations::node
