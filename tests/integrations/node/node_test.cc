// The node integration as a whole: collector selection, per-collector
// success, counters that never go backwards, handle caching, and the golden
// exposition of the fixture tree.
#include "integrations/node/node.h"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/node/collector.h"
#include "tests/integrations/node/fixture_util.h"
#include "tests/integrations/node/test_appender.h"

namespace outpost::integrations::node {
namespace {

namespace fs = std::filesystem;
using fixture::FixtureDir;
using fixture::FixtureOptions;
using outpost::testing::TestAppender;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
}

// A private copy of the fixture tree that a test may modify.
class TempTree {
 public:
  TempTree() {
    char tmpl[] = "/tmp/node_fixture_XXXXXX";
    dir_ = mkdtemp(tmpl);
    fs::copy(FixtureDir(), dir_, fs::copy_options::recursive);
  }
  ~TempTree() { fs::remove_all(dir_); }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

std::unique_ptr<Integration> MustCreate(const Options& o) {
  absl::StatusOr<std::unique_ptr<Integration>> i = NewNodeIntegration(o);
  EXPECT_TRUE(i.ok()) << i.status();
  return i.ok() ? std::move(*i) : nullptr;
}

void Collect(Integration& i, TestAppender& app) {
  app.NewRound();
  ASSERT_TRUE(i.Collect(app, absl::InfiniteFuture()).ok());
}

double Success(const TestAppender& app, const std::string& collector) {
  return app.Value("node_scrape_collector_success", Labels{{"collector", collector}});
}

TEST(SelectCollectors, DefaultsAreNodeExportersDefaults) {
  absl::StatusOr<std::vector<const CollectorInfo*>> sel = SelectCollectors(Options{});
  ASSERT_TRUE(sel.ok());
  std::vector<std::string> names;
  for (const CollectorInfo* c : *sel) names.emplace_back(c->name);
  EXPECT_THAT(names, ::testing::Contains("cpu"));
  EXPECT_THAT(names, ::testing::Contains("filesystem"));
  EXPECT_THAT(names, ::testing::Not(::testing::Contains("systemd")));  // off by default
  // Every node_exporter 1.5.0 default collector is implemented.
  size_t defaults = 0;
  for (const CollectorInfo& c : AllCollectors()) defaults += c.enabled_by_default ? 1 : 0;
  EXPECT_EQ(names.size(), defaults);
}

TEST(SelectCollectors, SetEnableDisableAndErrors) {
  Options o;
  o.set_collectors = {"cpu", "meminfo"};
  o.enable_collectors = {"loadavg", "meminfo"};
  o.disable_collectors = {"meminfo"};  // disable wins
  absl::StatusOr<std::vector<const CollectorInfo*>> sel = SelectCollectors(o);
  ASSERT_TRUE(sel.ok());
  ASSERT_EQ(sel->size(), 2u);
  EXPECT_EQ((*sel)[0]->name, "cpu");
  EXPECT_EQ((*sel)[1]->name, "loadavg");

  o = Options{};
  o.enable_collectors = {"nosuch"};
  EXPECT_THAT(std::string(SelectCollectors(o).status().message()),
              ::testing::HasSubstr("unknown collector \"nosuch\""));
  o = Options{};
  o.disable_collectors = {"nosuch2"};
  EXPECT_FALSE(SelectCollectors(o).ok());
  // Other systems' collectors are a no-op on Linux, as in Grafana Agent.
  o = Options{};
  o.set_collectors = {"cpu", "boottime"};
  o.disable_collectors = {"thermal"};
  sel = SelectCollectors(o);
  ASSERT_TRUE(sel.ok()) << sel.status();
  ASSERT_EQ(sel->size(), 1u);
  EXPECT_EQ((*sel)[0]->name, "cpu");
  o = Options{};
  o.enable_collectors = {"systemd"};
  EXPECT_THAT(std::string(SelectCollectors(o).status().message()),
              ::testing::HasSubstr("collector \"systemd\" is not supported yet"));
  o = Options{};
  o.set_collectors = {"cpu", "wifi"};  // not implemented
  EXPECT_FALSE(SelectCollectors(o).ok());
  o.disable_collectors = {"wifi"};  // asked for, but disabled: fine
  EXPECT_TRUE(SelectCollectors(o).ok());
}

TEST(NodeIntegration, BadRegexIsACreateError) {
  Options o = FixtureOptions();
  o.netstat_fields = "(";
  EXPECT_FALSE(NewNodeIntegration(o).ok());
}

// Values of the fixture output that depend on the live machine: the clock,
// the time zone, statfs of the fixture directories and collector durations.
bool Masked(const std::string& name, const Labels&) {
  static const char* kLive[] = {"node_time_seconds",
                                "node_time_zone_offset_seconds",
                                "node_scrape_collector_duration_seconds",
                                "node_filesystem_avail_bytes",
                                "node_filesystem_free_bytes",
                                "node_filesystem_size_bytes",
                                "node_filesystem_files",
                                "node_filesystem_files_free",
                                "node_textfile_mtime_seconds"};
  for (const char* n : kLive) {
    if (name == n) return true;
  }
  return false;
}

TEST(NodeIntegration, GoldenExpositionOfTheFixtureTree) {
  std::unique_ptr<Integration> node = MustCreate(FixtureOptions());
  ASSERT_NE(node, nullptr);
  TestAppender app;
  Collect(*node, app);
  // The time zone label differs between machines: drop the series.
  std::string got = app.Text([](const std::string& name,
                                const Labels&) { return name == "node_time_zone_offset_seconds"; },
                             Masked);
  // The checkout's location shows in textfile paths: make it neutral.
  for (size_t pos; (pos = got.find(FixtureDir())) != std::string::npos;) {
    got.replace(pos, FixtureDir().size(), "$FIXTURE");
  }
  const std::string golden_path = FixtureDir() + "/golden.prom";
  if (std::getenv("OUTPOST_UPDATE_GOLDEN") != nullptr) WriteFile(golden_path, got);
  EXPECT_EQ(got, ReadFile(golden_path)) << "regenerate with OUTPOST_UPDATE_GOLDEN=1";
  EXPECT_TRUE(app.conflicts.empty());
  for (const std::string& c : fixture::FixtureCollectors()) {
    EXPECT_EQ(Success(app, c), 1) << c;
  }
}

TEST(NodeIntegration, SteadyStateReusesHandles) {
  std::unique_ptr<Integration> node = MustCreate(FixtureOptions());
  TestAppender app;
  Collect(*node, app);
  const size_t first_series = app.series_calls;
  const size_t added = app.Added();
  EXPECT_GT(added, 300u);
  Collect(*node, app);
  Collect(*node, app);
  EXPECT_EQ(app.series_calls, first_series);  // no new lookups
  EXPECT_EQ(app.Added(), added);
  EXPECT_EQ(app.bad_refs, 0u);
}

TEST(NodeIntegration, NewAppenderGetsFreshHandles) {
  std::unique_ptr<Integration> node = MustCreate(FixtureOptions());
  TestAppender a, b;
  Collect(*node, a);
  Collect(*node, b);
  EXPECT_EQ(a.Added(), b.Added());
  EXPECT_EQ(b.bad_refs, 0u);
  EXPECT_EQ(a.Text(nullptr, Masked), b.Text(nullptr, Masked));
}

TEST(NodeIntegration, OneFailingCollectorDoesNotFailTheOthers) {
  TempTree t;
  WriteFile(t.dir() + "/proc/loadavg", "garbage\n");
  std::unique_ptr<Integration> node = MustCreate(FixtureOptions(t.dir()));
  TestAppender app;
  Collect(*node, app);
  EXPECT_EQ(Success(app, "loadavg"), 0);
  EXPECT_FALSE(app.Has("node_load1"));
  EXPECT_EQ(Success(app, "meminfo"), 1);
  EXPECT_TRUE(app.Has("node_memory_MemTotal_bytes"));
}

TEST(NodeIntegration, MissingFilesAreNoDataNotACrash) {
  TempTree t;
  fs::remove_all(t.dir() + "/proc/pressure");
  fs::remove_all(t.dir() + "/proc/sys/net/netfilter");
  fs::remove(t.dir() + "/proc/net/sockstat6");
  std::unique_ptr<Integration> node = MustCreate(FixtureOptions(t.dir()));
  TestAppender app;
  Collect(*node, app);
  // As node_exporter: ErrNoData reports success 0 and no series.
  EXPECT_EQ(Success(app, "pressure"), 0);
  EXPECT_FALSE(app.Has("node_pressure_cpu_waiting_seconds_total"));
  EXPECT_EQ(Success(app, "conntrack"), 0);
  // A missing sockstat6 (IPv6 disabled) is skipped.
  EXPECT_EQ(Success(app, "sockstat"), 1);
  EXPECT_FALSE(app.Has("node_sockstat_TCP6_inuse"));
  EXPECT_TRUE(app.Has("node_sockstat_TCP_inuse"));
}

// Issue 23: a collector with nothing to read is not probed again every
// collection (Options::no_data_recheck); it keeps reporting success 0 and
// is run again once the recheck interval has passed.
TEST(NodeIntegration, NoDataIsRecheckedAfterAnInterval) {
  TempTree t;
  const std::string pressure = t.dir() + "/proc/pressure";
  const std::string saved = t.dir() + "/pressure.saved";
  fs::rename(pressure, saved);
  for (absl::Duration recheck : {absl::ZeroDuration(), absl::Hours(1), absl::Milliseconds(300)}) {
    if (fs::exists(pressure)) fs::rename(pressure, saved);
    Options o = FixtureOptions(t.dir());
    o.no_data_recheck = recheck;
    std::unique_ptr<Integration> node = MustCreate(o);
    TestAppender app;
    Collect(*node, app);
    EXPECT_EQ(Success(app, "pressure"), 0);
    fs::rename(saved, pressure);  // the subsystem appears
    Collect(*node, app);
    const bool cached = recheck > absl::ZeroDuration();
    EXPECT_EQ(Success(app, "pressure"), cached ? 0 : 1) << recheck;
    EXPECT_EQ(app.Has("node_pressure_cpu_waiting_seconds_total"), !cached) << recheck;
    EXPECT_EQ(Success(app, "meminfo"), 1);  // the others run every time
    if (recheck == absl::Milliseconds(300)) {
      absl::SleepFor(absl::Milliseconds(400));
      Collect(*node, app);
      EXPECT_EQ(Success(app, "pressure"), 1);
      EXPECT_TRUE(app.Has("node_pressure_cpu_waiting_seconds_total"));
    }
  }
}

TEST(NodeIntegration, TextfileReparsesChangesAndSkipsBadFiles) {
  TempTree t;
  Options o = FixtureOptions(t.dir());
  o.set_collectors = {"textfile"};
  fs::remove(t.dir() + "/textfile/broken.prom");
  std::unique_ptr<Integration> node = MustCreate(o);
  TestAppender app;
  Collect(*node, app);
  EXPECT_EQ(app.Value("node_textfile_scrape_error"), 0);
  EXPECT_EQ(app.Value("app_jobs_total", Labels{{"queue", "fast"}}), 42);
  // Changed content is read again; a file with timestamps is skipped whole.
  WriteFile(t.dir() + "/textfile/app.prom", "# TYPE app_jobs_total counter\napp_jobs_total 99\n");
  WriteFile(t.dir() + "/textfile/ts.prom", "ts_metric 1 1700000000000\n");
  Collect(*node, app);
  EXPECT_EQ(app.Value("app_jobs_total"), 99);
  EXPECT_FALSE(app.Has("app_jobs_total", Labels{{"queue", "fast"}}));
  EXPECT_FALSE(app.Has("ts_metric"));
  EXPECT_EQ(app.Value("node_textfile_scrape_error"), 1);
  EXPECT_FALSE(
      app.Has("node_textfile_mtime_seconds", Labels{{"file", t.dir() + "/textfile/ts.prom"}}));
  EXPECT_TRUE(
      app.Has("node_textfile_mtime_seconds", Labels{{"file", t.dir() + "/textfile/app.prom"}}));
  // A missing directory is an error, not a crash.
  fs::remove_all(t.dir() + "/textfile");
  Collect(*node, app);
  EXPECT_EQ(app.Value("node_textfile_scrape_error"), 1);
}

TEST(NodeIntegration, CpuCountersNeverGoBackwardsButHotplugResets) {
  TempTree t;
  const std::string stat = t.dir() + "/proc/stat";
  WriteFile(stat, "cpu0 1000 0 100 50000 0 0 0 0 0 0\n");
  Options o = FixtureOptions(t.dir());
  o.set_collectors = {"cpu"};
  std::unique_ptr<Integration> node = MustCreate(o);
  TestAppender app;
  Collect(*node, app);
  const Labels user{{"cpu", "0"}, {"mode", "user"}};
  const Labels idle{{"cpu", "0"}, {"mode", "idle"}};
  EXPECT_EQ(app.Value("node_cpu_seconds_total", user), 10);
  // user goes down a little: kept at the old value.
  WriteFile(stat, "cpu0 900 0 100 50100 0 0 0 0 0 0\n");
  Collect(*node, app);
  EXPECT_EQ(app.Value("node_cpu_seconds_total", user), 10);
  EXPECT_EQ(app.Value("node_cpu_seconds_total", idle), 501);
  // idle drops by >= 3 s: a hotplug, the CPU's counters restart.
  WriteFile(stat, "cpu0 5 0 1 10 0 0 0 0 0 0\n");
  Collect(*node, app);
  EXPECT_EQ(app.Value("node_cpu_seconds_total", user), 0.05);
  EXPECT_EQ(app.Value("node_cpu_seconds_total", idle), 0.1);
}

TEST(NodeIntegration, DevicesAppearAndDisappear) {
  TempTree t;
  Options o = FixtureOptions(t.dir());
  o.set_collectors = {"netclass", "diskstats"};
  std::unique_ptr<Integration> node = MustCreate(o);
  TestAppender app;
  Collect(*node, app);
  const Labels ifb0{{"device", "ifb0"}};
  EXPECT_TRUE(app.Has("node_network_mtu_bytes", ifb0));
  fs::remove_all(t.dir() + "/sys/class/net/ifb0");
  fs::create_directories(t.dir() + "/sys/class/net/new0");
  WriteFile(t.dir() + "/sys/class/net/new0/mtu", "9000\n");
  WriteFile(t.dir() + "/sys/class/net/new0/operstate", "up\n");
  Collect(*node, app);
  EXPECT_FALSE(app.Has("node_network_mtu_bytes", ifb0));
  EXPECT_EQ(app.Value("node_network_mtu_bytes", Labels{{"device", "new0"}}), 9000);
  EXPECT_EQ(app.Value("node_network_up", Labels{{"device", "new0"}}), 1);
}

TEST(ProcFile, RereadsAtOffsetZeroAndReopensReplacedFiles) {
  TempTree t;
  const std::string path = t.dir() + "/f";
  WriteFile(path, "one\n");
  ProcFile f(path);
  ASSERT_EQ(*f.Read(), "one\n");
  WriteFile(path, "two two\n");  // same inode, rewritten
  EXPECT_EQ(*f.Read(), "two two\n");
  std::string big(100000, 'x');
  WriteFile(path, big);
  EXPECT_EQ(f.Read()->size(), big.size());
  fs::remove(path);
  // The open descriptor still reads the old inode: that is what /proc and
  // /sys never do; a missing file only shows at the next open.
  ProcFile g(t.dir() + "/missing");
  EXPECT_TRUE(absl::IsNotFound(g.Read().status()));
}

}  // namespace
}  // namespace outpost::integrations::node
