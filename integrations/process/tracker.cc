#include "integrations/process/tracker.h"

#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <linux/magic.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <charconv>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/base/absl_compat.h"

namespace outpost::integrations::process {

struct Tracker::Thread {
  std::unique_ptr<ProcFile> stat, status, io, wchan;
  uint64_t round = 0;  // the last scan that read it
  // This scan's read.
  uint64_t starttime = 0;
  std::string name;
  Counts counts;
  std::string wchan_text;
  char state = 0;
  // trackedThread: accumulated counts and the latest delta.
  bool tracked = false;
  uint64_t tracked_start = 0;
  Counts accum, latest;
};

struct Tracker::Proc {
  enum class Kind { kNew, kTracked, kIgnored };
  int pid = 0;
  std::string dir;  // "<procfs>/<pid>"
  uint64_t starttime = 0;
  Kind kind = Kind::kNew;
  int group = -1;
  uint64_t round = 0;          // the last scan it was read in
  uint64_t pending_round = 0;  // the scan it was new (unnamed) in
  bool visiting = false;       // CheckAncestry's cycle guard
  std::unique_ptr<ProcFile> stat, status, io, limits, wchan, smaps;
  // Metrics of the latest read.
  Counts counts, lastaccum;
  Memory memory;
  int64_t fd_open = 0;
  uint64_t fd_limit = 0;
  uint64_t num_threads = 0;
  States states;
  std::string wchan_text;
  // Static details (read when new).
  int64_t ppid = 0;
  std::string comm;
  std::vector<std::string> cmdline, cgroups;
  int64_t euid = 0;
  Status status_parsed;
  absl::flat_hash_map<int, std::unique_ptr<Thread>> threads;
  int threads_read = 0;         // this scan
  bool threads_tracked = false;  // upstream's tp.threads != nil
};

namespace {

std::unique_ptr<ProcFile> NewFile(std::string_view dir, std::string_view name) {
  return std::make_unique<ProcFile>(absl::StrCat(ToAbsl(dir), "/", ToAbsl(name)));
}

size_t OpenCount(const ProcFile* f) { return f != nullptr && f->is_open() ? 1 : 0; }

size_t OpenFiles(const Tracker::Thread& t) {
  return OpenCount(t.stat.get()) + OpenCount(t.status.get()) + OpenCount(t.io.get()) +
         OpenCount(t.wchan.get());
}

}  // namespace

int ListNumeric(const std::string& dir, std::vector<int>* out) {
  out->clear();
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  alignas(8) char buf[16384];
  int err = 0;
  for (;;) {
    const long n = ::syscall(SYS_getdents64, fd, buf, sizeof(buf));
    if (n < 0) {
      err = errno;
      break;
    }
    if (n == 0) break;
    for (long off = 0; off < n;) {
      const auto* d = reinterpret_cast<const struct dirent64*>(buf + off);
      off += d->d_reclen;
      const char* name = d->d_name;
      const size_t len = strlen(name);
      int v = 0;
      auto [p, ec] = std::from_chars(name, name + len, v);
      if (ec == std::errc() && p == name + len && len > 0 && name[0] != '-') out->push_back(v);
    }
  }
  ::close(fd);
  return err;
}

int64_t CountEntries(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  alignas(8) char buf[16384];
  int64_t count = 0;
  for (;;) {
    const long n = ::syscall(SYS_getdents64, fd, buf, sizeof(buf));
    if (n < 0) {
      count = -1;
      break;
    }
    if (n == 0) break;
    for (long off = 0; off < n;) {
      const auto* d = reinterpret_cast<const struct dirent64*>(buf + off);
      off += d->d_reclen;
      if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0) ++count;
    }
  }
  ::close(fd);
  return count;
}

namespace {

// stat() of /proc/<pid>/fd: Linux 6.2+ reports the number of open fds as
// the size, without building a dentry per fd as a listing does.
int64_t CountByStat(const std::string& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.st_size);
}

// Whether CountByStat gives what a listing of <procfs>/<pid>/fd gives: a
// real procfs on a kernel that reports the count (a listing of our own fd
// directory is never empty), and root, for whom every listing succeeds
// (stat has no ptrace check: for another user's process it would count
// where upstream's listing fails).
bool FdSizeIsCount(const std::string& procfs) {
  struct statfs fs;
  if (geteuid() != 0 || ::statfs(procfs.c_str(), &fs) != 0 || fs.f_type != PROC_SUPER_MAGIC)
    return false;
  const std::string self = procfs + "/self/fd";
  return CountByStat(self) > 0 && CountByStat(self) == CountEntries(self);
}

}  // namespace

Tracker::Tracker(Settings s, std::unique_ptr<Matcher> matcher)
    : settings_(std::move(s)), matcher_(std::move(matcher)) {
  fd_size_counts_ = FdSizeIsCount(settings_.procfs_path);
  if (settings_.fd_budget == 0) {
    struct rlimit rl;
    settings_.fd_budget = 256;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
      settings_.fd_budget = static_cast<size_t>(rl.rlim_cur / 4);
  }
  boot_stat_ = NewFile(settings_.procfs_path, "stat");
}

Tracker::~Tracker() = default;

bool Tracker::ReadFile(ProcFile& f, std::string_view* out) {
  const bool was_open = f.is_open();
  int err = f.ReadErrno(out);
  if (err != 0 && f.is_open()) {
    // ESRCH through a kept descriptor: the process is gone, its pid maybe
    // reused; one fresh open decides.
    f.Close();
    err = f.ReadErrno(out);
  }
  if (err != 0) f.Close();
  if (was_open && !f.is_open()) --kept_;
  if (!was_open && f.is_open()) {
    if (kept_ >= settings_.fd_budget) f.Close();
    else ++kept_;
  }
  return err == 0;
}

void Tracker::Drop(Proc& p) {
  for (const ProcFile* f : {p.stat.get(), p.status.get(), p.io.get(), p.limits.get(),
                            p.wchan.get(), p.smaps.get()}) {
    kept_ -= OpenCount(f);
  }
  for (const auto& [tid, t] : p.threads) kept_ -= OpenFiles(*t);
}

int Tracker::GroupIndex(const std::string& name) {
  auto it = group_index_.find(name);
  if (it != group_index_.end()) return it->second;
  const int idx = static_cast<int>(groups_.size());
  groups_.push_back(std::make_unique<Group>());
  groups_.back()->name = name;
  group_index_.emplace(name, idx);
  return idx;
}

std::string_view Tracker::Username(int64_t uid) {
  auto it = usernames_.find(uid);
  if (it != usernames_.end()) return it->second;
  // Go's user.LookupId; the uid itself when unknown.
  std::string name = std::to_string(uid);
  struct passwd pw, *res = nullptr;
  char buf[4096];
  if (getpwuid_r(static_cast<uid_t>(uid), &pw, buf, sizeof(buf), &res) == 0 && res != nullptr)
    name = res->pw_name;
  return usernames_.emplace(uid, std::move(name)).first->second;
}

bool Tracker::ReadThreads(Proc& p) {
  p.threads_read = 0;
  path_buf_.assign(p.dir);
  path_buf_.append("/task");
  if (ListNumeric(path_buf_, &tids_) != 0) {
    for (auto& [tid, t] : p.threads) kept_ -= OpenFiles(*t);
    p.threads.clear();
    return false;
  }
  for (int tid : tids_) {
    std::unique_ptr<Thread>& slot = p.threads[tid];
    if (slot == nullptr) {
      slot = std::make_unique<Thread>();
      const std::string dir = absl::StrCat(p.dir, "/task/", tid);
      slot->stat = NewFile(dir, "stat");
      slot->status = NewFile(dir, "status");
      slot->io = NewFile(dir, "io");
      slot->wchan = NewFile(dir, "wchan");
    }
    Thread& t = *slot;
    std::string_view text;
    Stat st;
    if (!ReadFile(*t.stat, &text) || !ParseStat(text, &st)) continue;
    t.name.assign(st.comm);
    t.starttime = st.starttime;
    t.state = st.state;
    Status status;
    if (!ReadFile(*t.status, &text) || !ParseStatus(text, &status)) continue;
    uint64_t rb = 0, wb = 0;
    if (!ReadFile(*t.io, &text) || !ParseIo(text, &rb, &wb)) rb = wb = 0;
    t.wchan_text.clear();
    if (ReadFile(*t.wchan, &text)) t.wchan_text.assign(ParseWchan(text));
    t.counts = Counts{static_cast<double>(st.utime) / kUserHZ,
                      static_cast<double>(st.stime) / kUserHZ,
                      rb,
                      wb,
                      st.majflt,
                      st.minflt,
                      status.ctx_voluntary,
                      status.ctx_nonvoluntary};
    t.round = round_;
    ++p.threads_read;
  }
  absl::erase_if(p.threads, [&](const auto& kv) {
    if (kv.second->round == round_) return false;
    kept_ -= OpenFiles(*kv.second);
    return true;
  });
  // read.go GetThreads: fewer than two threads count as none.
  if (p.threads_read < 2) p.threads_read = 0;
  return true;
}

// handleProc's GetMetrics and GetThreads. False on a read error (the
// process is then not updated this scan).
bool Tracker::ReadProcess(Proc& p, const Stat& st, CollectErrors* errs) {
  std::string_view text;
  const uint64_t pagesize = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  if (p.kind == Proc::Kind::kNew) p.comm.assign(st.comm);
  p.ppid = st.ppid;
  Memory mem{static_cast<uint64_t>(st.rss) * pagesize, st.vsize, 0, 0, 0};
  if (!ReadFile(*p.status, &text)) {
    ++errs->read;
    return false;
  }
  ParseStatus(text, &p.status_parsed);
  mem.swapped = p.status_parsed.vm_swap_bytes;
  uint64_t soft = 0;
  uint64_t rb = 0, wb = 0;
  if (!ReadFile(*p.io, &text) || !ParseIo(text, &rb, &wb)) {
    rb = wb = 0;
    soft = 1;
  }
  Counts counts{static_cast<double>(st.utime) / kUserHZ,
                static_cast<double>(st.stime) / kUserHZ,
                rb,
                wb,
                st.majflt,
                st.minflt,
                p.status_parsed.ctx_voluntary,
                p.status_parsed.ctx_nonvoluntary};
  path_buf_.assign(p.dir);
  path_buf_.append("/fd");
  const int64_t fds = fd_size_counts_ ? CountByStat(path_buf_) : CountEntries(path_buf_);
  if (fds < 0) soft = 1;
  uint64_t limit = 0;
  if (!ReadFile(*p.limits, &text) || !ParseOpenFilesLimit(text, &limit)) {
    ++errs->read;
    return false;
  }
  std::string_view wchan;
  if (ReadFile(*p.wchan, &text)) wchan = ParseWchan(text);
  else soft = 1;
  p.wchan_text.assign(wchan);
  if (settings_.gather_smaps) {
    if (!ReadFile(*p.smaps, &text) ||
        !ParseSmapsRollup(text, &mem.proportional, &mem.proportional_swap)) {
      mem.proportional = mem.proportional_swap = 0;
      soft = 1;
    }
  }
  States states;
  states.AddState(st.state);
  if (st.num_threads > 1) {
    if (!ReadThreads(p)) soft = 1;
  } else {
    // read.go GetThreads reads the one thread's files and then drops them
    // (fewer than two count as none): nothing to read.
    p.threads_read = 0;
    for (auto& [tid, t] : p.threads) kept_ -= OpenFiles(*t);
    p.threads.clear();
  }
  if (p.threads_read > 0) {
    // tracker.go handleProc: ctx switches are the threads' sum, and the
    // threads' states add to the process's own.
    counts.ctx_voluntary = counts.ctx_nonvoluntary = 0;
    for (const auto& [tid, t] : p.threads) {
      if (t->round != round_) continue;
      counts.ctx_voluntary += t->counts.ctx_voluntary;
      counts.ctx_nonvoluntary += t->counts.ctx_nonvoluntary;
      states.AddState(t->state);
    }
  }
  errs->partial += soft;
  if (p.kind == Proc::Kind::kTracked) p.lastaccum = counts.Sub(p.counts);
  p.counts = counts;
  p.memory = mem;
  p.fd_open = fds;
  p.fd_limit = limit;
  p.num_threads = static_cast<uint64_t>(st.num_threads);
  p.states = states;
  return true;
}

// GetStatic: cmdline, cgroups and the effective uid of a new process.
bool Tracker::ReadStatic(Proc& p) {
  path_buf_.assign(p.dir);
  path_buf_.append("/cmdline");
  ProcFile cmdline(path_buf_);
  absl::StatusOr<std::string_view> text = cmdline.Read();
  if (!text.ok()) return false;
  ParseCmdline(*text, &p.cmdline);
  path_buf_.assign(p.dir);
  path_buf_.append("/cgroup");
  ProcFile cgroup(path_buf_);
  text = cgroup.Read();
  if (!text.ok() || !ParseCgroups(*text, &p.cgroups)) p.cgroups.clear();
  if (!p.status_parsed.has_uid) return false;
  p.euid = p.status_parsed.effective_uid;
  return true;
}

void Tracker::Track(Proc& p, int group) {
  p.kind = Proc::Kind::kTracked;
  p.group = group;
  p.threads_tracked = p.threads_read > 0;
  for (auto& [tid, t] : p.threads) {
    t->tracked = p.threads_tracked;
    t->tracked_start = t->starttime;
    t->accum = t->counts;
    t->latest = Counts{};
  }
  // tracker.go track: a process started after the first scan contributes
  // its whole counts; one already running when the collector started, only
  // what it does from then on.
  const int64_t start_ns = static_cast<int64_t>(boot_time_) * 1000000000 +
                           static_cast<int64_t>(p.starttime) * 10000000;
  p.lastaccum = start_ns > first_update_ns_ ? p.counts : Counts{};
}

void Tracker::Ignore(Proc& p) {
  if (settings_.recheck) return;  // read again as new next scan
  p.kind = Proc::Kind::kIgnored;
  // Only its stat is read from now on (to notice a reused pid).
  for (ProcFile* f : {p.status.get(), p.io.get(), p.limits.get(), p.wchan.get(), p.smaps.get()}) {
    kept_ -= OpenCount(f);
    f->Close();
  }
  for (const auto& [tid, t] : p.threads) kept_ -= OpenFiles(*t);
  p.threads.clear();
  p.cmdline.clear();
  p.cgroups.clear();
}

int Tracker::CheckAncestry(Proc& p) {
  auto it = procs_.find(static_cast<int>(p.ppid));
  if (p.ppid < 1 || it == procs_.end() || it->second->round != round_) {
    Ignore(p);
    return -1;
  }
  Proc& parent = *it->second;
  if (parent.kind == Proc::Kind::kTracked) {
    Track(p, parent.group);
    return parent.group;
  }
  if (parent.kind == Proc::Kind::kNew && parent.pending_round == round_ && !parent.visiting) {
    p.visiting = true;
    const int g = CheckAncestry(parent);
    p.visiting = false;
    if (g >= 0) {
      Track(p, g);
      return g;
    }
  }
  Ignore(p);
  return -1;
}

absl::Status Tracker::Update(CollectErrors* errs) {
  if (first_update_ns_ == 0) first_update_ns_ = absl::GetCurrentTimeNanos();
  if (boot_time_ == 0) {
    std::string_view text;
    if (!ReadFile(*boot_stat_, &text) || !ParseBootTime(text, &boot_time_)) {
      return absl::UnavailableError(
          absl::StrCat("error reading procs: no boot time in ", boot_stat_->path()));
    }
  }
  const int err = ListNumeric(settings_.procfs_path, &pids_);
  if (err != 0) {
    return absl::UnavailableError(absl::StrCat("error reading procs: ", settings_.procfs_path,
                                               ": ", strerror(err)));
  }
  ++round_;
  new_procs_.clear();
  for (int pid : pids_) {
    std::unique_ptr<Proc>& slot = procs_[pid];
    if (slot == nullptr) {
      slot = std::make_unique<Proc>();
      slot->pid = pid;
      slot->dir = absl::StrCat(settings_.procfs_path, "/", pid);
      slot->stat = NewFile(slot->dir, "stat");
      slot->status = NewFile(slot->dir, "status");
      slot->io = NewFile(slot->dir, "io");
      slot->limits = NewFile(slot->dir, "limits");
      slot->wchan = NewFile(slot->dir, "wchan");
      slot->smaps = NewFile(slot->dir, "smaps_rollup");
    }
    Proc& p = *slot;
    std::string_view text;
    Stat st;
    // GetProcID: a process whose stat cannot be read is skipped silently.
    if (!ReadFile(*p.stat, &text) || !ParseStat(text, &st)) continue;
    if (p.kind != Proc::Kind::kNew && st.starttime != p.starttime) {
      // The pid now belongs to another process.
      p.kind = Proc::Kind::kNew;
      p.group = -1;
    }
    p.starttime = st.starttime;
    if (p.kind == Proc::Kind::kIgnored) {
      p.round = round_;
      continue;
    }
    if (!ReadProcess(p, st, errs)) continue;
    if (p.kind == Proc::Kind::kTracked) {
      // trackedProc.update: thread deltas.
      p.threads_tracked = p.threads_read > 0;
      for (auto& [tid, t] : p.threads) {
        const bool known = t->tracked && t->tracked_start == t->starttime;
        t->latest = known ? t->counts.Sub(t->accum) : Counts{};
        t->accum = t->counts;
        t->tracked = p.threads_tracked;
        t->tracked_start = t->starttime;
      }
    } else {
      if (!ReadStatic(p)) continue;
      p.pending_round = round_;
      new_procs_.push_back(&p);
    }
    p.round = round_;
  }
  absl::erase_if(procs_, [&](const auto& kv) {
    if (kv.second->round == round_) return false;
    Drop(*kv.second);
    return true;
  });

  // Names for the new processes, then their children.
  for (Proc* p : new_procs_) {
    const int64_t start_ticks = static_cast<int64_t>(boot_time_) * 100 + static_cast<int64_t>(p->starttime);
    ProcAttributes attrs{p->comm,       &p->cmdline,       &p->cgroups,
                         Username(p->euid), p->pid,       start_ticks / 100,
                         (start_ticks % 100) * 10000000};
    if (matcher_->MatchAndName(attrs, &name_buf_)) Track(*p, GroupIndex(name_buf_));
  }
  if (settings_.track_children) {
    for (Proc* p : new_procs_) {
      if (p->kind == Proc::Kind::kNew) CheckAncestry(*p);
    }
  }
  Fold();
  return absl::OkStatus();
}

void Tracker::Fold() {
  for (std::unique_ptr<Group>& g : groups_) {
    g->present = false;
    g->procs = 0;
    g->memory = Memory{};
    g->open_fds = 0;
    g->worst_fd_ratio = 0;
    g->num_threads = 0;
    g->states = States{};
    g->oldest_start_ticks = -1;
    for (auto& [w, n] : g->wchans) n = 0;
    for (auto& [name, agg] : g->threads) agg.num = 0;
  }
  for (auto& [pid, pp] : procs_) {
    const Proc& p = *pp;
    if (p.kind != Proc::Kind::kTracked) continue;
    Group& g = *groups_[static_cast<size_t>(p.group)];
    g.present = true;
    ++g.procs;
    g.memory.resident += p.memory.resident;
    g.memory.virtual_ += p.memory.virtual_;
    g.memory.swapped += p.memory.swapped;
    g.memory.proportional += p.memory.proportional;
    g.memory.proportional_swap += p.memory.proportional_swap;
    if (p.fd_open != -1) g.open_fds += static_cast<uint64_t>(p.fd_open);
    const double ratio = static_cast<double>(p.fd_open) / static_cast<double>(p.fd_limit);
    if (g.worst_fd_ratio < ratio) g.worst_fd_ratio = ratio;
    g.num_threads += p.num_threads;
    g.counts.Add(p.lastaccum);
    g.states.Add(p.states);
    const int64_t start = static_cast<int64_t>(boot_time_) * 100 + static_cast<int64_t>(p.starttime);
    if (g.oldest_start_ticks < 0 || start < g.oldest_start_ticks) g.oldest_start_ticks = start;
    if (!p.wchan_text.empty()) ++g.wchans[p.wchan_text];
    if (!p.threads_tracked) continue;
    for (const auto& [tid, t] : p.threads) {
      if (!t->tracked) continue;
      Group::ThreadAgg& agg = g.threads[t->name];
      ++agg.num;
      agg.counts.Add(t->latest);
      if (!t->wchan_text.empty()) ++g.wchans[t->wchan_text];
    }
  }
  // grouper.go threads: a present group keeps only this scan's thread names
  // (an absent group's history stays until it is back).
  for (std::unique_ptr<Group>& g : groups_) {
    if (g->present) absl::erase_if(g->threads, [](const auto& kv) { return kv.second.num == 0; });
  }
}

}  // namespace outpost::integrations::process
