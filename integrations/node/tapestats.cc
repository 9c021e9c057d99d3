// tapestats: node_tape_* per SCSI tape from <sysfs>/class/scsi_tape/st*/stats
// (node_exporter 1.5.0 collector/tapestats_linux.go with prometheus/procfs
// v0.8.0 sysfs/class_scsitape.go). Devices are ^st[0-9]+$; every file of
// stats/ must be readable and the known ones unsigned integers, else the
// collection fails. A missing scsi_tape class is no data.
#include <array>
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

// stats/ file, metric, type, help, scale.
struct TapeField {
  const char* file;
  const char* name;
  MetricType type;
  const char* help;
  double scale;
};
constexpr TapeField kTapeFields[] = {
    {"in_flight", "node_tape_io_now", MetricType::kGauge,
     "The number of I/Os currently outstanding to this device.", 1},
    {"io_ns", "node_tape_io_time_seconds_total", MetricType::kCounter,
     "The amount of time spent waiting for all I/O to complete (including read and write). This "
     "includes tape movement commands such as seeking between file or set marks and implicit tape "
     "movement such as when rewind on close tape devices are used.",
     1e-9},
    {"other_cnt", "node_tape_io_others_total", MetricType::kCounter,
     "The number of I/Os issued to the tape drive other than read or write commands. The time "
     "taken to complete these commands uses the following calculation "
     "io_time_seconds_total-read_time_seconds_total-write_time_seconds_total",
     1},
    {"read_byte_cnt", "node_tape_read_bytes_total", MetricType::kCounter,
     "The number of bytes read from the tape drive.", 1},
    {"read_cnt", "node_tape_reads_completed_total", MetricType::kCounter,
     "The number of read requests issued to the tape drive.", 1},
    {"read_ns", "node_tape_read_time_seconds_total", MetricType::kCounter,
     "The amount of time spent waiting for read requests to complete.", 1e-9},
    {"resid_cnt", "node_tape_residual_total", MetricType::kCounter,
     "The number of times during a read or write we found the residual amount to be non-zero. "
     "This should mean that a program is issuing a read larger thean the block size on tape. For "
     "write not all data made it to tape.",
     1},
    {"write_byte_cnt", "node_tape_written_bytes_total", MetricType::kCounter,
     "The number of bytes written to the tape drive.", 1},
    {"write_cnt", "node_tape_writes_completed_total", MetricType::kCounter,
     "The number of write requests issued to the tape drive.", 1},
    {"write_ns", "node_tape_write_time_seconds_total", MetricType::kCounter,
     "The amount of time spent waiting for write requests to complete.", 1e-9},
};
constexpr size_t kNumTapeFields = sizeof(kTapeFields) / sizeof(kTapeFields[0]);

bool IsTapeName(std::string_view n) {
  if (n.size() < 3 || n.substr(0, 2) != "st") return false;
  for (char c : n.substr(2)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

class TapestatsCollector final : public Collector {
 public:
  TapestatsCollector(const Options& o, const Paths& p)
      : dir_(p.Sys("class/scsi_tape")), ignored_("", o.tapestats_ignored_devices) {
    for (size_t i = 0; i < kNumTapeFields; ++i) {
      families_[i] = {kTapeFields[i].name, kTapeFields[i].type, kTapeFields[i].help, ""};
    }
  }
  absl::Status status() const { return ignored_.status(); }

 protected:
  absl::Status Update() override {
    if (!PathExists(dir_)) return no_data_;
    absl::StatusOr<std::vector<std::string>> entries = ListDir(dir_);
    if (!entries.ok()) {
      return absl::IsNotFound(entries.status()) ? NoData("no scsi_tape class") : entries.status();
    }
    absl::Status st = absl::OkStatus();
    for (const std::string& e : *entries) {
      if (!IsTapeName(e)) continue;
      std::array<double, kNumTapeFields> v{};
      st = ReadStats(e, &v);
      if (!st.ok()) break;
      values_.emplace_back(e, v);
    }
    if (st.ok()) {
      for (const auto& [name, v] : values_) {
        if (ignored_.Ignored(name)) continue;
        for (size_t i = 0; i < kNumTapeFields; ++i) {
          series_.Add(families_[i], {{"device", name}}, v[i]);
        }
      }
    }
    values_.clear();
    files_.Sweep();
    return st;
  }

 private:
  absl::Status ReadStats(const std::string& dev, std::array<double, kNumTapeFields>* v) {
    const std::string stats = Cat(dir_, "/", dev, "/stats");
    absl::StatusOr<std::vector<std::string>> files = ListDir(stats);
    if (!files.ok()) return files.status();
    for (const std::string& f : *files) {
      const std::string path = Cat(stats, "/", f);
      absl::StatusOr<std::string_view> r = files_.Get(path).Read();
      if (!r.ok()) return r.status();
      for (size_t i = 0; i < kNumTapeFields; ++i) {
        if (f != kTapeFields[i].file) continue;
        uint64_t u;
        if (!ParseUint(Trim(*r), &u)) return absl::InvalidArgumentError(Cat("bad value in ", path));
        (*v)[i] = static_cast<double>(u) * kTapeFields[i].scale;
      }
    }
    return absl::OkStatus();
  }

  std::string dir_;
  const absl::Status no_data_ = NoData("no scsi_tape class");
  DeviceFilter ignored_;  // exclude-only filter
  ProcFileSet files_;
  std::array<MetricFamily, kNumTapeFields> families_;
  std::vector<std::pair<std::string, std::array<double, kNumTapeFields>>> values_;
};

}  // namespace

CollectorOr NewTapestatsCollector(const Options& o, const Paths& p) {
  auto c = std::make_unique<TapestatsCollector>(o, p);
  if (absl::Status st = c->status(); !st.ok()) return st;
  return c;
}

}  // namespace outpost::integrations::node
