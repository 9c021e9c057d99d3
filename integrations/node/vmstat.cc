// vmstat: /proc/vmstat fields matching vmstat_fields, as untyped
// node_vmstat_<field> (node_exporter collector/vmstat_linux.go).
#include "integrations/node/collectors.h"
#include "re2/re2.h"

namespace outpost::integrations::node {

absl::Status ParseKeyValue(std::string_view text,
                           absl::FunctionRef<void(std::string_view, std::string_view)> f) {
  std::string_view line;
  while (NextLine(&text, &line)) {
    std::string_view p[3];
    size_t n = SplitFields(line, p, 3);
    if (n == 0) continue;
    if (n != 2) return absl::InvalidArgumentError(Cat("bad key/value line: ", line));
    f(p[0], p[1]);
  }
  return absl::OkStatus();
}

namespace {

class VmstatCollector final : public Collector {
 public:
  VmstatCollector(const Options& o, const Paths& p)
      : file_(p.Proc("vmstat")), fields_(o.vmstat_fields) {}

  absl::Status Init() const {
    return fields_.ok() ? absl::OkStatus() : absl::InvalidArgumentError(fields_.error());
  }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::string_view> text = file_.Read();
    if (!text.ok()) return text.status();
    absl::Status bad;
    absl::Status st = ParseKeyValue(*text, [&](std::string_view key, std::string_view v) {
      double value;
      if (!ParseDouble(v, &value)) {
        bad = absl::InvalidArgumentError(Cat("bad /proc/vmstat value: ", key, " ", v));
        return;
      }
      if (!match_.Matches(key)) return;
      series_.Add(families_.Get(key,
                                [](std::string_view k) {
                                  return MetricFamily{
                                      Cat("node_vmstat_", k), MetricType::kUnknown,
                                      Cat("/proc/vmstat information field ", k, "."), ""};
                                }),
                  value);
    });
    return st.ok() ? bad : st;
  }

 private:
  ProcFile file_;
  RE2 fields_;
  MatchCache match_{&fields_};
  DynamicFamilies families_;
};

}  // namespace

CollectorOr NewVmstatCollector(const Options& o, const Paths& p) {
  auto c = std::make_unique<VmstatCollector>(o, p);
  if (absl::Status st = c->Init(); !st.ok()) return st;
  return c;
}

}  // namespace outpost::integrations::node
