#include "core/scrape/target.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace outpost::scrape {
namespace {

config::ScrapeConfig Job() {
  config::ScrapeConfig c;
  c.job_name = "app";
  c.scrape_interval = absl::Seconds(15);
  c.scrape_timeout = absl::Seconds(10);
  return c;
}

relabel::Config Rule(relabel::Action a, std::vector<std::string> src, std::string regex,
                     std::string target = "", std::string replacement = "$1") {
  relabel::Config r;
  r.action = a;
  r.source_labels = std::move(src);
  r.regex = std::move(regex);
  r.target_label = std::move(target);
  r.replacement = std::move(replacement);
  EXPECT_TRUE(relabel::Compile(r).ok());
  return r;
}

TEST(TargetTest, DefaultsPortAndInstance) {
  config::TargetGroup g;
  g.targets = {"localhost:9100", "example.org", "[::1]:8080"};
  g.labels = {{"env", "prod"}};
  std::vector<Labels> d = GroupTargets(g);
  ASSERT_EQ(d.size(), 3u);
  auto t = PopulateTarget(d[0], Job());
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->labels.ToString(), "{env=\"prod\", instance=\"localhost:9100\", job=\"app\"}");
  EXPECT_EQ((*t)->url, "http://localhost:9100/metrics");
  EXPECT_EQ((*t)->interval, absl::Seconds(15));
  EXPECT_EQ((*t)->discovered.Get("__scrape_interval__"), "15s");
  t = PopulateTarget(d[1], Job());
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->labels.Get("instance"), "example.org:80");
  t = PopulateTarget(d[2], Job());
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->url, "http://[::1]:8080/metrics");
}

TEST(TargetTest, RelabelingParamsAndScheme) {
  config::ScrapeConfig c = Job();
  c.scheme = "https";
  c.metrics_path = "/probe";
  c.params = {{"module", {"http_2xx"}}, {"debug", {"a b", "c&d"}}};
  // The blackbox-exporter pattern: the address becomes a parameter.
  c.relabel_configs = {
      Rule(relabel::Action::kReplace, {"__address__"}, "(.*)", "__param_target"),
      Rule(relabel::Action::kReplace, {"__param_target"}, "(.*)", "instance"),
      Rule(relabel::Action::kReplace, {}, "(.*)", "__address__", "blackbox:9115"),
  };
  Labels d;
  d.Set("__address__", "example.org");
  auto t = PopulateTarget(d, c);
  ASSERT_TRUE(t.ok() && t->has_value()) << t.status();
  EXPECT_EQ((*t)->url,
            "https://blackbox:9115/probe?debug=a+b&debug=c%26d&module=http_2xx&target=example.org");
  EXPECT_EQ((*t)->labels.ToString(), "{instance=\"example.org\", job=\"app\"}");
}

TEST(TargetTest, DroppedAndInvalid) {
  config::ScrapeConfig c = Job();
  c.relabel_configs = {Rule(relabel::Action::kDrop, {"__address__"}, "skip:.*")};
  Labels d;
  d.Set("__address__", "skip:1");
  auto t = PopulateTarget(d, c);
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->has_value());

  Labels bad;
  bad.Set("__address__", "h:1");
  bad.Set("__scrape_timeout__", "20s");
  EXPECT_EQ(PopulateTarget(bad, Job()).status().message(),
            "scrape timeout cannot be greater than scrape interval (\"20s\" > \"15s\")");
  bad.Set("__scrape_timeout__", "x");
  EXPECT_EQ(PopulateTarget(bad, Job()).status().message(), "error parsing timeout: \"x\"");
  EXPECT_EQ(PopulateTarget(Labels{}, Job()).status().message(), "no address");
}

}  // namespace
}  // namespace outpost::scrape
