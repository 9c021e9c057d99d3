#include "remote_write/endpoint.h"

#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "core/http/http_client.h"
#include "remote_write/encoder.h"
#include "remote_write/http_protocol.h"

namespace outpost::remote_write {

absl::StatusOr<std::unique_ptr<Endpoint>> Endpoint::Create(
    const config::RemoteWriteConfig& config, const std::string& wal_dir,
    const std::map<std::string, std::string>& external_labels,
    prometheus::Registry& registry, EndpointOptions options) {
  if (auto probe = http::HttpClient::Create(config, RemoteWriteProtocol(config)); !probe.ok()) {
    return probe.status();
  }
  std::vector<relabel::Config> relabels = config.write_relabel_configs;
  for (relabel::Config& c : relabels) {
    if (c.compiled == nullptr) {
      if (absl::Status s = relabel::Compile(c); !s.ok()) return s;
    }
  }
  const std::string path = ProgressPath(wal_dir, config.name);
  std::optional<Progress> start;
  if (auto p = ReadProgressPair(path); p.ok()) {
    start = *std::move(p);
  } else {
    log::Warn("remote write: unreadable progress file, sending the whole WAL",
              {{"remote_name", config.name}, {"err", ToStd(p.status().message())}});
  }
  std::unique_ptr<Endpoint> e(new Endpoint(config, path, registry, options,
                                           start.value_or(Progress{})));
  // The acknowledged position is on disk before a shard sends its next
  // request: after a crash, nothing it delivered is sent again but the
  // last request of each shard, which is still its series' newest sample
  // at the receiver (accepted as a duplicate). fsync on the timer only.
  e->queue_->OnAck([p = e.get()] { p->SaveProgress(/*sync=*/false); });
  // Without write_relabel_configs the watcher keeps the series' own sets
  // and the external labels are merged in when encoding.
  if (relabels.empty()) e->queue_->SetExternalLabels(ExternalLabels(external_labels));
  if (absl::Status s = e->queue_->Start(); !s.ok()) return s;
  WatcherOptions wo;
  wo.wal_dir = wal_dir;
  if (start) wo.start = start->acked;
  wo.external_labels = external_labels;
  wo.write_relabel_configs = std::move(relabels);
  wo.poll_interval = options.poll_interval;
  wo.name = config.name;
  wo.send_exemplars = config.send_exemplars;
  e->watcher_ = std::make_unique<Watcher>(std::move(wo), e->queue_.get(), e->acks_.get(),
                                          &e->metrics_);
  e->watcher_->Start();
  e->progress_thread_ = std::thread([p = e.get()] { p->ProgressLoop(); });
  if (config.metadata_config.send) {
    e->metadata_thread_ = std::thread([p = e.get()] { p->MetadataLoop(); });
  }
  return e;
}

Endpoint::Endpoint(const config::RemoteWriteConfig& config, std::string progress_path,
                   prometheus::Registry& registry, EndpointOptions options,
                   const Progress& start)
    : config_(config),
      progress_path_(std::move(progress_path)),
      live_(progress_path_ + ".live"),
      options_(options),
      metrics_(registry, config.name, config.url),
      acks_(std::make_unique<AckTracker>(start)),
      queue_(std::make_unique<QueueManager>(config, acks_.get(), &metrics_)) {
  saved_version_ = synced_version_ = acks_->version();
  seq_ = start.seq;
  metrics_.acked_segment.Set(static_cast<double>(start.acked.segment));
  metrics_.acked_offset.Set(static_cast<double>(start.acked.offset));
}

Endpoint::~Endpoint() { Stop(absl::ZeroDuration()); }

void Endpoint::SaveProgress(bool sync) {
  absl::MutexLock l(&save_mu_);
  if (acks_->version() == (sync ? synced_version_ : saved_version_)) return;
  uint64_t version = 0;
  Progress p = acks_->Snapshot(&version);
  p.seq = ++seq_;
  metrics_.acked_segment.Set(static_cast<double>(p.acked.segment));
  metrics_.acked_offset.Set(static_cast<double>(p.acked.offset));
  if (absl::Status s = sync ? WriteProgress(progress_path_, p, /*sync=*/true) : live_.Write(p);
      !s.ok()) {
    if (!save_failed_) {  // once per state change
      log::Error("remote write: cannot save progress",
                 {{"remote_name", config_.name}, {"err", ToStd(s.message())}});
    }
    save_failed_ = true;
    return;
  }
  if (save_failed_) {
    log::Info("remote write: progress saved again", {{"remote_name", config_.name}});
  }
  save_failed_ = false;
  saved_version_ = version;
  if (sync) synced_version_ = version;
}

void Endpoint::ProgressLoop() {
  while (!stop_loops_.WaitForNotificationWithTimeout(options_.progress_interval)) {
    SaveProgress(/*sync=*/true);
  }
}

void Endpoint::MetadataLoop() {
  auto client = http::HttpClient::Create(config_, RemoteWriteProtocol(config_), queue_->auth());
  if (!client.ok()) return;
  BatchEncoder encoder;
  std::mt19937_64 rng{std::random_device{}()};
  const size_t per_request =
      static_cast<size_t>(std::max(1, config_.metadata_config.max_samples_per_send));
  while (!stop_loops_.WaitForNotificationWithTimeout(config_.metadata_config.send_interval)) {
    const std::vector<MetadataEntry> all = watcher_->Metadata();
    for (size_t i = 0; i < all.size() && !stop_loops_.HasBeenNotified(); i += per_request) {
      const auto chunk = absl::MakeConstSpan(all).subspan(i, per_request);
      const std::string_view body = encoder.EncodeMetadata(chunk);
      absl::Duration previous = absl::ZeroDuration();
      for (int attempt = 0;; ++attempt) {
        const http::SendResult r = (*client)->Send(body, attempt);
        if (r.outcome == http::SendOutcome::kOk) {
          metrics_.metadata_total.Increment(static_cast<double>(chunk.size()));
          break;
        }
        if (r.outcome == http::SendOutcome::kDrop) {
          metrics_.metadata_failed_total.Increment(static_cast<double>(chunk.size()));
          log::Warn("remote write: metadata dropped",
                    {{"remote_name", config_.name}, {"status", absl::StrCat(r.http_status)},
                     {"err", r.detail}});
          break;
        }
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        absl::Duration wait =
            RetryDelay(config_.queue_config, attempt + 1, previous, unit(rng));
        if (r.http_status == 429 && r.retry_after) wait = std::max(wait, *r.retry_after);
        previous = wait;
        if (stop_loops_.WaitForNotificationWithTimeout(wait)) break;
      }
    }
  }
}

void Endpoint::Stop(absl::Duration flush_deadline) {
  if (stopped_) return;
  stopped_ = true;
  const absl::Time deadline = absl::Now() + flush_deadline;
  // Read the WAL to its end; a full queue must not hold us past the
  // deadline, nor at all when the endpoint is down.
  absl::Notification drained;
  std::thread guard([&] {
    while (!drained.WaitForNotificationWithTimeout(absl::Milliseconds(100))) {
      if (absl::Now() >= deadline || queue_->failing()) {
        queue_->Unblock();
        return;
      }
    }
  });
  watcher_->Stop(/*drain=*/true);
  drained.Notify();
  guard.join();
  const bool failing = queue_->failing();
  const size_t abandoned = queue_->Stop(deadline);
  stop_loops_.Notify();
  if (progress_thread_.joinable()) progress_thread_.join();
  if (metadata_thread_.joinable()) metadata_thread_.join();
  SaveProgress(/*sync=*/true);
  const Position p = acks_->acked();
  if (p < watcher_->read_to()) {
    log::Warn(failing ? "remote write endpoint down at shutdown; unsent samples stay in the WAL "
                        "and are sent after the restart"
                      : "remote write flush deadline passed; unsent samples stay in the WAL "
                        "and are sent after the restart",
              {{"remote_name", config_.name},
               {"samples_queued", absl::StrCat(abandoned)},
               {"resume_segment", absl::StrCat(p.segment)},
               {"resume_offset", absl::StrCat(p.offset)},
               {"wal_end_segment", absl::StrCat(watcher_->read_to().segment)}});
  }
}

absl::StatusOr<std::unique_ptr<Manager>> Manager::Create(
    const std::vector<config::RemoteWriteConfig>& configs, const std::string& wal_dir,
    const std::map<std::string, std::string>& external_labels,
    prometheus::Registry& registry, EndpointOptions options) {
  std::set<std::string> names;
  for (const auto& c : configs) {
    if (!names.insert(c.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("duplicate remote_write name \"", c.name, "\""));
    }
  }
  auto m = std::make_unique<Manager>();
  for (const auto& c : configs) {
    auto e = Endpoint::Create(c, wal_dir, external_labels, registry, options);
    if (!e.ok()) {
      m->Stop(absl::ZeroDuration());
      return e.status();
    }
    m->endpoints_.push_back(std::move(*e));
  }
  return m;
}

void Manager::Notify() {
  for (auto& e : endpoints_) e->Notify();
}

void Manager::Stop(absl::Duration flush_deadline) {
  std::vector<std::thread> threads;
  for (auto& e : endpoints_) {
    threads.emplace_back([&e, flush_deadline] { e->Stop(flush_deadline); });
  }
  for (auto& t : threads) t.join();
}

std::optional<uint64_t> Manager::LowestNeededSegment() const {
  std::optional<uint64_t> lowest;
  for (const auto& e : endpoints_) {
    const uint64_t s = e->LowestNeededSegment();
    if (!lowest || s < *lowest) lowest = s;
  }
  return lowest;
}

ShipperFactory MakeShipperFactory(EndpointOptions options) {
  return [options](const std::vector<config::RemoteWriteConfig>& endpoints,
                   const std::string& wal_dir,
                   const std::map<std::string, std::string>& external_labels,
                   prometheus::Registry& registry)
             -> absl::StatusOr<std::unique_ptr<WalShipper>> {
    auto m = Manager::Create(endpoints, wal_dir, external_labels, registry, options);
    if (!m.ok()) return m.status();
    return std::unique_ptr<WalShipper>(std::move(*m));
  };
}

}  // namespace outpost::remote_write
