#include "core/scrape/scrape_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "core/base/memory_sink.h"

namespace outpost::scrape {
namespace {

using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

struct Fixture {
  explicit Fixture(AppendOptions o = {}) {
    if (o.target.empty()) o.target = Labels{{"job", "app"}, {"instance", "h:9100"}};
    cache = std::make_unique<ScrapeCache>(std::move(o), sink);
  }
  absl::Status Scrape(std::string_view body, int step, std::string_view ct = "text/plain") {
    return cache->Append(absl::OkStatus(), body, ct, kT0 + absl::Seconds(15 * step),
                         absl::Milliseconds(3));
  }
  // Values of the series with `labels` (a subset), "S" for a stale marker.
  std::string Values(const Labels& match) {
    std::string out;
    for (const auto& [l, pts] : sink->Find(match)) {
      out += l.ToString() + ":";
      for (const MemorySink::Point& p : pts) {
        out += " " + (IsStaleNaN(p.value) ? std::string("S") : std::to_string(int(p.value))) +
               "@" + std::to_string((p.t_ms / 1000) - 1700000000);
      }
      out += "\n";
    }
    return out;
  }
  std::shared_ptr<MemorySink> sink = std::make_shared<MemorySink>();
  std::unique_ptr<ScrapeCache> cache;
};

TEST(ScrapeCacheTest, AppendsWithTargetLabelsAndReport) {
  Fixture f;
  ASSERT_TRUE(f.Scrape("# TYPE a counter\na_total{x=\"1\"} 5\nb 2 1699999999000\n", 0).ok());
  EXPECT_EQ(f.Values(Labels{{"__name__", "a_total"}}),
            "{__name__=\"a_total\", instance=\"h:9100\", job=\"app\", x=\"1\"}: 5@0\n");
  // honor_timestamps (the default) keeps the sample's own timestamp.
  EXPECT_EQ(f.Values(Labels{{"__name__", "b"}}),
            "{__name__=\"b\", instance=\"h:9100\", job=\"app\"}: 2@-1\n");
  EXPECT_EQ(f.Values(Labels{{"__name__", "up"}}),
            "{__name__=\"up\", instance=\"h:9100\", job=\"app\"}: 1@0\n");
  EXPECT_EQ(f.Values(Labels{{"__name__", "scrape_samples_scraped"}}),
            "{__name__=\"scrape_samples_scraped\", instance=\"h:9100\", job=\"app\"}: 2@0\n");
  EXPECT_EQ(f.Values(Labels{{"__name__", "scrape_series_added"}}),
            "{__name__=\"scrape_series_added\", instance=\"h:9100\", job=\"app\"}: 2@0\n");
  EXPECT_EQ(f.cache->last_stats().series_added, 2u);
  // The second scrape finds both in the cache.
  ASSERT_TRUE(f.Scrape("# TYPE a counter\na_total{x=\"1\"} 6\nb 3 1700000010000\n", 1).ok());
  EXPECT_EQ(f.cache->last_stats().series_added, 0u);
  EXPECT_EQ(f.Values(Labels{{"__name__", "a_total"}}),
            "{__name__=\"a_total\", instance=\"h:9100\", job=\"app\", x=\"1\"}: 5@0 6@15\n");
}

TEST(ScrapeCacheTest, HonorLabels) {
  const std::string body = "m{job=\"other\",instance=\"\"} 1\n";
  Fixture off;
  ASSERT_TRUE(off.Scrape(body, 0).ok());
  EXPECT_EQ(off.Values(Labels{{"__name__", "m"}}),
            "{__name__=\"m\", exported_job=\"other\", instance=\"h:9100\", job=\"app\"}: 1@0\n");
  AppendOptions o;
  o.honor_labels = true;
  Fixture on(std::move(o));
  ASSERT_TRUE(on.Scrape(body, 0).ok());
  EXPECT_EQ(on.Values(Labels{{"__name__", "m"}}),
            "{__name__=\"m\", instance=\"h:9100\", job=\"other\"}: 1@0\n");
}

TEST(ScrapeCacheTest, VanishedSeriesAndFailedScrapesGoStale) {
  Fixture f;
  ASSERT_TRUE(f.Scrape("a 1\nb 1\nc 1 1700000000000\n", 0).ok());
  ASSERT_TRUE(f.Scrape("a 2\n", 1).ok());
  EXPECT_EQ(f.Values(Labels{{"__name__", "b"}}),
            "{__name__=\"b\", instance=\"h:9100\", job=\"app\"}: 1@0 S@15\n");
  // A series with its own timestamp gets no marker.
  EXPECT_EQ(f.Values(Labels{{"__name__", "c"}}),
            "{__name__=\"c\", instance=\"h:9100\", job=\"app\"}: 1@0\n");
  absl::Status st = f.Scrape("a 3\nbroken\n", 2);
  EXPECT_THAT(st.message(), HasSubstr("line 2: expected a value after metric broken"));
  EXPECT_EQ(f.Values(Labels{{"__name__", "a"}}),
            "{__name__=\"a\", instance=\"h:9100\", job=\"app\"}: 1@0 2@15 S@30\n");
  EXPECT_EQ(f.Values(Labels{{"__name__", "up"}}),
            "{__name__=\"up\", instance=\"h:9100\", job=\"app\"}: 1@0 1@15 0@30\n");
  // b comes back: a new series for the cache, appended again.
  ASSERT_TRUE(f.Scrape("a 4\nb 4\n", 3).ok());
  EXPECT_EQ(f.Values(Labels{{"__name__", "b"}}),
            "{__name__=\"b\", instance=\"h:9100\", job=\"app\"}: 1@0 S@15 4@45\n");
  ASSERT_TRUE(f.cache->MarkAllStale(kT0 + absl::Seconds(60)).ok());
  EXPECT_EQ(f.Values(Labels{{"__name__", "up"}}),
            "{__name__=\"up\", instance=\"h:9100\", job=\"app\"}: 1@0 1@15 0@30 1@45 S@60\n");
  EXPECT_EQ(f.cache->cached_series(), 2u);
}

TEST(ScrapeCacheTest, FetchErrorReportsDown) {
  Fixture f;
  EXPECT_FALSE(f.cache->Append(absl::UnavailableError("connection refused"), "", "", kT0,
                               absl::Seconds(1)).ok());
  EXPECT_EQ(f.Values(Labels{{"__name__", "up"}}),
            "{__name__=\"up\", instance=\"h:9100\", job=\"app\"}: 0@0\n");
}

TEST(ScrapeCacheTest, MetricRelabelingAndLimits) {
  AppendOptions o;
  relabel::Config drop;
  drop.action = relabel::Action::kDrop;
  drop.source_labels = {"__name__"};
  drop.regex = "go_.*";
  ASSERT_TRUE(relabel::Compile(drop).ok());
  o.metric_relabel_configs = {drop};
  o.sample_limit = 2;
  Fixture f(std::move(o));
  ASSERT_TRUE(f.Scrape("go_a 1\ngo_b 1\nx 1\ny 1\n", 0).ok());
  EXPECT_EQ(f.cache->last_stats().samples_scraped, 4u);
  EXPECT_EQ(f.cache->last_stats().samples_post_relabel, 2u);
  EXPECT_TRUE(f.Values(Labels{{"__name__", "go_a"}}).empty());
  absl::Status st = f.Scrape("x 1\ny 1\nz 1\n", 1);
  EXPECT_EQ(st.message(), "sample limit exceeded (3 > 2)");
  EXPECT_EQ(f.Values(Labels{{"__name__", "x"}}),
            "{__name__=\"x\", instance=\"h:9100\", job=\"app\"}: 1@0 S@15\n");
  EXPECT_TRUE(f.Values(Labels{{"__name__", "z"}}).empty());

  AppendOptions l;
  l.label_limit = 3;
  Fixture g(std::move(l));
  EXPECT_EQ(g.Scrape("m{a=\"1\"} 1\n", 0).message(),
            "label_limit exceeded (metric: m, number of labels: 4, limit: 3)");
}

TEST(ScrapeCacheTest, DuplicatesAndOutOfOrder) {
  Fixture f;
  ASSERT_TRUE(f.Scrape("a 1\na 2\nt 1 1700000005000\n", 0).ok());
  EXPECT_EQ(f.cache->last_stats().duplicates, 1u);
  ASSERT_TRUE(f.Scrape("a 3\nt 2 1700000001000\n", 1).ok());
  EXPECT_EQ(f.cache->last_stats().out_of_order, 1u);
  EXPECT_EQ(f.Values(Labels{{"__name__", "a"}}),
            "{__name__=\"a\", instance=\"h:9100\", job=\"app\"}: 1@0 3@15\n");
}

TEST(ScrapeCacheTest, OpenMetricsBody) {
  Fixture f;
  ASSERT_TRUE(f.Scrape("# TYPE r counter\nr_total 7 1700000002.5\n# EOF\n", 0,
                       "application/openmetrics-text; version=1.0.0")
                  .ok());
  EXPECT_EQ(f.Values(Labels{{"__name__", "r_total"}}),
            "{__name__=\"r_total\", instance=\"h:9100\", job=\"app\"}: 7@2\n");
  EXPECT_FALSE(f.Scrape("r_total 7\n", 1, "application/openmetrics-text").ok());
}

// The body fed in pieces, as the scrape loop does while it arrives, split
// at every byte: the same samples, markers, report, stats and error as the
// whole body appended at once.
TEST(ScrapeCacheTest, BodyFedInPiecesIsTheWholeBody) {
  const std::string om = "application/openmetrics-text; version=1.0.0";
  struct Case {
    std::string body, ct;
  };
  const Case cases[] = {
      {"# HELP a An \\ a.\n# TYPE a counter\na_total{x=\"1\",y=\"z\"} 5\nb 2\n  c 3 1700000001000\n"
       "#c\n\nd{} 4", "text/plain"},
      {"# TYPE r counter\nr_total 7 1700000002.5 # {t=\"x\"} 1 1700000001\nq 1\n# EOF\n", om},
      {"a 3\nb 1\nbroken\nc 2\n", "text/plain"},
      {"r 1\n", om},                 // no # EOF
      {"# EOF\nr 1\n", om},         // data after it
      {"a 1\na 2\nb{x=\"\\xff\"} 1\n", "text/plain"},
  };
  for (const Case& c : cases) {
    Fixture whole;
    // Two scrapes: the first one's series, then this body (markers too).
    ASSERT_TRUE(whole.Scrape("a 0\nold 0\n", 0).ok());
    const absl::Status want = whole.Scrape(c.body, 1, c.ct);
    for (size_t cut = 0; cut <= c.body.size(); ++cut) {
      for (size_t cut2 : {cut, std::min(c.body.size(), cut + 3)}) {
        Fixture f;
        ASSERT_TRUE(f.Scrape("a 0\nold 0\n", 0).ok());
        f.cache->Begin(kT0 + absl::Seconds(15));
        const std::string_view b = c.body;
        (void)f.cache->Feed(b.substr(0, cut), c.ct);
        (void)f.cache->Feed(b.substr(cut, cut2 - cut), c.ct);
        (void)f.cache->Feed(b.substr(cut2), c.ct);
        const absl::Status got = f.cache->Finish(absl::OkStatus(), absl::Milliseconds(3));
        SCOPED_TRACE(absl::StrCat(c.body, " cut at ", cut, " and ", cut2));
        EXPECT_EQ(got, want);
        EXPECT_EQ(f.Values(Labels{}), whole.Values(Labels{}));
        EXPECT_EQ(f.cache->last_stats().samples_scraped, whole.cache->last_stats().samples_scraped);
        EXPECT_EQ(f.cache->last_stats().exemplars, whole.cache->last_stats().exemplars);
        EXPECT_EQ(f.cache->cached_series(), whole.cache->cached_series());
      }
    }
  }
}

// A parse error stops the feeding (the scrape loop then stops the
// transfer); a fetch that fails after pieces were fed keeps none of them.
TEST(ScrapeCacheTest, FeedStopsAtAnErrorAndAFailedFetchKeepsNothing) {
  Fixture f;
  ASSERT_TRUE(f.Scrape("a 1\nb 1\n", 0).ok());
  const std::string err = "line 2: invalid value \"x\" of metric b";
  f.cache->Begin(kT0 + absl::Seconds(15));
  EXPECT_TRUE(f.cache->Feed("a 2\nb", "text/plain").ok());
  EXPECT_EQ(f.cache->Feed(" x\nc 1\n", "text/plain").message(), err);
  EXPECT_EQ(f.cache->Feed("d 1\n", "text/plain").message(), err);
  EXPECT_EQ(f.cache->Finish(absl::CancelledError("stopped"), absl::Milliseconds(3)).message(),
            err);
  f.cache->Begin(kT0 + absl::Seconds(30));
  EXPECT_TRUE(f.cache->Feed("a 3\nb 3\nnew 3\n", "text/plain").ok());
  EXPECT_EQ(f.cache->Finish(absl::DeadlineExceededError("timeout"), absl::Seconds(10)).message(),
            "timeout");
  EXPECT_EQ(f.Values(Labels{{"__name__", "a"}}),
            "{__name__=\"a\", instance=\"h:9100\", job=\"app\"}: 1@0 S@15\n");
  EXPECT_TRUE(f.Values(Labels{{"__name__", "new"}}).empty());
  EXPECT_EQ(f.Values(Labels{{"__name__", "up"}}),
            "{__name__=\"up\", instance=\"h:9100\", job=\"app\"}: 1@0 0@15 0@30\n");
}

}  // namespace
}  // namespace outpost::scrape
