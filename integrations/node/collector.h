// The node collectors' common interface and the table of every
// node_exporter 1.5 Linux collector (name, enabled by default, factory), from
// which set_collectors / enable_collectors / disable_collectors are resolved.
//
// Model: prometheus/node_exporter collector/collector.go. Each collector
// builds its MetricFamily descriptors once in its constructor; Collect()
// only fills values, through a SeriesCache so that handles are reused
// between collections.
//
// Thread-safety: a Collector is driven by one collection at a time.
#ifndef OUTPOST_INTEGRATIONS_NODE_COLLECTOR_H_
#define OUTPOST_INTEGRATIONS_NODE_COLLECTOR_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/metric.h"
#include "integrations/node/options.h"
#include "integrations/node/util.h"

namespace outpost::integrations::node {

// Where the host's files are; never a global (tests point it at a fixture
// tree). Mirrors node_exporter's --path.procfs/sysfs/rootfs/udev.data.
struct Paths {
  std::string procfs = "/proc";
  std::string sysfs = "/sys";
  std::string rootfs = "/";
  std::string udev_data = "/run/udev/data";

  static Paths FromOptions(const Options& o) {
    return Paths{o.procfs_path, o.sysfs_path, o.rootfs_path, o.udev_data_path};
  }
  std::string Proc(std::string_view rel) const { return JoinPath(procfs, rel); }
  std::string Sys(std::string_view rel) const { return JoinPath(sysfs, rel); }
  std::string Root(std::string_view rel) const { return JoinPath(rootfs, rel); }
};

class Collector {
 public:
  virtual ~Collector() = default;

  // One collection into `app`. "No data on this machine" returns OK with
  // nothing added; an error marks node_scrape_collector_success 0 for this
  // collector only.
  absl::Status Collect(Appender& app) {
    series_.Begin(app);
    return Update();
  }

 protected:
  virtual absl::Status Update() = 0;

  // Handles of this collector's series; valid inside Update().
  SeriesCache series_;
};

// What a collector returns when the machine has nothing for it to read
// (node_exporter's ErrNoData): node_scrape_collector_success is 0, as
// upstream, but it is not logged as a failure. Code kNotFound.
absl::Status NoData(std::string_view why);
bool IsNoData(const absl::Status& s);

using CollectorFactory = absl::StatusOr<std::unique_ptr<Collector>> (*)(const Options&,
                                                                        const Paths&);

struct CollectorInfo {
  std::string_view name;
  bool enabled_by_default;
  CollectorFactory factory;  // nullptr: not implemented in outpost yet
};

// Every node_exporter 1.5.0 Linux collector, sorted by name.
std::span<const CollectorInfo> AllCollectors();

// The collectors to run, sorted by name, as Grafana Agent resolves them:
// set_collectors (when non-empty) replaces the defaults, enable_collectors
// adds, disable_collectors removes (and wins). Errors (InvalidArgument): an
// unknown name ("unknown collector \"x\""), or a requested collector that
// outpost does not implement ("collector \"x\" is not supported yet"). A
// default collector that is not implemented is silently absent.
absl::StatusOr<std::vector<const CollectorInfo*>> SelectCollectors(const Options& o);

}  // namespace outpost::integrations::node

#endif  // OUTPOST_INTEGRATIONS_NODE_COLLECTOR_H_
