// bcache: node_bcache_* per cache set from <sysfs>/fs/bcache/<uuid>/, its
// backing devices (bdevN) and cache devices (cacheN) (node_exporter 1.5.0
// collector/bcache_linux.go with prometheus/procfs v0.8.0 bcache/get.go).
// Values are "humanized" sizes (1.5k, 2.0M). As procfs: a missing value
// file reads 0; any other read or parse error fails the collection;
// writeback_rate_debug is required per backing device; priority_stats is
// read only with enable_bcache_priority_stats. No cache set: no series.
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

// procfs' parsePseudoFloat: "<int>[.<frac>]" where the fraction is in
// 1/1024 units as bcache prints them (frac / 10.24).
bool ParsePseudoFloat(std::string_view s, double* out) {
  size_t dot = s.find('.');
  double i;
  if (!ParseDouble(s.substr(0, dot), &i)) return false;
  if (dot == std::string_view::npos) {
    *out = i;
    return true;
  }
  std::string_view frac = s.substr(dot + 1);
  frac = frac.substr(0, frac.find('.'));
  double f;
  if (!ParseDouble(frac, &f)) return false;
  *out = i + f / 10.24;
  return true;
}

uint64_t ToUint(double v) {
  if (!(v >= 0)) return 0;
  if (v >= 18446744073709551615.0) return UINT64_MAX;
  return static_cast<uint64_t>(v);
}

}  // namespace

bool BcacheDehumanize(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  const char last = s.back();
  if (static_cast<unsigned char>(last) > '9') {
    // An unknown suffix multiplies by 0, as upstream's map lookup does.
    const size_t power = std::string_view("kMGTPEZY").find(last);
    double mul = 0;
    if (power != std::string_view::npos) {
      mul = 1;
      for (size_t p = 0; p <= power; ++p) mul *= 1024;
    }
    double mant;
    if (!ParsePseudoFloat(s.substr(0, s.size() - 1), &mant)) return false;
    *out = ToUint(mant * mul);
    return true;
  }
  double v;
  if (!ParseDouble(s, &v)) return false;
  *out = ToUint(v);
  return true;
}

bool BcacheDehumanizeSigned(std::string_view s, int64_t* out) {
  const bool neg = !s.empty() && s[0] == '-';
  uint64_t v;
  if (!BcacheDehumanize(neg ? s.substr(1) : s, &v)) return false;
  *out = neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  return true;
}

absl::Status ParseBcacheWritebackRateDebug(std::string_view text, BcacheWriteback* out) {
  *out = BcacheWriteback{};
  std::string_view line;
  std::string_view f[8];
  while (NextLine(&text, &line)) {
    auto starts = [&](std::string_view p) { return line.substr(0, p.size()) == p; };
    const size_t n = SplitFields(line, f, 8);
    if (n == 0) continue;
    std::string_view v = f[n - 1];
    auto strip = [&](std::string_view suffix) {
      if (v.size() >= suffix.size() && v.substr(v.size() - suffix.size()) == suffix) {
        v.remove_suffix(suffix.size());
      }
    };
    bool ok = true;
    if (starts("rate:")) {
      strip("/sec");
      ok = BcacheDehumanize(v, &out->rate);
    } else if (starts("dirty:")) {
      ok = BcacheDehumanize(v, &out->dirty);
    } else if (starts("target:")) {
      ok = BcacheDehumanize(v, &out->target);
    } else if (starts("proportional:")) {
      ok = BcacheDehumanizeSigned(v, &out->proportional);
    } else if (starts("integral:")) {
      ok = BcacheDehumanizeSigned(v, &out->integral);
    } else if (starts("change:")) {
      strip("/sec");
      ok = BcacheDehumanizeSigned(v, &out->change);
    } else if (starts("next io:")) {
      strip("ms");
      ok = ParseInt(v, &out->next_io);
    }
    if (!ok) return absl::InvalidArgumentError(Cat("bad writeback_rate_debug line: ", line));
  }
  return absl::OkStatus();
}

absl::Status ParseBcachePriorityStats(std::string_view text, uint64_t* unused,
                                      uint64_t* metadata) {
  *unused = *metadata = 0;
  std::string_view line;
  std::string_view f[8];
  while (NextLine(&text, &line)) {
    const bool is_unused = line.substr(0, 7) == "Unused:";
    if (!is_unused && line.substr(0, 9) != "Metadata:") continue;
    const size_t n = SplitFields(line, f, 8);
    std::string_view v = f[n - 1];
    if (!v.empty() && v.back() == '%') v.remove_suffix(1);
    if (!ParseUint(v, is_unused ? unused : metadata)) {
      return absl::InvalidArgumentError(Cat("bad priority_stats line: ", line));
    }
  }
  return absl::OkStatus();
}

namespace {

constexpr const char* kPeriodFiles[] = {"bypassed",          "cache_hits",
                                        "cache_misses",      "cache_bypass_hits",
                                        "cache_bypass_misses", "cache_miss_collisions",
                                        "cache_readaheads"};
constexpr const char* kPeriodMetrics[][2] = {
    {"bypassed_bytes_total", "Amount of IO (both reads and writes) that has bypassed the cache."},
    {"cache_hits_total", "Hits counted per individual IO as bcache sees them."},
    {"cache_misses_total", "Misses counted per individual IO as bcache sees them."},
    {"cache_bypass_hits_total", "Hits for IO intended to skip the cache."},
    {"cache_bypass_misses_total", "Misses for IO intended to skip the cache."},
    {"cache_miss_collisions_total",
     "Instances where data insertion from cache miss raced with write (data already present)."},
    {"cache_readaheads_total", "Count of times readahead occurred."},
};

// A cache set's values: file (relative to the set), metric, help, type, scale.
struct SetValue {
  const char* file;
  const char* metric;
  const char* help;
  MetricType type;
  double scale;
};
constexpr SetValue kSetValues[] = {
    {"average_key_size", "average_key_size_sectors", "Average data per key in the btree (sectors).",
     MetricType::kGauge, 1},
    {"btree_cache_size", "btree_cache_size_bytes",
     "Amount of memory currently used by the btree cache.", MetricType::kGauge, 1},
    {"cache_available_percent", "cache_available_percent",
     "Percentage of cache device without dirty data, usable for writeback (may contain clean "
     "cached data).",
     MetricType::kGauge, 1},
    {"congested", "congested", "Congestion.", MetricType::kGauge, 1},
    {"root_usage_percent", "root_usage_percent",
     "Percentage of the root btree node in use (tree depth increases if too high).",
     MetricType::kGauge, 1},
    {"tree_depth", "tree_depth", "Depth of the btree.", MetricType::kGauge, 1},
    {"internal/active_journal_entries", "active_journal_entries",
     "Number of journal entries that are newer than the index.", MetricType::kGauge, 1},
    {"internal/btree_nodes", "btree_nodes", "Total nodes in the btree.", MetricType::kGauge, 1},
    // Upstream reads microseconds and scales them as nanoseconds.
    {"internal/btree_read_average_duration_us", "btree_read_average_duration_seconds",
     "Average btree read duration.", MetricType::kGauge, 1e-9},
    {"internal/cache_read_races", "cache_read_races_total",
     "Counts instances where while data was being read from the cache, the bucket was reused and "
     "invalidated - i.e. where the pointer was stale after the read completed.",
     MetricType::kCounter, 1},
};
constexpr size_t kNumSetValues = sizeof(kSetValues) / sizeof(kSetValues[0]);

bool Numbered(const std::string& e, std::string_view prefix) {
  return e.size() > prefix.size() && std::string_view(e).substr(0, prefix.size()) == prefix &&
         e[prefix.size()] >= '0' && e[prefix.size()] <= '9';
}

class BcacheCollector final : public Collector {
 public:
  BcacheCollector(const Options& o, const Paths& p)
      : priority_(o.enable_bcache_priority_stats), dir_(p.Sys("fs/bcache")) {
    auto f = [](std::string_view n, std::string_view help, MetricType t) {
      return MetricFamily{Cat("node_bcache_", n), t, std::string(help), ""};
    };
    for (size_t i = 0; i < 7; ++i) {
      period_[i] = f(kPeriodMetrics[i][0], kPeriodMetrics[i][1], MetricType::kCounter);
    }
    for (size_t i = 0; i < kNumSetValues; ++i) {
      set_[i] = f(kSetValues[i].metric, kSetValues[i].help, kSetValues[i].type);
    }
    dirty_ = f("dirty_data_bytes", "Amount of dirty data for this backing device in the cache.",
               MetricType::kGauge);
    target_ = f("dirty_target_bytes",
                "Current dirty data target threshold for this backing device in bytes.",
                MetricType::kGauge);
    rate_ = f("writeback_rate", "Current writeback rate for this backing device in bytes.",
              MetricType::kGauge);
    prop_ = f("writeback_rate_proportional_term",
              "Current result of proportional controller, part of writeback rate",
              MetricType::kGauge);
    integral_ = f("writeback_rate_integral_term",
                  "Current result of integral controller, part of writeback rate",
                  MetricType::kGauge);
    change_ = f("writeback_change", "Last writeback rate change step for this backing device.",
                MetricType::kGauge);
    io_errors_ = f("io_errors", "Number of errors that have occurred, decayed by io_error_halflife.",
                   MetricType::kGauge);
    metadata_written_ = f("metadata_written_bytes_total",
                          "Sum of all non data writes (btree writes and all other metadata).",
                          MetricType::kCounter);
    written_ = f("written_bytes_total", "Sum of all data that has been written to the cache.",
                 MetricType::kCounter);
    unused_pct_ = f("priority_stats_unused_percent",
                    "The percentage of the cache that doesn't contain any data.",
                    MetricType::kGauge);
    metadata_pct_ = f("priority_stats_metadata_percent", "Bcache's metadata overhead.",
                      MetricType::kGauge);
  }

 protected:
  absl::Status Update() override {
    sets_.clear();
    if (!PathExists(dir_)) return absl::OkStatus();
    absl::StatusOr<std::vector<std::string>> entries = ListDir(dir_);
    absl::Status st = absl::OkStatus();
    if (entries.ok()) {
      for (const std::string& e : *entries) {
        if (e.find('-') == std::string::npos) continue;  // Glob("fs/bcache/*-*")
        st = ReadSet(e);
        if (!st.ok()) break;
      }
    }
    if (st.ok()) {
      for (const Set& s : sets_) Report(s);
    }
    files_.Sweep();
    return st;
  }

 private:
  struct Bdev {
    std::string name;
    uint64_t dirty = 0;
    BcacheWriteback wb;
    uint64_t total[7] = {};
  };
  struct Cache {
    std::string name;
    uint64_t io_errors = 0, metadata_written = 0, written = 0, unused = 0, metadata = 0;
  };
  struct Set {
    std::string uuid;
    uint64_t values[kNumSetValues] = {};
    std::vector<Bdev> bdevs;
    std::vector<Cache> caches;
  };

  // procfs' readValue: absent is 0; the first error sticks in err_.
  uint64_t Value(const std::string& path) {
    if (!err_.ok()) return 0;
    absl::StatusOr<std::string_view> r = files_.Get(path).Read();
    if (!r.ok()) {
      if (!absl::IsNotFound(r.status())) err_ = absl::UnavailableError(Cat("failed to read: ", path));
      return 0;
    }
    std::string_view v = *r;
    if (!v.empty()) v.remove_suffix(1);  // the trailing newline
    uint64_t out = 0;
    if (!BcacheDehumanize(v, &out)) err_ = absl::InvalidArgumentError(Cat("bad value in ", path));
    return out;
  }

  absl::StatusOr<std::string_view> Required(const std::string& path) {
    absl::StatusOr<std::string_view> r = files_.Get(path).Read();
    if (!r.ok()) return absl::UnavailableError(Cat("failed to read: ", path));
    return r;
  }

  absl::Status ReadSet(const std::string& uuid) {
    err_ = absl::OkStatus();
    Set s;
    s.uuid = uuid;
    const std::string base = Cat(dir_, "/", uuid);
    for (size_t i = 0; i < kNumSetValues; ++i) {
      s.values[i] = Value(Cat(base, "/", kSetValues[i].file));
    }
    for (const char* period : {"stats_five_minute", "stats_total"}) {
      for (const char* f : kPeriodFiles) Value(Cat(base, "/", period, "/", f));
    }
    if (!err_.ok()) return err_;
    absl::StatusOr<std::vector<std::string>> entries = ListDir(base);
    if (!entries.ok()) return entries.status();
    for (const std::string& e : *entries) {
      if (!Numbered(e, "bdev")) continue;
      Bdev b;
      b.name = e;
      const std::string d = Cat(base, "/", e);
      b.dirty = Value(Cat(d, "/dirty_data"));
      if (err_.ok()) {
        absl::StatusOr<std::string_view> wb = Required(Cat(d, "/writeback_rate_debug"));
        err_ = wb.ok() ? ParseBcacheWritebackRateDebug(*wb, &b.wb) : wb.status();
      }
      for (const char* f : kPeriodFiles) Value(Cat(d, "/stats_five_minute/", f));
      for (size_t i = 0; i < 7; ++i) b.total[i] = Value(Cat(d, "/stats_total/", kPeriodFiles[i]));
      s.bdevs.push_back(std::move(b));
    }
    if (!err_.ok()) return err_;
    for (const std::string& e : *entries) {
      if (!Numbered(e, "cache")) continue;
      Cache c;
      c.name = e;
      const std::string d = Cat(base, "/", e);
      c.io_errors = Value(Cat(d, "/io_errors"));
      c.metadata_written = Value(Cat(d, "/metadata_written"));
      c.written = Value(Cat(d, "/written"));
      if (priority_ && err_.ok()) {
        absl::StatusOr<std::string_view> ps = Required(Cat(d, "/priority_stats"));
        err_ = ps.ok() ? ParseBcachePriorityStats(*ps, &c.unused, &c.metadata) : ps.status();
      }
      s.caches.push_back(std::move(c));
    }
    if (!err_.ok()) return err_;
    sets_.push_back(std::move(s));
    return absl::OkStatus();
  }

  void Report(const Set& s) {
    const std::string_view u = s.uuid;
    for (size_t i = 0; i < kNumSetValues; ++i) {
      series_.Add(set_[i], {{"uuid", u}}, static_cast<double>(s.values[i]) * kSetValues[i].scale);
    }
    for (const Bdev& b : s.bdevs) {
      auto l = {std::pair<std::string_view, std::string_view>{"uuid", u},
                {"backing_device", b.name}};
      series_.Add(dirty_, l, static_cast<double>(b.dirty));
      series_.Add(target_, l, static_cast<double>(b.wb.target));
      series_.Add(rate_, l, static_cast<double>(b.wb.rate));
      series_.Add(prop_, l, static_cast<double>(b.wb.proportional));
      series_.Add(integral_, l, static_cast<double>(b.wb.integral));
      series_.Add(change_, l, static_cast<double>(b.wb.change));
      for (size_t i = 0; i < 7; ++i) series_.Add(period_[i], l, static_cast<double>(b.total[i]));
    }
    for (const Cache& c : s.caches) {
      auto l = {std::pair<std::string_view, std::string_view>{"uuid", u}, {"cache_device", c.name}};
      series_.Add(io_errors_, l, static_cast<double>(c.io_errors));
      series_.Add(metadata_written_, l, static_cast<double>(c.metadata_written));
      series_.Add(written_, l, static_cast<double>(c.written));
      if (priority_) {
        series_.Add(unused_pct_, l, static_cast<double>(c.unused));
        series_.Add(metadata_pct_, l, static_cast<double>(c.metadata));
      }
    }
  }

  bool priority_;
  std::string dir_;
  ProcFileSet files_;
  absl::Status err_;
  std::vector<Set> sets_;
  MetricFamily period_[7], set_[kNumSetValues];
  MetricFamily dirty_, target_, rate_, prop_, integral_, change_, io_errors_, metadata_written_,
      written_, unused_pct_, metadata_pct_;
};

}  // namespace

CollectorOr NewBcacheCollector(const Options& o, const Paths& p) {
  return std::make_unique<BcacheCollector>(o, p);
}

}  // namespace outpost::integrations::node
