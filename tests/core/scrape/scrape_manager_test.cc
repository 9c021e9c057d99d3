// The scrape manager against a real HTTP server on loopback: static and
// file_sd targets, target churn with staleness markers, reloads that keep
// unchanged loops.
#include "core/scrape/scrape_manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/agent/http_server.h"
#include "core/base/memory_sink.h"

namespace outpost::scrape {
namespace {

class ScrapeManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Route("/metrics", {"GET"}, [](const HttpRequest&) {
      return HttpResponse{200, "text/plain; version=0.0.4", "# TYPE hits counter\nhits_total 5\n"};
    });
    ASSERT_TRUE(server_.Start("127.0.0.1:0").ok());
    addr_ = absl::StrCat("127.0.0.1:", server_.port());
    char tmpl[] = "/tmp/outpost-sm-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  config::ScrapeConfig Job(const std::string& name) {
    config::ScrapeConfig c;
    c.job_name = name;
    c.scrape_interval = absl::Milliseconds(200);
    c.scrape_timeout = absl::Milliseconds(150);
    return c;
  }
  // Waits until `pred` holds (bounded: a failing test does not hang).
  template <typename P>
  bool WaitFor(P pred) {
    for (int i = 0; i < 100; ++i) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  // Samples of `name` for the target with this instance label.
  std::vector<MemorySink::Point> Points(const std::string& name, const std::string& instance) {
    auto found = sink_->Find(Labels{{"__name__", name}, {"instance", instance}});
    return found.empty() ? std::vector<MemorySink::Point>{} : found.front().second;
  }

  HttpServer server_;
  std::string addr_;
  std::string dir_;
  std::shared_ptr<MemorySink> sink_ = std::make_shared<MemorySink>();
};

TEST_F(ScrapeManagerTest, StaticTargetIsScraped) {
  ScrapeManager m("default", sink_);
  config::ScrapeConfig c = Job("app");
  config::TargetGroup g;
  g.targets = {addr_};
  g.labels = {{"team", "a"}};
  c.static_configs = {g};
  m.ApplyConfig({c});
  ASSERT_TRUE(WaitFor([&] { return Points("hits_total", addr_).size() >= 2; }));
  auto series = sink_->Find(Labels{{"__name__", "hits_total"}});
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].first.ToString(),
            absl::StrCat("{__name__=\"hits_total\", instance=\"", addr_, "\", job=\"app\", team=\"a\"}"));
  EXPECT_EQ(Points("up", addr_).back().value, 1.0);
  std::vector<TargetStatus> ts = m.Targets();
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(ts[0].health.state, TargetHealth::State::kUp);
  m.Stop();
}

TEST_F(ScrapeManagerTest, FileSdChurnAndReload) {
  const std::string file = dir_ + "/targets.json";
  std::ofstream(file) << absl::StrCat(R"([{"targets": [")", addr_, R"("]}])");
  ScrapeManager m("default", sink_);
  config::ScrapeConfig c = Job("files");
  config::FileSdConfig f;
  f.files = {dir_ + "/*.json"};
  c.file_sd_configs = {f};
  m.ApplyConfig({c});
  ASSERT_TRUE(WaitFor([&] { return !Points("up", addr_).empty(); }));
  EXPECT_EQ(m.Targets().at(0).target.discovered.Get("__meta_filepath"), file);

  // A down target joins (nothing listens on port 1).
  std::ofstream(dir_ + "/.tmp") << absl::StrCat(R"([{"targets": [")", addr_,
                                                R"(", "127.0.0.1:1"]}])");
  std::filesystem::rename(dir_ + "/.tmp", file);
  ASSERT_TRUE(WaitFor([&] {
    auto p = Points("up", "127.0.0.1:1");
    return !p.empty() && p.back().value == 0.0;
  }));
  // A reload with the same config keeps the loops (no staleness marker).
  m.ApplyConfig({c});
  // It leaves again: its report series get staleness markers.
  std::ofstream(dir_ + "/.tmp") << absl::StrCat(R"([{"targets": [")", addr_, R"("]}])");
  std::filesystem::rename(dir_ + "/.tmp", file);
  ASSERT_TRUE(WaitFor([&] {
    auto p = Points("up", "127.0.0.1:1");
    return !p.empty() && IsStaleNaN(p.back().value);
  }));
  for (const MemorySink::Point& p : Points("up", addr_)) EXPECT_FALSE(IsStaleNaN(p.value));
  // Removing the job marks its series stale.
  m.ApplyConfig({});
  auto up = Points("up", addr_);
  ASSERT_FALSE(up.empty());
  EXPECT_TRUE(IsStaleNaN(up.back().value));
  EXPECT_TRUE(IsStaleNaN(Points("hits_total", addr_).back().value));
  m.Stop();
}

}  // namespace
}  // namespace outpost::scrape
