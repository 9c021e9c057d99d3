// nvme: node_nvme_info for each controller of <sysfs>/class/nvme
// (node_exporter collector/nvme_linux.go with prometheus/procfs
// sysfs/class_nvme.go: firmware_rev, model, serial and state are required;
// no class directory = no data).
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

class NvmeCollector final : public Collector {
 public:
  explicit NvmeCollector(const Paths& p) : dir_(p.Sys("class/nvme")) {
    info_ = {"node_nvme_info", MetricType::kGauge,
             "Non-numeric data from /sys/class/nvme/<device>, value is always 1.", ""};
  }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::vector<std::string>> devices = ListDir(dir_);
    if (!devices.ok()) {
      return absl::IsNotFound(devices.status()) ? NoData("no /sys/class/nvme") : devices.status();
    }
    for (const std::string& dev : *devices) {
      static constexpr const char* kAttrs[] = {"firmware_rev", "model", "serial", "state"};
      std::string_view v[4];
      for (int i = 0; i < 4; ++i) {
        absl::StatusOr<std::string_view> r = files_.Get(Cat(dir_, "/", dev, "/", kAttrs[i])).Read();
        if (!r.ok()) return r.status();
        v[i] = Trim(*r);
      }
      series_.Add(info_,
                  {{"device", dev},
                   {"firmware_revision", v[0]},
                   {"model", v[1]},
                   {"serial", v[2]},
                   {"state", v[3]}},
                  1);
    }
    files_.Sweep();
    return absl::OkStatus();
  }

 private:
  std::string dir_;
  ProcFileSet files_;
  MetricFamily info_;
};

}  // namespace

CollectorOr NewNvmeCollector(const Options&, const Paths& p) {
  return std::make_unique<NvmeCollector>(p);
}

}  // namespace outpost::integrations::node
