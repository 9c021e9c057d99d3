#include "core/agent/pipeline.h"

#include <bit>
#include <cmath>

#include "core/base/integration.h"
#include "core/base/label_set.h"
#include "core/base/memory_sink.h"
#include "core/relabel/relabel.h"
#include "gtest/gtest.h"

namespace outpost {
namespace {

const MetricFamily kTemp{"node_hwmon_temp_celsius", MetricType::kGauge, "Temperature.", ""};
const MetricFamily kCpu{"node_cpu_seconds_total", MetricType::kCounter, "CPU seconds.", ""};

TargetOptions Target() {
  TargetOptions t;
  t.job = "integrations/node_exporter";
  t.instance = "host1:12345";
  t.address = "host1:12345";
  t.metrics_path = "/integrations/node_exporter/metrics";
  t.scrape_interval = absl::Seconds(15);
  t.scrape_timeout = absl::Seconds(10);
  t.agent_hostname = "host1";
  t.extra_labels = {{"team", "infra"}};
  return t;
}

relabel::Config Rule(relabel::Action action, std::vector<std::string> src, std::string regex,
                     std::string target = "", std::string replacement = "$1") {
  relabel::Config c;
  c.action = action;
  c.source_labels = std::move(src);
  c.regex = std::move(regex);
  c.target_label = std::move(target);
  c.replacement = std::move(replacement);
  EXPECT_TRUE(relabel::Compile(c).ok());
  return c;
}

bool IsStale(double v) { return std::bit_cast<uint64_t>(v) == kStaleNaNBits; }

std::vector<MemorySink::Point> PointsOf(const MemorySink& sink, const std::string& name,
                                        Labels match = {}) {
  match.Set(kMetricName, name);
  auto found = sink.Find(match);
  EXPECT_EQ(found.size(), 1u) << name << " " << match.ToString();
  return found.empty() ? std::vector<MemorySink::Point>{} : found[0].second;
}

TEST(PipelineTest, TargetLabelsFollowGrafanaAgent) {
  CollectionPipeline p(Target(), std::make_shared<MemorySink>());
  EXPECT_EQ(p.target_labels(), (Labels{{"agent_hostname", "host1"},
                                       {"instance", "host1:12345"},
                                       {"job", "integrations/node_exporter"},
                                       {"team", "infra"}}));
}

TEST(PipelineTest, RelabelConfigsSeeAddressAndCanSetInstance) {
  TargetOptions t = Target();
  t.relabel_configs.push_back(
      Rule(relabel::Action::kReplace, {"__address__"}, "([^:]+):.*", "instance", "$1-renamed"));
  CollectionPipeline p(std::move(t), std::make_shared<MemorySink>());
  EXPECT_EQ(p.target_labels().Get("instance"), "host1-renamed");
  EXPECT_FALSE(p.target_labels().Has("__address__"));
}

TEST(PipelineTest, DroppedTargetWritesNothingButKeepsSnapshot) {
  TargetOptions t = Target();
  t.relabel_configs.push_back(Rule(relabel::Action::kDrop, {"job"}, "integrations/.*"));
  auto sink = std::make_shared<MemorySink>();
  CollectionPipeline p(std::move(t), sink);
  EXPECT_TRUE(p.target_dropped());
  p.Add(kTemp, Labels{{"chip", "a"}}, 40);
  ASSERT_TRUE(p.CommitRound(absl::FromUnixSeconds(100), absl::OkStatus(), absl::Milliseconds(3)).ok());
  EXPECT_TRUE(sink->Series().empty());
  EXPECT_EQ(p.Snapshot().size(), 1u);
}

TEST(PipelineTest, CommitWritesSamplesAndReportSeries) {
  auto sink = std::make_shared<MemorySink>();
  CollectionPipeline p(Target(), sink);
  const SeriesRef a = p.Series(kCpu, Labels{{"cpu", "0"}, {"mode", "idle"}}, "");
  const SeriesRef b = p.Series(kCpu, Labels{{"cpu", "0"}, {"mode", "user"}}, "");
  EXPECT_NE(a, b);
  EXPECT_EQ(a, p.Series(kCpu, Labels{{"cpu", "0"}, {"mode", "idle"}}, ""));
  p.Add(a, 10);
  p.Add(b, 20);
  ASSERT_TRUE(p.CommitRound(absl::FromUnixMillis(1000), absl::OkStatus(), absl::Milliseconds(250)).ok());

  auto idle = PointsOf(*sink, "node_cpu_seconds_total", Labels{{"mode", "idle"}});
  ASSERT_EQ(idle.size(), 1u);
  EXPECT_EQ(idle[0].t_ms, 1000);
  EXPECT_EQ(idle[0].value, 10);
  // Every series carries the target labels.
  auto all = sink->Find(Labels{{"mode", "user"}});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].first.Get("job"), "integrations/node_exporter");
  EXPECT_EQ(all[0].first.Get("instance"), "host1:12345");
  EXPECT_EQ(all[0].first.Get("agent_hostname"), "host1");
  EXPECT_EQ(all[0].first.Get("team"), "infra");

  EXPECT_EQ(PointsOf(*sink, "up")[0].value, 1);
  EXPECT_DOUBLE_EQ(PointsOf(*sink, "scrape_duration_seconds")[0].value, 0.25);
  EXPECT_EQ(PointsOf(*sink, "scrape_samples_scraped")[0].value, 2);
  EXPECT_EQ(PointsOf(*sink, "scrape_samples_post_metric_relabeling")[0].value, 2);
  EXPECT_EQ(PointsOf(*sink, "scrape_series_added")[0].value, 2);

  // Second round: same series, nothing added.
  p.Add(a, 11);
  p.Add(b, 21);
  ASSERT_TRUE(p.CommitRound(absl::FromUnixMillis(2000), absl::OkStatus(), absl::Milliseconds(1)).ok());
  EXPECT_EQ(PointsOf(*sink, "scrape_series_added")[1].value, 0);
  EXPECT_EQ(PointsOf(*sink, "node_cpu_seconds_total", Labels{{"mode", "idle"}})[1].value, 11);
}

TEST(PipelineTest, TargetDownWritesTheRoundsSamplesWithUpZero) {
  const MetricFamily pg_up{"pg_up", MetricType::kGauge, "Whether the server is up.", ""};
  auto sink = std::make_shared<MemorySink>();
  CollectionPipeline p(Target(), sink);
  p.Add(pg_up, Labels{}, 0);
  ASSERT_TRUE(p.CommitRound(absl::FromUnixMillis(1000), TargetDown("no server"),
                            absl::Milliseconds(5))
                  .ok());
  EXPECT_EQ(PointsOf(*sink, "pg_up")[0].value, 0);
  EXPECT_EQ(PointsOf(*sink, "up")[0].value, 0);
  EXPECT_EQ(PointsOf(*sink, "scrape_samples_scraped")[0].value, 1);
  EXPECT_TRUE(IsTargetDown(TargetDown("x")));
  EXPECT_FALSE(IsTargetDown(absl::UnavailableError("x")));
  EXPECT_FALSE(IsTargetDown(absl::OkStatus()));

  // Any other error discards the round's samples, as a failed scrape.
  p.Add(pg_up, Labels{}, 0);
  ASSERT_TRUE(p.CommitRound(absl::FromUnixMillis(2000), absl::UnavailableError("x"),
                            absl::Milliseconds(5))
                  .ok());
  auto points = PointsOf(*sink, "pg_up");
  ASSERT_EQ(points.size(), 2u);
  EXPECT_TRUE(IsStale(points[1].value));
  EXPECT_EQ(PointsOf(*sink, "up")[1].value, 0);
}

TEST(PipelineTest, ClashingLabelBecomesExported) {
  auto sink = std::make_shared<MemorySink>();
  CollectionPipeline p(Target(), sink);
  p.Add(kTemp, Labels{{"job", "mine"}, {"instance", "x"}}, 1);
  ASSERT_TRUE(p.CommitRound(absl::FromUnixSeconds(1), absl::OkStatus(), absl::ZeroDuration()).ok());
  auto s = sink->Find(Labels{{kMetricName.data(), kTemp.name}});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].first.Get("job"), "integrations/node_exporter");
  EXPECT_EQ(s[0].first.Get("exported_job"), "mine");
  EXPECT_EQ(s[0].first.Get("exported_instance"), "x");
}

TEST(PipelineTest, MetricRelabelDropsSeriesAndCountsThem) {
  TargetOptions t = Target();
  t.metric_relabel_configs.push_back(
      Rule(relabel::Action::kDrop, {"__name__", "mode"}, "node_cpu_seconds_total;user"));
  auto sink = std::make_shared<MemorySink>();
  CollectionPipeline p(std::move(t), sink);
  p.Add(kCpu, Labels{{"mode", "idle"}}, 1);
  p.Add(kCpu, Labels{{"mode", "user"}}, 2);
  ASSERT_TRUE(p.CommitRound(absl::FromUnixSeconds(1), absl::OkStatus(), absl::ZeroDuration()).ok());
  EXPECT_EQ(sink->Find(Labels{{"mode", "user"}}).size(), 0u);
  EXPECT_EQ(sink->Find(Labels{{"mode", "idle"}}).size(), 1u);
  EXPECT_EQ(PointsOf(*sink, "scrape_samples_scraped")[0].value, 2);
  EXPECT_EQ(PointsOf(*sink, "scrape_samples_post_metric_relabeling")[0].value, 1);
  // The view shows what the integration produced, before relabeling.
  EXPECT_EQ(p.Snapshot().size(), 2u);
}

TEST(PipelineTest, VanishedSeriesGetStalenessMarker) {
  auto sink = std::make_shared<MemorySink>();
  CollectionPipeline p(Target(), sink);
  p.Add(kTemp, Labels{{"chip", "a"}}, 1);
  p.Add(kTemp, Labels{{"chip", "b"}}, 2);
  ASSERT_TRUE(p.CommitRound(absl::FromUnixSeconds(1), absl::OkStatus(), absl::ZeroDuration()).ok());
  p.Add(kTemp, Labels{{"chip", "a"}}, 3);
  ASSERT_TRUE(p.CommitRound(absl::FromUnixSeconds(2), absl::OkStatus(), absl::ZeroDuration()).ok());
  auto b = PointsOf(*sink, kTemp.name, Labels{{"chip", "b"}});
  ASSERT_EQ(b.size(), 2u);
  EXPECT_TRUE(IsStale(b[1].value));
  EXPECT_EQ(b[1].t_ms, 2000);
  // Only once.
  p.Add(kTemp, Labels{{"chip", "a"}}, 4);
  ASSERT_TRUE(p.CommitRound(absl::FromUnixSeconds(3), absl::OkStatus(), absl::ZeroDuration()).ok());
  EXPECT_EQ(PointsOf(*sink, kTemp.name, Labels{{"chip", "b"}}).size(), 2u);
}

TEST(PipelineTest, FailedRoundReportsUpZeroAndStalesEverything) {
  auto sink = std::make_shared<MemorySink>();
  CollectionPipeline p(Target(), sink);
  p.Add(kTemp, Labels{{"chip", "a"}}, 1);
  ASSERT_TRUE(p.CommitRound(absl::FromUnixSeconds(1), absl::OkStatus(), absl::ZeroDuration()).ok());
  p.Add(kTemp, Labels{{"chip", "a"}}, 2);  // half-way, then failure
  ASSERT_TRUE(p.CommitRound(absl::FromUnixSeconds(2), absl::UnavailableError("down"),
                            absl::ZeroDuration()).ok());
  auto up = PointsOf(*sink, "up");
  ASSERT_EQ(up.size(), 2u);
  EXPECT_EQ(up[1].value, 0);
  auto a = PointsOf(*sink, kTemp.name);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_TRUE(IsStale(a[1].value));
  EXPECT_TRUE(p.Snapshot().empty());
}

TEST(PipelineTest, ReportFailureWithoutRound) {
  auto sink = std::make_shared<MemorySink>();
  CollectionPipeline p(Target(), sink);
  p.Add(kTemp, Labels{{"chip", "a"}}, 1);
  ASSERT_TRUE(p.CommitRound(absl::FromUnixSeconds(1), absl::OkStatus(), absl::ZeroDuration()).ok());
  ASSERT_TRUE(p.ReportFailure(absl::FromUnixSeconds(2), absl::Seconds(10)).ok());
  EXPECT_EQ(PointsOf(*sink, "up")[1].value, 0);
  EXPECT_EQ(PointsOf(*sink, "scrape_duration_seconds")[1].value, 10);
  EXPECT_TRUE(IsStale(PointsOf(*sink, kTemp.name)[1].value));
}

TEST(PipelineTest, MarkAllStaleCoversReportSeries) {
  auto sink = std::make_shared<MemorySink>();
  CollectionPipeline p(Target(), sink);
  p.Add(kTemp, Labels{{"chip", "a"}}, 1);
  ASSERT_TRUE(p.CommitRound(absl::FromUnixSeconds(1), absl::OkStatus(), absl::ZeroDuration()).ok());
  ASSERT_TRUE(p.MarkAllStale(absl::FromUnixSeconds(2)).ok());
  EXPECT_TRUE(IsStale(PointsOf(*sink, kTemp.name)[1].value));
  EXPECT_TRUE(IsStale(PointsOf(*sink, "up")[1].value));
}

TEST(PipelineTest, NullSinkKeepsSnapshotOnly) {
  CollectionPipeline p(Target(), nullptr);
  p.Add(kCpu, Labels{{"mode", "idle"}}, 5);
  p.Add(kCpu, Labels{{"mode", "user"}}, 6);
  ASSERT_TRUE(p.CommitRound(absl::FromUnixSeconds(1), absl::OkStatus(), absl::ZeroDuration()).ok());
  auto snap = p.Snapshot();
  ASSERT_EQ(snap.size(), 2u);
  EXPECT_EQ(snap[0].name, "node_cpu_seconds_total");
  EXPECT_EQ(snap[0].labels.Get("mode"), "idle");
  EXPECT_EQ(snap[1].value, 6);
  EXPECT_EQ(p.last_stats().samples_scraped, 2u);
}

TEST(PipelineTest, HistogramSuffixesAreDistinctSeries) {
  const MetricFamily h{"x_seconds", MetricType::kHistogram, "h", ""};
  auto sink = std::make_shared<MemorySink>();
  CollectionPipeline p(Target(), sink);
  p.Add(h, Labels{{"le", "+Inf"}}, 3, "_bucket");
  p.Add(h, Labels{}, 1.5, "_sum");
  p.Add(h, Labels{}, 3, "_count");
  ASSERT_TRUE(p.CommitRound(absl::FromUnixSeconds(1), absl::OkStatus(), absl::ZeroDuration()).ok());
  EXPECT_EQ(PointsOf(*sink, "x_seconds_bucket")[0].value, 3);
  EXPECT_EQ(PointsOf(*sink, "x_seconds_sum")[0].value, 1.5);
  EXPECT_EQ(PointsOf(*sink, "x_seconds_count")[0].value, 3);
}

}  // namespace
}  // namespace outpost

namespace outpost {
namespace {

TEST(PipelineTest, ReappearingSeriesIsWrittenAgain) {
  auto sink = std::make_shared<MemorySink>();
  CollectionPipeline p(Target(), sink);
  const SeriesRef a = p.Series(kTemp, Labels{{"chip", "a"}}, "");
  p.Add(a, 1);
  ASSERT_TRUE(p.CommitRound(absl::FromUnixSeconds(1), absl::OkStatus(), absl::ZeroDuration()).ok());
  ASSERT_TRUE(p.CommitRound(absl::FromUnixSeconds(2), absl::OkStatus(), absl::ZeroDuration()).ok());
  p.Add(a, 3);
  ASSERT_TRUE(p.CommitRound(absl::FromUnixSeconds(3), absl::OkStatus(), absl::ZeroDuration()).ok());
  auto pts = PointsOf(*sink, kTemp.name);
  ASSERT_EQ(pts.size(), 3u);
  EXPECT_EQ(pts[0].value, 1);
  EXPECT_TRUE(IsStale(pts[1].value));
  EXPECT_EQ(pts[2].value, 3);
  EXPECT_EQ(pts[2].t_ms, 3000);
}

// Issue 23: a series' one label set is its final labels, the set the WAL
// interns too; the raw labels (Series lookups, Snapshot) are read back out
// of it. Where they cannot be (a clash renamed to exported_<name>), the
// raw labels are kept instead; both kinds look up and
// snapshot the same.
TEST(PipelineTest, SeriesHoldsItsFinalLabelSetAndFindsItByRawLabels) {
  auto sink = std::make_shared<MemorySink>();
  CollectionPipeline p(Target(), sink);
  const std::vector<Labels> raws = {
      Labels{{"chip", "a"}},
      Labels{},
      Labels{{"exported_job", "x"}, {"zone", "z"}},  // no clash: derivable
      Labels{{"chip", "b"}, {"job", "mine"}},        // clash: kept raw
      Labels{{"chip", "c"}, {"empty", ""}},          // (Labels drops the empty one)
  };
  LabelStore& store = LabelStore::Default();
  const size_t before = store.size();
  std::vector<SeriesRef> refs;
  for (const Labels& l : raws) refs.push_back(p.Series(kTemp, l, ""));
  // One interned set per series, raw or final; none for the lookups.
  EXPECT_EQ(store.size(), before + raws.size());
  for (size_t i = 0; i < raws.size(); ++i) {
    EXPECT_EQ(p.Series(kTemp, raws[i], ""), refs[i]) << raws[i].ToString();
    EXPECT_NE(p.Series(kTemp, raws[i], "_max"), refs[i]);
    EXPECT_NE(p.Series(kCpu, raws[i], ""), refs[i]);
    p.Add(refs[i], static_cast<double>(i));
  }
  // Two more sets for each of the 4 derivable label sets (their final
  // labels differ by name); the one kept raw is shared across names.
  const size_t want = before + raws.size() + 2 * 4;
  EXPECT_EQ(store.size(), want);
  // The final labels of a derivable series are the set already there.
  Labels final = raws[0];
  final.Set(kMetricName, kTemp.name);
  for (const Label& l : p.target_labels()) final.Set(l.name, l.value);
  { LabelSet same = store.Intern(final); }
  EXPECT_EQ(store.size(), want);
  ASSERT_TRUE(p.CommitRound(absl::FromUnixSeconds(1), absl::OkStatus(), absl::ZeroDuration()).ok());
  EXPECT_EQ(PointsOf(*sink, kTemp.name, Labels{{"chip", "a"}})[0].value, 0);
  EXPECT_EQ(PointsOf(*sink, kTemp.name, Labels{{"exported_job", "x"}})[0].value, 2);
  EXPECT_EQ(PointsOf(*sink, kTemp.name, Labels{{"exported_job", "mine"}})[0].value, 3);
  const std::vector<CollectedSample> snap = p.Snapshot();
  ASSERT_EQ(snap.size(), raws.size());
  std::vector<Labels> got;
  for (const CollectedSample& s : snap) got.push_back(s.labels);
  for (const Labels& l : raws) {
    EXPECT_NE(std::find(got.begin(), got.end(), l), got.end()) << l.ToString();
  }
}

}  // namespace
}  // namespace outpost
