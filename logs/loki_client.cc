#include "logs/loki_client.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "core/config/url.h"
#include "snappy.h"

namespace outpost::logs {
namespace {

// Loki's default max_line_size, outpost's cap when limits_config sets none.
constexpr uint64_t kDefaultMaxLineSize = 256 << 10;
// Label strings cached per stream id; past this many the cache starts over.
constexpr size_t kMaxCachedLabels = 10000;

// Go's url.URL.Host: the authority without userinfo, as written.
std::string UrlHost(std::string_view url) {
  const size_t s = url.find("://");
  std::string_view rest = s == std::string_view::npos ? url : url.substr(s + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  return std::string(rest);
}

}  // namespace

http::HttpProtocol LokiProtocol(const std::string& tenant_id) {
  http::HttpProtocol p;
  p.name = "loki client";
  p.headers = {{"Content-Type", "application/x-protobuf"}};
  if (!tenant_id.empty()) p.headers.emplace_back("X-Scope-OrgID", tenant_id);
  const bool tenant = !tenant_id.empty();
  p.reserved = [tenant](std::string_view name) {
    return absl::EqualsIgnoreCase(ToAbsl(name), "content-type") ||
           absl::EqualsIgnoreCase(ToAbsl(name), "user-agent") ||
           (tenant && absl::EqualsIgnoreCase(ToAbsl(name), "x-scope-orgid"));
  };
  p.retry_429 = true;  // drop_rate_limited_batches is decided by the client
  p.retry_attempt_header = false;
  return p;
}

void LokiClient::Batch::Note(const EntrySource& s) {
  size_t i = last_source;
  if (i >= sources.size() || sources[i].source != s.source) {
    auto [it, added] = source_index.try_emplace(s.source, sources.size());
    if (added) sources.push_back(s);
    i = it->second;
    last_source = i;
  }
  EntrySource& e = sources[i];
  e.start = std::min(e.start, s.start);
  e.end = std::max(e.end, s.end);
}

void LokiClient::Batch::Clear(size_t keep_bytes) {
  enc.Clear(keep_bytes);
  bytes = 0;
  full = false;
  sources.clear();
  source_index.clear();
  last_source = 0;
}

absl::StatusOr<std::unique_ptr<LokiClient>> LokiClient::Create(
    const config::LokiClientConfig& cfg, const config::LogsLimitsConfig& limits,
    const std::string& logs_config, prometheus::Registry& registry, Hooks hooks) {
  auto http = http::HttpClient::Create(cfg.http, LokiProtocol(cfg.tenant_id));
  if (!http.ok()) return http.status();
  auto metrics =
      std::make_unique<ClientMetrics>(registry, logs_config, UrlHost(cfg.http.url), cfg.tenant_id);
  return std::unique_ptr<LokiClient>(
      new LokiClient(cfg, limits, std::move(*http), std::move(metrics), std::move(hooks)));
}

LokiClient::LokiClient(const config::LokiClientConfig& cfg, const config::LogsLimitsConfig& limits,
                       std::unique_ptr<http::HttpClient> http,
                       std::unique_ptr<ClientMetrics> metrics, Hooks hooks)
    : cfg_(cfg),
      max_line_size_(limits.max_line_size > 0 ? limits.max_line_size : kDefaultMaxLineSize),
      truncate_(limits.max_line_size_truncate),
      max_streams_(limits.max_streams),
      http_(std::move(http)),
      metrics_(std::move(metrics)),
      hooks_(std::move(hooks)),
      building_(std::make_unique<Batch>()),
      sending_(std::make_unique<Batch>()) {
  for (const auto& [name, value] : cfg.external_labels) external_.Set(name, value);
  thread_ = std::thread([this] { Run(); });
}

LokiClient::~LokiClient() { Stop(absl::ZeroDuration()); }

const std::string& LokiClient::LabelsOf(const Stream& stream) {
  auto it = label_cache_.find(stream.id);
  if (it != label_cache_.end()) return it->second;
  if (label_cache_.size() >= kMaxCachedLabels) label_cache_.clear();
  std::string s;
  if (external_.empty()) {
    s = LabelString(stream.labels);
  } else {
    Labels merged = external_;  // the entry's labels win (model.LabelSet.Merge)
    for (const Label& l : stream.labels) merged.Set(l.name, l.value);
    s = LabelString(merged);
  }
  return label_cache_.emplace(stream.id, std::move(s)).first->second;
}

void LokiClient::HandOver() {
  std::swap(building_, sending_);  // sending_ was cleared when it finished
  sending_busy_ = true;
  cv_.Signal();
}

LokiClient::Batch& LokiClient::Building() {
  Batch& b = *building_;
  if (b.empty()) {
    b.created = absl::Now();
    cv_.Signal();  // the sender sleeps until created + batchwait
  }
  return b;
}

LokiClient::PushResult LokiClient::Push(const Stream& stream, int64_t ts_ns,
                                        std::string_view line, const EntrySource& src,
                                        const Labels* metadata, std::string_view tenant) {
  absl::MutexLock lock(&mu_);
  if (flushing_ || stop_) return PushResult::kFull;
  if (rewind_) return PushResult::kRewind;
  // Promtail client.go run: a line over max_line_size is dropped or cut.
  // A dropped entry still counts as done for its source.
  if (line.size() > max_line_size_) {
    const auto r = static_cast<int>(DropReason::kLineTooLong);
    if (!truncate_) {
      metrics_->Dropped(DropReason::kLineTooLong, 1, static_cast<double>(line.size()));
      Building().Note(src);
      return PushResult::kOk;
    }
    metrics_->mutated_entries[r]->Increment();
    metrics_->mutated_bytes[r]->Increment(static_cast<double>(line.size() - max_line_size_));
    line = line.substr(0, max_line_size_);
  }
  if (!building_->empty() && building_->tenant != tenant) {
    building_->full = true;  // one tenant per request
    if (sending_busy_) return PushResult::kFull;
    HandOver();
  }
  if (!building_->enc.empty() && building_->bytes + line.size() > cfg_.batchsize) {
    building_->full = true;  // Promtail sends the batch first (client.go sizeBytesAfter)
    if (sending_busy_) return PushResult::kFull;
    HandOver();
  }
  Batch& b = Building();
  if (b.empty()) b.tenant.assign(tenant);
  b.Note(src);
  size_t s = 0;
  if (b.enc.HasStream(stream.id)) {
    s = b.enc.Stream(stream.id, {});
  } else if (max_streams_ > 0 && b.enc.streams() >= static_cast<size_t>(max_streams_)) {
    metrics_->Dropped(DropReason::kStreamLimited, 1, static_cast<double>(line.size()));
    return PushResult::kOk;
  } else {
    s = b.enc.Stream(stream.id, LabelsOf(stream));
  }
  b.enc.Append(s, ts_ns, line, metadata);
  b.bytes += line.size();
  return PushResult::kOk;
}

LokiClient::PushResult LokiClient::Skip(const EntrySource& src) {
  absl::MutexLock lock(&mu_);
  if (flushing_ || stop_) return PushResult::kFull;
  if (rewind_) return PushResult::kRewind;
  Building().Note(src);
  return PushResult::kOk;
}

std::vector<EntrySource> LokiClient::TakeRewind() {
  absl::MutexLock lock(&mu_);
  rewind_ = false;
  return std::exchange(rewind_sources_, {});
}

bool LokiClient::Idle() const {
  absl::MutexLock lock(&mu_);
  return building_->empty() && !sending_busy_;
}

void LokiClient::Stop(absl::Duration deadline) {
  {
    absl::MutexLock lock(&mu_);
    if (stop_) return;
    flushing_ = true;
    cv_.Signal();
    const auto drained = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return (building_->empty() || rewind_) && !sending_busy_;
    };
    mu_.AwaitWithTimeout(absl::Condition(&drained), deadline);
    stop_ = true;
    cv_.Signal();
  }
  http_->Cancel();
  if (thread_.joinable()) thread_.join();
}

void LokiClient::GiveUp(DropReason reason) {
  // The given-up batch (its encoded bytes, as Promtail counts them) and
  // the one being built (its line bytes: it was never encoded).
  metrics_->Dropped(reason, static_cast<double>(sending_->enc.entries()),
                    static_cast<double>(body_.size()));
  Batch& b = *building_;
  if (!b.enc.empty()) {
    metrics_->Dropped(reason, static_cast<double>(b.enc.entries()), static_cast<double>(b.bytes));
  }
  absl::flat_hash_map<uint64_t, size_t> at;
  rewind_sources_.clear();
  for (const Batch* from : {sending_.get(), building_.get()}) {
    for (const EntrySource& s : from->sources) {
      auto [it, added] = at.try_emplace(s.source, rewind_sources_.size());
      if (added) {
        rewind_sources_.push_back(s);
      } else {
        EntrySource& e = rewind_sources_[it->second];
        e.start = std::min(e.start, s.start);
        e.end = std::max(e.end, s.end);
      }
    }
  }
  b.Clear(cfg_.batchsize + cfg_.batchsize / 2);
  rewind_ = true;
}

void LokiClient::Run() {
  const size_t keep = cfg_.batchsize + cfg_.batchsize / 2;
  absl::MutexLock lock(&mu_);
  while (true) {
    if (!sending_busy_ && !rewind_ && !building_->empty() &&
        (building_->full || flushing_ || absl::Now() >= building_->created + cfg_.batchwait)) {
      HandOver();
    }
    if (sending_busy_) {
      mu_.Unlock();
      DropReason reason = DropReason::kIngesterError;
      const Outcome o = Send(*sending_, &reason);
      if (o == Outcome::kDone && hooks_.on_done) hooks_.on_done(sending_->sources);
      mu_.Lock();
      if (o == Outcome::kGiveUp) GiveUp(reason);
      sending_->Clear(keep);
      sending_busy_ = false;
      continue;
    }
    if (stop_) return;
    if (building_->empty() || rewind_) {
      cv_.Wait(&mu_);
    } else {
      cv_.WaitWithDeadline(&mu_, building_->created + cfg_.batchwait);
    }
  }
}

LokiClient::Outcome LokiClient::Send(Batch& batch, DropReason* give_up_reason) {
  if (batch.enc.empty()) return Outcome::kDone;  // only dropped lines: nothing to send
  batch.enc.Finish(&proto_);
  body_.resize(snappy::MaxCompressedLength(proto_.size()));
  size_t n = 0;
  snappy::RawCompress(proto_.data(), proto_.size(), body_.data(), &n);
  body_.resize(n);
  const auto entries = static_cast<double>(batch.enc.entries());
  const auto bytes = static_cast<double>(body_.size());
  metrics_->encoded_bytes.Increment(bytes);
  const std::string& host = metrics_->host;
  absl::Duration backoff = cfg_.min_backoff;
  http::HeaderList tenant;
  if (!batch.tenant.empty()) tenant.emplace_back("X-Scope-OrgID", batch.tenant);
  for (int attempt = 0;; ++attempt) {
    const absl::Time start = absl::Now();
    const http::SendResult r = http_->Send(body_, attempt, tenant.empty() ? nullptr : &tenant);
    metrics_->ObserveRequest(r.http_status, absl::ToDoubleSeconds(absl::Now() - start));
    if (r.http_status == 429 && cfg_.drop_rate_limited_batches) {
      // Promtail client.go sendBatch: dropped at once, not retried.
      metrics_->Dropped(DropReason::kRateLimited, entries, bytes);
      if (!rejecting_) {
        log::Warn("loki client: dropping batches rate limited by Loki (429)",
                  {{"host", host}, {"logs_config", metrics_->logs_config}});
        rejecting_ = true;
      }
      return Outcome::kDone;
    }
    if (r.outcome == http::SendOutcome::kOk) {
      metrics_->sent_bytes.Increment(bytes);
      metrics_->sent_entries.Increment(entries);
      if (failing_ || rejecting_) {
        log::Info("loki client: endpoint accepts batches again",
                  {{"host", host}, {"logs_config", metrics_->logs_config}});
      }
      failing_ = rejecting_ = false;
      return Outcome::kDone;
    }
    const std::string status = absl::StrCat(r.http_status);
    if (r.outcome == http::SendOutcome::kDrop) {
      metrics_->Dropped(DropReason::kIngesterError, entries, bytes);
      if (!rejecting_) {
        log::Warn("loki client: endpoint rejects batches, dropping them",
                  {{"host", host}, {"status", status}, {"err", r.detail},
                   {"logs_config", metrics_->logs_config}});
        rejecting_ = true;
      }
      return Outcome::kDone;
    }
    {
      absl::MutexLock lock(&mu_);
      if (stop_) return Outcome::kStopped;
    }
    metrics_->batch_retries.Increment();
    if (!failing_) {
      log::Warn("loki client: endpoint failing, retrying with backoff",
                {{"host", host}, {"status", status}, {"err", r.detail},
                 {"logs_config", metrics_->logs_config}});
      failing_ = true;
    }
    // dskit backoff: max_retries counts every attempt; 0 retries forever.
    if (cfg_.max_retries > 0 && attempt + 1 >= cfg_.max_retries) {
      // Counted in GiveUp, under the lock that also sets the rewind state.
      *give_up_reason =
          r.http_status == 429 ? DropReason::kRateLimited : DropReason::kIngesterError;
      log::Error("loki client: giving up a batch after max_retries; its lines will be read again",
                 {{"host", host}, {"status", status}, {"err", r.detail},
                  {"entries", absl::StrCat(batch.enc.entries())},
                  {"logs_config", metrics_->logs_config}});
      return Outcome::kGiveUp;
    }
    absl::Duration wait = backoff;
    if (r.retry_after && *r.retry_after > wait) wait = *r.retry_after;
    backoff = std::min(backoff * 2, cfg_.max_backoff);
    absl::MutexLock lock(&mu_);
    if (mu_.AwaitWithTimeout(absl::Condition(&stop_), wait)) return Outcome::kStopped;
  }
}

}  // namespace outpost::logs
