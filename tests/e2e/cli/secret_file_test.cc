// Files named by a scrape config are read when used, as Prometheus does: a
// bearer_token_file missing at start is a warning, the target is down with
// an error naming the file, and it comes up by itself once the file exists
// (no reload). Corpus file 21 (service account files outside a pod).
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "tests/core/agent/http_get.h"
#include "tests/e2e/cli/process.h"
#include "tests/e2e/cli/wal_content.h"
#include "tests/support/free_port.h"

namespace outpost::testing {
namespace {

TEST(SecretFileE2eTest, TokenFileThatAppearsLaterBringsTheTargetUp) {
  TempDir d;
  const int port = FreePort();
  ASSERT_GT(port, 0);
  const std::string self = "127.0.0.1:" + std::to_string(port);
  const std::string token = d / "token";
  WriteFile(d / "agent.yaml",
            "metrics:\n"
            "  wal_directory: " + (d / "data") + "\n"
            "  global: {scrape_interval: 1s, scrape_timeout: 1s}\n"
            "  configs:\n"
            "    - name: default\n"
            "      scrape_configs:\n"
            "        - job_name: self\n"
            "          bearer_token_file: " + token + "\n"
            "          static_configs: [{targets: ['" + self + "']}]\n");

  // check-config: loads, with a warning naming the key and the file.
  RunResult check = RunOutpost({"check-config", d / "agent.yaml"}, d.path());
  EXPECT_EQ(check.code, 0) << check.err;
  EXPECT_NE(check.err.find("bearer_token_file: cannot read file \"" + token + "\" now"),
            std::string::npos)
      << check.err;

  Process p({"-config.file=" + (d / "agent.yaml"), "-server.http.address=" + self}, d.path());
  ASSERT_TRUE(p.WaitForStderr("outpost started")) << p.err();
  EXPECT_NE(p.err().find("bearer_token_file: cannot read file"), std::string::npos) << p.err();
  const std::string wal_dir = d / "data/default/wal";
  auto ups_of = [&] {
    std::vector<double> v;
    for (const wal::RefSample& s : Samples(ReadWal(wal_dir), "up", "self", self)) v.push_back(s.v);
    return v;
  };
  // Down while the file is missing, the error naming the file.
  const auto start = std::chrono::steady_clock::now();
  while (ups_of().size() < 3 &&
         std::chrono::steady_clock::now() - start < std::chrono::seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::vector<double> ups = ups_of();
  ASSERT_GE(ups.size(), 3u) << p.err();
  for (double v : ups) EXPECT_EQ(v, 0.0);
  const std::string targets = HttpRequestTo(port, "GET", "/agent/api/v1/metrics/targets").body;
  EXPECT_NE(targets.find("\"state\":\"down\""), std::string::npos) << targets;
  EXPECT_NE(targets.find(token), std::string::npos) << targets;

  // The file appears 10 s after start: the target comes up, no reload.
  std::this_thread::sleep_until(start + std::chrono::seconds(10));
  WriteFile(d / ".t", "s3cret\n");
  std::filesystem::rename(d / ".t", token);
  const auto appeared = std::chrono::steady_clock::now();
  bool up = false;
  while (!up && std::chrono::steady_clock::now() - appeared < std::chrono::seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ups = ups_of();
    up = !ups.empty() && ups.back() == 1.0;
  }
  EXPECT_TRUE(up) << p.err();
  p.Signal(SIGTERM);
  EXPECT_EQ(p.Wait(std::chrono::seconds(20)).value_or(-1), 0) << p.err();
}

}  // namespace
}  // namespace outpost::testing
