// A fake procfs tree in a temporary directory, for the process_exporter
// tests: /stat with btime and one directory per process (and per thread
// under task/), written from a FakeProc.
#ifndef OUTPOST_TESTS_INTEGRATIONS_PROCESS_FAKE_PROCFS_H_
#define OUTPOST_TESTS_INTEGRATIONS_PROCESS_FAKE_PROCFS_H_

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace outpost::integrations::process::testing {

struct FakeThread {
  int tid = 0;
  std::string comm = "worker";
  char state = 'S';
  uint64_t utime = 0, stime = 0, minflt = 0, majflt = 0;
  uint64_t starttime = 100;
  uint64_t read_bytes = 0, write_bytes = 0;
  uint64_t ctx_vol = 0, ctx_nonvol = 0;
  std::string wchan = "0";
};

struct FakeProc {
  int pid = 0;
  int ppid = 1;
  std::string comm = "proc";
  std::vector<std::string> argv;
  char state = 'S';
  uint64_t utime = 0, stime = 0, minflt = 0, majflt = 0;
  int64_t num_threads = 1;
  uint64_t starttime = 100;  // ticks since boot
  uint64_t vsize = 4096 * 100;
  int64_t rss = 10;  // pages
  int uid = 0;
  uint64_t swap_kb = 0;
  uint64_t ctx_vol = 0, ctx_nonvol = 0;
  uint64_t read_bytes = 0, write_bytes = 0;
  bool io = true;  // false: no io file (a partial error)
  int fds = 3;
  std::string open_files_limit = "1024";
  std::string wchan = "0";
  uint64_t pss_kb = 5, swap_pss_kb = 1;
  std::string cgroup = "0::/user.slice\n";
  std::vector<FakeThread> threads;  // empty: one thread (itself)
};

class FakeProcfs {
 public:
  FakeProcfs() {
    char tmpl[] = "/tmp/outpost_procfs_XXXXXX";
    root_ = mkdtemp(tmpl);
    Write("stat", "cpu  1 2 3 4\nbtime 1700000000\nprocesses 10\n");
  }
  ~FakeProcfs() { std::filesystem::remove_all(root_); }
  const std::string& root() const { return root_; }

  void Write(const std::string& rel, const std::string& text) const {
    const std::filesystem::path p = std::filesystem::path(root_) / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
  }

  static std::string StatLine(int pid, const std::string& comm, char state, int ppid,
                              uint64_t minflt, uint64_t majflt, uint64_t utime, uint64_t stime,
                              int64_t threads, uint64_t start, uint64_t vsize, int64_t rss) {
    return absl::StrCat(pid, " (", comm, ") ", std::string(1, state), " ", ppid, " ", pid, " ",
                        pid, " 0 -1 4194560 ", minflt, " 0 ", majflt, " 0 ", utime, " ", stime,
                        " 0 0 20 0 ", threads, " 0 ", start, " ", vsize, " ", rss,
                        " 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n");
  }

  static std::string Status(const std::string& comm, int uid, uint64_t swap_kb, uint64_t vol,
                            uint64_t nonvol) {
    return absl::StrCat("Name:\t", comm, "\nState:\tS (sleeping)\nUid:\t", uid, "\t", uid, "\t",
                        uid, "\t", uid, "\nVmSwap:\t", swap_kb, " kB\nvoluntary_ctxt_switches:\t",
                        vol, "\nnonvoluntary_ctxt_switches:\t", nonvol, "\n");
  }

  static std::string Io(uint64_t r, uint64_t w) {
    return absl::StrCat("rchar: 1\nwchar: 2\nsyscr: 3\nsyscw: 4\nread_bytes: ", r,
                        "\nwrite_bytes: ", w, "\ncancelled_write_bytes: 0\n");
  }

  void Add(const FakeProc& p) const {
    const std::string d = std::to_string(p.pid);
    Write(d + "/stat", StatLine(p.pid, p.comm, p.state, p.ppid, p.minflt, p.majflt, p.utime,
                                p.stime, p.threads.empty() ? p.num_threads
                                                           : static_cast<int64_t>(p.threads.size()),
                                p.starttime, p.vsize, p.rss));
    Write(d + "/status", Status(p.comm, p.uid, p.swap_kb, p.ctx_vol, p.ctx_nonvol));
    if (p.io) Write(d + "/io", Io(p.read_bytes, p.write_bytes));
    else std::filesystem::remove(std::filesystem::path(root_) / d / "io");
    std::string cmdline;
    for (const std::string& a : p.argv) cmdline += a + '\0';
    Write(d + "/cmdline", cmdline);
    Write(d + "/cgroup", p.cgroup);
    Write(d + "/limits",
          "Limit                     Soft Limit           Hard Limit           Units     \n"
          "Max cpu time              unlimited            unlimited            seconds   \n"
          "Max open files            " +
              p.open_files_limit + "                 524288               files     \n");
    Write(d + "/wchan", p.wchan);
    Write(d + "/smaps_rollup",
          absl::StrCat("00400000-7fff [rollup]\nRss:  100 kB\nPss:  ", p.pss_kb,
                       " kB\nSwap:  0 kB\nSwapPss:  ", p.swap_pss_kb, " kB\n"));
    // Files are rewritten in place (a kept descriptor sees the new text, as
    // on procfs); entries no longer wanted are removed.
    std::filesystem::remove_all(std::filesystem::path(root_) / d / "fd");
    std::filesystem::create_directories(std::filesystem::path(root_) / d / "fd");
    for (int i = 0; i < p.fds; ++i) Write(absl::StrCat(d, "/fd/", i), "");
    std::vector<FakeThread> threads = p.threads;
    if (threads.empty()) {
      FakeThread self;
      self.tid = p.pid;
      self.comm = p.comm;
      self.state = p.state;
      self.utime = p.utime;
      self.stime = p.stime;
      self.starttime = p.starttime;
      self.ctx_vol = p.ctx_vol;
      self.ctx_nonvol = p.ctx_nonvol;
      threads.push_back(self);
    }
    const std::filesystem::path task = std::filesystem::path(root_) / d / "task";
    if (std::filesystem::exists(task)) {
      for (const auto& e : std::filesystem::directory_iterator(task)) {
        bool keep = false;
        for (const FakeThread& t : threads) keep |= e.path().filename() == std::to_string(t.tid);
        if (!keep) std::filesystem::remove_all(e.path());
      }
    }
    for (const FakeThread& t : threads) {
      const std::string td = absl::StrCat(d, "/task/", t.tid);
      Write(td + "/stat", StatLine(t.tid, t.comm, t.state, p.ppid, t.minflt, t.majflt, t.utime,
                                   t.stime, static_cast<int64_t>(threads.size()), t.starttime,
                                   p.vsize, p.rss));
      Write(td + "/status", Status(t.comm, p.uid, 0, t.ctx_vol, t.ctx_nonvol));
      Write(td + "/io", Io(t.read_bytes, t.write_bytes));
      Write(td + "/wchan", t.wchan);
    }
  }

  void Remove(int pid) const {
    std::filesystem::remove_all(std::filesystem::path(root_) / std::to_string(pid));
  }

 private:
  std::string root_;
};

}  // namespace outpost::integrations::process::testing

#endif  // OUTPOST_TESTS_INTEGRATIONS_PROCESS_FAKE_PROCFS_H_
