// netclass: properties of each interface under <sysfs>/class/net
// (node_exporter collector/netclass_linux.go, sysfs mode as Grafana Agent
// runs it; attribute parsing as prometheus/procfs sysfs/net_class.go: a file
// that cannot be read is skipped, numbers are base-prefixed like "0x1003").
// netclass_ignored_devices filters devices; with
// netclass_ignore_invalid_speed_device a negative speed is not reported.
#include <charconv>
#include <memory>
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

// Numeric attributes: file name, metric suffix, type.
struct NumAttr {
  const char* file;
  const char* metric;
  MetricType type;
};
constexpr NumAttr kNumAttrs[] = {
    {"addr_assign_type", "address_assign_type", MetricType::kGauge},
    {"carrier", "carrier", MetricType::kGauge},
    {"carrier_changes", "carrier_changes_total", MetricType::kCounter},
    {"carrier_up_count", "carrier_up_changes_total", MetricType::kCounter},
    {"carrier_down_count", "carrier_down_changes_total", MetricType::kCounter},
    {"dev_id", "device_id", MetricType::kGauge},
    {"dormant", "dormant", MetricType::kGauge},
    {"flags", "flags", MetricType::kGauge},
    {"ifindex", "iface_id", MetricType::kGauge},
    {"iflink", "iface_link", MetricType::kGauge},
    {"link_mode", "iface_link_mode", MetricType::kGauge},
    {"mtu", "mtu_bytes", MetricType::kGauge},
    {"name_assign_type", "name_assign_type", MetricType::kGauge},
    {"netdev_group", "net_dev_group", MetricType::kGauge},
    {"speed", "speed_bytes", MetricType::kGauge},
    {"tx_queue_len", "transmit_queue_length", MetricType::kGauge},
    {"type", "protocol_type", MetricType::kGauge},
};
constexpr size_t kNumAttrCount = std::size(kNumAttrs);
constexpr size_t kSpeed = 14;
// Text attributes of node_network_info (and operstate for node_network_up).
constexpr const char* kTextAttrs[] = {"address", "broadcast", "duplex", "operstate", "ifalias"};
constexpr size_t kTextAttrCount = std::size(kTextAttrs);

// Go's strconv.ParseInt(s, 0, 64).
bool ParseBaseInt(std::string_view s, int64_t* out) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() > 1 && s[0] == '0') {
    base = 8;
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  uint64_t v;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size() || v > (uint64_t{1} << 63)) return false;
  if (!neg && v == (uint64_t{1} << 63)) return false;
  *out = neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  return true;
}

class NetclassCollector final : public Collector {
 public:
  NetclassCollector(const Options& o, const Paths& p)
      : dir_(p.Sys("class/net")),
        ignored_("", o.netclass_ignored_devices),
        ignore_invalid_speed_(o.netclass_ignore_invalid_speed_device) {
    for (size_t i = 0; i < kNumAttrCount; ++i) {
      num_[i] = {Cat("node_network_", kNumAttrs[i].metric), kNumAttrs[i].type,
                 Cat("Network device property: ", kNumAttrs[i].metric), ""};
    }
    up_ = {"node_network_up", MetricType::kGauge, "Value is 1 if operstate is 'up', 0 otherwise.",
           ""};
    info_ = {"node_network_info", MetricType::kGauge,
             "Non-numeric data from /sys/class/net/<iface>, value is always 1.", ""};
  }

  absl::Status Init() const { return ignored_.status(); }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::vector<std::string>> devices = ListDir(dir_, /*skip_regular_files=*/true);
    if (!devices.ok()) {
      if (absl::IsNotFound(devices.status()) || absl::IsPermissionDenied(devices.status())) {
        return NoData(ToStd(devices.status().message()));
      }
      return devices.status();
    }
    for (const std::string& dev : *devices) {
      if (ignored_.Ignored(dev)) continue;
      path_ = JoinPath(dir_, dev);
      Emit(dev);
    }
    files_.Sweep();
    return absl::OkStatus();
  }

 private:
  // Reads <path_>/<attr>; false when it cannot be read (skipped upstream).
  bool ReadAttr(const char* attr, std::string_view* out) {
    size_t base = path_.size();
    path_.push_back('/');
    path_.append(attr);
    std::string_view v;
    const int err = files_.Get(path_).ReadErrno(&v);
    path_.resize(base);
    if (err != 0) return false;
    while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.remove_suffix(1);
    *out = v;
    return true;
  }

  void Emit(const std::string& dev) {
    // Text attributes: views into the files' buffers stay valid until those
    // files are read again, which does not happen in this call.
    std::string_view text[kTextAttrCount];
    for (size_t i = 0; i < kTextAttrCount; ++i) {
      if (!ReadAttr(kTextAttrs[i], &text[i])) text[i] = {};
    }
    series_.Add(up_, {{"device", dev}}, text[3] == "up" ? 1 : 0);
    series_.Add(info_,
                {{"address", text[0]},
                 {"broadcast", text[1]},
                 {"device", dev},
                 {"duplex", text[2]},
                 {"ifalias", text[4]},
                 {"operstate", text[3]}},
                1);
    for (size_t i = 0; i < kNumAttrCount; ++i) {
      std::string_view raw;
      int64_t v;
      if (!ReadAttr(kNumAttrs[i].file, &raw) || !ParseBaseInt(raw, &v)) continue;
      double value = static_cast<double>(v);
      if (i == kSpeed) {
        if (v < 0 && ignore_invalid_speed_) continue;
        value = static_cast<double>(v * 1000 * 1000 / 8);
      }
      series_.Add(num_[i], {{"device", dev}}, value);
    }
  }

  std::string dir_;
  DeviceFilter ignored_;
  bool ignore_invalid_speed_;
  ProcFileSet files_;
  std::string path_;
  MetricFamily num_[kNumAttrCount];
  MetricFamily up_, info_;
};

}  // namespace

CollectorOr NewNetclassCollector(const Options& o, const Paths& p) {
  auto c = std::make_unique<NetclassCollector>(o, p);
  if (absl::Status st = c->Init(); !st.ok()) return st;
  return c;
}

}  // namespace outpost::integrations::node
