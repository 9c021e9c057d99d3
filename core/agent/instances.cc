#include "core/agent/instances.h"

#include <thread>

#include "core/base/log.h"

namespace outpost {
namespace {

// What a running instance cannot change in place (its WAL and its scrape
// manager's host filter): a change reopens the instance.
bool SameFixedSettings(const config::InstanceConfig& a, const config::InstanceConfig& b) {
  return a.wal_truncate_frequency == b.wal_truncate_frequency &&
         a.min_wal_time == b.min_wal_time && a.max_wal_time == b.max_wal_time &&
         a.max_wal_size == b.max_wal_size && a.host_filter == b.host_filter &&
         scrape::RelabelFingerprint(a.host_filter_relabel_configs) ==
             scrape::RelabelFingerprint(b.host_filter_relabel_configs);
}

const std::vector<config::RemoteWriteConfig>& Endpoints(const config::Config& cfg,
                                                        const config::InstanceConfig& ic) {
  return ic.remote_write.empty() ? cfg.metrics.global.remote_write : ic.remote_write;
}

}  // namespace

MetricsInstances::MetricsInstances(prometheus::Registry& registry, ShipperFactory shipper_factory,
                                   std::string hostname)
    : registry_(registry),
      scrape_metrics_(registry),
      shipper_factory_(std::move(shipper_factory)),
      hostname_(std::move(hostname)) {}

MetricsInstances::~MetricsInstances() { Stop(); }

absl::Status MetricsInstances::Open(const config::Config& cfg, const config::InstanceConfig& ic,
                                    Instance* out) {
  IntegrationsWal::Options wo;
  wo.wal_directory = cfg.metrics.wal_directory;
  // <wal_directory>/integrations/wal is the integrations' WAL; Grafana
  // Cloud's sample configs name an instance "integrations" too.
  wo.name = ic.name == "integrations" ? "integrations-instance" : ic.name;
  wo.metric_labels = {{"instance_name", ic.name}};
  wo.truncate_frequency = ic.wal_truncate_frequency;
  wo.min_wal_time = ic.min_wal_time;
  wo.max_wal_time = ic.max_wal_time;
  wo.max_wal_size = ic.max_wal_size;
  wo.shipped = !Endpoints(cfg, ic).empty();
  absl::StatusOr<std::unique_ptr<ShippedWal>> w = ShippedWal::Open(std::move(wo), registry_);
  if (!w.ok()) return w.status();
  out->wal = *std::move(w);
  scrape::HostFilter hf{ic.host_filter, hostname_, ic.host_filter_relabel_configs};
  out->scrape = std::make_unique<scrape::ScrapeManager>(ic.name, out->wal->storage(),
                                                        std::move(hf), &scrape_metrics_);
  return absl::OkStatus();
}

void MetricsInstances::Close(Instance& in, bool mark_stale) {
  if (in.scrape != nullptr) {
    if (mark_stale) {
      in.scrape->StopAndMarkStale();
    } else {
      in.scrape->Stop();
    }
  }
  if (in.wal != nullptr) {
    in.wal->StopShipper(in.cfg.remote_flush_deadline);
    in.wal->Close();
  }
}

absl::Status MetricsInstances::Apply(const config::Config& cfg) {
  std::map<std::string, const config::InstanceConfig*> wanted;
  for (const config::InstanceConfig& ic : cfg.metrics.configs) wanted[ic.name] = &ic;
  // Removed instances first: their series go stale.
  for (auto it = instances_.begin(); it != instances_.end();) {
    if (wanted.count(it->first) == 0) {
      Close(it->second, /*mark_stale=*/true);
      std::lock_guard<std::mutex> l(mu_);
      it = instances_.erase(it);
    } else {
      ++it;
    }
  }
  absl::Status first_error;
  for (const config::InstanceConfig& ic : cfg.metrics.configs) {
    auto it = instances_.find(ic.name);
    if (it != instances_.end() && !SameFixedSettings(it->second.cfg, ic)) {
      log::Info("metrics instance WAL or host_filter settings changed; reopening", {{"instance", ic.name}});
      Close(it->second, /*mark_stale=*/false);
      std::lock_guard<std::mutex> l(mu_);
      instances_.erase(it);
      it = instances_.end();
    }
    if (it == instances_.end()) {
      Instance in;
      if (absl::Status st = Open(cfg, ic, &in); !st.ok()) {
        if (first_error.ok()) first_error = st;
        continue;
      }
      std::lock_guard<std::mutex> l(mu_);
      it = instances_.emplace(ic.name, std::move(in)).first;
    }
    Instance& in = it->second;
    in.cfg = ic;
    if (absl::Status st = in.wal->Ship(shipper_factory_, Endpoints(cfg, ic),
                                       cfg.metrics.global.external_labels, registry_);
        !st.ok() && first_error.ok()) {
      first_error = st;
    }
    in.scrape->ApplyConfig(ic.scrape_configs);
  }
  return first_error;
}

void MetricsInstances::Stop() {
  // In parallel: each instance's flush deadline runs at the same time, so
  // stopping takes the longest of them, not their sum.
  std::vector<std::thread> closing;
  for (auto& entry : instances_) {
    Instance* in = &entry.second;
    closing.emplace_back([in] { Close(*in, in->cfg.write_stale_on_shutdown); });
  }
  for (std::thread& t : closing) t.join();
  std::lock_guard<std::mutex> l(mu_);
  instances_.clear();
}

std::vector<MetricsInstances::InstanceTargets> MetricsInstances::Targets() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<InstanceTargets> out;
  for (const auto& [name, in] : instances_) {
    out.push_back(InstanceTargets{name, in.scrape != nullptr ? in.scrape->Targets()
                                                             : std::vector<scrape::TargetStatus>{}});
  }
  return out;
}

}  // namespace outpost
