// bonding: configured and active slaves of each bonding master listed in
// <sysfs>/class/net/bonding_masters (node_exporter
// collector/bonding_linux.go; no bonding_masters = no data; a slave is
// active when its mii_status is "up").
#include <string>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

class BondingCollector final : public Collector {
 public:
  explicit BondingCollector(const Paths& p) : dir_(p.Sys("class/net")) {
    slaves_ = {"node_bonding_slaves", MetricType::kGauge,
               "Number of configured slaves per bonding interface.", ""};
    active_ = {"node_bonding_active", MetricType::kGauge,
               "Number of active slaves per bonding interface.", ""};
  }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::string_view> masters = Read(Cat(dir_, "/bonding_masters"));
    if (!masters.ok()) {
      return absl::IsNotFound(masters.status()) ? NoData("no bonding_masters") : masters.status();
    }
    // Copy: the views die with the next read.
    master_list_.assign(masters->data(), masters->size());
    std::string_view m[64];
    size_t nm = SplitFields(Trim(master_list_), m, 64);
    for (size_t i = 0; i < nm; ++i) {
      absl::StatusOr<std::string_view> slaves = Read(Cat(dir_, "/", m[i], "/bonding/slaves"));
      if (!slaves.ok()) return slaves.status();
      slave_list_.assign(slaves->data(), slaves->size());
      std::string_view s[256];
      size_t ns = SplitFields(Trim(slave_list_), s, 256);
      int active = 0;
      for (size_t j = 0; j < ns; ++j) {
        absl::StatusOr<std::string_view> state =
            Read(Cat(dir_, "/", m[i], "/lower_", s[j], "/bonding_slave/mii_status"));
        if (!state.ok() && absl::IsNotFound(state.status())) {
          state = Read(Cat(dir_, "/", m[i], "/slave_", s[j], "/bonding_slave/mii_status"));
        }
        if (!state.ok()) return state.status();
        if (Trim(*state) == "up") ++active;
      }
      series_.Add(slaves_, {{"master", m[i]}}, static_cast<double>(ns));
      series_.Add(active_, {{"master", m[i]}}, active);
    }
    files_.Sweep();
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<std::string_view> Read(const std::string& path) { return files_.Get(path).Read(); }

  std::string dir_, master_list_, slave_list_;
  ProcFileSet files_;
  MetricFamily slaves_, active_;
};

}  // namespace

CollectorOr NewBondingCollector(const Options&, const Paths& p) {
  return std::make_unique<BondingCollector>(p);
}

}  // namespace outpost::integrations::node
