// Golden and edge-case tests of the reply parsing and the metric mapping:
// the `stats`, `stats slabs`, `stats items` and `stats settings` replies of
// Debian's memcached 1.6.18 (8 MiB, ~4000 sets of six sizes, gets, misses,
// evictions, incr/decr/delete/touch/cas; testdata/) against
// testdata/expected.prom, which was written from memcached_exporter
// v0.13.0's exporter.go (families, HELP, types, the set/hit arithmetic),
// not from outpost's output. Lines are compared sorted (client_golang
// orders series by label values, outpost by first sight), values as
// numbers.
#include "integrations/memcached/stats.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/base/memory_appender.h"
#include "gtest/gtest.h"
#include "integrations/common/series_cache.h"
#include "integrations/memcached/exporter.h"
#include "integrations/memcached/memcached.h"
#include "tests/integrations/memcached/fake_server.h"

namespace outpost::integrations::memcached {
namespace {

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(
      std::string(OUTPOST_SOURCE_DIR "/tests/integrations/memcached/testdata/") + name,
      std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The exposition's lines, sorted, each sample's value reformatted from its
// parsed number: client_golang writes 5.027284e+06 where outpost's writer
// writes 5027284 (the same float64).
std::vector<std::string> SortedLines(const std::string& text) {
  std::vector<std::string> v;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l.empty()) continue;
    if (l[0] != '#') {
      const size_t sp = l.rfind(' ');
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.17g", std::strtod(l.c_str() + sp + 1, nullptr));
      l = l.substr(0, sp + 1) + buf;
    }
    v.push_back(l);
  }
  std::sort(v.begin(), v.end());
  return v;
}

struct Result {
  bool stats_ok = false, settings_ok = false, values_ok = true;
  std::string text;
  MemoryAppender app;
};

// What one collection does with the four replies (memcached.cc Collect,
// without the connection and build_info).
void Collect(const std::string& stats, const std::string& slabs, const std::string& items,
             const std::string& settings, Result* r) {
  static Stats s;
  static Settings st;
  SeriesCache cache;
  cache.Begin(r->app);
  r->stats_ok = ParseStats(stats, slabs, items, &s);
  if (r->stats_ok) r->values_ok &= AddStats(s, cache);
  r->settings_ok = ParseSettings(settings, &st);
  if (r->settings_ok) r->values_ok &= AddSettings(st, cache);
  const bool up = r->stats_ok && r->settings_ok && r->values_ok;
  cache.Add(Families()[kMetricUp], up ? 1 : 0);
  r->text = r->app.Render();
}

const std::string kEnd = "END\r\n";
const std::string kMinimalStats =
    "STAT version 1.6.18\r\nSTAT cmd_set 10\r\nSTAT cas_misses 1\r\nSTAT cas_hits 2\r\n"
    "STAT cas_badval 3\r\nEND\r\n";
const std::string kMinimalSettings = "STAT maxconns 64\r\nSTAT lru_crawler no\r\nEND\r\n";

TEST(MemcachedGoldenTest, Debian1618MatchesUpstreamExposition) {
  Result r;
  Collect(ReadTestdata("stats.txt"), ReadTestdata("stats_slabs.txt"),
          ReadTestdata("stats_items.txt"), ReadTestdata("stats_settings.txt"), &r);
  EXPECT_TRUE(r.stats_ok);
  EXPECT_TRUE(r.settings_ok);
  EXPECT_TRUE(r.values_ok);
  const std::vector<std::string> got = SortedLines(r.text);
  const std::vector<std::string> want = SortedLines(ReadTestdata("expected.prom"));
  EXPECT_EQ(got, want) << r.text;
  // The arithmetic the golden file spells out, checked by value too.
  const double* set =
      r.app.Find("memcached_commands_total", {{"command", "set"}, {"status", "hit"}});
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(*set, 4004 - (1 + 1 + 1));
  const double* slab_set = r.app.Find("memcached_slab_commands_total",
                                      {{"slab", "1"}, {"command", "set"}, {"status", "hit"}});
  ASSERT_NE(slab_set, nullptr);
  EXPECT_EQ(*slab_set, 658 - (1 + 1));
  // total_malloced comes from `stats slabs` into the global stats.
  const double* malloced = r.app.Find("memcached_malloced_bytes", {});
  ASSERT_NE(malloced, nullptr);
  EXPECT_EQ(*malloced, 8388608);
}

TEST(MemcachedGoldenTest, ThroughTheClientFromAReplayingServer) {
  // The same replies served by a fake server (in the order the client asks
  // for them): the whole integration gives the golden exposition plus
  // build_info.
  outpost::testing::FakeMemcached fake(outpost::testing::FakeMemcached::kAnswer,
                                       ReadTestdata("stats.txt") + ReadTestdata("stats_slabs.txt") +
                                           ReadTestdata("stats_items.txt") +
                                           ReadTestdata("stats_settings.txt"));
  Options o;
  o.memcached_address = fake.addr();
  auto integ = NewMemcachedIntegration(o);
  ASSERT_TRUE(integ.ok()) << integ.status();
  MemoryAppender app;
  absl::Status st = (*integ)->Collect(app, absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(st.ok()) << st;
  std::vector<std::string> got;
  for (const std::string& l : SortedLines(app.Render())) {
    if (l.find("memcached_exporter_build_info") == std::string::npos) got.push_back(l);
  }
  EXPECT_EQ(got, SortedLines(ReadTestdata("expected.prom")));
}

TEST(MemcachedGoldenTest, SecondRoundReusesStorage) {
  // The same parse twice into the same Stats gives the same samples.
  Result a, b;
  Collect(ReadTestdata("stats.txt"), ReadTestdata("stats_slabs.txt"),
          ReadTestdata("stats_items.txt"), ReadTestdata("stats_settings.txt"), &a);
  Collect(ReadTestdata("stats.txt"), ReadTestdata("stats_slabs.txt"),
          ReadTestdata("stats_items.txt"), ReadTestdata("stats_settings.txt"), &b);
  EXPECT_EQ(a.text, b.text);
}

TEST(MemcachedStatsTest, MissingKeysAreSkipped) {
  Result r;
  Collect(kMinimalStats, kEnd, kEnd, kMinimalSettings, &r);
  EXPECT_TRUE(r.values_ok) << r.text;
  EXPECT_EQ(*r.app.Find("memcached_up", {}), 1);
  EXPECT_EQ(*r.app.Find("memcached_commands_total", {{"command", "set"}, {"status", "hit"}}), 4);
  EXPECT_EQ(*r.app.Find("memcached_max_connections", {}), 64);
  EXPECT_EQ(r.app.Find("memcached_uptime_seconds", {}), nullptr);
  EXPECT_EQ(r.app.Find("memcached_lru_crawler_enabled", {}), nullptr);  // lru_crawler no
  EXPECT_EQ(r.app.Find("memcached_extstore_bytes_limit", {}), nullptr);
}

TEST(MemcachedStatsTest, MissingCmdSetIsAnError) {
  // parseStats: parse(s, "cmd_set") errKeyNotFound → parseError → up 0.
  Result r;
  Collect("STAT version 1.6.18\r\nSTAT uptime 5\r\nEND\r\n", kEnd, kEnd, kMinimalSettings, &r);
  EXPECT_TRUE(r.stats_ok);
  EXPECT_FALSE(r.values_ok);
  EXPECT_EQ(*r.app.Find("memcached_up", {}), 0);
  EXPECT_EQ(*r.app.Find("memcached_uptime_seconds", {}), 5);  // kept
}

TEST(MemcachedStatsTest, BadValueSkipsTheSampleAndMakesUpZero) {
  Result r;
  Collect(
      "STAT uptime abc\r\nSTAT time 17\r\nSTAT rusage_user 1.5.3\r\nSTAT rusage_system "
      "2.000500\r\n" +
          kMinimalStats,
      kEnd, kEnd, kMinimalSettings, &r);
  EXPECT_FALSE(r.values_ok);
  EXPECT_EQ(r.app.Find("memcached_uptime_seconds", {}), nullptr);
  EXPECT_EQ(r.app.Find("memcached_process_user_cpu_seconds_total", {}), nullptr);
  EXPECT_DOUBLE_EQ(*r.app.Find("memcached_process_system_cpu_seconds_total", {}), 2.0005);
  EXPECT_EQ(*r.app.Find("memcached_time_seconds", {}), 17);
  EXPECT_EQ(*r.app.Find("memcached_up", {}), 0);
}

TEST(MemcachedStatsTest, OddLinesAreIgnoredAsGomemcacheDoes) {
  // Not exactly three space-separated fields, not STAT-prefixed, 4-part
  // keys: skipped without error.
  Result r;
  Collect(
      "garbage\r\nSTAT a b c\r\nSTAT  uptime 3\r\nFOO uptime 4\r\nSTAT 1:2:3:4 5\r\n"
      "STAT uptime 9\r\n" +
          kMinimalStats,
      kEnd, kEnd, kMinimalSettings, &r);
  EXPECT_TRUE(r.stats_ok);
  EXPECT_TRUE(r.values_ok) << r.text;
  EXPECT_EQ(*r.app.Find("memcached_uptime_seconds", {}), 9);
}

TEST(MemcachedStatsTest, BadSlabIdFailsTheStats) {
  Result r;
  Collect(kMinimalStats, "STAT x:chunk_size 96\r\nEND\r\n", kEnd, kMinimalSettings, &r);
  EXPECT_FALSE(r.stats_ok);
  EXPECT_EQ(r.app.Find("memcached_version", {{"version", "1.6.18"}}), nullptr);
  EXPECT_EQ(*r.app.Find("memcached_max_connections", {}), 64);  // settings still there
  EXPECT_EQ(*r.app.Find("memcached_up", {}), 0);
}

TEST(MemcachedStatsTest, ErrorRepliesFail) {
  Result r;
  Collect(kMinimalStats, "CLIENT_ERROR bad command line format\r\n", kEnd, kMinimalSettings, &r);
  EXPECT_FALSE(r.stats_ok);
  Result r2;
  Collect(kMinimalStats, kEnd, kEnd, "ERROR\r\n", &r2);
  EXPECT_TRUE(r2.stats_ok);
  EXPECT_FALSE(r2.settings_ok);
  EXPECT_EQ(*r2.app.Find("memcached_up", {}), 0);
}

TEST(MemcachedStatsTest, SettingsLineWithoutValueFails) {
  Result r;
  Collect(kMinimalStats, kEnd, kEnd, "STAT maxconns 64\r\nSTAT lonely\r\nEND\r\n", &r);
  EXPECT_FALSE(r.settings_ok);
  EXPECT_EQ(r.app.Find("memcached_max_connections", {}), nullptr);
}

TEST(MemcachedStatsTest, SettingsValuesMayHoldSpaces) {
  Result r;
  Collect(kMinimalStats, kEnd, kEnd,
          "STAT inter 127.0.0.1 ::1\r\nSTAT maxconns 64\r\nSTAT lru_crawler yes\r\n"
          "STAT lru_maintainer_thread maybe\r\nSTAT hot_lru_pct 20\r\nEND\r\n",
          &r);
  EXPECT_TRUE(r.settings_ok);
  EXPECT_FALSE(r.values_ok);  // "maybe" is no bool
  EXPECT_EQ(*r.app.Find("memcached_lru_crawler_enabled", {}), 1);
  EXPECT_EQ(*r.app.Find("memcached_lru_crawler_hot_percent", {}), 20);
  EXPECT_EQ(r.app.Find("memcached_lru_crawler_maintainer_thread", {}), nullptr);
}

TEST(MemcachedStatsTest, ExtstoreOnlyWhenLimitIsPresent) {
  Result without;
  Collect("STAT extstore_pages_free 3\r\n" + kMinimalStats, kEnd, kEnd, kMinimalSettings, &without);
  EXPECT_EQ(without.app.Find("memcached_extstore_pages_free", {}), nullptr);
  Result with;
  Collect(
      "STAT extstore_limit_maxbytes 1000\r\nSTAT extstore_pages_free 3\r\n"
      "STAT extstore_bytes_used 7\r\n" +
          kMinimalStats,
      kEnd, kEnd, kMinimalSettings, &with);
  EXPECT_EQ(*with.app.Find("memcached_extstore_pages_free", {}), 3);
  EXPECT_EQ(*with.app.Find("memcached_extstore_bytes_limit", {}), 1000);
  EXPECT_EQ(*with.app.Find("memcached_extstore_bytes_used", {}), 7);
  EXPECT_TRUE(with.values_ok);
}

TEST(MemcachedStatsTest, SlabMemRequestedFromSlabsWhenItemsLackIt) {
  // memcached < 1.6 reports mem_requested in `stats slabs`.
  Result r;
  Collect(
      kMinimalStats,
      "STAT 3:mem_requested 500\r\nSTAT 3:cmd_set 1\r\nSTAT 3:cas_hits 0\r\nSTAT 3:cas_badval 0\r\n"
      "END\r\n",
      "STAT items:3:number 2\r\nEND\r\n", kMinimalSettings, &r);
  EXPECT_TRUE(r.values_ok) << r.text;
  EXPECT_EQ(*r.app.Find("memcached_slab_mem_requested_bytes", {{"slab", "3"}}), 500);
  EXPECT_EQ(*r.app.Find("memcached_slab_current_items", {{"slab", "3"}}), 2);
}

TEST(MemcachedStatsTest, TooManySlabIdsFail) {
  std::string slabs;
  for (size_t i = 0; i <= kMaxSlabs; ++i)
    slabs += "STAT " + std::to_string(i) + ":chunk_size 9\r\n";
  Result r;
  Collect(kMinimalStats, slabs + kEnd, kEnd, kMinimalSettings, &r);
  EXPECT_FALSE(r.stats_ok);
}

TEST(MemcachedStatsTest, FamiliesHaveUpstreamTypes) {
  const auto& f = Families();
  EXPECT_EQ(f[kMetricUp].name, "memcached_up");
  EXPECT_EQ(f[kMetricCommands].type, MetricType::kCounter);
  EXPECT_EQ(f[kMetricSlabMovesToCold].name, "memcached_slab_items_moves_to_cold");
  EXPECT_EQ(f[kMetricLruToCrawl].name, "memcached_lru_crawler_to_crawl");
  EXPECT_EQ(f[kMetricExtBytesUsed].type, MetricType::kCounter);
  for (const MetricFamily& m : f) EXPECT_FALSE(m.help.empty()) << m.name;
}

}  // namespace
}  // namespace outpost::integrations::memcached
