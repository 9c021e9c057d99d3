// xfs: node_xfs_* per filesystem from <sysfs>/fs/xfs/<device>/stats/stats
// (node_exporter 1.5.0 collector/xfs_linux.go with prometheus/procfs v0.8.0
// xfs/parse.go and xfs.go SysStats). Every line's values must be uint32
// (uint64 for "xpc"), and known lines must have their exact length; any
// error fails the collection. No XFS filesystem: success, no series.
#include <array>
#include <cerrno>
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

// A stats line and its allowed value counts (procfs' per-line checks).
struct XfsLine {
  const char* label;
  int count, alt_count;  // alt_count: a second accepted length, or 0
};
constexpr XfsLine kXfsLines[] = {
    {"extent_alloc", 4, 0}, {"abt", 4, 0},      {"blk_map", 7, 0},  {"bmbt", 4, 0},
    {"dir", 4, 0},          {"trans", 3, 0},    {"ig", 7, 0},       {"log", 5, 0},
    {"push_ail", 10, 0},    {"xstrat", 2, 0},   {"rw", 2, 0},       {"attr", 4, 0},
    {"icluster", 3, 0},     {"vnodes", 7, 8},   {"buf", 9, 0},      {"abtb2", 15, 0},
    {"abtc2", 15, 0},       {"bmbt2", 15, 0},   {"ibt2", 15, 0},    {"qm", 8, 9},
    {"debug", 1, 0},        {"xpc", 3, 0},
};

// Reported values: line, index in it, metric suffix, help.
struct XfsMetric {
  const char* line;
  int index;
  const char* name;
  const char* help;
};
constexpr XfsMetric kXfsMetrics[] = {
    {"extent_alloc", 0, "extent_allocation_extents_allocated_total",
     "Number of extents allocated for a filesystem."},
    {"extent_alloc", 1, "extent_allocation_blocks_allocated_total",
     "Number of blocks allocated for a filesystem."},
    {"extent_alloc", 2, "extent_allocation_extents_freed_total",
     "Number of extents freed for a filesystem."},
    {"extent_alloc", 3, "extent_allocation_blocks_freed_total",
     "Number of blocks freed for a filesystem."},
    {"abt", 0, "allocation_btree_lookups_total",
     "Number of allocation B-tree lookups for a filesystem."},
    {"abt", 1, "allocation_btree_compares_total",
     "Number of allocation B-tree compares for a filesystem."},
    {"abt", 2, "allocation_btree_records_inserted_total",
     "Number of allocation B-tree records inserted for a filesystem."},
    {"abt", 3, "allocation_btree_records_deleted_total",
     "Number of allocation B-tree records deleted for a filesystem."},
    {"blk_map", 0, "block_mapping_reads_total",
     "Number of block map for read operations for a filesystem."},
    {"blk_map", 1, "block_mapping_writes_total",
     "Number of block map for write operations for a filesystem."},
    {"blk_map", 2, "block_mapping_unmaps_total",
     "Number of block unmaps (deletes) for a filesystem."},
    {"blk_map", 3, "block_mapping_extent_list_insertions_total",
     "Number of extent list insertions for a filesystem."},
    {"blk_map", 4, "block_mapping_extent_list_deletions_total",
     "Number of extent list deletions for a filesystem."},
    {"blk_map", 5, "block_mapping_extent_list_lookups_total",
     "Number of extent list lookups for a filesystem."},
    {"blk_map", 6, "block_mapping_extent_list_compares_total",
     "Number of extent list compares for a filesystem."},
    {"bmbt", 0, "block_map_btree_lookups_total",
     "Number of block map B-tree lookups for a filesystem."},
    {"bmbt", 1, "block_map_btree_compares_total",
     "Number of block map B-tree compares for a filesystem."},
    {"bmbt", 2, "block_map_btree_records_inserted_total",
     "Number of block map B-tree records inserted for a filesystem."},
    {"bmbt", 3, "block_map_btree_records_deleted_total",
     "Number of block map B-tree records deleted for a filesystem."},
    {"dir", 0, "directory_operation_lookup_total",
     "Number of file name directory lookups which miss the operating systems directory name lookup cache."},
    {"dir", 1, "directory_operation_create_total",
     "Number of times a new directory entry was created for a filesystem."},
    {"dir", 2, "directory_operation_remove_total",
     "Number of times an existing directory entry was created for a filesystem."},
    {"dir", 3, "directory_operation_getdents_total",
     "Number of times the directory getdents operation was performed for a filesystem."},
    {"ig", 0, "inode_operation_attempts_total",
     "Number of times the OS looked for an XFS inode in the inode cache."},
    {"ig", 1, "inode_operation_found_total",
     "Number of times the OS looked for and found an XFS inode in the inode cache."},
    {"ig", 2, "inode_operation_recycled_total",
     "Number of times the OS found an XFS inode in the cache, but could not use it as it was being recycled."},
    {"ig", 3, "inode_operation_missed_total",
     "Number of times the OS looked for an XFS inode in the cache, but did not find it."},
    {"ig", 4, "inode_operation_duplicates_total",
     "Number of times the OS tried to add a missing XFS inode to the inode cache, but found it had already been added by another process."},
    {"ig", 5, "inode_operation_reclaims_total",
     "Number of times the OS reclaimed an XFS inode from the inode cache to free memory for another purpose."},
    {"ig", 6, "inode_operation_attribute_changes_total",
     "Number of times the OS explicitly changed the attributes of an XFS inode."},
    {"rw", 1, "read_calls_total",
     "Number of read(2) system calls made to files in a filesystem."},
    {"rw", 0, "write_calls_total",
     "Number of write(2) system calls made to files in a filesystem."},
    {"vnodes", 0, "vnode_active_total",
     "Number of vnodes not on free lists for a filesystem."},
    {"vnodes", 1, "vnode_allocate_total",
     "Number of times vn_alloc called for a filesystem."},
    {"vnodes", 2, "vnode_get_total",
     "Number of times vn_get called for a filesystem."},
    {"vnodes", 3, "vnode_hold_total",
     "Number of times vn_hold called for a filesystem."},
    {"vnodes", 4, "vnode_release_total",
     "Number of times vn_rele called for a filesystem."},
    {"vnodes", 5, "vnode_reclaim_total",
     "Number of times vn_reclaim called for a filesystem."},
    {"vnodes", 6, "vnode_remove_total",
     "Number of times vn_remove called for a filesystem."},
};
constexpr size_t kNumXfsMetrics = sizeof(kXfsMetrics) / sizeof(kXfsMetrics[0]);

}  // namespace

absl::Status ParseXfsStats(std::string_view text,
                           absl::FunctionRef<void(std::string_view line, size_t index, double v)> f) {
  constexpr size_t kMaxFields = 64;
  std::string_view fields[kMaxFields];
  std::string_view line;
  while (NextLine(&text, &line)) {
    const size_t n = SplitFields(line, fields, kMaxFields);
    if (n < 2) continue;
    if (n == kMaxFields) return absl::InvalidArgumentError(Cat("xfs line too long: ", fields[0]));
    const std::string_view label = fields[0];
    const bool wide = label == "xpc";
    for (size_t i = 1; i < n; ++i) {
      uint64_t u;
      if (!ParseUint(fields[i], &u) || (!wide && u > UINT32_MAX)) {
        return absl::InvalidArgumentError(Cat("bad xfs value in line ", label, ": ", fields[i]));
      }
    }
    const int count = static_cast<int>(n - 1);
    for (const XfsLine& l : kXfsLines) {
      if (label != l.label) continue;
      if (count != l.count && count != l.alt_count) {
        return absl::InvalidArgumentError(
            Cat("incorrect number of values for XFS ", label, " stats: ", count));
      }
    }
    for (size_t i = 1; i < n; ++i) {
      uint64_t u = 0;
      ParseUint(fields[i], &u);
      f(label, i - 1, static_cast<double>(u));
    }
  }
  return absl::OkStatus();
}

namespace {

class XfsCollector final : public Collector {
 public:
  explicit XfsCollector(const Paths& p) : dir_(p.Sys("fs/xfs")) {
    for (size_t i = 0; i < kNumXfsMetrics; ++i) {
      families_[i] = {Cat("node_xfs_", kXfsMetrics[i].name), MetricType::kCounter,
                      kXfsMetrics[i].help, ""};
    }
  }

 protected:
  absl::Status Update() override {
    // filepath.Glob("fs/xfs/*/stats/stats"): a missing directory matches
    // nothing.
    if (!PathExists(dir_)) return absl::OkStatus();
    absl::StatusOr<std::vector<std::string>> devs = ListDir(dir_);
    if (!devs.ok()) return devs.status();
    parsed_.clear();
    for (const std::string& d : *devs) {
      path_.assign(dir_).append("/").append(d).append("/stats/stats");
      std::string_view body;
      if (int e = files_.Get(path_).ReadErrno(&body); e != 0) {
        if (e == ENOENT || e == ENOTDIR) continue;  // not a match of the glob
        files_.Sweep();
        return ErrnoToStatus(e, "read", path_);
      }
      absl::StatusOr<std::string_view> text = body;
      std::array<double, kNumXfsMetrics> v{};
      absl::Status st = ParseXfsStats(*text, [&](std::string_view line, size_t index, double x) {
        for (size_t i = 0; i < kNumXfsMetrics; ++i) {
          if (kXfsMetrics[i].index == static_cast<int>(index) && line == kXfsMetrics[i].line) {
            v[i] = x;
          }
        }
      });
      if (!st.ok()) {
        files_.Sweep();
        return st;
      }
      parsed_.emplace_back(d, v);
    }
    for (const auto& [dev, v] : parsed_) {
      for (size_t i = 0; i < kNumXfsMetrics; ++i) series_.Add(families_[i], {{"device", dev}}, v[i]);
    }
    files_.Sweep();
    return absl::OkStatus();
  }

 private:
  std::string dir_, path_;
  ProcFileSet files_;
  std::array<MetricFamily, kNumXfsMetrics> families_;
  std::vector<std::pair<std::string, std::array<double, kNumXfsMetrics>>> parsed_;
};

}  // namespace

CollectorOr NewXfsCollector(const Options&, const Paths& p) {
  return std::make_unique<XfsCollector>(p);
}

}  // namespace outpost::integrations::node
