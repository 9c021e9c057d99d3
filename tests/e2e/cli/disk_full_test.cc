// The WAL's disk fills up while the agent runs, then space returns: the
// agent stays up, counts what it drops, and resumes writing and shipping
// by itself, without a restart (issue 26, part 2). wal_directory is a
// tmpfs the test mounts (as root, as the suite runs); Debian's Prometheus
// receives.
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "tests/core/agent/http_get.h"
#include "tests/e2e/cli/process.h"
#include "tests/support/prometheus_receiver.h"

namespace outpost::testing {
namespace {

// Sum of the samples of `family` whose line contains `with` on an
// exposition page.
double Sum(const std::string& page, const std::string& family, const std::string& with) {
  double sum = 0;
  std::istringstream in(page);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(family, 0) != 0 || line.find(with) == std::string::npos) continue;
    const char next = line[family.size()];
    if (next != '{' && next != ' ') continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

// Newest timestamp (ms) Prometheus holds for `selector`, or 0.
int64_t Newest(const PrometheusReceiver& prom, const std::string& selector) {
  const HttpResult r =
      prom.Get("/api/v1/query?query=" + UrlEncode("max(timestamp(" + selector + "))"));
  std::smatch m;
  static const std::regex value_re("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]");
  if (r.status != 200 || !std::regex_search(r.body, m, value_re)) return 0;
  return static_cast<int64_t>(std::llround(std::stod(m[1]) * 1000));
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(DiskFullTest, WritingAndShippingResumeWhenSpaceReturns) {
  TempDir d;
  const std::string mnt = d / "wal";
  std::filesystem::create_directories(mnt);
  ASSERT_EQ(::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=4m"), 0)
      << "cannot mount a tmpfs at " << mnt << ": " << std::strerror(errno)
      << " (the suite runs as root)";
  struct Unmount {
    std::string at;
    ~Unmount() { ::umount2(at.c_str(), MNT_DETACH); }
  } unmount{mnt};
  PrometheusReceiver prom(d.path());
  ASSERT_TRUE(prom.ok()) << prom.error();
  WriteFile(d / "agent.yaml",
            MetricsHead(mnt) +
            "integrations:\n"
            "  prometheus_remote_write:\n"
            "    - url: " + prom.write_url() + "\n"
            "      queue_config: {batch_send_deadline: 1s}\n" +
            kAgentAndNode);
  Process agent({"-config.file=" + (d / "agent.yaml"), "-server.http.address=127.0.0.1:0"},
                d.path());
  ASSERT_TRUE(agent.WaitForStderr("outpost started")) << agent.err();
  const int port = PortFromLog(agent.err());
  ASSERT_GT(port, 0) << agent.err();
  const std::string up = "up{job=\"integrations/agent\"}";
  for (int i = 0; i < 100 && Newest(prom, up) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_GT(Newest(prom, up), 0) << "nothing shipped before the disk filled up\n" << agent.err();

  // Fill the disk.
  const std::string filler = mnt + "/filler";
  {
    FILE* f = std::fopen(filler.c_str(), "w");
    ASSERT_NE(f, nullptr);
    static char chunk[64 * 1024];
    while (std::fwrite(chunk, 1, sizeof chunk, f) == sizeof chunk) {
    }
    std::fclose(f);
  }
  std::this_thread::sleep_for(std::chrono::seconds(4));
  const std::string page = HttpRequestTo(port, "GET", "/metrics").body;
  EXPECT_GT(Sum(page, "agent_wal_samples_dropped_total", "disk_full"), 0) << page;
  EXPECT_GT(Sum(page, "prometheus_tsdb_wal_writes_failed_total", ""), 0);
  EXPECT_TRUE(agent.WaitForStderr("WAL disk full")) << agent.err();

  // Space returns: within a collection interval (1 s) the WAL is written
  // again, and the next batch (batch_send_deadline 1 s) ships it.
  std::filesystem::remove(filler);
  const int64_t freed = NowMs();
  int64_t newest = 0;
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((newest = Newest(prom, up)) < freed && std::chrono::steady_clock::now() < limit) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_GE(newest, freed) << "nothing collected after the disk was freed arrived\n"
                           << agent.err();
  const int64_t took = NowMs() - freed;
  EXPECT_LT(took, 5000) << "shipping resumed only after " << took << " ms";
  std::printf("disk freed -> first new sample at Prometheus: %lld ms\n",
              static_cast<long long>(took));
  EXPECT_TRUE(agent.WaitForStderr("WAL writes resumed")) << agent.err();

  agent.Signal(SIGTERM);
  EXPECT_EQ(agent.Wait(std::chrono::seconds(90)).value_or(-1), 0) << agent.err();
}

}  // namespace
}  // namespace outpost::testing
