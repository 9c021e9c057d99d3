// conntrack: node_nf_conntrack_entries, _entries_limit and the
// node_nf_conntrack_stat_* sums over CPUs of /proc/net/stat/nf_conntrack
// (node_exporter collector/conntrack_linux.go; a missing file means the
// module is not loaded: no data).
#include <string>
#include <utility>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

absl::Status ParseConntrackStat(std::string_view text,
                                absl::FunctionRef<void(std::string_view, double)> f) {
  std::string_view header;
  if (!NextLine(&text, &header)) return absl::InvalidArgumentError("empty conntrack stat file");
  std::string_view names[32];
  size_t nn = SplitFields(header, names, 32);
  double sums[32] = {};
  std::string_view line;
  while (NextLine(&text, &line)) {
    std::string_view v[33];
    size_t nv = SplitFields(line, v, 33);
    if (nv == 0) continue;
    if (nv != nn) return absl::InvalidArgumentError(Cat("conntrack stat column mismatch: ", line));
    for (size_t i = 0; i < nv; ++i) {
      double d;
      if (!ParseHexAsDouble(v[i], &d))
        return absl::InvalidArgumentError(Cat("bad conntrack stat: ", line));
      sums[i] += d;
    }
  }
  for (size_t i = 0; i < nn; ++i) f(names[i], sums[i]);
  return absl::OkStatus();
}

namespace {

class ConntrackCollector final : public Collector {
 public:
  explicit ConntrackCollector(const Paths& p)
      : count_(p.Proc("sys/net/netfilter/nf_conntrack_count")),
        max_(p.Proc("sys/net/netfilter/nf_conntrack_max")),
        stat_(p.Proc("net/stat/nf_conntrack")) {
    entries_ = {"node_nf_conntrack_entries", MetricType::kGauge,
                "Number of currently allocated flow entries for connection tracking.", ""};
    limit_ = {"node_nf_conntrack_entries_limit", MetricType::kGauge,
              "Maximum size of connection tracking table.", ""};
    struct Def {
      const char* field;
      const char* help;
    } defs[kStats] = {
        {"found", "Number of searched entries which were successful."},
        {"invalid", "Number of packets seen which can not be tracked."},
        {"ignore", "Number of packets seen which are already connected to a conntrack entry."},
        {"insert", "Number of entries inserted into the list."},
        {"insert_failed", "Number of entries for which list insertion was attempted but failed."},
        {"drop", "Number of packets dropped due to conntrack failure."},
        {"early_drop",
         "Number of dropped conntrack entries to make room for new ones, if maximum table size "
         "was reached."},
        {"search_restart",
         "Number of conntrack table lookups which had to be restarted due to hashtable resizes."},
    };
    for (int i = 0; i < kStats; ++i) {
      fields_[i] = defs[i].field;
      stats_[i] = {Cat("node_nf_conntrack_stat_", defs[i].field), MetricType::kGauge, defs[i].help,
                   ""};
    }
  }

 protected:
  absl::Status Update() override {
    double v;
    for (auto [file, family] : {std::pair{&count_, &entries_}, std::pair{&max_, &limit_}}) {
      absl::StatusOr<std::string_view> text = file->Read();
      if (!text.ok()) return Handle(text.status());
      if (!ParseUintAsDouble(Trim(*text), &v)) {
        return absl::InvalidArgumentError(Cat("bad number in ", file->path()));
      }
      series_.Add(*family, v);
    }
    absl::StatusOr<std::string_view> text = stat_.Read();
    if (!text.ok()) return Handle(text.status());
    double sums[kStats] = {};
    absl::Status st = ParseConntrackStat(*text, [&](std::string_view field, double sum) {
      for (int i = 0; i < kStats; ++i) {
        if (fields_[i] == field) sums[i] = sum;
      }
    });
    if (!st.ok()) return st;
    for (int i = 0; i < kStats; ++i) series_.Add(stats_[i], sums[i]);
    return absl::OkStatus();
  }

 private:
  static constexpr int kStats = 8;
  static absl::Status Handle(const absl::Status& s) {
    return absl::IsNotFound(s) ? NoData("conntrack probably not loaded") : s;
  }

  ProcFile count_, max_, stat_;
  MetricFamily entries_, limit_, stats_[kStats];
  std::string_view fields_[kStats];
};

}  // namespace

CollectorOr NewConntrackCollector(const Options&, const Paths& p) {
  return std::make_unique<ConntrackCollector>(p);
}

}  // namespace outpost::integrations::node
