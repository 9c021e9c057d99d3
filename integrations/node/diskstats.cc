// diskstats: per-device I/O counters from /proc/diskstats and
// node_disk_info (with udev properties when udev_data_path is readable).
// Model: node_exporter collector/diskstats_linux.go; sectors are 512 bytes,
// times are milliseconds; only the fields the kernel provides (11, 15 or
// 17) are reported. Not yet: node_disk_filesystem_info,
// node_disk_device_mapper_info and node_disk_ata_* (udev-only).
#include <charconv>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

absl::Status ParseDiskstats(std::string_view text,
                            absl::FunctionRef<void(const DiskStatsLine&)> f) {
  std::string_view line;
  while (NextLine(&text, &line)) {
    std::string_view p[3 + kDiskStatFields + 1];
    size_t n = SplitFields(line, p, std::size(p));
    if (n == 0) continue;
    if (n < 14) return absl::InvalidArgumentError(Cat("short diskstats line: ", line));
    DiskStatsLine d;
    uint64_t major, minor;
    if (!ParseUint(p[0], &major) || !ParseUint(p[1], &minor)) {
      return absl::InvalidArgumentError(Cat("bad device numbers: ", line));
    }
    d.major = static_cast<uint32_t>(major);
    d.minor = static_cast<uint32_t>(minor);
    d.device = p[2];
    d.count = static_cast<int>(std::min<size_t>(n - 3, kDiskStatFields));
    for (int i = 0; i < d.count; ++i) {
      if (!ParseUintAsDouble(p[3 + i], &d.v[i])) {
        return absl::InvalidArgumentError(Cat("bad diskstats value: ", line));
      }
    }
    f(d);
  }
  return absl::OkStatus();
}

namespace {

constexpr double kSectorSize = 512;
constexpr double kSecondsPerTick = 0.001;

struct FieldDef {
  const char* name;
  MetricType type;
  const char* help;
  double scale;
};

constexpr FieldDef kFields[kDiskStatFields] = {
    {"node_disk_reads_completed_total", MetricType::kCounter,
     "The total number of reads completed successfully.", 1},
    {"node_disk_reads_merged_total", MetricType::kCounter, "The total number of reads merged.", 1},
    {"node_disk_read_bytes_total", MetricType::kCounter,
     "The total number of bytes read successfully.", kSectorSize},
    {"node_disk_read_time_seconds_total", MetricType::kCounter,
     "The total number of seconds spent by all reads.", kSecondsPerTick},
    {"node_disk_writes_completed_total", MetricType::kCounter,
     "The total number of writes completed successfully.", 1},
    {"node_disk_writes_merged_total", MetricType::kCounter, "The number of writes merged.", 1},
    {"node_disk_written_bytes_total", MetricType::kCounter,
     "The total number of bytes written successfully.", kSectorSize},
    {"node_disk_write_time_seconds_total", MetricType::kCounter,
     "This is the total number of seconds spent by all writes.", kSecondsPerTick},
    {"node_disk_io_now", MetricType::kGauge, "The number of I/Os currently in progress.", 1},
    {"node_disk_io_time_seconds_total", MetricType::kCounter, "Total seconds spent doing I/Os.",
     kSecondsPerTick},
    {"node_disk_io_time_weighted_seconds_total", MetricType::kCounter,
     "The weighted # of seconds spent doing I/Os.", kSecondsPerTick},
    {"node_disk_discards_completed_total", MetricType::kCounter,
     "The total number of discards completed successfully.", 1},
    {"node_disk_discards_merged_total", MetricType::kCounter,
     "The total number of discards merged.", 1},
    {"node_disk_discarded_sectors_total", MetricType::kCounter,
     "The total number of sectors discarded successfully.", 1},
    {"node_disk_discard_time_seconds_total", MetricType::kCounter,
     "This is the total number of seconds spent by all discards.", kSecondsPerTick},
    {"node_disk_flush_requests_total", MetricType::kCounter,
     "The total number of flush requests completed successfully", 1},
    {"node_disk_flush_requests_time_seconds_total", MetricType::kCounter,
     "This is the total number of seconds spent by all flush requests.", kSecondsPerTick},
};

// The udev properties node_disk_info carries, from <udev>/b<major>:<minor>
// lines "E:KEY=value".
struct UdevInfo {
  std::string path, wwn, model, serial, revision;
};

void ReadUdev(const std::string& file, UdevInfo* out) {
  *out = UdevInfo{};
  absl::StatusOr<std::string> text = ReadSmallFile(file);
  if (!text.ok()) return;
  std::string_view rest = *text, line;
  while (NextLine(&rest, &line)) {
    if (line.substr(0, 2) != "E:") continue;
    line.remove_prefix(2);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view k = line.substr(0, eq), v = line.substr(eq + 1);
    if (k == "ID_PATH")
      out->path = v;
    else if (k == "ID_WWN")
      out->wwn = v;
    else if (k == "ID_MODEL")
      out->model = v;
    else if (k == "ID_SERIAL_SHORT")
      out->serial = v;
    else if (k == "ID_REVISION")
      out->revision = v;
  }
}

class DiskstatsCollector final : public Collector {
 public:
  DiskstatsCollector(const Options& o, const Paths& p)
      : file_(p.Proc("diskstats")),
        udev_dir_(p.udev_data),
        // Grafana Agent: an include regex replaces the exclude one.
        filter_(o.diskstats_device_include,
                o.diskstats_device_include.empty() ? o.diskstats_device_exclude : "") {
    for (int i = 0; i < kDiskStatFields; ++i) {
      fields_[i] = {kFields[i].name, kFields[i].type, kFields[i].help, ""};
    }
    info_ = {"node_disk_info", MetricType::kGauge, "Info of /sys/block/<block_device>.", ""};
  }

  absl::Status Init() const { return filter_.status(); }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::string_view> text = file_.Read();
    if (!text.ok()) return text.status();
    return ParseDiskstats(*text, [&](const DiskStatsLine& d) {
      if (!filter_.Ignored(d.device)) Emit(d);
    });
  }

 private:
  void Emit(const DiskStatsLine& d) {
    char major[16], minor[16];
    auto mj = std::to_chars(major, major + sizeof(major), d.major);
    auto mn = std::to_chars(minor, minor + sizeof(minor), d.minor);
    std::string_view maj(major, mj.ptr - major), min(minor, mn.ptr - minor);
    // Udev properties are read when a device is first seen; they do not
    // change while it exists (upstream re-reads them on every scrape).
    auto it = udev_.find(ToAbsl(d.device));
    if (it == udev_.end()) {
      it = udev_.emplace(std::string(d.device), UdevInfo{}).first;
      ReadUdev(JoinPath(udev_dir_, Cat("b", maj, ":", min)), &it->second);
    }
    const UdevInfo& info = it->second;
    series_.Add(info_,
                {{"device", d.device},
                 {"major", maj},
                 {"minor", min},
                 {"path", info.path},
                 {"wwn", info.wwn},
                 {"model", info.model},
                 {"serial", info.serial},
                 {"revision", info.revision}},
                1);
    for (int i = 0; i < d.count; ++i) {
      series_.Add(fields_[i], {{"device", d.device}}, d.v[i] * kFields[i].scale);
    }
  }

  ProcFile file_;
  std::string udev_dir_;
  DeviceFilter filter_;
  MetricFamily fields_[kDiskStatFields];
  MetricFamily info_;
  absl::flat_hash_map<std::string, UdevInfo> udev_;  // by device name
};

}  // namespace

CollectorOr NewDiskstatsCollector(const Options& o, const Paths& p) {
  auto c = std::make_unique<DiskstatsCollector>(o, p);
  if (absl::Status st = c->Init(); !st.ok()) return st;
  return c;
}

}  // namespace outpost::integrations::node
