// fibrechannel: node_fibrechannel_info and counters per host of
// <sysfs>/class/fc_host (node_exporter 1.5.0 collector/fibrechannel_linux.go
// with prometheus/procfs v0.8.0 sysfs/class_fibrechannel.go). Every host
// attribute must be readable; statistics files answering ENOENT, EOPNOTSUPP
// or EINVAL are skipped, and a counter reading 0xffffffffffffffff (not
// implemented by the HBA firmware) is not reported. A missing class
// directory is no data.
#include <array>
#include <cerrno>
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

constexpr const char* kHostAttrs[] = {"speed",        "port_state",   "port_type",
                                      "node_name",    "port_id",      "port_name",
                                      "fabric_name",  "dev_loss_tmo", "symbolic_name",
                                      "supported_classes", "supported_speeds"};
constexpr size_t kNumHostAttrs = sizeof(kHostAttrs) / sizeof(kHostAttrs[0]);

// statistics/ file, metric suffix, help; in node_exporter's push order.
struct FcCounter {
  const char* file;
  const char* metric;
  const char* help;
};
constexpr FcCounter kFcCounters[] = {
    {"dumped_frames", "dumped_frames_total", "Number of dumped frames"},
    {"error_frames", "error_frames_total", "Number of errors in frames"},
    {"invalid_crc_count", "invalid_crc_total", "Invalid Cyclic Redundancy Check count"},
    {"rx_frames", "rx_frames_total", "Number of frames received"},
    {"rx_words", "rx_words_total", "Number of words received by host port"},
    {"tx_frames", "tx_frames_total", "Number of frames transmitted by host port"},
    {"tx_words", "tx_words_total", "Number of words transmitted by host port"},
    {"seconds_since_last_reset", "seconds_since_last_reset_total",
     "Number of seconds since last host port reset"},
    {"invalid_tx_word_count", "invalid_tx_words_total",
     "Number of invalid words transmitted by host port"},
    {"link_failure_count", "link_failure_total", "Number of times the host port link has failed"},
    {"loss_of_sync_count", "loss_of_sync_total",
     "Number of failures on either bit or transmission word boundaries"},
    {"loss_of_signal_count", "loss_of_signal_total", "Number of times signal has been lost"},
    {"nos_count", "nos_total", "Number Not_Operational Primitive Sequence received by host port"},
    {"fcp_packet_aborts", "fcp_packet_aborts_total", "Number of aborted packets"},
};
constexpr size_t kNumFcCounters = sizeof(kFcCounters) / sizeof(kFcCounters[0]);

class FibreChannelCollector final : public Collector {
 public:
  explicit FibreChannelCollector(const Paths& p) : dir_(p.Sys("class/fc_host")) {
    info_ = {"node_fibrechannel_info", MetricType::kGauge,
             "Non-numeric data from /sys/class/fc_host/<host>, value is always 1.", ""};
    for (size_t i = 0; i < kNumFcCounters; ++i) {
      counters_[i] = {Cat("node_fibrechannel_", kFcCounters[i].metric), MetricType::kCounter,
                      kFcCounters[i].help, ""};
    }
  }

 protected:
  absl::Status Update() override {
    if (!PathExists(dir_)) return no_data_;
    absl::StatusOr<std::vector<std::string>> hosts = ListDir(dir_);
    if (!hosts.ok()) {
      return absl::IsNotFound(hosts.status()) ? NoData("no fc_host class") : hosts.status();
    }
    // procfs parses every host before node_exporter reports any.
    parsed_.clear();
    absl::Status st = absl::OkStatus();
    for (const std::string& h : *hosts) {
      st = Parse(h);
      if (!st.ok()) break;
    }
    if (st.ok()) {
      for (const Host& h : parsed_) Report(h);
    }
    files_.Sweep();
    return st;
  }

 private:
  struct Host {
    std::string name;
    std::array<std::string, kNumHostAttrs> attrs;
    std::array<uint64_t, kNumFcCounters> counters{};
  };

  absl::Status Parse(const std::string& name) {
    Host h;
    h.name = name;
    const std::string base = Cat(dir_, "/", name);
    for (size_t i = 0; i < kNumHostAttrs; ++i) {
      std::string_view v;
      if (absl::Status st = SysReadFileStatus(files_, Cat(base, "/", kHostAttrs[i]), &v);
          !st.ok()) {
        return st;
      }
      const std::string_view attr = kHostAttrs[i];
      // The "0x" of the WWNs and port id is dropped.
      if ((attr == "node_name" || attr == "port_id" || attr == "port_name" ||
           attr == "fabric_name") &&
          v.size() > 2) {
        v.remove_prefix(2);
      }
      h.attrs[i] = std::string(v);
    }
    const std::string stats = Cat(base, "/statistics");
    absl::StatusOr<std::vector<std::string>> files = ListRegularFiles(stats);
    if (!files.ok()) return files.status();
    for (const std::string& f : *files) {
      if (f == "reset_statistics") continue;
      const std::string path = Cat(stats, "/", f);
      std::string_view v;
      if (int err = SysReadFile(files_, path, &v); err != 0) {
        if (err == ENOENT || err == EOPNOTSUPP || err == EINVAL) continue;
        return ErrnoToStatus(err, "read", path);
      }
      for (size_t i = 0; i < kNumFcCounters; ++i) {
        if (f != kFcCounters[i].file) continue;
        if (!ParseGoUint64Base0(v, &h.counters[i])) {
          return absl::InvalidArgumentError(Cat("bad value in ", path, ": ", v));
        }
      }
    }
    parsed_.push_back(std::move(h));
    return absl::OkStatus();
  }

  void Report(const Host& h) {
    auto a = [&](std::string_view n) -> std::string_view {
      for (size_t i = 0; i < kNumHostAttrs; ++i) {
        if (n == kHostAttrs[i]) return h.attrs[i];
      }
      return {};
    };
    series_.Add(info_,
                {{"fc_host", h.name},
                 {"speed", a("speed")},
                 {"port_state", a("port_state")},
                 {"port_type", a("port_type")},
                 {"port_id", a("port_id")},
                 {"port_name", a("port_name")},
                 {"fabric_name", a("fabric_name")},
                 {"symbolic_name", a("symbolic_name")},
                 {"supported_classes", a("supported_classes")},
                 {"supported_speeds", a("supported_speeds")},
                 {"dev_loss_tmo", a("dev_loss_tmo")}},
                1);
    for (size_t i = 0; i < kNumFcCounters; ++i) {
      if (h.counters[i] == UINT64_MAX) continue;
      series_.Add(counters_[i], {{"fc_host", h.name}}, static_cast<double>(h.counters[i]));
    }
  }

  std::string dir_;
  const absl::Status no_data_ = NoData("no fc_host class");
  ProcFileSet files_;
  std::vector<Host> parsed_;
  MetricFamily info_;
  std::array<MetricFamily, kNumFcCounters> counters_;
};

}  // namespace

CollectorOr NewFibreChannelCollector(const Options&, const Paths& p) {
  return std::make_unique<FibreChannelCollector>(p);
}

}  // namespace outpost::integrations::node
