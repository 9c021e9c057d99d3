// zfs: ZFS kstats from <procfs>/spl/kstat/zfs (node_exporter 1.5.0
// collector/zfs.go and zfs_linux.go): one untyped metric per uint64 kstat
// of each subsystem file (node_zfs_<subsystem>_<name>, HELP the kstat's
// full name), per-pool io counters, per-dataset objset counters and the
// pool state. No spl/kstat/zfs directory is no data; a missing subsystem
// file is skipped; a file without the "name type data" header or with a
// bad value fails the collection.
#include <cctype>
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

constexpr std::string_view kUint64Type = "4";  // KSTAT_DATA_UINT64

bool IsHeader(const std::string_view* f, size_t n) {
  return n == 3 && f[0] == "name" && f[1] == "type" && f[2] == "data";
}

}  // namespace

absl::Status ParseZfsKstat(std::string_view text,
                           absl::FunctionRef<void(std::string_view name, uint64_t v)> f) {
  bool started = false;
  std::string_view line;
  std::string_view p[4];
  while (NextLine(&text, &line)) {
    const size_t n = SplitFields(line, p, 4);
    if (!started && IsHeader(p, n)) {
      started = true;
      continue;
    }
    if (!started || n < 3 || p[1] != kUint64Type) continue;
    uint64_t v;
    if (!ParseUint(p[2], &v)) {
      return absl::InvalidArgumentError(Cat("could not parse expected integer value for ", p[0]));
    }
    f(p[0], v);
  }
  if (!started) return absl::InvalidArgumentError("no \"name type data\" header");
  return absl::OkStatus();
}

absl::Status ParseZfsPoolIo(std::string_view text,
                            absl::FunctionRef<void(std::string_view field, uint64_t v)> f) {
  constexpr size_t kMax = 32;
  std::string_view header[kMax], values[kMax];
  size_t nh = 0;
  std::string_view line;
  while (NextLine(&text, &line)) {
    if (nh == 0) {
      std::string_view h[kMax];
      size_t n = SplitFields(line, h, kMax);
      if (n >= 12 && n < kMax && h[0] == "nread") {
        std::copy(h, h + n, header);
        nh = n;
      }
      continue;
    }
    const size_t n = SplitFields(line, values, kMax);
    for (size_t i = 0; i < nh; ++i) {
      uint64_t v;
      if (i >= n || !ParseUint(values[i], &v)) {
        return absl::InvalidArgumentError(Cat("could not parse expected integer value for ",
                                              header[i]));
      }
      f(header[i], v);
    }
  }
  return absl::OkStatus();
}

absl::Status ParseZfsObjset(
    std::string_view text,
    absl::FunctionRef<void(std::string_view dataset, std::string_view name, uint64_t v)> f) {
  bool started = false;
  std::string_view dataset, line;
  std::string_view p[4];
  while (NextLine(&text, &line)) {
    const size_t n = SplitFields(line, p, 4);
    if (!started && IsHeader(p, n)) {
      started = true;
      continue;
    }
    if (!started || n < 3) continue;
    if (p[0] == "dataset_name") {
      dataset = p[2];
      continue;
    }
    if (p[1] != kUint64Type) continue;
    uint64_t v;
    if (!ParseUint(p[2], &v)) {
      return absl::InvalidArgumentError(Cat("could not parse expected integer value for ", p[0]));
    }
    f(dataset, p[0], v);
  }
  if (!started) return absl::InvalidArgumentError("no \"name type data\" header in objset");
  return absl::OkStatus();
}

namespace {

struct ZfsSubsystem {
  const char* subsystem;
  const char* file;
};
constexpr ZfsSubsystem kZfsSubsystems[] = {
    {"zfs_abd", "abdstats"},          {"zfs_arc", "arcstats"},
    {"zfs_dbuf", "dbuf_stats"},       {"zfs_dmu_tx", "dmu_tx"},
    {"zfs_dnode", "dnodestats"},      {"zfs_fm", "fm"},
    {"zfs_vdev_cache", "vdev_cache_stats"}, {"zfs_vdev_mirror", "vdev_mirror_stats"},
    {"zfs_xuio", "xuio_stats"},       {"zfs_zfetch", "zfetchstats"},
    {"zfs_zil", "zil"},
};
constexpr const char* kPoolStates[] = {"online", "degraded", "faulted",
                                       "offline", "removed", "unavail"};

// zfsSysctl.metricName: '-' becomes '_'.
std::string MetricPart(std::string_view name) {
  std::string s(name);
  for (char& c : s) {
    if (c == '-') c = '_';
  }
  return s;
}

class ZfsCollector final : public Collector {
 public:
  explicit ZfsCollector(const Paths& p) : base_(p.Proc("spl/kstat/zfs")) {
    state_ = {"node_zfs_zpool_state", MetricType::kGauge, "kstat.zfs.misc.state", ""};
  }

 protected:
  absl::Status Update() override {
    if (!PathExists(base_)) return no_data_;
    absl::StatusOr<std::vector<std::string>> pools = ListSubdirs(base_);
    if (!pools.ok()) return no_data_;
    absl::Status st = Collect(*pools);
    files_.Sweep();
    return st;
  }

 private:
  const MetricFamily& Family(std::string_view prefix, std::string_view help_ns,
                             std::string_view name) {
    key_ = Cat(prefix, "\xff", help_ns, "\xff", name);
    return families_.Get(key_, [&](std::string_view) {
      return MetricFamily{Cat("node_", prefix, "_", MetricPart(name)), MetricType::kUnknown,
                          Cat("kstat.zfs.misc.", help_ns, ".", name), ""};
    });
  }

  absl::Status Collect(const std::vector<std::string>& pools) {
    for (const ZfsSubsystem& s : kZfsSubsystems) {
      absl::StatusOr<std::string_view> text = files_.Get(Cat(base_, "/", s.file)).Read();
      if (!text.ok()) continue;  // a feature this ZFS version lacks
      absl::Status st = ParseZfsKstat(*text, [&](std::string_view name, uint64_t v) {
        series_.Add(Family(s.subsystem, s.file, name), static_cast<double>(v));
      });
      if (!st.ok()) return st;
    }
    // Pool io files, then objsets, then states, each in glob order.
    for (const std::string& pool : pools) {
      absl::StatusOr<std::string_view> text = files_.Get(Cat(base_, "/", pool, "/io")).Read();
      if (!text.ok()) {
        if (absl::IsNotFound(text.status())) continue;
        return NoData("zpool io unreadable");
      }
      absl::Status st = ParseZfsPoolIo(*text, [&](std::string_view field, uint64_t v) {
        series_.Add(Family("zfs_zpool", "io", field), {{"zpool", pool}}, static_cast<double>(v));
      });
      if (!st.ok()) return st;
    }
    for (const std::string& pool : pools) {
      absl::StatusOr<std::vector<std::string>> entries = ListDir(Cat(base_, "/", pool));
      if (!entries.ok()) continue;
      for (const std::string& e : *entries) {
        if (e.rfind("objset-", 0) != 0) continue;
        absl::StatusOr<std::string_view> text = files_.Get(Cat(base_, "/", pool, "/", e)).Read();
        if (!text.ok()) return NoData("zpool objset unreadable");
        absl::Status st = ParseZfsObjset(
            *text, [&](std::string_view dataset, std::string_view name, uint64_t v) {
              // The pool label comes with the dataset_name line (empty before it).
              series_.Add(Family("zfs_zpool_dataset", "objset", name),
                          {{"zpool", dataset.empty() ? std::string_view() : pool},
                           {"dataset", dataset}},
                          static_cast<double>(v));
            });
        if (!st.ok()) return st;
      }
    }
    for (const std::string& pool : pools) {
      absl::StatusOr<std::string_view> text = files_.Get(Cat(base_, "/", pool, "/state")).Read();
      if (!text.ok()) {
        if (absl::IsNotFound(text.status())) continue;
        return NoData("zpool state unreadable");
      }
      std::string_view first = *text;
      first = first.substr(0, first.find('\n'));
      std::string state(first);
      for (char& c : state) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (const char* s : kPoolStates) {
        series_.Add(state_, {{"zpool", pool}, {"state", s}}, state == s ? 1.0 : 0.0);
      }
    }
    return absl::OkStatus();
  }

  std::string base_, key_;
  const absl::Status no_data_ = NoData("ZFS / ZFS statistics are not available");
  ProcFileSet files_;
  DynamicFamilies families_;
  MetricFamily state_;
};

}  // namespace

CollectorOr NewZfsCollector(const Options&, const Paths& p) {
  return std::make_unique<ZfsCollector>(p);
}

}  // namespace outpost::integrations::node
