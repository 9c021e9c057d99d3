#include "core/agent/pipeline.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "absl/hash/hash.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/base/integration.h"
#include "core/config/duration.h"
#include "core/scrape/sample_labels.h"

namespace outpost {
namespace {

constexpr const char* kReportNames[] = {
    "up",
    "scrape_duration_seconds",
    "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling",
    "scrape_series_added",
};
constexpr size_t kReportCount = std::size(kReportNames);

int64_t ToMillis(absl::Time t) { return absl::ToUnixMillis(t); }

}  // namespace

struct CollectionPipeline::ReportSeries {
  Labels labels[kReportCount];
  uint64_t refs[kReportCount] = {};
};

size_t CollectionPipeline::KeyHash::operator()(const KeyView& k) const {
  size_t h = absl::HashOf(k.family, k.suffix);
  auto add = [&h](std::string_view name, std::string_view value) {
    h = absl::HashOf(h, name, value);
  };
  if (k.labels != nullptr) {
    for (const Label& l : *k.labels) add(l.name, l.value);
  } else {
    ForEachLabel(k.raw->bytes(), add);
  }
  return h;
}

bool CollectionPipeline::KeyEq::Equal(const KeyView& x, const KeyView& y) {
  if (x.family != y.family || x.suffix != y.suffix) return false;
  if (x.raw != nullptr && y.raw != nullptr) return *x.raw == *y.raw;  // interned
  if (x.labels != nullptr && y.labels != nullptr) return *x.labels == *y.labels;
  const Labels& labels = x.labels != nullptr ? *x.labels : *y.labels;
  const LabelSet& raw = x.raw != nullptr ? *x.raw : *y.raw;
  size_t i = 0;
  bool same = true;
  const bool ok = ForEachLabel(raw.bytes(), [&](std::string_view n, std::string_view v) {
    if (!same || i >= labels.size() || std::string_view(labels[i].name) != n || std::string_view(labels[i].value) != v) {
      same = false;
    }
    ++i;
  });
  return ok && same && i == labels.size();
}

CollectionPipeline::Entry& CollectionPipeline::EntryBlocks::push_back(Entry e) {
  if (blocks_.empty() || blocks_.back().size() == kBlock) {
    blocks_.emplace_back();
    if (blocks_.size() > 1) blocks_.back().reserve(kBlock);
  }
  ++size_;
  return blocks_.back().emplace_back(std::move(e));
}

std::string CollectionPipeline::NameOf(const Entry& e) const {
  return absl::StrCat(e.family->name, suffixes_[e.suffix]);
}

CollectionPipeline::CollectionPipeline(TargetOptions opts, std::shared_ptr<SampleSink> sink)
    : opts_(std::move(opts)),
      sink_(std::move(sink)),
      index_(0, KeyHash{&entries_}, KeyEq{&entries_}),
      report_(std::make_unique<ReportSeries>()) {
  // Prometheus' populateLabels order: defaults, then relabel_configs, then
  // drop "__" labels. Grafana Agent injects its instance rule first, which
  // is the same as setting instance before the user's rules run.
  Labels t;
  t.Set("__address__", opts_.address);
  t.Set("__metrics_path__", opts_.metrics_path);
  t.Set("__scheme__", "http");
  t.Set("__scrape_interval__", config::FormatPromDuration(opts_.scrape_interval));
  t.Set("__scrape_timeout__", config::FormatPromDuration(opts_.scrape_timeout));
  t.Set("job", opts_.job);
  for (const auto& [k, v] : opts_.params) {
    if (!t.Has("__param_" + k)) t.Set("__param_" + k, v);
  }
  for (const auto& [k, v] : opts_.extra_labels) t.Set(k, v);
  t.Set("agent_hostname", opts_.agent_hostname);
  t.Set("instance", opts_.instance);
  if (!relabel::Process(opts_.relabel_configs, t)) {
    target_dropped_ = true;
    return;
  }
  if (!t.Has("instance")) t.Set("instance", t.Get("__address__"));
  for (const Label& l : t) {
    if (!absl::StartsWith(l.name, "__")) target_labels_.Set(l.name, l.value);
  }
  for (size_t i = 0; i < kReportCount; ++i) {
    report_->labels[i] = target_labels_;
    report_->labels[i].Set(kMetricName, kReportNames[i]);
  }
}

CollectionPipeline::~CollectionPipeline() = default;

Labels CollectionPipeline::FinalLabels(const std::string& name, const Labels& raw,
                                       bool* dropped) const {
  // honor_labels: false: a series label that clashes with a target label
  // is kept as exported_<name>.
  Labels out = raw;
  scrape::MergeTargetLabels(target_labels_, /*honor_labels=*/false, out);
  out.Set(kMetricName, name);
  *dropped = !relabel::Process(opts_.metric_relabel_configs, out);
  return out;
}

SeriesRef CollectionPipeline::Series(const MetricFamily& family, const Labels& labels,
                                     std::string_view suffix) {
  uint16_t suffix_index = 0;
  while (suffix_index < suffixes_.size() && suffixes_[suffix_index] != suffix) ++suffix_index;
  if (suffix_index == suffixes_.size()) {
    std::lock_guard<std::mutex> lock(mu_);
    suffixes_.emplace_back(suffix);
  }
  auto it = index_.find(KeyView{&family, suffix_index, &labels, nullptr});
  if (it != index_.end()) return *it + 1;
  Entry e;
  e.family = &family;
  e.suffix = suffix_index;
  e.raw = LabelStore::Default().Intern(labels);
  const uint32_t idx = static_cast<uint32_t>(entries_.size());
  {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.push_back(std::move(e));
  }
  index_.insert(idx);
  return idx + 1;
}

void CollectionPipeline::Add(SeriesRef ref, double value) {
  if (ref == 0 || ref > entries_.size()) return;
  Entry& e = entries_[ref - 1];
  e.value = value;
  e.round = round_;
}

absl::Status CollectionPipeline::WriteReport(SinkAppender* app, int64_t t_ms, bool up,
                                             absl::Duration took, const Stats& stats) {
  const double values[kReportCount] = {
      up ? 1.0 : 0.0,
      absl::ToDoubleSeconds(took),
      static_cast<double>(stats.samples_scraped),
      static_cast<double>(stats.samples_post_relabel),
      static_cast<double>(stats.series_added),
  };
  for (size_t i = 0; i < kReportCount; ++i) {
    if (report_->refs[i] == 0) report_->refs[i] = app->Ref(report_->labels[i]);
    if (report_->refs[i] != 0) app->Append(report_->refs[i], t_ms, values[i]);
  }
  return absl::OkStatus();
}

absl::Status CollectionPipeline::CommitRound(absl::Time t, const absl::Status& status,
                                             absl::Duration took) {
  const int64_t t_ms = ToMillis(t);
  const bool ok = status.ok();
  // A target that is down still writes what the integration added for it.
  const bool keep = ok || IsTargetDown(status);
  const bool write = sink_ != nullptr && !target_dropped_;
  std::unique_ptr<SinkAppender> app = write ? sink_->NewAppender() : nullptr;
  Stats stats;
  {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.ForEach([&](Entry& e) {
      const bool now = keep && e.round == round_;
      const bool before = committed_ != 0 && e.committed_round == committed_;
      // Final labels: computed when needed (first write, or a comeback
      // after a stale marker) and handed to the sink, which keeps them.
      Labels final;
      if (now && (!e.resolved || (app != nullptr && !e.dropped && e.sink_ref == 0)) &&
          !target_dropped_) {
        final = FinalLabels(NameOf(e), e.raw.ToLabels(), &e.dropped);
        e.resolved = true;
      }
      if (now) {
        ++stats.samples_scraped;
        if (e.committed_round == 0) ++stats.series_added;
        if (!e.dropped) ++stats.samples_post_relabel;
      }
      if (app != nullptr && !e.dropped) {
        if (now) {
          if (e.sink_ref == 0) {
            e.sink_ref = app->Ref(final);
            if (e.sink_ref != 0) app->SetMetadata(e.sink_ref, *e.family);
          }
          if (e.sink_ref != 0) app->Append(e.sink_ref, t_ms, e.value);
        } else if (before && e.sink_ref != 0) {
          app->Append(e.sink_ref, t_ms, StaleNaN());
          // The WAL may garbage-collect a series that stays away; ask for
          // its reference again if it comes back.
          e.sink_ref = 0;
        }
      }
      if (now) {
        e.committed_value = e.value;
        e.committed_round = round_;
      }
    });
    committed_ = round_;
    stats_ = stats;
  }
  ++round_;
  if (app == nullptr) return absl::OkStatus();
  std::lock_guard<std::mutex> lock(report_mu_);
  WriteReport(app.get(), t_ms, ok, took, stats).IgnoreError();
  return app->Commit();
}

void CollectionPipeline::DiscardRound() { ++round_; }

absl::Status CollectionPipeline::ReportFailure(absl::Time t, absl::Duration took) {
  const int64_t t_ms = ToMillis(t);
  const bool write = sink_ != nullptr && !target_dropped_;
  std::unique_ptr<SinkAppender> app = write ? sink_->NewAppender() : nullptr;
  {
    // A failed scrape makes every series of the previous one stale
    // (scrape/scrape.go: an empty append after an error).
    std::lock_guard<std::mutex> lock(mu_);
    if (app != nullptr && committed_ != 0) {
      entries_.ForEach([&](Entry& e) {
        if (e.committed_round == committed_ && !e.dropped && e.sink_ref != 0) {
          app->Append(e.sink_ref, t_ms, StaleNaN());
          e.sink_ref = 0;
        }
      });
    }
    committed_ = 0;
    stats_ = Stats{};
  }
  if (app == nullptr) return absl::OkStatus();
  std::lock_guard<std::mutex> lock(report_mu_);
  WriteReport(app.get(), t_ms, false, took, Stats{}).IgnoreError();
  return app->Commit();
}

absl::Status CollectionPipeline::MarkAllStale(absl::Time t) {
  const int64_t t_ms = ToMillis(t);
  if (sink_ == nullptr || target_dropped_) return absl::OkStatus();
  std::unique_ptr<SinkAppender> app = sink_->NewAppender();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (committed_ != 0) {
      entries_.ForEach([&](const Entry& e) {
        if (e.committed_round == committed_ && !e.dropped && e.sink_ref != 0) {
          app->Append(e.sink_ref, t_ms, StaleNaN());
        }
      });
    }
    committed_ = 0;
  }
  std::lock_guard<std::mutex> lock(report_mu_);
  for (uint64_t ref : report_->refs) {
    if (ref != 0) app->Append(ref, t_ms, StaleNaN());
  }
  return app->Commit();
}

std::vector<CollectedSample> CollectionPipeline::Snapshot() const {
  std::vector<CollectedSample> out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (committed_ == 0) return out;
    entries_.ForEach([&](const Entry& e) {
      if (e.committed_round == committed_) {
        out.push_back(CollectedSample{e.family, NameOf(e), e.raw.ToLabels(), e.committed_value});
      }
    });
  }
  std::sort(out.begin(), out.end(), [](const CollectedSample& a, const CollectedSample& b) {
    if (a.family->name != b.family->name) return a.family->name < b.family->name;
    if (a.name != b.name) return a.name < b.name;
    return a.labels < b.labels;
  });
  return out;
}

CollectionPipeline::Stats CollectionPipeline::last_stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace outpost
