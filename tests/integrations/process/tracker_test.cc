// The integration over a fake procfs: grouping, naming, children,
// accumulation, groups staying, threads, errors.
#include <cmath>
#include <string>

#include "gtest/gtest.h"
#include "tests/integrations/process/test_util.h"

namespace outpost::integrations::process::testing {
namespace {

constexpr char kCpu[] = "namedprocess_namegroup_cpu_seconds_total";
constexpr char kProcs[] = "namedprocess_namegroup_num_procs";

FakeProc P(int pid, const std::string& comm, std::vector<std::string> argv, int ppid = 1) {
  FakeProc p;
  p.pid = pid;
  p.comm = comm;
  p.argv = std::move(argv);
  p.ppid = ppid;
  return p;
}

// Far past "now": a process the collector sees start after its first scan.
constexpr uint64_t kLater = 100000000000ULL;

TEST(ProcessTracker, FirstRuleWinsAndKindsAreAnded) {
  FakeProcfs fs;
  fs.Add(P(10, "nginx", {"/usr/sbin/nginx", "-g", "daemon off;"}));
  fs.Add(P(11, "nginx", {"/opt/nginx", "-c", "x"}));
  fs.Add(P(12, "bash", {"/bin/bash", "-c", "loop"}));
  fs.Add(P(13, "kworker/0:1", {}));
  Harness h(fs, R"(
process_names:
  - name: sysnginx
    comm: [nginx]
    exe: [/usr/sbin/nginx]
  - name: "{{.Comm}}"
    cmdline: [".+"]
)");
  h.Collect();
  EXPECT_EQ(h.Group(kProcs, "sysnginx"), 1);
  EXPECT_EQ(h.Group(kProcs, "nginx"), 1);  // exe differs: the second rule
  EXPECT_EQ(h.Group(kProcs, "bash"), 1);
  EXPECT_FALSE(h.Has(kProcs, Labels{{"groupname", "kworker/0:1"}}));  // empty cmdline
}

TEST(ProcessTracker, ExeBareNameAndDefaultTemplate) {
  FakeProcfs fs;
  fs.Add(P(10, "x", {"/usr/bin/python3", "app.py"}));
  fs.Add(P(11, "y", {"python3"}));
  Harness h(fs, "process_names:\n  - exe: [python3]\n");
  h.Collect();
  EXPECT_EQ(h.Group(kProcs, "python3"), 2);  // {{.ExeBase}}
}

TEST(ProcessTracker, TemplateFields) {
  FakeProcfs fs;
  FakeProc p = P(42, "srv", {"/srv/bin", "--name=alpha", "--port", "80"});
  p.starttime = 150;  // btime 1700000000 + 1.5 s
  p.cgroup = "0::/system.slice/srv.service\n";
  fs.Add(p);
  Harness h(fs, R"y(
process_names:
  - name: "{{.Matches.name}}|{{.Matches.nope}}|{{.Username}}|{{.PID}}|{{.StartTime}}|{{.Cgroups}}|{{.ExeFull}}|{{.Matches.name | ToUpper}}"
    cmdline: ["--name=(?P<name>\\w+)"]
)y");
  h.Collect();
  EXPECT_EQ(h.Group(kProcs,
                    "alpha|<no value>|root|42|2023-11-14 22:13:21.5 +0000 UTC|"
                    "[/system.slice/srv.service]|/srv/bin|ALPHA"),
            1)
      << h.app().Render();
}

TEST(ProcessTracker, ChildrenJoinTheirAncestorsGroup) {
  FakeProcfs fs;
  fs.Add(P(10, "sh", {"/bin/sh", "run.sh"}));
  fs.Add(P(11, "sleep", {"sleep", "9"}, 10));
  fs.Add(P(12, "cat", {"cat"}, 11));
  fs.Add(P(13, "other", {"other"}, 1));
  const std::string rules = "process_names:\n  - name: shell\n    comm: [sh]\n";
  Harness h(fs, rules);
  h.Collect();
  EXPECT_EQ(h.Group(kProcs, "shell"), 3);
  Harness no_children(fs, rules + "track_children: false\n");
  no_children.Collect();
  EXPECT_EQ(no_children.Group(kProcs, "shell"), 1);
}

TEST(ProcessTracker, CountersAccumulateAcrossExitsAndGroupsStay) {
  FakeProcfs fs;
  FakeProc a = P(10, "worker", {"worker"});
  a.utime = 100;
  a.read_bytes = 1000;
  fs.Add(a);
  Harness h(fs, "process_names:\n  - name: w\n    comm: [worker]\n");
  h.Collect();
  // Running at the first scan: counted from then on.
  EXPECT_EQ(h.Value(kCpu, Labels{{"groupname", "w"}, {"mode", "user"}}), 0);
  a.utime = 300;
  a.read_bytes = 5000;
  fs.Add(a);
  h.Collect();
  EXPECT_DOUBLE_EQ(h.Value(kCpu, Labels{{"groupname", "w"}, {"mode", "user"}}), 2.0);
  EXPECT_EQ(h.Group("namedprocess_namegroup_read_bytes_total", "w"), 4000);
  // A new process started after the first scan adds its whole counts.
  FakeProc b = P(11, "worker", {"worker"});
  b.starttime = kLater;
  b.utime = 50;
  fs.Add(b);
  h.Collect();
  EXPECT_DOUBLE_EQ(h.Value(kCpu, Labels{{"groupname", "w"}, {"mode", "user"}}), 2.5);
  EXPECT_EQ(h.Group(kProcs, "w"), 2);
  EXPECT_EQ(h.Group("namedprocess_namegroup_oldest_start_time_seconds", "w"), 1700000001);
  // All exit: the group stays with its counters.
  fs.Remove(10);
  fs.Remove(11);
  h.Collect();
  EXPECT_EQ(h.Group(kProcs, "w"), 0);
  EXPECT_DOUBLE_EQ(h.Value(kCpu, Labels{{"groupname", "w"}, {"mode", "user"}}), 2.5);
  EXPECT_EQ(h.Group("namedprocess_namegroup_oldest_start_time_seconds", "w"), -62135596800.0);
  EXPECT_EQ(h.Value("namedprocess_namegroup_memory_bytes",
                    Labels{{"groupname", "w"}, {"memtype", "resident"}}),
            0);
  EXPECT_EQ(h.Value("namedprocess_namegroup_states",
                    Labels{{"groupname", "w"}, {"state", "Sleeping"}}),
            0);
}

TEST(ProcessTracker, GaugesOfAGroup) {
  FakeProcfs fs;
  FakeProc a = P(10, "db", {"db"});
  a.rss = 10;
  a.vsize = 1 << 20;
  a.swap_kb = 4;
  a.fds = 5;
  a.open_files_limit = "10";
  a.wchan = "do_select";
  a.state = 'R';
  fs.Add(a);
  FakeProc b = P(11, "db", {"db"});
  b.fds = 1;
  b.state = 'D';
  fs.Add(b);
  Harness h(fs, "process_names:\n  - comm: [db]\n    name: db\n");
  h.Collect();
  const long page = sysconf(_SC_PAGESIZE);
  auto mem = [&](const char* t) {
    return h.Value("namedprocess_namegroup_memory_bytes", Labels{{"groupname", "db"}, {"memtype", t}});
  };
  EXPECT_EQ(mem("resident"), 20.0 * page);
  EXPECT_EQ(mem("virtual"), (1 << 20) + 4096 * 100);
  EXPECT_EQ(mem("swapped"), 4096);
  EXPECT_EQ(mem("proportionalResident"), 2 * 5 * 1024);
  EXPECT_EQ(mem("proportionalSwapped"), 2 * 1024);
  EXPECT_EQ(h.Group("namedprocess_namegroup_open_filedesc", "db"), 6);
  EXPECT_DOUBLE_EQ(h.Group("namedprocess_namegroup_worst_fd_ratio", "db"), 0.5);
  auto state = [&](const char* s) {
    return h.Value("namedprocess_namegroup_states", Labels{{"groupname", "db"}, {"state", s}});
  };
  // Single-threaded: the process's own state only.
  EXPECT_EQ(state("Running"), 1);
  EXPECT_EQ(state("Waiting"), 1);
  EXPECT_EQ(h.Value("namedprocess_namegroup_threads_wchan",
                    Labels{{"groupname", "db"}, {"wchan", "do_select"}}),
            1);
  EXPECT_EQ(h.Group("namedprocess_namegroup_num_threads", "db"), 2);
}

TEST(ProcessTracker, Threads) {
  FakeProcfs fs;
  FakeProc a = P(10, "app", {"app"});
  a.ctx_vol = 1000;  // replaced by the threads' sum
  a.threads = {FakeThread{10, "app", 'S', 10, 0, 0, 0, 100, 0, 0, 1, 2, "futex_wait"},
               FakeThread{11, "pool", 'R', 20, 0, 0, 0, 100, 0, 0, 3, 4, "0"},
               FakeThread{12, "pool", 'S', 30, 0, 0, 0, 100, 0, 0, 5, 6, "futex_wait"}};
  fs.Add(a);
  Harness h(fs, "process_names:\n  - comm: [app]\n    name: app\n");
  h.Collect();
  auto tl = [](const char* t) { return Labels{{"groupname", "app"}, {"threadname", t}}; };
  EXPECT_EQ(h.Value("namedprocess_namegroup_thread_count", tl("pool")), 2);
  EXPECT_EQ(h.Value("namedprocess_namegroup_thread_count", tl("app")), 1);
  EXPECT_EQ(h.Value("namedprocess_namegroup_context_switches_total",
                    Labels{{"groupname", "app"}, {"ctxswitchtype", "voluntary"}}),
            0);  // counted from the first scan
  // States: the process's own plus each thread's.
  EXPECT_EQ(h.Value("namedprocess_namegroup_states", Labels{{"groupname", "app"}, {"state", "Sleeping"}}), 3);
  EXPECT_EQ(h.Value("namedprocess_namegroup_states", Labels{{"groupname", "app"}, {"state", "Running"}}), 1);
  // wchan: the process's and each thread's.
  EXPECT_EQ(h.Value("namedprocess_namegroup_threads_wchan",
                    Labels{{"groupname", "app"}, {"wchan", "futex_wait"}}),
            2);
  a.threads[1].utime = 120;
  a.threads[1].ctx_vol = 13;
  a.threads[2].ctx_vol = 15;
  fs.Add(a);
  h.Collect();
  EXPECT_DOUBLE_EQ(h.Value("namedprocess_namegroup_thread_cpu_seconds_total",
                           Labels{{"groupname", "app"}, {"threadname", "pool"}, {"mode", "user"}}),
                   1.0);
  EXPECT_EQ(h.Value("namedprocess_namegroup_thread_context_switches_total",
                    Labels{{"groupname", "app"}, {"threadname", "pool"}, {"ctxswitchtype", "voluntary"}}),
            20);
  EXPECT_EQ(h.Value("namedprocess_namegroup_context_switches_total",
                    Labels{{"groupname", "app"}, {"ctxswitchtype", "voluntary"}}),
            20);
  Harness off(fs, "process_names:\n  - comm: [app]\n    name: app\ntrack_threads: false\n");
  off.Collect();
  EXPECT_FALSE(off.Has("namedprocess_namegroup_thread_count", tl("pool")));
  EXPECT_TRUE(off.Has(kProcs, Labels{{"groupname", "app"}}));
}

TEST(ProcessTracker, NamesOnceUnlessRecheck) {
  FakeProcfs fs;
  fs.Add(P(10, "before", {"x"}));
  const std::string rules = "process_names:\n  - comm: [after]\n    name: g\n";
  Harness once(fs, rules);
  Harness recheck(fs, rules + "recheck_on_scrape: true\n");
  fs.Add(P(10, "after", {"x"}));  // prctl(PR_SET_NAME) after start
  once.Collect();
  recheck.Collect();
  EXPECT_FALSE(once.Has(kProcs, Labels{{"groupname", "g"}}));
  EXPECT_EQ(recheck.Group(kProcs, "g"), 1);
}

TEST(ProcessTracker, PartialAndReadErrorsAreCountedNotFatal) {
  FakeProcfs fs;
  FakeProc a = P(10, "a", {"a"});
  a.io = false;  // unreadable io: partial
  fs.Add(a);
  fs.Add(P(11, "b", {"b"}));
  fs.Write("11/limits", "");  // no open-files limit: a read error
  Harness h(fs, "process_names:\n  - comm: [a, b]\n    name: \"{{.Comm}}\"\n");
  h.Collect();
  EXPECT_EQ(h.Value("namedprocess_scrape_procread_errors", Labels{}), 1);
  EXPECT_GE(h.Value("namedprocess_scrape_partial_errors", Labels{}), 2);  // init + this scan
  EXPECT_EQ(h.Value("namedprocess_scrape_errors", Labels{}), 0);
  EXPECT_EQ(h.Group(kProcs, "a"), 1);
  EXPECT_FALSE(h.Has(kProcs, Labels{{"groupname", "b"}}));
  // A process that vanishes between scans, and one whose stat is gone.
  fs.Remove(10);
  fs.Add(P(12, "a", {"a"}));
  std::filesystem::remove(fs.root() + "/12/stat");
  h.Collect();
  EXPECT_EQ(h.Group(kProcs, "a"), 0);
}

TEST(ProcessTracker, GarbageFilesDoNotCrash) {
  FakeProcfs fs;
  fs.Add(P(10, "a", {"a"}));
  fs.Add(P(11, "a", {"a"}));
  fs.Add(P(12, "a", {"a"}));
  fs.Add(P(13, "a", {"a"}, 13));  // its own parent
  fs.Write("10/stat", "garbage");
  fs.Write("11/status", "\x01\x02:::");
  fs.Write("12/smaps_rollup", "x\ny");
  fs.Write("12/cgroup", "nonsense");
  fs.Write("99/stat", "99 (z) S");
  Harness h(fs, "process_names:\n  - comm: [a]\n    name: a\n");
  h.Collect();
  h.Collect();
  EXPECT_EQ(h.Group(kProcs, "a"), 2);
  Harness children(fs, "process_names:\n  - comm: [nothing]\n");
  children.Collect();
}

TEST(ProcessTracker, ScrapeErrorWhenProcfsGoes) {
  auto fs = std::make_unique<FakeProcfs>();
  fs->Add(P(10, "a", {"a"}));
  Harness h(*fs, "process_names:\n  - comm: [a]\n    name: a\n");
  h.Collect();
  EXPECT_EQ(h.Group(kProcs, "a"), 1);
  fs.reset();
  h.Collect();
  EXPECT_EQ(h.Value("namedprocess_scrape_errors", Labels{}), 1);
  EXPECT_FALSE(h.Has(kProcs, Labels{{"groupname", "a"}}));
  EXPECT_TRUE(h.Has("process_exporter_build_info", Labels{}) || h.app().series_count() > 0);
}

TEST(ProcessTracker, KeptDescriptorsStayWithinBudget) {
  FakeProcfs fs;
  for (int pid = 10; pid < 40; ++pid) fs.Add(P(pid, "a", {"a"}));
  auto parsed = ParseYaml("process_names:\n  - comm: [a]\n    name: a\nprocfs_path: " + fs.root());
  auto i = NewProcessIntegration(parsed.o(), /*fd_budget=*/20);
  ASSERT_TRUE(i.ok());
  MemoryAppender app;
  for (int k = 0; k < 3; ++k) ASSERT_TRUE((*i)->Collect(app, absl::InfiniteFuture()).ok());
  EXPECT_EQ(*app.Find(kProcs, Labels{{"groupname", "a"}}), 30);
}

}  // namespace
}  // namespace outpost::integrations::process::testing
