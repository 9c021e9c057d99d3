// Parity with Debian's process-exporter 0.7.10 (prometheus-process-exporter,
// installed by tests/run.sh; run as root in CI): the same process_names
// against processes this test starts (two sleeps, a shell with two
// children, a perl with four threads, one of them busy), one exporter
// scrape beside one outpost collection. Every namedprocess_* family and
// label set must be equal; values equal, counters within what the
// processes can do between the two reads (and growing between two
// collections), proportional memory within 5%.
//
// Accepted differences (upstream reasons):
//   - process_exporter_build_info: Grafana Agent registers client_golang's
//     version collector with the agent's build labels (version, revision,
//     branch, goversion, goos, goarch, tags); Debian's binary has its own
//     (static/integrations/process_exporter/process-exporter_linux.go).
//   - namedprocess_scrape_partial_errors and _procread_errors: their values
//     count every process on the host that each side saw at its first
//     scan (tracker.go handleProc reads all new processes), which differs
//     with the moment each one started; only their presence is compared.
//   - go_*, process_*, promhttp_*: the standalone binary's own registry
//     (cmd/process-exporter/main.go); Grafana Agent does not serve them.
// Not exercised here, known by construction:
//   - `name` templates run on outpost's Go template subset
//     (core/template/go_template.h): Go's builtins other than the
//     comparisons and and/or/not (printf, len, index, range, with, ...)
//     are rejected at load, while Promtail's string functions (ToUpper,
//     Replace, ...) are accepted, which Go's text/template alone rejects.
//   - a template that fails while executing names the group with what the
//     engine wrote up to the failure, as upstream (config.go ignores
//     Execute's error), but the partial text may differ.
#include <signal.h>

#include <chrono>
#include <iostream>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "core/base/exposition_parser.h"
#include "core/base/memory_appender.h"
#include "gtest/gtest.h"
#include "integrations/common/build_info.h"
#include "tests/integrations/process/test_util.h"
#include "tests/support/exporter_scrape.h"
#include "tests/support/free_port.h"
#include "tests/support/series_set.h"
#include "tests/support/spawned_process.h"

namespace outpost::integrations::process::testing {
namespace {

constexpr char kExporter[] = "/usr/bin/prometheus-process-exporter";

constexpr char kRules[] = R"y(process_names:
  - name: psleep
    cmdline: ["^sleep 7770[0-9]$"]
  - name: "pshell_{{.Matches.tag}}"
    comm: [sh, dash, bash]
    cmdline: ["outpost_parity_shell_(?P<tag>[a-z]+)"]
  - name: "pthreads_{{.Comm}}"
    cmdline: ["outpost_parity_threads"]
)y";

using Scrape = outpost::testing::SeriesSet;

bool Compared(const std::string& family) { return family.rfind("namedprocess_", 0) == 0; }

Scrape FromExposition(const std::string& text) { return outpost::testing::FromExposition(text, Compared); }

Scrape FromCollected(const std::vector<CollectedSample>& samples) {
  return outpost::testing::FromCollected(samples, Compared);
}

// How far apart a series may be between the two reads ("" key: exact).
double Tolerance(const std::string& family, const std::string& key, double v) {
  if (family == "namedprocess_scrape_partial_errors" ||
      family == "namedprocess_scrape_procread_errors")
    return INFINITY;
  if (key.find("proportional") != std::string::npos) return std::abs(v) * 0.05 + 4096;
  if (family.find("cpu_seconds") != std::string::npos) return 0.05;
  if (family.find("bytes_total") != std::string::npos) return 65536;
  if (family.find("page_faults") != std::string::npos) return 50;
  if (family.find("context_switches") != std::string::npos) return 50;
  return 0;
}

// All differences between the two, one per line ("" when none).
std::string Diff(const Scrape& exporter, const Scrape& outpost) {
  std::string out;
  for (const auto& [fam, meta] : exporter.families) {
    auto it = outpost.families.find(fam);
    if (it == outpost.families.end()) out += "family missing in outpost: " + fam + "\n";
    else if (it->second.type != meta.type) out += "type differs: " + fam + "\n";
  }
  for (const auto& [fam, meta] : outpost.families) {
    if (!exporter.families.contains(fam)) out += "family only in outpost: " + fam + "\n";
  }
  for (const auto& [key, v] : exporter.series) {
    auto it = outpost.series.find(key);
    if (it == outpost.series.end()) {
      out += "series missing in outpost: " + key + "\n";
      continue;
    }
    const double tol = Tolerance(exporter.family_of.at(key), key, v);
    if (!(std::abs(it->second - v) <= tol) && !(std::isinf(tol))) {
      out += "value differs: " + key + " exporter " + std::to_string(v) + " outpost " +
             std::to_string(it->second) + "\n";
    }
  }
  for (const auto& [key, v] : outpost.series) {
    if (!exporter.series.contains(key)) out += "series only in outpost: " + key + "\n";
  }
  return out;
}

// The pid of a process with exactly this command line (argv joined by
// spaces), 0 when none; its thread count in *threads.
int PidOf(const std::string& cmdline, int* threads = nullptr) {
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "cmdline", std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!text.empty() && text.back() == '\0') text.pop_back();
    for (char& c : text) c = c == '\0' ? ' ' : c;
    if (text != cmdline) continue;
    std::error_code ec;
    int n = 0;
    for (auto it = std::filesystem::directory_iterator(e.path() / "task", ec);
         !ec && it != std::filesystem::directory_iterator(); ++it)
      ++n;
    if (threads != nullptr) *threads = n;
    return std::stoi(name);
  }
  return 0;
}

int ThreadsOf(const std::string& cmdline) {
  int n = 0;
  return PidOf(cmdline, &n) != 0 ? n : 0;
}

// The shell's children are not the test's: killed when the test ends.
struct KillOnExit {
  std::vector<std::string> cmdlines;
  ~KillOnExit() {
    for (const std::string& c : cmdlines) {
      if (int pid = PidOf(c); pid > 0) kill(pid, SIGKILL);
    }
  }
};

TEST(ProcessParity, ParityWithProcessExporter) {
  ASSERT_EQ(access(kExporter, X_OK), 0)
      << kExporter << " is missing: apt-get install -y prometheus-process-exporter (tests/run.sh)";
  outpost::testing::SpawnOptions quiet;
  quiet.search_path = true;
  quiet.stdin_null = true;
  quiet.stop_signal = SIGKILL;
  // One thread busy a few % of a CPU (the CPU counters move between the
  // reads), two asleep.
  const std::string perl_script =
      "threads->create(sub{while(1){my $x=0; $x+=$_ for 1..30000; select(undef,undef,undef,0.01)}})"
      "->detach; threads->create(sub{sleep 100000})->detach for 1..2; sleep 100000; "
      "# outpost_parity_threads";
  const std::string shell_script =
      "sleep 77801 & sleep 77802 & wait # outpost_parity_shell_alpha";
  outpost::testing::SpawnedProcess s1({"sleep", "77701"}, quiet);
  outpost::testing::SpawnedProcess s2({"sleep", "77702"}, quiet);
  KillOnExit orphans{{"sleep 77801", "sleep 77802"}};
  outpost::testing::SpawnedProcess shell({"/bin/sh", "-c", shell_script}, quiet);
  outpost::testing::SpawnedProcess perl({"perl", "-Mthreads", "-e", perl_script}, quiet);
  const auto ready = [&] {
    return ThreadsOf("sleep 77701") == 1 && ThreadsOf("sleep 77702") == 1 &&
           ThreadsOf("sleep 77801") == 1 && ThreadsOf("sleep 77802") == 1 &&
           ThreadsOf("perl -Mthreads -e " + perl_script) == 4;
  };
  for (int i = 0; i < 200 && !ready(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(ready()) << "the test's processes did not start";

  const std::string dir = std::filesystem::temp_directory_path() /
                          ("outpost_process_parity_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/config.yml") << kRules;
  const int port = outpost::testing::FreePort();
  outpost::testing::SpawnedProcess exporter({kExporter, "-config.path", dir + "/config.yml",
                           "-web.listen-address", "127.0.0.1:" + std::to_string(port)},
                          outpost::testing::SpawnOptions::Log(dir + "/exporter.log"));
  // The exporter scans once before it listens; outpost's first scan
  // follows its first answer.
  std::string body;
  for (int i = 0; i < 400 && body.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    body = outpost::testing::HttpGetMetrics(port);
  }
  ASSERT_FALSE(body.empty()) << "process-exporter never answered; see " << dir << "/exporter.log";
  auto parsed = ParseYaml(kRules);
  ASSERT_TRUE(parsed.errors.ok()) << parsed.AllErrors();
  auto integration = NewProcessIntegration(parsed.o());
  ASSERT_TRUE(integration.ok()) << integration.status();
  MemoryAppender app;

  // A thread may change state or wchan between the two reads: a few tries.
  std::string diff;
  Scrape theirs, ours;
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    body = outpost::testing::HttpGetMetrics(port);
    app.Clear();
    ASSERT_TRUE((*integration)->Collect(app, absl::InfiniteFuture()).ok());
    theirs = FromExposition(body);
    ours = FromCollected(app.Samples());
    diff = Diff(theirs, ours);
    if (diff.empty()) break;
  }
  EXPECT_EQ(diff, "");
  // Counters only grow between two collections, and the busy thread's CPU
  // shows.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  app.Clear();
  ASSERT_TRUE((*integration)->Collect(app, absl::InfiniteFuture()).ok());
  const Scrape later = FromCollected(app.Samples());
  for (const auto& [key, v] : ours.series) {
    const std::string& fam = ours.family_of.at(key);
    if (fam.size() < 6 || fam.substr(fam.size() - 6) != "_total") continue;
    auto it = later.series.find(key);
    ASSERT_NE(it, later.series.end()) << key;
    EXPECT_GE(it->second, v) << key;
  }
  EXPECT_GT(later.series.at("namedprocess_namegroup_cpu_seconds_total{groupname=\"pthreads_perl\", "
                            "mode=\"user\"}") +
                later.series.at("namedprocess_namegroup_cpu_seconds_total{groupname=\"pthreads_perl\", "
                                "mode=\"system\"}"),
            0);
  // What the test set up is there.
  EXPECT_EQ(ours.series["namedprocess_namegroup_num_procs{groupname=\"psleep\"}"], 2);
  EXPECT_EQ(ours.series["namedprocess_namegroup_num_procs{groupname=\"pshell_alpha\"}"], 3);
  EXPECT_EQ(ours.series["namedprocess_namegroup_num_procs{groupname=\"pthreads_perl\"}"], 1);
  EXPECT_EQ(ours.series["namedprocess_namegroup_thread_count{groupname=\"pthreads_perl\", "
                        "threadname=\"perl\"}"],
            4);
  EXPECT_EQ(theirs.families.size(), 23u) << body;
  if (::testing::Test::HasFailure()) for (const auto& [k, v] : ours.series) std::cerr << k << " " << v << "\n";
  EXPECT_NE(body.find("process_exporter_build_info"), std::string::npos);
  EXPECT_NE(app.Find("process_exporter_build_info", BuildInfoLabels()), nullptr);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace outpost::integrations::process::testing
