// The pipeline stages of the corpus files run end to end (issue 18): the
// regexes of files 04 (apache error and access logs) and 07 (emby, nginx),
// the JSON pipelines of 11, 15 and 34. Each job's pipeline_stages are taken
// from the corpus file as they are, on a file target of the test's, with
// lines in that job's format; the test's Loki receiver checks the streams,
// lines and timestamps they produce, /metrics the metrics stages' series.
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/core/agent/http_get.h"
#include "tests/e2e/cli/process.h"
#include "tests/logs/support/loki_receiver.h"
#include "yaml-cpp/yaml.h"

namespace outpost::testing {
namespace {

const std::string kCorpus = OUTPOST_SOURCE_DIR "/../shared/corpus/grafana-agent";

// The pipeline_stages of job `job` in the corpus file starting with `prefix`.
YAML::Node CorpusStages(const std::string& prefix, const std::string& job) {
  std::string path;
  for (const auto& e : std::filesystem::directory_iterator(kCorpus)) {
    if (e.path().filename().string().rfind(prefix, 0) == 0) path = e.path().string();
  }
  EXPECT_FALSE(path.empty()) << prefix;
  const std::string text =
      std::regex_replace(ReadAll(path), std::regex(R"(\$\{[A-Za-z_0-9]+\})"), "x");
  YAML::Node root = YAML::Load(text);
  YAML::Node logs = root["logs"] ? root["logs"] : root["loki"];
  for (YAML::Node c : logs["configs"]) {
    for (YAML::Node sc : c["scrape_configs"]) {
      if (sc["job_name"].as<std::string>() == job) return sc["pipeline_stages"];
    }
  }
  ADD_FAILURE() << "no job " << job << " in " << path;
  return YAML::Node();
}

struct Case {
  std::string prefix, job;
  std::vector<std::string> lines;
  std::string stream;  // of every entry; "FILE" stands for the tailed file
  int64_t ts_ns = 0;  // of every entry; 0: not checked
  std::string line = "";  // of the first entry; empty: the line as written
  std::vector<std::string> metrics = {};  // substrings of /metrics
};

void RunCase(const Case& c) {
  SCOPED_TRACE(c.prefix + " " + c.job);
  TempDir dir;
  LokiReceiver loki;
  ASSERT_TRUE(loki.Start());
  std::string text;
  for (const std::string& l : c.lines) text += l + "\n";
  WriteFile(dir / "app.log", text);
  YAML::Node root;
  root["metrics"]["wal_directory"] = dir / "wal";
  root["logs"]["positions_directory"] = dir / "positions";
  YAML::Node inst;
  inst["name"] = "default";
  inst["clients"][0]["url"] = loki.url();
  inst["clients"][0]["batchwait"] = "100ms";
  YAML::Node sc;
  sc["job_name"] = c.job;
  sc["static_configs"][0]["targets"][0] = "localhost";
  sc["static_configs"][0]["labels"]["job"] = "app";
  sc["static_configs"][0]["labels"]["__path__"] = dir / "app.log";
  sc["pipeline_stages"] = CorpusStages(c.prefix, c.job);
  inst["scrape_configs"][0] = sc;
  root["logs"]["configs"][0] = inst;
  YAML::Emitter out;
  out << root;
  WriteFile(dir / "agent.yaml", out.c_str());
  Process p({"-config.file=" + dir / "agent.yaml", "-server.http.address=127.0.0.1:0"},
            dir.path());
  ASSERT_TRUE(p.WaitForStderr("outpost started")) << p.err() << "\n" << out.c_str();
  const absl::Time end = absl::Now() + absl::Seconds(20);
  while (loki.entries().size() < c.lines.size() && absl::Now() < end) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  const std::vector<LokiEntry> got = loki.entries();
  ASSERT_EQ(got.size(), c.lines.size()) << p.err();
  for (const LokiEntry& e : got) {
    EXPECT_EQ(e.stream, std::regex_replace(c.stream, std::regex("FILE"), dir / "app.log"));
    if (c.ts_ns != 0) {
      EXPECT_EQ(e.ts_ns, c.ts_ns);
    }
  }
  EXPECT_EQ(got[0].line, c.line.empty() ? c.lines[0] : c.line);
  if (!c.metrics.empty()) {
    const std::string m = HttpRequestTo(PortFromLog(p.err()), "GET", "/metrics").body;
    for (const std::string& want : c.metrics) EXPECT_NE(m.find(want), std::string::npos) << want;
  }
  EXPECT_TRUE(loki.errors().empty()) << loki.errors().front();
  p.Signal(SIGTERM);
  EXPECT_EQ(p.Wait(), 0) << p.err();
}

// An hour ago, whole seconds: the receiver refuses entries a week old, as
// Loki does.
absl::Time Base() { return absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) - 3600); }
std::string Utc(const char* format, absl::Time t) {
  return absl::FormatTime(format, t, absl::UTCTimeZone());
}

class LogsCorpusPipelinesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(kCorpus)) {
      GTEST_SKIP() << "Grafana Agent config corpus not found at " << kCorpus
                   << " (a clone without ../shared): nothing to run";
    }
  }
};

TEST_F(LogsCorpusPipelinesTest, File04ApacheErrorAndAccessRegexes) {
  RunCase({"04-", "integrations/apache_error",
       {"[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 1234] [client 10.0.0.1:5555] File "
        "does not exist: /var/www/favicon.ico"},
       R"({filename="FILE", job="app", level="error", logtype="error", module="core"})"});
  RunCase({"04-", "integrations/apache_access",
       {"10.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /a.gif HTTP/1.0\" 200 2326 "
        "\"http://example.com/\" \"Mozilla/4.08\"",
        "10.0.0.2 - - [10/Oct/2000:13:55:37 -0700] \"GET /b HTTP/1.0\" 404 0 \"-\" \"curl\""},
       R"({filename="FILE", job="app", logtype="access", method="GET"})",
       0,
       "",
       {"apache_response_http_codes_bucket{", "le=\"299\"} 1", "le=\"499\"} 2"}});
}

TEST_F(LogsCorpusPipelinesTest, File07EmbyTimestampAndNginxMetrics) {
  const absl::Time base = Base();
  RunCase({"07-", "emby",
       {Utc("%Y-%m-%d %H:%M:%S", base) + ".123 [Info] Main: Application path: /opt/emby"},
       R"({filename="FILE", job="app", level="Info", logger="Main"})",
       absl::ToUnixNanos(base + absl::Milliseconds(123))});
  RunCase({"07-", "nginx",
       {"127.0.0.1 - - [01/May/2024:10:00:00 +0000] \"GET /index.html HTTP/1.1\" 200 612 \"-\" "
        "\"curl/7.88\"",
        "127.0.0.1 - - [01/May/2024:10:00:01 +0000] \"GET /index.html HTTP/1.1\" 200 100 \"-\" "
        "\"curl/7.88\""},
       R"({filename="FILE", job="app", method="GET", status="200"})",
       0,
       "",
       {"promtail_custom_http_nginx_requests_total{", "promtail_custom_http_nginx_response_bytes_total{"}});
}

TEST_F(LogsCorpusPipelinesTest, File11And34JsonLabelsAndTimestamp) {
  const absl::Time base = Base();
  RunCase({"11-", "integrations/windows-exporter-application",
       {R"({"source":"Service Control Manager","message":"started"})"},
       R"({filename="FILE", job="app", source="Service Control Manager"})"});
  RunCase({"34-", "app",
       {R"({"message":"boom","channel":"local","level_name":"ERROR","datetime":")" +
        Utc("%Y-%m-%dT%H:%M:%S+02:00", base + absl::Hours(2)) + "\"}"},
       R"({channel="local", filename="FILE", job="app", level="ERROR"})",
       absl::ToUnixNanos(base)});
}

TEST_F(LogsCorpusPipelinesTest, File15AdGuardJsonRegexTemplateRewrite) {
  const absl::Time base = Base();
  RunCase({"15-", "agh",
       {R"({"T":")" + Utc("%Y-%m-%dT%H:%M:%S", base) + R"(.123456789Z","QH":"example.com","QT":"A","QC":"IN",)"
        R"("CP":"","Upstream":"1.1.1.1:53","Elapsed":1234,"Result":{"IsFiltered":true,)"
        R"("Reason":3,"Rules":[{"FilterListID":7,"Text":"||ads^"}]}})"},
       R"({job="app"})",
       absl::ToUnixNanos(base + absl::Nanoseconds(123456789)),
       // Sha2Hash .QH "adGuardSalt": sha256 of "example.com" + "adGuardSalt".
       R"({ "Elapsed": "1234", "QH": "8c38d59d7bd4736b1d583727c5e69f6f4bbedbfc03e82880af7fdc3f455d09d2", "QT": "A", "Upstream": "1.1.1.1:53", )"
       R"("FilterListID": "7" })"});
}

}  // namespace
}  // namespace outpost::testing
