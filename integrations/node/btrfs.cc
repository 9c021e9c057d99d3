// btrfs: node_btrfs_* per filesystem from <sysfs>/fs/btrfs/<uuid>/ and, for
// mounted filesystems, per-device sizes and error counters from the
// BTRFS_IOC_FS_INFO / DEV_INFO / GET_DEV_STATS ioctls (node_exporter 1.5.0
// collector/btrfs_linux.go with prometheus/procfs v0.8.0 btrfs/get.go and
// dennwc/btrfs). Without ioctl data, device_size_bytes comes from sysfs
// (devices/<name>/size * 512). As procfs, unparsable numbers read as 0 and
// only the allocation/system directory's errors fail the collection.
#include <fcntl.h>
#include <linux/btrfs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

std::string Hex(const unsigned char* b, size_t n) {
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s.push_back(kHex[b[i] >> 4]);
    s.push_back(kHex[b[i] & 15]);
  }
  return s;
}

// dennwc/btrfs UUID.String(): 8-4-4-4-12 hex, "<zero>" when all zero.
std::string DevUuid(const unsigned char* b) {
  bool zero = true;
  for (int i = 0; i < 16; ++i) zero = zero && b[i] == 0;
  if (zero) return "<zero>";
  return Cat(Hex(b, 4), "-", Hex(b + 4, 2), "-", Hex(b + 6, 2), "-", Hex(b + 8, 2), "-",
             Hex(b + 10, 6));
}

struct IoctlDev {
  std::string device, uuid;
  uint64_t bytes_used = 0, total_bytes = 0;
  uint64_t errs[5] = {};  // write, read, flush, corruption, generation
};

// getIoctlDeviceStats for an open mount point; false on an ioctl error.
bool IoctlDevices(int fd, std::string* fsid, std::vector<IoctlDev>* out) {
  btrfs_ioctl_fs_info_args fi{};
  if (ioctl(fd, BTRFS_IOC_FS_INFO, &fi) != 0) return false;
  *fsid = Hex(fi.fsid, sizeof(fi.fsid));
  for (uint64_t id = 0; id <= fi.max_id; ++id) {
    btrfs_ioctl_dev_info_args di{};
    di.devid = id;
    if (ioctl(fd, BTRFS_IOC_DEV_INFO, &di) != 0) {
      if (errno == ENODEV) continue;
      return false;
    }
    btrfs_ioctl_get_dev_stats ds{};
    ds.devid = id;
    ds.nr_items = BTRFS_DEV_STAT_VALUES_MAX;
    if (ioctl(fd, BTRFS_IOC_GET_DEV_STATS, &ds) != 0) return false;
    IoctlDev d;
    std::string_view path(reinterpret_cast<const char*>(di.path),
                          strnlen(reinterpret_cast<const char*>(di.path), sizeof(di.path)));
    size_t slash = path.rfind('/');
    d.device = std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
    d.uuid = DevUuid(di.uuid);
    d.bytes_used = di.bytes_used;
    d.total_bytes = di.total_bytes;
    for (int i = 0; i < 5; ++i) d.errs[i] = ds.values[i];
    out->push_back(std::move(d));
    if (out->size() == fi.num_devices) break;
  }
  return true;
}

double LayoutRatio(std::string_view layout, size_t devices) {
  const double n = static_cast<double>(devices);
  if (layout == "single" || layout == "raid0") return 1;
  if (layout == "dup" || layout == "raid1" || layout == "raid10") return 2;
  if (layout == "raid5") return n / (n - 1);
  if (layout == "raid6") return n / (n - 2);
  return 0;
}

// procfs' btrfs reader: errors other than "not found" are kept in err_.
class Reader {
 public:
  Reader(ProcFileSet& files, std::string path) : files_(files), path_(std::move(path)) {}
  std::string ReadFile(std::string_view n) {
    std::string_view v;
    int e = SysReadFile(files_, Cat(path_, "/", n), &v);
    if (e != 0) {
      if (e != ENOENT && e != ENOTDIR) err_ = ErrnoToStatus(e, "read", Cat(path_, "/", n));
      return "";
    }
    return std::string(v);
  }
  uint64_t ReadValue(std::string_view n) {
    std::string s = ReadFile(n);
    uint64_t v = 0;
    if (!err_.ok() || !ParseUint(s, &v)) return 0;
    return v;
  }
  std::vector<std::string> List(std::string_view p, bool dirs_only) {
    absl::StatusOr<std::vector<std::string>> l =
        dirs_only ? ListSubdirs(JoinPath(path_, p)) : ListDir(JoinPath(path_, p));
    if (!l.ok()) {
      err_ = l.status();
      return {};
    }
    return *std::move(l);
  }
  absl::Status err_ = absl::OkStatus();

 private:
  ProcFileSet& files_;
  std::string path_;
};

constexpr const char* kErrTypes[] = {"write", "read", "flush", "corruption", "generation"};
constexpr const char* kGroups[] = {"data", "metadata", "system"};

class BtrfsCollector final : public Collector {
 public:
  explicit BtrfsCollector(const Paths& p) : paths_(p), dir_(p.Sys("fs/btrfs")) {
    auto g = [](const char* n, const char* help) {
      return MetricFamily{Cat("node_btrfs_", n), MetricType::kGauge, help, ""};
    };
    info_ = g("info", "Filesystem information");
    global_rsv_ = g("global_rsv_size_bytes", "Size of global reserve.");
    reserved_ = g("reserved_bytes", "Amount of space reserved for a data type");
    used_ = g("used_bytes", "Amount of used space by a layout/data type");
    size_ = g("size_bytes", "Amount of space allocated for a layout/data type");
    ratio_ = g("allocation_ratio", "Data allocation ratio for a layout/data type");
    dev_size_ = g("device_size_bytes", "Size of a device that is part of the filesystem.");
    dev_unused_ = g("device_unused_bytes",
                    "Unused bytes unused on a device that is part of the filesystem.");
    dev_errors_ = {"node_btrfs_device_errors_total", MetricType::kCounter,
                   "Errors reported for the device", ""};
  }

 protected:
  absl::Status Update() override {
    // filepath.Glob("fs/btrfs/*-*").
    if (!PathExists(dir_)) return absl::OkStatus();
    absl::StatusOr<std::vector<std::string>> entries = ListDir(dir_);
    std::vector<std::string> uuids;
    if (entries.ok()) {
      for (const std::string& e : *entries) {
        if (e.find('-') != std::string::npos) uuids.push_back(e);
      }
    }
    std::vector<Fs> all;
    for (const std::string& u : uuids) {
      Fs fs;
      if (absl::Status st = ReadFs(Cat(dir_, "/", u), u, &fs); !st.ok()) {
        files_.Sweep();
        return st;
      }
      all.push_back(std::move(fs));
    }
    std::map<std::string, std::vector<IoctlDev>> ioctl_stats;
    if (!all.empty()) IoctlStats(&ioctl_stats);
    for (const Fs& fs : all) Report(fs, ioctl_stats);
    files_.Sweep();
    return absl::OkStatus();
  }

 private:
  struct Layout {
    std::string name;
    uint64_t total = 0, used = 0;
    double ratio = 0;
  };
  struct Group {
    uint64_t reserved = 0;
    std::vector<Layout> layouts;
  };
  struct Fs {
    std::string uuid, label;
    uint64_t global_rsv = 0;
    Group groups[3];
    std::vector<std::pair<std::string, uint64_t>> devices;  // name, bytes
  };

  absl::Status ReadFs(const std::string& path, const std::string& base, Fs* fs) {
    Reader r(files_, path);
    for (const std::string& d : r.List("devices", false)) {
      fs->devices.emplace_back(d, 512 * r.ReadValue(Cat("devices/", d, "/size")));
    }
    fs->label = r.ReadFile("label");
    fs->uuid = r.ReadFile("metadata_uuid");
    r.List("features", false);
    fs->global_rsv = r.ReadValue("allocation/global_rsv_size");
    for (int g = 0; g < 3; ++g) {
      Reader sr(files_, Cat(path, "/allocation/", kGroups[g]));
      fs->groups[g].reserved = sr.ReadValue("bytes_reserved");
      for (const std::string& l : sr.List("", true)) {
        Layout lay;
        lay.name = l;
        lay.total = sr.ReadValue(Cat(l, "/total_bytes"));
        lay.used = sr.ReadValue(Cat(l, "/used_bytes"));
        lay.ratio = LayoutRatio(l, fs->devices.size());
        fs->groups[g].layouts.push_back(std::move(lay));
      }
      r.err_ = sr.err_;  // as procfs: each group's result replaces the error
    }
    if (fs->uuid.empty()) fs->uuid = base;
    return r.err_;
  }

  void IoctlStats(std::map<std::string, std::vector<IoctlDev>>* out) {
    absl::StatusOr<std::string> mounts = ReadSmallFile(paths_.Proc("1/mounts"));
    if (!mounts.ok() && absl::IsNotFound(mounts.status())) {
      mounts = ReadSmallFile(paths_.Proc("mounts"));
    }
    if (!mounts.ok() || !ParseMounts(*mounts, paths_.rootfs, &mounts_).ok()) return;
    std::vector<std::string> done;
    for (const MountEntry& m : mounts_) {
      if (m.fs_type != "btrfs") continue;
      if (std::find(done.begin(), done.end(), m.device) != done.end()) continue;
      const std::string path = paths_.Root(m.mount_point);
      int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) continue;
      std::string fsid;
      std::vector<IoctlDev> devs;
      const bool ok = IoctlDevices(fd, &fsid, &devs);
      ::close(fd);
      if (!ok || out->count(fsid) > 0) continue;
      done.push_back(m.device);
      (*out)[fsid] = std::move(devs);
    }
  }

  void Report(const Fs& fs, const std::map<std::string, std::vector<IoctlDev>>& ioctl_stats) {
    const std::string& u = fs.uuid;
    series_.Add(info_, {{"uuid", u}, {"label", fs.label}}, 1);
    series_.Add(global_rsv_, {{"uuid", u}}, static_cast<double>(fs.global_rsv));
    for (int g = 0; g < 3; ++g) {
      series_.Add(reserved_, {{"uuid", u}, {"block_group_type", kGroups[g]}},
                  static_cast<double>(fs.groups[g].reserved));
      for (const Layout& l : fs.groups[g].layouts) {
        auto labels = {std::pair<std::string_view, std::string_view>{"uuid", u},
                       {"block_group_type", kGroups[g]},
                       {"mode", l.name}};
        series_.Add(used_, labels, static_cast<double>(l.used));
        series_.Add(size_, labels, static_cast<double>(l.total));
        series_.Add(ratio_, labels, l.ratio);
      }
    }
    std::string key = u;
    key.erase(std::remove(key.begin(), key.end(), '-'), key.end());
    auto it = ioctl_stats.find(key);
    if (it == ioctl_stats.end()) {
      for (const auto& [name, bytes] : fs.devices) {
        series_.Add(dev_size_, {{"uuid", u}, {"device", name}}, static_cast<double>(bytes));
      }
      return;
    }
    for (const IoctlDev& d : it->second) {
      series_.Add(dev_size_, {{"uuid", u}, {"device", d.device}, {"btrfs_dev_uuid", d.uuid}},
                  static_cast<double>(d.total_bytes));
      series_.Add(dev_unused_, {{"uuid", u}, {"device", d.device}, {"btrfs_dev_uuid", d.uuid}},
                  static_cast<double>(d.total_bytes - d.bytes_used));
      for (int i = 0; i < 5; ++i) {
        series_.Add(dev_errors_,
                    {{"uuid", u}, {"type", kErrTypes[i]}, {"device", d.device},
                     {"btrfs_dev_uuid", d.uuid}},
                    static_cast<double>(d.errs[i]));
      }
    }
  }

  Paths paths_;
  std::string dir_;
  ProcFileSet files_;
  std::vector<MountEntry> mounts_;
  MetricFamily info_, global_rsv_, reserved_, used_, size_, ratio_, dev_size_, dev_unused_,
      dev_errors_;
};

}  // namespace

CollectorOr NewBtrfsCollector(const Options&, const Paths& p) {
  return std::make_unique<BtrfsCollector>(p);
}

}  // namespace outpost::integrations::node
