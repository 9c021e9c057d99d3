// The collectors added for node_exporter's full default set, end to end on a
// private copy of the fixture tree: their options, "no data" versus
// failure, and one bad file failing only its own collector. Values and names
// against node_exporter are covered by parity_test.cc and the golden file.
#include <filesystem>
#include <string>

#include "gtest/gtest.h"
#include "integrations/node/node.h"
#include "tests/integrations/node/fixture_util.h"
#include "tests/integrations/node/test_appender.h"

namespace outpost::integrations::node {
namespace {

namespace fs = std::filesystem;
using fixture::TempTree;
using fixture::WriteText;
using outpost::testing::TestAppender;

// One collection with `o`. The appender refers to the integration's metric
// families: keep the returned integration alive while reading it.
std::unique_ptr<Integration> CollectOnce(const Options& o, TestAppender& app) {
  absl::StatusOr<std::unique_ptr<Integration>> node = NewNodeIntegration(o);
  EXPECT_TRUE(node.ok()) << node.status();
  if (!node.ok()) return nullptr;
  app.NewRound();
  EXPECT_TRUE((*node)->Collect(app, absl::InfiniteFuture()).ok());
  return *std::move(node);
}

double Success(const TestAppender& app, const std::string& collector) {
  return app.Value("node_scrape_collector_success", Labels{{"collector", collector}});
}

TEST(StorageCollectors, AbsentSubsystemsAreNoDataOrEmpty) {
  TempTree t;
  for (const char* d : {"sys/class/powercap", "sys/class/scsi_tape", "sys/class/fc_host",
                        "sys/class/infiniband", "sys/fs/bcache", "sys/fs/btrfs", "sys/fs/xfs",
                        "proc/spl", "proc/net/rpc", "proc/net/ip_vs_stats"}) {
    fs::remove_all(t.dir() + "/" + d);
  }
  Options o = fixture::FixtureOptions(t.dir());
  o.set_collectors = {"bcache", "btrfs", "fibrechannel", "infiniband", "ipvs", "nfs",
                      "nfsd",   "rapl",  "tapestats",    "xfs",        "zfs"};
  TestAppender app;
  auto node = CollectOnce(o, app);
  // As node_exporter 1.5.0 on a machine without them: ErrNoData (success 0)
  // for these ...
  for (const char* c : {"fibrechannel", "infiniband", "ipvs", "nfs", "nfsd", "rapl", "tapestats",
                        "zfs"}) {
    EXPECT_EQ(Success(app, c), 0) << c;
  }
  // ... and an empty glob (success 1) for these.
  for (const char* c : {"bcache", "btrfs", "xfs"}) EXPECT_EQ(Success(app, c), 1) << c;
  EXPECT_FALSE(app.Has("node_nfs_rpcs_total"));
  EXPECT_FALSE(app.Has("node_ipvs_connections_total"));
}

TEST(StorageCollectors, MalformedFilesFailOnlyTheirCollector) {
  TempTree t;
  WriteText(t.dir() + "/proc/net/rpc/nfs", "net 1 2\n");
  WriteText(t.dir() + "/proc/net/ip_vs_stats", "truncated\n");
  WriteText(t.dir() + "/sys/fs/xfs/sda1/stats/stats", "extent_alloc 1 2\n");
  WriteText(t.dir() + "/sys/class/infiniband/mlx4_0/ports/1/rate", "fast\n");
  WriteText(t.dir() + "/proc/spl/kstat/zfs/arcstats", "hits 4 1\n");  // no header
  WriteText(t.dir() + "/sys/fs/bcache/deaddd54-c735-46d5-868e-f331c5fd7c74/tree_depth", "x\n");
  Options o = fixture::FixtureOptions(t.dir());
  TestAppender app;
  auto node = CollectOnce(o, app);
  for (const char* c : {"nfs", "ipvs", "xfs", "infiniband", "zfs", "bcache"}) {
    EXPECT_EQ(Success(app, c), 0) << c;
  }
  EXPECT_EQ(Success(app, "nfsd"), 1);
  EXPECT_TRUE(app.Has("node_nfsd_server_rpcs_total"));
  EXPECT_EQ(Success(app, "btrfs"), 1);
}

TEST(StorageCollectors, TapestatsIgnoredDevices) {
  Options o = fixture::FixtureOptions();
  o.set_collectors = {"tapestats"};
  o.tapestats_ignored_devices = "^st1$";
  TestAppender app;
  auto node = CollectOnce(o, app);
  EXPECT_TRUE(app.Has("node_tape_io_now", Labels{{"device", "st0"}}));
  EXPECT_FALSE(app.Has("node_tape_io_now", Labels{{"device", "st1"}}));
  EXPECT_FALSE(app.Has("node_tape_io_now", Labels{{"device", "nst0"}}));  // not ^st[0-9]+$
  o.tapestats_ignored_devices = "(";
  EXPECT_FALSE(NewNodeIntegration(o).ok());
}

TEST(StorageCollectors, BcachePriorityStatsOnlyWhenEnabled) {
  Options o = fixture::FixtureOptions();
  o.set_collectors = {"bcache"};
  const Labels cache{{"cache_device", "cache0"}, {"uuid", "deaddd54-c735-46d5-868e-f331c5fd7c74"}};
  TestAppender off;
  auto node_off = CollectOnce(o, off);
  EXPECT_TRUE(off.Has("node_bcache_written_bytes_total", cache));
  EXPECT_FALSE(off.Has("node_bcache_priority_stats_unused_percent", cache));
  o.enable_bcache_priority_stats = true;
  TestAppender on;
  auto node_on = CollectOnce(o, on);
  EXPECT_EQ(on.Value("node_bcache_priority_stats_unused_percent", cache), 99);
  EXPECT_EQ(on.Value("node_bcache_priority_stats_metadata_percent", cache), 0);
}

TEST(StorageCollectors, IpvsBackendLabelsSumMergedBackends) {
  Options o = fixture::FixtureOptions();
  o.set_collectors = {"ipvs"};
  o.ipvs_backend_labels = {"proto"};
  TestAppender app;
  auto node = CollectOnce(o, app);
  // Three TCP services' backends summed: 248*3 + 1499 + 1498.
  EXPECT_EQ(app.Value("node_ipvs_backend_connections_active", Labels{{"proto", "TCP"}}),
            248 * 3 + 1499 + 1498 + 1);
  EXPECT_EQ(app.Value("node_ipvs_backend_connections_inactive", Labels{{"proto", "FWM"}}), 4);
  o.ipvs_backend_labels = {"nosuch"};
  EXPECT_FALSE(NewNodeIntegration(o).ok());
}

TEST(StorageCollectors, SteadyStateReusesHandlesAndFiles) {
  Options o = fixture::FixtureOptions();
  o.set_collectors = {"bcache", "btrfs", "fibrechannel", "infiniband", "ipvs", "nfs",
                      "nfsd",   "rapl",  "tapestats",    "xfs",        "zfs"};
  absl::StatusOr<std::unique_ptr<Integration>> node = NewNodeIntegration(o);
  ASSERT_TRUE(node.ok());
  TestAppender app;
  app.NewRound();
  ASSERT_TRUE((*node)->Collect(app, absl::InfiniteFuture()).ok());
  const size_t series = app.series_calls, added = app.Added();
  EXPECT_GT(added, 500u);
  app.NewRound();
  ASSERT_TRUE((*node)->Collect(app, absl::InfiniteFuture()).ok());
  EXPECT_EQ(app.series_calls, series);
  EXPECT_EQ(app.Added(), added);
  EXPECT_EQ(app.bad_refs, 0u);
}

}  // namespace
}  // namespace outpost::integrations::node
