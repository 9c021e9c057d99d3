// The corpus files with a logs: (or legacy loki:) block that need only the
// file target, the Loki client (reference/logs.md §9: 08, 17, 22, 35) and
// pipeline stages (15, 34) run: outpost starts on each, with every client URL pointed at the test's
// Loki receiver and every path (WAL, positions) in a temp dir, starts its
// logs instance, sends nothing the receiver refuses, and stops cleanly.
// core/config/corpus_test.cc records which corpus files load at all.
#include <filesystem>
#include <regex>
#include <string>

#include "gtest/gtest.h"
#include "yaml-cpp/yaml.h"
#include "tests/e2e/cli/process.h"
#include "tests/logs/support/loki_receiver.h"

namespace outpost::testing {
namespace {

const std::string kCorpus = OUTPOST_SOURCE_DIR "/../shared/corpus/grafana-agent";

// The file with its Loki clients pointed at `loki_url`, remote write at a
// closed port, and its WAL and positions in `dir`.
void Localize(YAML::Node node, bool in_logs, const std::string& loki_url, const TempDir& dir) {
  if (node.IsSequence()) {
    for (YAML::Node item : node) Localize(item, in_logs, loki_url, dir);
    return;
  }
  if (!node.IsMap()) return;
  for (auto kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (key == "url" && kv.second.IsScalar()) {
      kv.second = in_logs ? loki_url : std::string("http://127.0.0.1:1/api/v1/write");
    } else if (key == "filename" && in_logs) {
      kv.second = dir / "positions.yml";
    } else if (key == "positions_directory") {
      kv.second = dir / "positions";
    } else if (key == "wal_directory") {
      kv.second = dir / "wal";
    } else {
      Localize(kv.second, in_logs || key == "logs" || key == "loki", loki_url, dir);
    }
  }
}

std::string Localized(const std::string& path, const std::string& loki_url, const TempDir& dir) {
  // ${VAR} of -config.expand-env, as a deployment would set them.
  std::string text =
      std::regex_replace(ReadAll(path), std::regex(R"(\$\{[A-Za-z_0-9]+\})"), "x");
  YAML::Node root = YAML::Load(text);
  Localize(root, false, loki_url, dir);
  YAML::Emitter out;
  out << root;
  return out.c_str();
}

TEST(LogsCorpusTest, LogsOnlyCorpusFilesRun) {
  if (!std::filesystem::is_directory(kCorpus)) {
    GTEST_SKIP() << "Grafana Agent config corpus not found at " << kCorpus
                 << " (a clone without ../shared): nothing to run";
  }
  int ran = 0;
  for (const char* prefix : {"08-", "15-", "17-", "22-", "34-", "35-"}) {
    std::string path;
    for (const auto& e : std::filesystem::directory_iterator(kCorpus)) {
      if (e.path().filename().string().rfind(prefix, 0) == 0) path = e.path().string();
    }
    ASSERT_FALSE(path.empty()) << prefix;
    SCOPED_TRACE(path);
    TempDir dir;
    LokiReceiver loki;
    ASSERT_TRUE(loki.Start());
    WriteFile(dir / "agent.yaml", Localized(path, loki.url(), dir));
    Process p({"-config.file=" + dir / "agent.yaml", "-config.expand-env",
               "-server.http.address=127.0.0.1:0"},
              dir.path());
    ASSERT_TRUE(p.WaitForStderr("outpost started")) << p.err();
    EXPECT_TRUE(p.WaitForStderr("logs: instance started", std::chrono::seconds(5))) << p.err();
    std::this_thread::sleep_for(std::chrono::seconds(2));
    p.Signal(SIGTERM);
    EXPECT_EQ(p.Wait(), 0) << p.err();
    EXPECT_EQ(p.err().find("level=error"), std::string::npos) << p.err();
    EXPECT_TRUE(loki.errors().empty()) << loki.errors().front();
    ++ran;
  }
  EXPECT_EQ(ran, 6);
}

}  // namespace
}  // namespace outpost::testing
