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

template <typename F>
bool CollectionPipeline::ForEachRawLabel(const Entry& e, const Labels& target, F&& f) {
  if (!e.final_form) return ForEachLabel(e.labels.bytes(), f);
  return ForEachLabel(e.labels.bytes(), [&](std::string_view n, std::string_view v) {
    if (n != kMetricName && !target.Has(n)) f(n, v);
  });
}

Labels CollectionPipeline::RawLabels(const Entry& e) const {
  if (!e.final_form) return e.labels.ToLabels();
  std::vector<Label> out;
  ForEachRawLabel(e, target_labels_, [&](std::string_view n, std::string_view v) {
    out.push_back(Label{std::string(n), std::string(v)});
  });
  return Labels::FromUnsorted(std::move(out));  // already sorted
}

size_t CollectionPipeline::KeyHash::operator()(const KeyView& k) const {
  size_t h = absl::HashOf(k.family, k.suffix);
  auto add = [&h](std::string_view name, std::string_view value) {
    h = absl::HashOf(h, name, value);
  };
  if (k.labels != nullptr) {
    for (const Label& l : *k.labels) add(l.name, l.value);
  } else {
    ForEachRawLabel(*k.entry, *target, add);
  }
  return h;
}

bool CollectionPipeline::KeyEq::Equal(const KeyView& x, const KeyView& y, const Labels& target) {
  if (x.family != y.family || x.suffix != y.suffix) return false;
  // Two stored entries: never two for one series (Series looks up first).
  if (x.entry != nullptr && y.entry != nullptr) return x.entry == y.entry;
  if (x.labels != nullptr && y.labels != nullptr) return *x.labels == *y.labels;
  const Labels& labels = x.labels != nullptr ? *x.labels : *y.labels;
  const Entry& entry = x.entry != nullptr ? *x.entry : *y.entry;
  size_t i = 0;
  bool same = true;
  const bool ok = ForEachRawLabel(entry, target, [&](std::string_view n, std::string_view v) {
    if (!same || i >= labels.size() || std::string_view(labels[i].name) != n ||
        std::string_view(labels[i].value) != v) {
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
      index_(0, KeyHash{&entries_, &target_labels_}, KeyEq{&entries_, &target_labels_}),
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
  // The final labels stand for the raw ones when taking the target's
  // labels and __name__ out of them gives the raw labels back.
  if (!target_dropped_ && opts_.metric_relabel_configs.empty()) {
    bool dropped = false;
    const Labels final = FinalLabels(family.name + std::string(suffix), labels, &dropped);
    if (!dropped) {
      e.labels = LabelStore::Default().Intern(final);
      e.final_form = true;
      if (KeyEq::Equal(KeyView{&family, suffix_index, &labels, nullptr},
                       KeyView{&family, suffix_index, nullptr, &e}, target_labels_)) {
        e.resolved = true;  // not dropped: no metric_relabel_configs
      } else {
        e.final_form = false;
        e.labels.Reset();
      }
    }
  }
  if (!e.final_form) e.labels = LabelStore::Default().Intern(labels);
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
        if (e.final_form) {
          final = e.labels.ToLabels();
        } else {
          final = FinalLabels(NameOf(e), e.labels.ToLabels(), &e.dropped);
        }
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
        out.push_back(CollectedSample{e.family, NameOf(e), RawLabels(e), e.committed_value});
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
