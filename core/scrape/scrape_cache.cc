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

absl::Status ScrapeCache::NewSeries(const TextParser& p, Entry* e) {
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
  e->ref = app_->Ref(l);
  if (e->ref == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid metric name or label names: ", l.ToString()));
  }
  if (const MetricFamily* f = FamilyOf(p.metric()); f != nullptr) app_->SetMetadata(e->ref, *f);
  ++stats_.series_added;
  return absl::OkStatus();
}

absl::Status ScrapeCache::Parse(std::string_view piece, bool last) {
  TextParser& p = *parser_;
  p.SetInput(piece, last);
  for (;;) {
    absl::StatusOr<TextParser::Entry> next = p.Next();
    if (!next.ok()) return next.status();
    switch (*next) {
      case TextParser::Entry::kEnd:
        if (!last) return absl::OkStatus();
        // Counted to the end of the body, so the message names the whole
        // scrape's count (Prometheus rolls the scrape back the same way).
        if (opts_.sample_limit > 0 && stats_.samples_post_relabel > opts_.sample_limit) {
          return absl::ResourceExhaustedError(absl::StrCat(
              "sample limit exceeded (", stats_.samples_post_relabel, " > ", opts_.sample_limit,
              ")"));
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
      if (absl::Status st = NewSeries(p, e); !st.ok()) {
        cache_.erase(it);
        return st;
      }
    }
    if (e->seen) {
      ++stats_.duplicates;
      continue;
    }
    e->seen = true;
    if (e->dropped) continue;
    int64_t ts = t_ms_;
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
    // Straight into the appender: a failed scrape rolls it back.
    app_->Append(e->ref, ts, p.value());
    e->appended = true;
    ++stats_.samples_post_relabel;
    if (p.has_exemplar() && e->ref != 0) {
      Exemplar x;
      // Next() has validated the exemplar already (including OpenMetrics'
      // 128-character limit on its labels).
      if (absl::Status st = p.ParseExemplar(&x); !st.ok()) return st;
      // Without a timestamp of its own it gets the sample's (Prometheus
      // scrape/scrape.go).
      const int64_t x_ms = x.timestamp_ms.value_or(ts);
      // An exposition repeats its last exemplar every scrape; like
      // Prometheus agent's AppendExemplar, only a new one is kept.
      const auto id = static_cast<uint32_t>(
          absl::HashOf(x.labels.Hash(), x_ms, std::bit_cast<uint64_t>(x.value)));
      if (id == e->last_exemplar) continue;
      e->last_exemplar = id;
      app_->AppendExemplar(e->ref, x_ms, x.value, x.labels);
      ++stats_.exemplars;
    }
  }
}

void ScrapeCache::WriteStale(int64_t t_ms, bool all, bool good) {
  for (auto it = cache_.begin(); it != cache_.end();) {
    Entry& e = it->second;
    const bool here = !all && e.appended;
    // Series with timestamps of their own get no markers unless
    // track_timestamps_staleness (Prometheus scrape/scrape.go).
    if (e.in_last && !here && !e.dropped && e.ref != 0 &&
        (!e.explicit_ts || opts_.track_timestamps_staleness)) {
      app_->Append(e.ref, t_ms, StaleNaN());
    }
    e.in_last = good && here;
    e.appended = false;
    const bool seen = e.seen;
    e.seen = false;
    // Forget what a good scrape did not have (Prometheus'
    // scrapeCache.iterDone): series churn and other spellings of one
    // series do not pile up.
    if (good && !seen) {
      cache_.erase(it++);
    } else {
      ++it;
    }
  }
}

void ScrapeCache::WriteReport(int64_t t_ms, bool up, absl::Duration took) {
  const double values[] = {
      up ? 1.0 : 0.0,
      absl::ToDoubleSeconds(took),
      static_cast<double>(stats_.samples_scraped),
      static_cast<double>(stats_.samples_post_relabel),
      static_cast<double>(stats_.series_added),
  };
  for (size_t i = 0; i < std::size(values); ++i) {
    if (report_refs_[i] == 0) report_refs_[i] = app_->Ref(report_labels_[i]);
    if (report_refs_[i] != 0) app_->Append(report_refs_[i], t_ms, values[i]);
  }
}

void ScrapeCache::Begin(absl::Time t) {
  stats_ = ScrapeStats{};
  error_ = absl::OkStatus();
  parser_.reset();
  carry_.clear();
  t_ms_ = absl::ToUnixMillis(t);
  app_ = sink_->NewAppender();
}

absl::Status ScrapeCache::Feed(std::string_view piece, std::string_view content_type) {
  if (!error_.ok()) return error_;
  if (!parser_) parser_.emplace(FormatFromContentType(content_type));
  // Whole lines only; the cut one waits in carry_ for its end.
  if (!carry_.empty()) {
    const size_t nl = piece.find('\n');
    carry_.append(piece.substr(0, nl == std::string_view::npos ? piece.size() : nl + 1));
    if (nl == std::string_view::npos) return absl::OkStatus();
    piece.remove_prefix(nl + 1);
    error_ = Parse(carry_, /*last=*/false);
    carry_.clear();
    if (!error_.ok()) return error_;
  }
  const size_t last_nl = piece.rfind('\n');
  const size_t whole = last_nl == std::string_view::npos ? 0 : last_nl + 1;
  if (whole > 0) error_ = Parse(piece.substr(0, whole), /*last=*/false);
  if (error_.ok()) carry_.append(piece.substr(whole));
  return error_;
}

absl::Status ScrapeCache::Finish(const absl::Status& fetch, absl::Duration took) {
  // A parse error is why a fetch stopped early: it is the scrape's error.
  absl::Status err = !error_.ok() ? error_ : fetch;
  if (err.ok()) {
    if (!parser_) parser_.emplace(Format::kPrometheusText);  // an empty body
    err = Parse(carry_, /*last=*/true);
  }
  // A carried line does not keep its buffer once the scrape is done.
  if (carry_.capacity() > (64 << 10)) std::string().swap(carry_);
  carry_.clear();
  parser_.reset();
  if (err.ok()) {
    WriteStale(t_ms_, /*all=*/false, /*good=*/true);
  } else {
    // Nothing of a failed scrape is kept; its series go stale.
    app_->Rollback();
    stats_.samples_post_relabel = 0;
    stats_.exemplars = 0;
    stats_.series_added = 0;
    WriteStale(t_ms_, /*all=*/true, /*good=*/false);
  }
  WriteReport(t_ms_, err.ok(), took);
  absl::Status committed = app_->Commit();
  app_.reset();
  if (!committed.ok()) return committed;
  return err;
}

absl::Status ScrapeCache::Append(const absl::Status& fetch, std::string_view body,
                                 std::string_view content_type, absl::Time t,
                                 absl::Duration took) {
  Begin(t);
  if (fetch.ok()) (void)Feed(body, content_type);
  return Finish(fetch, took);
}

absl::Status ScrapeCache::MarkAllStale(absl::Time t) {
  const int64_t t_ms = absl::ToUnixMillis(t);
  app_ = sink_->NewAppender();
  WriteStale(t_ms, /*all=*/true, /*good=*/false);
  for (size_t i = 0; i < std::size(kReportNames); ++i) {
    if (report_refs_[i] != 0) app_->Append(report_refs_[i], t_ms, StaleNaN());
  }
  absl::Status st = app_->Commit();
  app_.reset();
  return st;
}

}  // namespace outpost::scrape
