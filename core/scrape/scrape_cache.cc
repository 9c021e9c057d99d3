#include "core/scrape/scrape_cache.h"

#include <bit>
#include <utility>

#include "absl/hash/hash.h"

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/scrape/sample_labels.h"
#include "core/scrape/text_parser.h"

namespace outpost::scrape {
namespace {

constexpr const char* kReportNames[] = {
    "up",
    "scrape_duration_seconds",
    "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling",
    "scrape_series_added",
};

// Suffixes under which a family's samples appear (histograms, summaries,
// OpenMetrics counters and info).
constexpr std::string_view kSuffixes[] = {"_bucket", "_sum", "_count", "_total", "_created",
                                          "_info", "_gcount", "_gsum"};

// Prometheus' verifyLabelLimits (scrape/scrape.go), on new series only.
absl::Status CheckLimits(const Labels& l, const AppendOptions& o) {
  const std::string_view name = l.Get(kMetricName);
  const std::string_view shown = name.substr(0, 50);
  if (o.label_limit > 0 && l.size() > o.label_limit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "label_limit exceeded (metric: ", ToAbsl(shown), ", number of labels: ", l.size(),
        ", limit: ", o.label_limit, ")"));
  }
  for (const Label& x : l) {
    if (o.label_name_length_limit > 0 && x.name.size() > o.label_name_length_limit) {
      return absl::InvalidArgumentError(absl::StrCat(
          "label_name_length_limit exceeded (metric: ", ToAbsl(shown), ", label name: ",
          x.name.substr(0, 50), ", length: ", x.name.size(), ", limit: ",
          o.label_name_length_limit, ")"));
    }
    if (o.label_value_length_limit > 0 && x.value.size() > o.label_value_length_limit) {
      return absl::InvalidArgumentError(absl::StrCat(
          "label_value_length_limit exceeded (metric: ", ToAbsl(shown), ", label name: ",
          x.name.substr(0, 50), ", value: \"", x.value.substr(0, 50), "\", length: ",
          x.value.size(), ", limit: ", o.label_value_length_limit, ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

ScrapeCache::ScrapeCache(AppendOptions opts, std::shared_ptr<SampleSink> sink)
    : opts_(std::move(opts)), sink_(std::move(sink)) {
  for (size_t i = 0; i < std::size(kReportNames); ++i) {
    report_labels_[i] = opts_.target;
    report_labels_[i].Set(kMetricName, kReportNames[i]);
  }
}

ScrapeCache::~ScrapeCache() = default;

ScrapeCache::Key ScrapeCache::KeyOf(std::string_view series_text) {
  // Two independent hashes of the text (the second one seeded).
  return Key{absl::HashOf(series_text),
             absl::HashOf(uint64_t{0x9e3779b97f4a7c15}, series_text, series_text.size())};
}

const MetricFamily* ScrapeCache::FamilyOf(std::string_view metric) {
  auto it = families_.find(ToAbsl(metric));
  if (it != families_.end()) return &it->second;
  for (std::string_view s : kSuffixes) {
    if (metric.size() > s.size() && metric.substr(metric.size() - s.size()) == s) {
      it = families_.find(ToAbsl(metric.substr(0, metric.size() - s.size())));
      if (it != families_.end()) return &it->second;
    }
  }
  return nullptr;
}

absl::Status ScrapeCache::NewSeries(const TextParser& p, SinkAppender* app, Entry* e) {
  Labels l;
  if (absl::Status st = p.Labels(&l); !st.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("line ", p.line(), ": ", st.message()));
  }
  MergeTargetLabels(opts_.target, opts_.honor_labels, l);
  if (!relabel::Process(opts_.metric_relabel_configs, l)) {
    e->dropped = true;
    return absl::OkStatus();
  }
  if (absl::Status st = CheckLimits(l, opts_); !st.ok()) return st;
  e->ref = app->Ref(l);
  if (e->ref == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid metric name or label names: ", l.ToString()));
  }
  if (const MetricFamily* f = FamilyOf(p.metric()); f != nullptr) app->SetMetadata(e->ref, *f);
  ++stats_.series_added;
  return absl::OkStatus();
}

absl::Status ScrapeCache::Parse(std::string_view body, std::string_view content_type,
                                int64_t t_ms, SinkAppender* app) {
  TextParser p(body, FormatFromContentType(content_type));
  for (;;) {
    absl::StatusOr<TextParser::Entry> next = p.Next();
    if (!next.ok()) return next.status();
    switch (*next) {
      case TextParser::Entry::kEnd:
        stats_.samples_post_relabel = pending_.size();
        if (opts_.sample_limit > 0 && pending_.size() > opts_.sample_limit) {
          return absl::ResourceExhaustedError(absl::StrCat(
              "sample limit exceeded (", pending_.size(), " > ", opts_.sample_limit, ")"));
        }
        return absl::OkStatus();
      case TextParser::Entry::kHelp:
      case TextParser::Entry::kType:
      case TextParser::Entry::kUnit: {
        MetricFamily& f = families_[ToAbsl(p.metric())];
        if (f.name.empty()) f.name = std::string(p.metric());
        if (*next == TextParser::Entry::kHelp) f.help = std::string(p.help());
        if (*next == TextParser::Entry::kType) f.type = p.type();
        if (*next == TextParser::Entry::kUnit) f.unit = std::string(p.unit());
        continue;
      }
      case TextParser::Entry::kSeries:
        break;
    }
    ++stats_.samples_scraped;
    const Key key = KeyOf(p.series());
    auto [it, fresh] = cache_.try_emplace(key);
    Entry* e = &it->second;
    if (fresh) {
      if (absl::Status st = NewSeries(p, app, e); !st.ok()) {
        cache_.erase(it);
        return st;
      }
    }
    if (e->seen == scrape_) {
      ++stats_.duplicates;
      continue;
    }
    e->seen = scrape_;
    if (e->dropped) continue;
    int64_t ts = t_ms;
    if (opts_.honor_timestamps && p.timestamp_ms()) {
      ts = *p.timestamp_ms();
      if (ts < e->last_ts) {
        ++stats_.out_of_order;
        continue;
      }
      e->explicit_ts = true;
    } else {
      e->explicit_ts = false;
    }
    e->last_ts = ts;
    pending_.push_back(Pending{e, ts, p.value()});
    current_.push_back(e);
    if (p.has_exemplar() && e->ref != 0) {
      PendingExemplar x{e, 0, {}};
      // Next() has validated the exemplar already (including OpenMetrics'
      // 128-character limit on its labels).
      if (absl::Status st = p.ParseExemplar(&x.exemplar); !st.ok()) return st;
      // Without a timestamp of its own it gets the sample's (Prometheus
      // scrape/scrape.go).
      x.t_ms = x.exemplar.timestamp_ms.value_or(ts);
      // An exposition repeats its last exemplar every scrape; like
      // Prometheus agent's AppendExemplar, only a new one is kept.
      const auto id = static_cast<uint32_t>(absl::HashOf(
          x.exemplar.labels.Hash(), x.t_ms, std::bit_cast<uint64_t>(x.exemplar.value)));
      if (id == e->last_exemplar) continue;
      e->last_exemplar = id;
      pending_exemplars_.push_back(std::move(x));
    }
  }
}

void ScrapeCache::WriteStale(SinkAppender* app, int64_t t_ms, bool all) {
  for (Entry* e : last_) {
    // Series with timestamps of their own get no markers unless
    // track_timestamps_staleness (Prometheus scrape/scrape.go).
    if (e->dropped || e->ref == 0 || (e->explicit_ts && !opts_.track_timestamps_staleness)) {
      continue;
    }
    if (all || e->seen != scrape_) app->Append(e->ref, t_ms, StaleNaN());
  }
}

void ScrapeCache::WriteReport(SinkAppender* app, int64_t t_ms, bool up, absl::Duration took) {
  const double values[] = {
      up ? 1.0 : 0.0,
      absl::ToDoubleSeconds(took),
      static_cast<double>(stats_.samples_scraped),
      static_cast<double>(stats_.samples_post_relabel),
      static_cast<double>(stats_.series_added),
  };
  for (size_t i = 0; i < std::size(values); ++i) {
    if (report_refs_[i] == 0) report_refs_[i] = app->Ref(report_labels_[i]);
    if (report_refs_[i] != 0) app->Append(report_refs_[i], t_ms, values[i]);
  }
}

absl::Status ScrapeCache::Append(const absl::Status& fetch, std::string_view body,
                                 std::string_view content_type, absl::Time t,
                                 absl::Duration took) {
  ++scrape_;
  stats_ = ScrapeStats{};
  pending_.clear();
  pending_exemplars_.clear();
  current_.clear();
  const int64_t t_ms = absl::ToUnixMillis(t);
  std::unique_ptr<SinkAppender> app = sink_->NewAppender();
  absl::Status err = fetch;
  if (err.ok()) err = Parse(body, content_type, t_ms, app.get());
  if (err.ok()) {
    for (const Pending& s : pending_) app->Append(s.entry->ref, s.t_ms, s.value);
    for (const PendingExemplar& x : pending_exemplars_) {
      app->AppendExemplar(x.entry->ref, x.t_ms, x.exemplar.value, x.exemplar.labels);
    }
    stats_.exemplars = pending_exemplars_.size();
    WriteStale(app.get(), t_ms, /*all=*/false);
    last_.swap(current_);
    // Forget what this scrape did not have (Prometheus' scrapeCache.iterDone):
    // series churn and other spellings of one series do not pile up.
    for (auto it = cache_.begin(); it != cache_.end();) {
      if (it->second.seen != scrape_) {
        cache_.erase(it++);
      } else {
        ++it;
      }
    }
  } else {
    // Nothing of a failed scrape is kept; its series go stale.
    stats_.samples_post_relabel = 0;
    stats_.series_added = 0;
    WriteStale(app.get(), t_ms, /*all=*/true);
    last_.clear();
  }
  pending_.clear();
  pending_exemplars_.clear();
  current_.clear();
  WriteReport(app.get(), t_ms, err.ok(), took);
  if (absl::Status st = app->Commit(); !st.ok()) return st;
  return err;
}

absl::Status ScrapeCache::MarkAllStale(absl::Time t) {
  const int64_t t_ms = absl::ToUnixMillis(t);
  std::unique_ptr<SinkAppender> app = sink_->NewAppender();
  WriteStale(app.get(), t_ms, /*all=*/true);
  last_.clear();
  for (size_t i = 0; i < std::size(kReportNames); ++i) {
    if (report_refs_[i] != 0) app->Append(report_refs_[i], t_ms, StaleNaN());
  }
  return app->Commit();
}

}  // namespace outpost::scrape
