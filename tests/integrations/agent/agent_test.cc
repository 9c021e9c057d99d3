#include "integrations/agent/agent.h"

#include "core/base/memory_appender.h"
#include "gtest/gtest.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "prometheus/summary.h"

namespace outpost::integrations::agent {
namespace {

TEST(AgentIntegrationTest, CopiesEveryFamilyWithTypesAndSuffixes) {
  auto reg = std::make_shared<prometheus::Registry>();
  prometheus::BuildCounter().Name("c_total").Help("A counter.").Register(*reg).Add({{"k", "v"}}).Increment(3);
  prometheus::BuildGauge().Name("g").Help("A gauge.").Register(*reg).Add({}).Set(-1.5);
  prometheus::BuildHistogram()
      .Name("h_seconds")
      .Help("A histogram.")
      .Register(*reg)
      .Add({}, prometheus::Histogram::BucketBoundaries{0.5, 1})
      .Observe(0.7);
  prometheus::BuildSummary()
      .Name("s")
      .Help("A summary.")
      .Register(*reg)
      .Add({}, prometheus::Summary::Quantiles{{0.5, 0.05}})
      .Observe(2);

  AgentIntegration integration(reg);
  MemoryAppender app;
  ASSERT_TRUE(integration.Collect(app, absl::InfiniteFuture()).ok());
  EXPECT_EQ(app.Render(),
            "# HELP c_total A counter.\n"
            "# TYPE c_total counter\n"
            "c_total{k=\"v\"} 3\n"
            "# HELP g A gauge.\n"
            "# TYPE g gauge\n"
            "g -1.5\n"
            "# HELP h_seconds A histogram.\n"
            "# TYPE h_seconds histogram\n"
            "h_seconds_bucket{le=\"0.5\"} 0\n"
            "h_seconds_bucket{le=\"1\"} 1\n"
            "h_seconds_bucket{le=\"+Inf\"} 1\n"
            "h_seconds_sum 0.7\n"
            "h_seconds_count 1\n"
            "# HELP s A summary.\n"
            "# TYPE s summary\n"
            "s{quantile=\"0.5\"} 2\n"
            "s_sum 2\n"
            "s_count 1\n");

  // A second round reuses the families and handles.
  app.Clear();
  ASSERT_TRUE(integration.Collect(app, absl::InfiniteFuture()).ok());
  EXPECT_EQ(app.series_count(), 10u);
}

TEST(AgentIntegrationTest, FormatBoundLikeGo) {
  EXPECT_EQ(FormatBound(0.005), "0.005");
  EXPECT_EQ(FormatBound(1), "1");
  EXPECT_EQ(FormatBound(2.5), "2.5");
  EXPECT_EQ(FormatBound(std::numeric_limits<double>::infinity()), "+Inf");
}

TEST(AgentIntegrationTest, SpecUsesAgentKeyAndNeedsSelfMetrics) {
  const config::IntegrationSpec& spec = Spec();
  EXPECT_EQ(spec.name(), "agent");
  config::HostInfo host{"myhost", "myhost:12345", nullptr};
  config::IntegrationConfig ic;
  ic.name = "agent";
  config::Errors errors;
  config::MapReader m(YAML::Load("{}"), "integrations.agent", &errors);
  ic.options = spec.Parse(m);
  EXPECT_EQ(spec.InstanceKey(*ic.options, host), "myhost:12345");
  EXPECT_FALSE(spec.Create(ic, host).ok());
  host.self_metrics = std::make_shared<prometheus::Registry>();
  EXPECT_TRUE(spec.Create(ic, host).ok());
}

}  // namespace
}  // namespace outpost::integrations::agent
