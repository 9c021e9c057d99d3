// infiniband: node_infiniband_info and per-port state, rate and counters of
// <sysfs>/class/infiniband/<device>/ports/<n> (node_exporter 1.5.0
// collector/infiniband_linux.go with prometheus/procfs v0.8.0
// sysfs/class_infiniband.go). Counter files that are absent, unreadable,
// EOPNOTSUPP, EINVAL or "N/A (no PMA)" are not reported; a bad state, rate
// or port directory fails the collection. A missing class is no data.
#include <array>
#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

bool ParseIbState(std::string_view s, uint64_t* id) {
  // strings.Split(s, ":") into exactly 2 parts; the id is a uint32.
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || s.find(':', colon + 1) != std::string_view::npos) {
    return false;
  }
  return ParseUint(Trim(s.substr(0, colon)), id) && *id <= UINT32_MAX;
}

bool ParseIbRate(std::string_view s, uint64_t* bytes_per_second) {
  // strings.SplitAfterN(s, " ", 2), then ParseFloat(first, 32) * 125000000.
  size_t sp = s.find(' ');
  if (sp == std::string_view::npos) return false;
  double v;
  if (!ParseDouble(Trim(s.substr(0, sp)), &v)) return false;
  const double r = static_cast<double>(static_cast<float>(v)) * 125000000;
  if (!(r >= 0) || r >= 18446744073709551616.0) return false;
  *bytes_per_second = static_cast<uint64_t>(r);
  return true;
}

namespace {

// counters/ or counters_ext/ file, metric suffix, help, x4 (4-byte words).
struct IbCounter {
  bool ext;
  const char* file;
  const char* metric;
  const char* help;
  bool words;
};
// In node_exporter's push order.
constexpr IbCounter kIbCounters[] = {
    {true, "port_multicast_rcv_packets", "legacy_multicast_packets_received_total",
     "Number of multicast packets received", false},
    {true, "port_multicast_xmit_packets", "legacy_multicast_packets_transmitted_total",
     "Number of multicast packets transmitted", false},
    {true, "port_rcv_data_64", "legacy_data_received_bytes_total",
     "Number of data octets received on all links", true},
    {true, "port_rcv_packets_64", "legacy_packets_received_total",
     "Number of data packets received on all links", false},
    {true, "port_unicast_rcv_packets", "legacy_unicast_packets_received_total",
     "Number of unicast packets received", false},
    {true, "port_unicast_xmit_packets", "legacy_unicast_packets_transmitted_total",
     "Number of unicast packets transmitted", false},
    {true, "port_xmit_data_64", "legacy_data_transmitted_bytes_total",
     "Number of data octets transmitted on all links", true},
    {true, "port_xmit_packets_64", "legacy_packets_transmitted_total",
     "Number of data packets received on all links", false},
    {false, "excessive_buffer_overrun_errors", "excessive_buffer_overrun_errors_total",
     "Number of times that OverrunErrors consecutive flow control update periods occurred, each "
     "having at least one overrun error.",
     false},
    {false, "link_downed", "link_downed_total",
     "Number of times the link failed to recover from an error state and went down", false},
    {false, "link_error_recovery", "link_error_recovery_total",
     "Number of times the link successfully recovered from an error state", false},
    {false, "local_link_integrity_errors", "local_link_integrity_errors_total",
     "Number of times that the count of local physical errors exceeded the threshold specified by "
     "LocalPhyErrors.",
     false},
    {false, "multicast_rcv_packets", "multicast_packets_received_total",
     "Number of multicast packets received (including errors)", false},
    {false, "multicast_xmit_packets", "multicast_packets_transmitted_total",
     "Number of multicast packets transmitted (including errors)", false},
    {false, "port_rcv_constraint_errors", "port_constraint_errors_received_total",
     "Number of packets received on the switch physical port that are discarded", false},
    {false, "port_xmit_constraint_errors", "port_constraint_errors_transmitted_total",
     "Number of packets not transmitted from the switch physical port", false},
    {false, "port_rcv_data", "port_data_received_bytes_total",
     "Number of data octets received on all links", true},
    {false, "port_xmit_data", "port_data_transmitted_bytes_total",
     "Number of data octets transmitted on all links", true},
    {false, "port_rcv_discards", "port_discards_received_total",
     "Number of inbound packets discarded by the port because the port is down or congested",
     false},
    {false, "port_xmit_discards", "port_discards_transmitted_total",
     "Number of outbound packets discarded by the port because the port is down or congested",
     false},
    {false, "port_rcv_errors", "port_errors_received_total",
     "Number of packets containing an error that were received on this port", false},
    {false, "port_rcv_packets", "port_packets_received_total",
     "Number of packets received on all VLs by this port (including errors)", false},
    {false, "port_xmit_packets", "port_packets_transmitted_total",
     "Number of packets transmitted on all VLs from this port (including errors)", false},
    {false, "port_xmit_wait", "port_transmit_wait_total",
     "Number of ticks during which the port had data to transmit but no data was sent during the "
     "entire tick",
     false},
    {false, "unicast_rcv_packets", "unicast_packets_received_total",
     "Number of unicast packets received (including errors)", false},
    {false, "unicast_xmit_packets", "unicast_packets_transmitted_total",
     "Number of unicast packets transmitted (including errors)", false},
    {false, "port_rcv_remote_physical_errors", "port_receive_remote_physical_errors_total",
     "Number of packets marked with the EBP (End of Bad Packet) delimiter received on the port.",
     false},
    {false, "port_rcv_switch_relay_errors", "port_receive_switch_relay_errors_total",
     "Number of packets that could not be forwarded by the switch.", false},
    {false, "symbol_error", "symbol_error_total",
     "Number of minor link errors detected on one or more physical lanes.", false},
    {false, "VL15_dropped", "vl15_dropped_total",
     "Number of incoming VL15 packets dropped due to resource limitations.", false},
};
constexpr size_t kNumIbCounters = sizeof(kIbCounters) / sizeof(kIbCounters[0]);

class InfiniBandCollector final : public Collector {
 public:
  explicit InfiniBandCollector(const Paths& p) : dir_(p.Sys("class/infiniband")) {
    info_ = {"node_infiniband_info", MetricType::kGauge,
             "Non-numeric data from /sys/class/infiniband/<device>, value is always 1.", ""};
    state_ = {"node_infiniband_state_id", MetricType::kGauge,
              "State of the InfiniBand port (0: no change, 1: down, 2: init, 3: armed, 4: active, "
              "5: act defer)",
              ""};
    phys_ = {"node_infiniband_physical_state_id", MetricType::kGauge,
             "Physical state of the InfiniBand port (0: no change, 1: sleep, 2: polling, 3: "
             "disable, 4: shift, 5: link up, 6: link error recover, 7: phytest)",
             ""};
    rate_ = {"node_infiniband_rate_bytes_per_second", MetricType::kGauge,
             "Maximum signal transfer rate", ""};
    for (size_t i = 0; i < kNumIbCounters; ++i) {
      counters_[i] = {Cat("node_infiniband_", kIbCounters[i].metric), MetricType::kCounter,
                      kIbCounters[i].help, ""};
    }
  }

 protected:
  absl::Status Update() override {
    if (!PathExists(dir_)) return no_data_;
    absl::StatusOr<std::vector<std::string>> devs = ListDir(dir_);
    if (!devs.ok()) {
      return absl::IsNotFound(devs.status()) ? NoData("no infiniband class") : devs.status();
    }
    devices_.clear();
    absl::Status st = absl::OkStatus();
    for (const std::string& d : *devs) {
      st = ParseDevice(d);
      if (!st.ok()) break;
    }
    if (st.ok()) Report();
    files_.Sweep();
    return st;
  }

 private:
  struct Port {
    std::string num;
    uint64_t state = 0, phys = 0, rate = 0;
    std::array<std::optional<uint64_t>, kNumIbCounters> counters;
  };
  struct Device {
    std::string name, board_id, fw_ver, hca_type;
    std::vector<Port> ports;
  };

  absl::Status ParseDevice(const std::string& name) {
    Device d;
    d.name = name;
    const std::string base = Cat(dir_, "/", name);
    std::string* dst[] = {&d.board_id, &d.fw_ver, &d.hca_type};
    const char* attrs[] = {"board_id", "fw_ver", "hca_type"};
    for (int i = 0; i < 3; ++i) {
      const std::string path = Cat(base, "/", attrs[i]);
      std::string_view v;
      if (int err = SysReadFile(files_, path, &v); err != 0) {
        if (err == ENOENT && i == 2) continue;
        return ErrnoToStatus(err, "read", path);
      }
      dst[i]->assign(v);
    }
    absl::StatusOr<std::vector<std::string>> ports = ListDir(Cat(base, "/ports"));
    if (!ports.ok()) return ports.status();
    for (const std::string& p : *ports) {
      uint64_t n;
      if (!ParseUint(p, &n) || n > UINT32_MAX) {
        return absl::InvalidArgumentError(Cat("bad InfiniBand port ", p, " of ", name));
      }
      Port port;
      port.num = Cat(n);
      const std::string pp = Cat(base, "/ports/", p);
      if (absl::Status st = ParsePort(pp, &port); !st.ok()) return st;
      d.ports.push_back(std::move(port));
    }
    // Ports are reported by number (a Go map in procfs: any order will do).
    devices_.push_back(std::move(d));
    return absl::OkStatus();
  }

  absl::StatusOr<std::string_view> ReadWhole(const std::string& path) {
    return files_.Get(path).Read();
  }

  absl::Status ParsePort(const std::string& pp, Port* port) {
    absl::StatusOr<std::string_view> r = ReadWhole(Cat(pp, "/state"));
    if (!r.ok()) return r.status();
    if (!ParseIbState(*r, &port->state)) {
      return absl::InvalidArgumentError(Cat("could not parse state file in ", pp));
    }
    r = ReadWhole(Cat(pp, "/phys_state"));
    if (!r.ok()) return r.status();
    if (!ParseIbState(*r, &port->phys)) {
      return absl::InvalidArgumentError(Cat("could not parse phys_state file in ", pp));
    }
    r = ReadWhole(Cat(pp, "/rate"));
    if (!r.ok()) return r.status();
    if (!ParseIbRate(*r, &port->rate)) {
      return absl::InvalidArgumentError(Cat("could not parse rate file in ", pp));
    }
    for (bool ext : {false, true}) {
      const std::string dir = Cat(pp, ext ? "/counters_ext" : "/counters");
      absl::StatusOr<std::vector<std::string>> files = ListRegularFiles(dir);
      if (!files.ok()) {
        if (ext && absl::IsNotFound(files.status())) continue;
        return files.status();
      }
      for (const std::string& f : *files) {
        const std::string path = Cat(dir, "/", f);
        std::string_view v;
        if (int err = SysReadFile(files_, path, &v); err != 0) {
          if (err == ENOENT || err == EACCES || err == EPERM || err == EOPNOTSUPP ||
              err == EINVAL) {
            continue;
          }
          return ErrnoToStatus(err, "read", path);
        }
        for (size_t i = 0; i < kNumIbCounters; ++i) {
          if (kIbCounters[i].ext != ext || f != kIbCounters[i].file) continue;
          uint64_t u;
          if (!ParseGoUint64Base0(v, &u)) {
            if (v.find("N/A (no PMA)") != std::string_view::npos) break;
            return absl::InvalidArgumentError(Cat("bad value in ", path, ": ", v));
          }
          port->counters[i] = kIbCounters[i].words ? u * 4 : u;
        }
      }
    }
    return absl::OkStatus();
  }

  void Report() {
    for (const Device& d : devices_) {
      series_.Add(info_,
                  {{"device", d.name},
                   {"board_id", d.board_id},
                   {"firmware_version", d.fw_ver},
                   {"hca_type", d.hca_type}},
                  1);
      for (const Port& p : d.ports) {
        const std::initializer_list<std::pair<std::string_view, std::string_view>> l = {
            {"device", d.name}, {"port", p.num}};
        series_.Add(state_, l, static_cast<double>(p.state));
        series_.Add(phys_, l, static_cast<double>(p.phys));
        series_.Add(rate_, l, static_cast<double>(p.rate));
        for (size_t i = 0; i < kNumIbCounters; ++i) {
          if (p.counters[i]) series_.Add(counters_[i], l, static_cast<double>(*p.counters[i]));
        }
      }
    }
  }

  std::string dir_;
  const absl::Status no_data_ = NoData("no infiniband class");
  ProcFileSet files_;
  std::vector<Device> devices_;
  MetricFamily info_, state_, phys_, rate_;
  std::array<MetricFamily, kNumIbCounters> counters_;
};

}  // namespace

CollectorOr NewInfiniBandCollector(const Options&, const Paths& p) {
  return std::make_unique<InfiniBandCollector>(p);
}

}  // namespace outpost::integrations::node
