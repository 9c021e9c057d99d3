// The metrics stage (Promtail stages/metrics.go, metrics_test.go, docs
// stages/metrics.md, logentry/metric/*.go); values are read back from a
// prometheus::Registry.
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "logs/stages/go_duration.h"
#include "prometheus/registry.h"
#include "stage_test_util.h"

namespace outpost::logs::stages {
namespace {

using testing::BuildPipeline;
using testing::Collect;
using testing::MakeEntry;

// The metric `name` with exactly `labels` in `r`, or null.
std::optional<prometheus::ClientMetric> Find(prometheus::Registry& r, const std::string& name,
                                             const Labels& labels,
                                             prometheus::MetricType* type = nullptr) {
  for (const prometheus::MetricFamily& f : r.Collect()) {
    if (f.name != name) continue;
    for (const prometheus::ClientMetric& m : f.metric) {
      std::vector<Label> got;
      for (const auto& l : m.label) got.push_back({l.name, l.value});
      if (Labels::FromUnsorted(got) == labels) {
        if (type != nullptr) *type = f.type;
        return m;
      }
    }
  }
  return std::nullopt;
}

size_t SeriesCount(prometheus::Registry& r, const std::string& name) {
  for (const prometheus::MetricFamily& f : r.Collect()) {
    if (f.name == name) return f.metric.size();
  }
  return 0;
}

StageContext Ctx(prometheus::Registry* r, const std::string& logs_config = "") {
  StageContext ctx;
  ctx.registry = r;
  ctx.logs_config = logs_config;
  ctx.job_name = "job";
  return ctx;
}

// Upstream TestMetricsPipeline, the json stage's output set by hand.
TEST(MetricsStage, UpstreamPipeline) {
  prometheus::Registry r;
  config::Errors errors;
  auto p = BuildPipeline(R"(
- metrics:
    loki_count:
      type: Counter
      description: uhhhhhhh
      prefix: my_promtail_custom_
      source: app
      config:
        value: loki
        action: inc
    bloki_count:
      type: Gauge
      description: blerrrgh
      source: app
      config:
        value: bloki
        action: dec
    total_lines_count:
      type: Counter
      description: nothing to see here...
      config:
        match_all: true
        action: inc
    total_bytes_count:
      type: Counter
      description: nothing to see here...
      config:
        match_all: true
        count_entry_bytes: true
        action: add
    payload_size_bytes:
      type: Histogram
      description: grrrragh
      source: payload
      config:
        buckets: [10, 20]
)",
                         &errors, Ctx(&r));
  ASSERT_NE(p, nullptr) << errors.errors.front();
  Collect out;
  Entry e1 = MakeEntry(std::string(100, 'x'), {{"test", "app"}});
  e1.extracted.SetString("app", "loki");
  Value& payload = e1.extracted.Put("payload");
  payload.kind = Value::Kind::kNumber;
  payload.number = 10;
  payload.text = "10";
  p->Process(e1, out);
  Entry e2 = MakeEntry(std::string(155, 'y'), {{"test", "app"}});
  e2.extracted.SetString("app", "bloki");
  e2.extracted.SetString("payload", "20");
  p->Process(e2, out);
  EXPECT_EQ(out.out.size(), 2u);

  const Labels l{{"test", "app"}};
  prometheus::MetricType type;
  auto loki = Find(r, "my_promtail_custom_loki_count", l, &type);
  ASSERT_TRUE(loki.has_value());
  EXPECT_EQ(type, prometheus::MetricType::Counter);
  EXPECT_EQ(loki->counter.value, 1);
  auto bloki = Find(r, "promtail_custom_bloki_count", l, &type);
  ASSERT_TRUE(bloki.has_value());
  EXPECT_EQ(type, prometheus::MetricType::Gauge);
  EXPECT_EQ(bloki->gauge.value, -1);
  EXPECT_EQ(Find(r, "promtail_custom_total_lines_count", l)->counter.value, 2);
  EXPECT_EQ(Find(r, "promtail_custom_total_bytes_count", l)->counter.value, 255);
  auto h = Find(r, "promtail_custom_payload_size_bytes", l);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->histogram.sample_count, 2u);
  EXPECT_EQ(h->histogram.sample_sum, 30);
  ASSERT_EQ(h->histogram.bucket.size(), 3u);
  EXPECT_EQ(h->histogram.bucket[0].upper_bound, 10);
  EXPECT_EQ(h->histogram.bucket[0].cumulative_count, 1u);
  EXPECT_EQ(h->histogram.bucket[1].cumulative_count, 2u);
  for (const prometheus::MetricFamily& f : r.Collect()) {
    if (f.name == "my_promtail_custom_loki_count") {
      EXPECT_EQ(f.help, "uhhhhhhh");
    }
  }
  // Stopping the pipeline removes its series (upstream Cleanup).
  p.reset();
  EXPECT_EQ(SeriesCount(r, "promtail_custom_total_lines_count"), 0u);
}

// Upstream TestNegativeGauge and TestNonPrometheusLabelsShouldBeDropped;
// the agent's logs_config label is added.
TEST(MetricsStage, GaugeSetAndCleanedLabels) {
  prometheus::Registry r;
  config::Errors errors;
  auto p = BuildPipeline(R"(
- metrics:
    longitude:
      type: gauge
      description: "longitude GPS vehicle"
      source: longitude
      config:
        match_all: true
        action: SET
    loki_count:
      type: COUNTER
      config:
        match_all: true
        action: inc
)",
                         &errors, Ctx(&r, "default"));
  ASSERT_NE(p, nullptr) << errors.errors.front();
  Collect out;
  Entry e = MakeEntry("line", {{"vehicle", "1"}, {"__bad_label__", "2"}, {"__tenant_id__", "t"},
                               {"logs_config", "spoof"}});
  e.extracted.SetString("longitude", "-10.1234");
  p->Process(e, out);
  const Labels l{{"vehicle", "1"}, {"logs_config", "default"}};
  auto g = Find(r, "promtail_custom_longitude", l);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->gauge.value, -10.1234);
  EXPECT_EQ(Find(r, "promtail_custom_loki_count", l)->counter.value, 1);
}

// The documentation's counter examples (regex output set by hand).
TEST(MetricsStage, DocumentationCounters) {
  prometheus::Registry r;
  config::Errors errors;
  auto p = BuildPipeline(R"(
- metrics:
    successful_orders_total:
      type: Counter
      description: "successful orders"
      source: order_status
      config:
        value: success
        action: inc
    failed_orders_total:
      type: Counter
      description: "failed orders"
      source: order_status
      config:
        value: fail
        action: inc
    retries_total:
      type: Gauge
      description: "total retries"
      source: retries
      config:
        action: add
)",
                         &errors, Ctx(&r));
  ASSERT_NE(p, nullptr) << errors.errors.front();
  Collect out;
  for (const char* status : {"success", "fail", "success", "other"}) {
    Entry e = MakeEntry("line", {{"job", "shop"}});
    e.extracted.SetString("order_status", status);
    e.extracted.SetString("retries", "3");
    p->Process(e, out);
  }
  Entry none = MakeEntry("no status", {{"job", "shop"}});
  p->Process(none, out);
  const Labels l{{"job", "shop"}};
  EXPECT_EQ(Find(r, "promtail_custom_successful_orders_total", l)->counter.value, 2);
  EXPECT_EQ(Find(r, "promtail_custom_failed_orders_total", l)->counter.value, 1);
  EXPECT_EQ(Find(r, "promtail_custom_retries_total", l)->gauge.value, 12);
}

// getFloat: numbers, bools, Go floats and Go durations (in seconds); a
// null or unparsable value changes nothing.
TEST(MetricsStage, ValueConversions) {
  prometheus::Registry r;
  config::Errors errors;
  auto p = BuildPipeline(R"(
- metrics:
    v:
      type: Histogram
      config:
        buckets: [0.001, 1, 100]
    g:
      type: Gauge
      source: v
      config: {action: sub}
)",
                         &errors, Ctx(&r));
  ASSERT_NE(p, nullptr) << errors.errors.front();
  Collect out;
  auto run = [&](Value::Kind kind, const std::string& text, double number) {
    Entry e = MakeEntry("line", {{"job", "j"}});
    Value& v = e.extracted.Put("v");
    v.kind = kind;
    v.text = text;
    v.number = number;
    p->Process(e, out);
  };
  run(Value::Kind::kString, "0.5ms", 0);     // 0.0005
  run(Value::Kind::kString, "1h", 0);        // 3600
  run(Value::Kind::kString, "2.5", 0);       // 2.5
  run(Value::Kind::kString, "0x1p-2", 0);    // 0.25
  run(Value::Kind::kBool, "true", 1);        // 1
  run(Value::Kind::kNumber, "7", 7);         // 7
  run(Value::Kind::kNull, "", 0);            // skipped
  run(Value::Kind::kString, "abc", 0);       // skipped
  run(Value::Kind::kString, "1e400", 0);     // out of range: skipped
  const Labels l{{"job", "j"}};
  auto h = Find(r, "promtail_custom_v", l);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->histogram.sample_count, 6u);
  EXPECT_DOUBLE_EQ(h->histogram.sample_sum, 0.0005 + 3600 + 2.5 + 0.25 + 1 + 7);
  EXPECT_EQ(h->histogram.bucket[0].cumulative_count, 1u);  // <= 0.001
  EXPECT_EQ(h->histogram.bucket[1].cumulative_count, 3u);  // <= 1
  EXPECT_EQ(h->histogram.bucket[2].cumulative_count, 5u);  // <= 100
  EXPECT_DOUBLE_EQ(Find(r, "promtail_custom_g", l)->gauge.value,
                   -(0.0005 + 3600 + 2.5 + 0.25 + 1 + 7));
}

TEST(MetricsStage, DefaultBucketsAndGaugeActions) {
  prometheus::Registry r;
  config::Errors errors;
  auto p = BuildPipeline(R"(
- metrics:
    h: {type: histogram, source: v}
    up: {type: gauge, source: v, config: {action: inc}}
    down: {type: gauge, source: v, config: {action: dec}}
)",
                         &errors, Ctx(&r));
  ASSERT_NE(p, nullptr) << errors.errors.front();
  Collect out;
  Entry e = MakeEntry("line", {{"job", "j"}});
  e.extracted.SetString("v", "not a number");  // inc/dec need no number
  p->Process(e, out);
  p->Process(e, out);
  const Labels l{{"job", "j"}};
  EXPECT_EQ(Find(r, "promtail_custom_up", l)->gauge.value, 2);
  EXPECT_EQ(Find(r, "promtail_custom_down", l)->gauge.value, -2);
  Entry n = MakeEntry("line", {{"job", "j"}});
  n.extracted.SetString("v", "0.3");
  p->Process(n, out);
  auto h = Find(r, "promtail_custom_h", l);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->histogram.bucket.size(), 12u);  // prometheus.DefBuckets + Inf
  EXPECT_EQ(h->histogram.sample_count, 1u);
}

// A series not updated for max_idle_duration goes (checked as entries come,
// by their read time).
TEST(MetricsStage, IdleSeriesArePruned) {
  prometheus::Registry r;
  config::Errors errors;
  auto p = BuildPipeline(R"(
- metrics:
    lines:
      type: Counter
      max_idle_duration: 2.5s
      config: {match_all: true, action: inc}
)",
                         &errors, Ctx(&r));
  ASSERT_NE(p, nullptr) << errors.errors.front();
  Collect out;
  const int64_t t0 = 1'700'000'000'000'000'000;
  auto at = [&](const std::string& file, int64_t s) {
    Entry e = MakeEntry("line", {{"filename", file}}, t0 + s * 1'000'000'000);
    p->Process(e, out);
  };
  at("a", 0);
  at("b", 1);
  EXPECT_EQ(SeriesCount(r, "promtail_custom_lines"), 2u);
  at("b", 2);  // a idle for 2s >= 2.5s truncated to whole seconds (as upstream)
  EXPECT_EQ(SeriesCount(r, "promtail_custom_lines"), 1u);
  EXPECT_FALSE(Find(r, "promtail_custom_lines", Labels{{"filename", "a"}}).has_value());
  at("a", 3);  // a comes back from zero
  EXPECT_EQ(Find(r, "promtail_custom_lines", Labels{{"filename", "a"}})->counter.value, 1);
  EXPECT_EQ(Find(r, "promtail_custom_lines", Labels{{"filename", "b"}})->counter.value, 2);
}

// Two pipelines (instances, jobs) with the same metric share its family and,
// for the same labels, its series, which stays while one of them holds it.
TEST(MetricsStage, FamiliesAreSharedByName) {
  prometheus::Registry r;
  const std::string yaml = R"(
- metrics:
    lines:
      type: Counter
      max_idle_duration: 1s
      config: {match_all: true, action: inc}
)";
  config::Errors errors;
  auto p1 = BuildPipeline(yaml, &errors, Ctx(&r));
  auto p2 = BuildPipeline(yaml, &errors, Ctx(&r));
  ASSERT_NE(p1, nullptr);
  ASSERT_NE(p2, nullptr);
  Collect out;
  Entry e = MakeEntry("line", {{"job", "j"}});
  p1->Process(e, out);
  p2->Process(e, out);
  const Labels l{{"job", "j"}};
  EXPECT_EQ(Find(r, "promtail_custom_lines", l)->counter.value, 2);
  // p1 prunes its (idle) hold on the series; p2 still has it.
  Entry later = MakeEntry("line", {{"job", "other"}}, e.ts_ns + 5'000'000'000);
  p1->Process(later, out);
  EXPECT_EQ(Find(r, "promtail_custom_lines", l)->counter.value, 2);
  p2.reset();
  EXPECT_FALSE(Find(r, "promtail_custom_lines", l).has_value());
  EXPECT_TRUE(Find(r, "promtail_custom_lines", Labels{{"job", "other"}}).has_value());

  // The same name with another type is a build error.
  errors = {};
  EXPECT_EQ(BuildPipeline("- metrics:\n    lines: {type: Gauge, config: {action: inc}}\n",
                          &errors, Ctx(&r)),
            nullptr);
  ASSERT_FALSE(errors.errors.empty());
  EXPECT_NE(errors.errors[0].find("pipeline_stages[0].metrics.lines: metric "
                                  "promtail_custom_lines cannot be registered"),
            std::string::npos)
      << errors.errors[0];
}

// Checking a config: no registry, nothing registered, entries pass.
TEST(MetricsStage, CheckModeBuildsWithoutRegistry) {
  config::Errors errors;
  auto p = BuildPipeline("- metrics:\n    x: {type: counter, config: {action: inc}}\n", &errors);
  ASSERT_NE(p, nullptr) << errors.errors.front();
  Collect out;
  Entry e = MakeEntry("line");
  e.extracted.SetString("x", "1");
  p->Process(e, out);
  EXPECT_EQ(out.out.size(), 1u);
}

std::string ErrorOf(const std::string& yaml) {
  config::Errors errors;
  auto p = BuildPipeline(yaml, &errors);
  if (p != nullptr || errors.errors.empty()) return "(built)";
  return errors.errors[0];
}

TEST(MetricsStage, ConfigErrors) {
  EXPECT_EQ(ErrorOf("- metrics:\n"),
            "test.yml:1:3: pipeline_stages[0].metrics: empty metric stage configuration");
  EXPECT_EQ(ErrorOf("- metrics:\n    m: {type: Pipe_line}\n"),
            "test.yml:2:15: pipeline_stages[0].metrics.m.type: invalid metric type "
            "'pipe_line', metric type must be one of 'counter', 'gauge', or 'histogram'");
  EXPECT_EQ(ErrorOf("- metrics:\n    m: {type: counter, max_idle_duration: 10f, config: "
                    "{action: inc}}\n"),
            "test.yml:2:43: pipeline_stages[0].metrics.m.max_idle_duration: max_idle_duration "
            "could not be parsed as a time.Duration: 'time: unknown unit \"f\" in duration "
            "\"10f\"'");
  EXPECT_EQ(ErrorOf("- metrics:\n    m: {type: counter, max_idle_duration: 999ms, config: "
                    "{action: inc}}\n"),
            "test.yml:2:43: pipeline_stages[0].metrics.m.max_idle_duration: max_idle_duration "
            "less than 1s not allowed");
  EXPECT_EQ(ErrorOf("- metrics:\n    m: {type: counter}\n"),
            "test.yml:2:8: pipeline_stages[0].metrics.m: counter action must be defined "
            "as either `inc` or `add`");
  EXPECT_EQ(ErrorOf("- metrics:\n    m: {type: counter, config: {action: set}}\n"),
            "test.yml:2:41: pipeline_stages[0].metrics.m.config.action: action set is not "
            "valid, action must be either `inc` or `add`");
  EXPECT_EQ(ErrorOf("- metrics:\n    m: {type: counter, config: {action: inc, match_all: true, "
                    "value: x}}\n"),
            "test.yml:2:46: pipeline_stages[0].metrics.m.config.match_all: `match_all: true` "
            "cannot be combined with `value`, please remove `match_all` or `value`");
  EXPECT_EQ(ErrorOf("- metrics:\n    m: {type: counter, config: {action: add, "
                    "count_entry_bytes: true}}\n"),
            "test.yml:2:46: pipeline_stages[0].metrics.m.config.count_entry_bytes: "
            "`count_entry_bytes: true` can only be set with `match_all: true`");
  EXPECT_EQ(ErrorOf("- metrics:\n    m: {type: counter, config: {action: inc, match_all: true, "
                    "count_entry_bytes: true}}\n"),
            "test.yml:2:63: pipeline_stages[0].metrics.m.config.count_entry_bytes: "
            "`count_entry_bytes: true` can only be used with `action: add`");
  EXPECT_EQ(ErrorOf("- metrics:\n    m: {type: gauge, config: {action: observe}}\n"),
            "test.yml:2:39: pipeline_stages[0].metrics.m.config.action: action observe is not "
            "valid, action must be `set`, `inc`, `dec`, `add`, or `sub`");
  EXPECT_EQ(ErrorOf("- metrics:\n    m: {type: histogram, config: {buckets: [1, 5, 2]}}\n"),
            "test.yml:2:44: pipeline_stages[0].metrics.m.config.buckets: histogram buckets must "
            "be in increasing order: 5 >= 2");
  EXPECT_EQ(ErrorOf("- metrics:\n    bad-name: {type: counter, config: {action: inc}}\n"),
            "test.yml:2:15: pipeline_stages[0].metrics.bad-name: \"promtail_custom_bad-name\" is "
            "not a valid metric name");
}

TEST(GoDuration, ParsesAsTimeParseDuration) {
  struct Case {
    std::string in;
    int64_t ns;
  };
  for (const Case& c : std::vector<Case>{{"0", 0},
                                         {"+0", 0},
                                         {"1s", 1'000'000'000},
                                         {"1.5h", 5'400'000'000'000},
                                         {"-2h45m", -9'900'000'000'000},
                                         {".5s", 500'000'000},
                                         {"5.s", 5'000'000'000},
                                         {"0.5ms", 500'000},
                                         {"1us", 1000},
                                         {"1\xC2\xB5s", 1000},
                                         {"1\xCE\xBCs", 1000},
                                         {"3ns", 3},
                                         {"1h1m1s1ms", 3'661'001'000'000},
                                         {"9223372036854775807ns", INT64_MAX},
                                         {"-9223372036854775808ns", INT64_MIN},
                                         {"0.0000000001s", 0}}) {
    absl::StatusOr<int64_t> d = ParseGoDuration(c.in);
    ASSERT_TRUE(d.ok()) << c.in << ": " << d.status();
    EXPECT_EQ(*d, c.ns) << c.in;
  }
  for (const char* bad : {"", "-", "1", "s", ".s", "1d", "1.2.3s", "9223372036854775808ns",
                          "3000000h", " 1s"}) {
    EXPECT_FALSE(ParseGoDuration(bad).ok()) << bad;
  }
  EXPECT_EQ(ParseGoDuration("1").status().message(), "time: missing unit in duration \"1\"");
  EXPECT_EQ(ParseGoDuration("1d").status().message(),
            "time: unknown unit \"d\" in duration \"1d\"");
  EXPECT_EQ(ParseGoDuration("x").status().message(), "time: invalid duration \"x\"");
}

}  // namespace
}  // namespace outpost::logs::stages
