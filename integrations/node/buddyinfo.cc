// buddyinfo (off by default): free blocks per NUMA node, zone and order
// from <procfs>/buddyinfo (node_exporter 1.5.0 collector/buddyinfo.go with
// prometheus/procfs v0.8.0 buddyinfo.go). Every line needs the same number
// of buckets; a malformed line fails the collection.
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

absl::Status ParseBuddyinfo(
    std::string_view text,
    absl::FunctionRef<void(std::string_view node, std::string_view zone, size_t order, double v)>
        f) {
  constexpr size_t kMax = 64;
  std::string_view p[kMax];
  std::string_view line;
  size_t buckets = SIZE_MAX;
  while (NextLine(&text, &line)) {
    const size_t n = SplitFields(line, p, kMax);
    if (n < 4) return absl::InvalidArgumentError("invalid number of fields when parsing buddyinfo");
    if (n == kMax) return absl::InvalidArgumentError("too many buddyinfo buckets");
    auto trim_comma = [](std::string_view s) {
      while (!s.empty() && s.back() == ',') s.remove_suffix(1);
      return s;
    };
    const size_t count = n - 4;
    if (buckets == SIZE_MAX) buckets = count;
    if (count != buckets) {
      return absl::InvalidArgumentError("mismatch in number of buddyinfo buckets");
    }
    for (size_t i = 0; i < count; ++i) {
      double v;
      if (!ParseDouble(p[i + 4], &v)) {
        return absl::InvalidArgumentError(Cat("invalid value in buddyinfo: ", p[i + 4]));
      }
      f(trim_comma(p[1]), trim_comma(p[3]), i, v);
    }
  }
  return absl::OkStatus();
}

namespace {

class BuddyinfoCollector final : public Collector {
 public:
  explicit BuddyinfoCollector(const Paths& p) : file_(p.Proc("buddyinfo")) {
    blocks_ = {"node_buddyinfo_blocks", MetricType::kGauge, "Count of free blocks according to size.",
               ""};
  }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::string_view> text = file_.Read();
    if (!text.ok()) return text.status();
    // Parse all before reporting: a bad line reports nothing, as upstream.
    rows_.clear();
    absl::Status st = ParseBuddyinfo(
        *text, [&](std::string_view node, std::string_view zone, size_t order, double v) {
          rows_.push_back({node, zone, order, v});
        });
    if (!st.ok()) return st;
    for (const Row& r : rows_) {
      while (orders_.size() <= r.order) orders_.push_back(Cat(orders_.size()));
      series_.Add(blocks_, {{"node", r.node}, {"zone", r.zone}, {"size", orders_[r.order]}}, r.v);
    }
    return absl::OkStatus();
  }

 private:
  struct Row {
    std::string_view node, zone;
    size_t order;
    double v;
  };
  ProcFile file_;
  std::vector<Row> rows_;
  std::vector<std::string> orders_;
  MetricFamily blocks_;
};

}  // namespace

CollectorOr NewBuddyinfoCollector(const Options&, const Paths& p) {
  return std::make_unique<BuddyinfoCollector>(p);
}

}  // namespace outpost::integrations::node
