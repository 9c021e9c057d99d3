// filesystem: statfs() of every mount point in <procfs>/1/mounts (falling
// back to <procfs>/mounts), minus filesystem_mount_points_exclude and
// filesystem_fs_types_exclude.
// Model: node_exporter collector/filesystem_linux.go and
// filesystem_common.go. statfs runs on a worker thread and is waited for at
// most filesystem_mount_timeout; a mount that does not answer is marked
// stuck (node_filesystem_device_error 1) and skipped until its pending
// statfs returns. At most kMaxHungWorkers threads may be stuck at once.
// Only filesystems that can hang on something outside the machine (network
// and FUSE ones, MayHang) go through the worker; statfs of a local
// filesystem answers from memory and runs inline, which spares two thread
// switches per mount point and collection.
#include <sys/statfs.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "integrations/node/collectors.h"
#include "re2/re2.h"

namespace outpost::integrations::node {

namespace {

// fstab(5) escapes in the mount point.
void Unescape(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\\' && in.substr(i, 4) == "\\040") {
      out->push_back(' ');
      i += 3;
    } else if (in[i] == '\\' && in.substr(i, 4) == "\\011") {
      out->push_back('\t');
      i += 3;
    } else {
      out->push_back(in[i]);
    }
  }
}

}  // namespace

absl::Status ParseMounts(std::string_view text, std::string_view rootfs,
                         std::vector<MountEntry>* out) {
  size_t n_out = 0;
  std::string_view line;
  while (NextLine(&text, &line)) {
    std::string_view f[6];
    size_t n = SplitFields(line, f, 6);
    if (n == 0) continue;
    if (n < 4) return absl::InvalidArgumentError(Cat("malformed mount line: ", line));
    if (out->size() <= n_out) out->emplace_back();
    MountEntry& e = (*out)[n_out++];
    e.device.assign(f[0]);
    Unescape(f[1], &e.mount_point);
    // rootfsStripPrefix: mount points are reported relative to rootfs.
    if (rootfs != "/" && !rootfs.empty()) {
      std::string_view root = rootfs;
      while (root.size() > 1 && root.back() == '/') root.remove_suffix(1);
      if (std::string_view(e.mount_point).substr(0, root.size()) == root) {
        e.mount_point.erase(0, root.size());
        if (e.mount_point.empty()) e.mount_point.push_back('/');  // (not = "/": GCC 12 -Wrestrict false positive, PR105651)
      }
    }
    e.fs_type.assign(f[2]);
    e.read_only = false;
    std::string_view opts = f[3];
    while (!opts.empty()) {
      size_t c = opts.find(',');
      if (opts.substr(0, c) == "ro") e.read_only = true;
      if (c == std::string_view::npos) break;
      opts.remove_prefix(c + 1);
    }
  }
  out->resize(n_out);
  return absl::OkStatus();
}

namespace {

constexpr int kMaxHungWorkers = 4;

bool MayHang(std::string_view fs_type) {
  static constexpr std::string_view kRemote[] = {
      "9p",     "afs",   "beegfs", "ceph", "cifs",  "davfs", "gfs2",  "glusterfs", "gpfs",
      "lustre", "ncpfs", "nfs",    "nfs4", "ocfs2", "smb3",  "smbfs", "sshfs",     "virtiofs"};
  if (fs_type.substr(0, 4) == "fuse") return true;
  for (std::string_view r : kRemote) {
    if (fs_type == r) return true;
  }
  return false;
}

// Runs statfs on a worker thread with a timeout (see the file comment).
class StatfsRunner {
 public:
  enum class Result { kOk, kError, kStuck };

  explicit StatfsRunner(absl::Duration timeout)
      : timeout_(timeout), shared_(std::make_shared<Shared>()) {}
  ~StatfsRunner() { StopWorker(); }

  bool IsStuck(const std::string& mount_point) {
    absl::MutexLock l(&shared_->mu);
    return shared_->stuck.contains(mount_point);
  }

  Result Statfs(const std::string& mount_point, const std::string& path, struct statfs* out) {
    if (job_ == nullptr) {
      {
        absl::MutexLock l(&shared_->mu);
        if (shared_->hung >= kMaxHungWorkers) return Result::kStuck;
      }
      job_ = std::make_shared<Job>();
      thread_ = std::thread(&StatfsRunner::Work, job_, shared_);
    }
    Job& job = *job_;
    job.mu.Lock();
    job.path = path;
    job.mount = mount_point;
    job.has_request = true;
    job.done = false;
    if (!job.mu.AwaitWithTimeout(absl::Condition(&job.done), timeout_)) {
      job.abandoned = true;
      job.mu.Unlock();
      {
        absl::MutexLock l(&shared_->mu);
        shared_->stuck.insert(mount_point);
        ++shared_->hung;
      }
      thread_.detach();  // it ends by itself when its statfs returns
      job_.reset();
      return Result::kStuck;
    }
    int rc = job.rc;
    *out = job.buf;
    job.mu.Unlock();
    return rc == 0 ? Result::kOk : Result::kError;
  }

 private:
  struct Shared {
    absl::Mutex mu;
    absl::flat_hash_set<std::string> stuck;
    int hung = 0;
  };
  struct Job {
    absl::Mutex mu;
    bool has_request = false, done = false, quit = false, abandoned = false;
    std::string path, mount;
    int rc = 0;
    struct statfs buf {};
  };

  static void Work(std::shared_ptr<Job> job, std::shared_ptr<Shared> shared) {
    while (true) {
      job->mu.LockWhen(absl::Condition(
          +[](Job* j) { return j->has_request || j->quit; }, job.get()));
      if (!job->has_request) {
        job->mu.Unlock();
        return;
      }
      std::string path = job->path;
      job->mu.Unlock();
      struct statfs buf {};
      int rc = ::statfs(path.c_str(), &buf);
      job->mu.Lock();
      job->rc = rc;
      job->buf = buf;
      job->done = true;
      job->has_request = false;
      bool abandoned = job->abandoned;
      std::string mount = job->mount;
      job->mu.Unlock();
      if (abandoned) {
        absl::MutexLock l(&shared->mu);
        shared->stuck.erase(mount);  // recovered: monitored again
        --shared->hung;
        return;
      }
    }
  }

  void StopWorker() {
    if (job_ == nullptr) return;
    {
      absl::MutexLock l(&job_->mu);
      job_->quit = true;
    }
    thread_.join();
    job_.reset();
  }

  absl::Duration timeout_;
  std::shared_ptr<Shared> shared_;
  std::shared_ptr<Job> job_;
  std::thread thread_;
};

class FilesystemCollector final : public Collector {
 public:
  FilesystemCollector(const Options& o, const Paths& p)
      : paths_(p),
        mounts_(p.Proc("1/mounts")),
        fallback_(p.Proc("mounts")),
        mp_exclude_(o.filesystem_mount_points_exclude),
        fs_exclude_(o.filesystem_fs_types_exclude),
        runner_(o.filesystem_mount_timeout) {
    auto def = [](MetricFamily& f, const char* name, const char* help) {
      f = {name, MetricType::kGauge, help, ""};
    };
    def(size_, "node_filesystem_size_bytes", "Filesystem size in bytes.");
    def(free_, "node_filesystem_free_bytes", "Filesystem free space in bytes.");
    def(avail_, "node_filesystem_avail_bytes",
        "Filesystem space available to non-root users in bytes.");
    def(files_, "node_filesystem_files", "Filesystem total file nodes.");
    def(files_free_, "node_filesystem_files_free", "Filesystem total free file nodes.");
    def(ro_, "node_filesystem_readonly", "Filesystem read-only status.");
    def(error_, "node_filesystem_device_error",
        "Whether an error occurred while getting statistics for the given device.");
  }

  absl::Status Init() const {
    if (!mp_exclude_.ok()) return absl::InvalidArgumentError(mp_exclude_.error());
    if (!fs_exclude_.ok()) return absl::InvalidArgumentError(fs_exclude_.error());
    return absl::OkStatus();
  }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::string_view> text = mounts_.Read();
    if (!text.ok() && absl::IsNotFound(text.status())) text = fallback_.Read();  // hidepid
    if (!text.ok()) return text.status();
    if (absl::Status st = ParseMounts(*text, paths_.rootfs, &entries_); !st.ok()) return st;
    for (size_t i = 0; i < entries_.size(); ++i) {
      const MountEntry& e = entries_[i];
      if (mp_match_.Matches(e.mount_point)) continue;
      if (fs_match_.Matches(e.fs_type)) continue;
      if (SeenBefore(i)) continue;
      SeriesCache::LabelPairs labels = {
          {"device", e.device}, {"fstype", e.fs_type}, {"mountpoint", e.mount_point}};
      struct statfs buf {};
      StatfsRunner::Result r = StatfsRunner::Result::kStuck;
      if (!runner_.IsStuck(e.mount_point)) {
        path_ = paths_.rootfs == "/" ? e.mount_point : JoinPath(paths_.rootfs, e.mount_point);
        if (MayHang(e.fs_type)) {
          r = runner_.Statfs(e.mount_point, path_, &buf);
        } else {
          r = ::statfs(path_.c_str(), &buf) == 0 ? StatfsRunner::Result::kOk
                                                 : StatfsRunner::Result::kError;
        }
      }
      series_.Add(error_, labels, r == StatfsRunner::Result::kOk ? 0 : 1);
      if (r != StatfsRunner::Result::kOk) continue;
      const double bsize = static_cast<double>(buf.f_bsize);
      series_.Add(size_, labels, static_cast<double>(buf.f_blocks) * bsize);
      series_.Add(free_, labels, static_cast<double>(buf.f_bfree) * bsize);
      series_.Add(avail_, labels, static_cast<double>(buf.f_bavail) * bsize);
      series_.Add(files_, labels, static_cast<double>(buf.f_files));
      series_.Add(files_free_, labels, static_cast<double>(buf.f_ffree));
      series_.Add(ro_, labels, e.read_only ? 1 : 0);
    }
    return absl::OkStatus();
  }

 private:
  // Upstream reports a (device, mountpoint, fstype) once, the first time.
  bool SeenBefore(size_t i) const {
    const MountEntry& e = entries_[i];
    for (size_t j = 0; j < i; ++j) {
      const MountEntry& o = entries_[j];
      if (o.mount_point == e.mount_point && o.device == e.device && o.fs_type == e.fs_type) {
        return true;
      }
    }
    return false;
  }

  Paths paths_;
  ProcFile mounts_, fallback_;
  RE2 mp_exclude_, fs_exclude_;
  MatchCache mp_match_{&mp_exclude_}, fs_match_{&fs_exclude_};
  StatfsRunner runner_;
  std::vector<MountEntry> entries_;
  std::string path_;
  MetricFamily size_, free_, avail_, files_, files_free_, ro_, error_;
};

}  // namespace

CollectorOr NewFilesystemCollector(const Options& o, const Paths& p) {
  auto c = std::make_unique<FilesystemCollector>(o, p);
  if (absl::Status st = c->Init(); !st.ok()) return st;
  return c;
}

}  // namespace outpost::integrations::node
