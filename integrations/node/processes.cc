// processes (off by default): process and thread counts by state, threads
// allocated, PIDs in use, and the kernel's thread and PID limits, from
// <procfs>/[pid]/stat, <procfs>/[pid]/task/[tid]/stat and
// <procfs>/sys/kernel/{threads-max,pid_max} (node_exporter 1.5.0
// collector/processes_linux.go with prometheus/procfs v0.8.0
// proc_stat.go). A process or thread that vanishes while it is read
// (ENOENT, ESRCH) is skipped; a malformed stat file fails the collection.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

absl::Status ParseProcStat(std::string_view text, std::string_view* state, int64_t* threads) {
  // The comm is between the first '(' and the last ')'; 40 values follow.
  const size_t l = text.find('('), r = text.rfind(')');
  if (l == std::string_view::npos || r == std::string_view::npos || r + 2 > text.size()) {
    return absl::InvalidArgumentError("unexpected format, couldn't extract comm");
  }
  constexpr size_t kValues = 40;
  std::string_view f[kValues];
  if (SplitFields(Trim(text.substr(r + 2)), f, kValues) < kValues) {
    return absl::InvalidArgumentError("unexpected EOF in stat");
  }
  for (size_t i = 1; i < kValues; ++i) {
    int64_t si;
    uint64_t ui;
    if (!ParseInt(f[i], &si) && !ParseUint(f[i], &ui)) {
      return absl::InvalidArgumentError(Cat("bad stat value: ", f[i]));
    }
  }
  *state = f[0];
  if (!ParseInt(f[17], threads)) return absl::InvalidArgumentError("bad num_threads");
  return absl::OkStatus();
}

namespace {

bool Ignored(int err) { return err == ENOENT || err == ESRCH; }

// procfs' AllProcs: the entries of `dir` that are decimal integers.
int ListPids(const std::string& dir, std::vector<int64_t>* out) {
  out->clear();
  absl::StatusOr<std::vector<std::string>> names = ListDir(dir);
  if (!names.ok()) return absl::IsNotFound(names.status()) ? ENOENT : EIO;
  for (const std::string& n : *names) {
    int64_t pid;
    if (ParseInt(n, &pid)) out->push_back(pid);
  }
  return 0;
}

class ProcessesCollector final : public Collector {
 public:
  explicit ProcessesCollector(const Paths& p)
      : proc_(p.procfs),
        threads_max_(p.Proc("sys/kernel/threads-max")),
        pid_max_(p.Proc("sys/kernel/pid_max")) {
    auto g = [](const char* n, const char* help) {
      return MetricFamily{Cat("node_processes_", n), MetricType::kGauge, help, ""};
    };
    threads_ = g("threads", "Allocated threads in system");
    max_threads_ = g("max_threads", "Limit of threads in the system");
    threads_state_ = g("threads_state", "Number of threads in each state.");
    state_ = g("state", "Number of processes in each state.");
    pids_ = g("pids", "Number of PIDs");
    max_processes_ = g("max_processes", "Number of max PIDs limit");
  }

 protected:
  absl::Status Update() override {
    if (int e = ListPids(proc_, &pids_list_); e != 0) {
      return absl::UnavailableError(Cat("unable to list all processes in ", proc_));
    }
    proc_states_.clear();
    thread_states_.clear();
    int64_t pids = 0, threads = 0;
    for (int64_t pid : pids_list_) {
      std::string_view state;
      int64_t n = 0;
      path_ = Cat(proc_, "/", pid, "/stat");
      int e = ReadInto(path_);
      if (e != 0) {
        if (Ignored(e)) continue;
        return ErrnoToStatus(e, "read", path_);
      }
      if (absl::Status st = ParseProcStat(buf_, &state, &n); !st.ok()) {
        return absl::InvalidArgumentError(Cat("error reading stat for pid ", pid, ": ",
                                              ToStd(st.message())));
      }
      ++pids;
      ++proc_states_[std::string(state)];
      threads += n;
      const std::string pid_state(state);
      if (absl::Status st = ThreadStates(pid, pid_state); !st.ok()) return st;
    }
    series_.Add(threads_, static_cast<double>(threads));
    absl::StatusOr<uint64_t> max_threads = ReadUint(threads_max_);
    if (!max_threads.ok()) return max_threads.status();
    series_.Add(max_threads_, static_cast<double>(*max_threads));
    for (const auto& [s, n] : proc_states_) series_.Add(state_, {{"state", s}}, n);
    for (const auto& [s, n] : thread_states_) {
      series_.Add(threads_state_, {{"thread_state", s}}, n);
    }
    absl::StatusOr<uint64_t> pid_max = ReadUint(pid_max_);
    if (!pid_max.ok()) return pid_max.status();
    series_.Add(pids_, static_cast<double>(pids));
    series_.Add(max_processes_, static_cast<double>(*pid_max));
    return absl::OkStatus();
  }

 private:
  absl::Status ThreadStates(int64_t pid, const std::string& pid_state) {
    const std::string task = Cat(proc_, "/", pid, "/task");
    if (int e = ListPids(task, &tids_); e != 0) {
      return Ignored(e) ? absl::OkStatus()
                        : absl::UnavailableError(Cat("unable to list all threads for pid ", pid));
    }
    for (int64_t tid : tids_) {
      if (tid == pid) {
        ++thread_states_[pid_state];
        continue;
      }
      path_ = Cat(task, "/", tid, "/stat");
      int e = ReadInto(path_);
      if (e != 0) {
        if (Ignored(e)) continue;
        return ErrnoToStatus(e, "read", path_);
      }
      std::string_view state;
      int64_t n;
      if (absl::Status st = ParseProcStat(buf_, &state, &n); !st.ok()) {
        return absl::InvalidArgumentError(
            Cat("error reading stat for pid:", pid, " thread:", tid, ": ", ToStd(st.message())));
      }
      ++thread_states_[std::string(state)];
    }
    return absl::OkStatus();
  }

  // open/read/close into buf_ (these files come and go with processes).
  int ReadInto(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    buf_.resize(4096);
    size_t len = 0;
    for (;;) {
      if (len == buf_.size()) buf_.resize(buf_.size() * 2);
      ssize_t n = ::read(fd, buf_.data() + len, buf_.size() - len);
      if (n < 0) {
        int e = errno;
        ::close(fd);
        return e;
      }
      if (n == 0) break;
      len += static_cast<size_t>(n);
    }
    ::close(fd);
    buf_.resize(len);
    return 0;
  }

  static absl::StatusOr<uint64_t> ReadUint(ProcFile& f) {
    absl::StatusOr<std::string_view> r = f.Read();
    if (!r.ok()) return r.status();
    uint64_t v;
    if (!ParseUint(Trim(*r), &v)) return absl::InvalidArgumentError(Cat("bad value in ", f.path()));
    return v;
  }

  std::string proc_, path_, buf_;
  ProcFile threads_max_, pid_max_;
  std::vector<int64_t> pids_list_, tids_;
  std::map<std::string, double> proc_states_, thread_states_;
  MetricFamily threads_, max_threads_, threads_state_, state_, pids_, max_processes_;
};

}  // namespace

CollectorOr NewProcessesCollector(const Options&, const Paths& p) {
  return std::make_unique<ProcessesCollector>(p);
}

}  // namespace outpost::integrations::node
