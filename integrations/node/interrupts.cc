// interrupts (off by default): node_interrupts_total{cpu,type,info,devices}
// from <procfs>/interrupts (node_exporter 1.5.0
// collector/interrupts_linux.go). The header gives the CPU count; lines
// with fewer than CPUs + 2 fields (ERR, MIS) are skipped; a numbered IRQ's
// first detail is its info and the rest its devices, a named one's details
// are all info; a repeated name keeps its last line. A bad count fails the
// collection.
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

absl::Status ParseInterrupts(std::string_view text, std::vector<InterruptLine>* out) {
  out->clear();
  std::string_view line;
  if (!NextLine(&text, &line)) return absl::InvalidArgumentError("interrupts empty");
  constexpr size_t kMax = 1024;
  std::vector<std::string_view> f(kMax);
  const size_t cpus = SplitFields(line, f.data(), kMax);
  while (NextLine(&text, &line)) {
    const size_t n = SplitFields(line, f.data(), kMax);
    if (n == kMax) return absl::InvalidArgumentError("interrupts line too long");
    if (n < cpus + 2) continue;
    InterruptLine l;
    l.name = f[0].substr(0, f[0].size() - 1);  // the trailing ':'
    l.values.assign(f.begin() + 1, f.begin() + 1 + static_cast<ptrdiff_t>(cpus));
    // The details run from the first detail field to the end of the line.
    const char* details_begin = f[cpus + 1].data();
    const char* line_end = f[n - 1].data() + f[n - 1].size();
    int64_t irq;
    if (ParseInt(l.name, &irq)) {
      l.info = f[cpus + 1];
      if (n > cpus + 2) {
        l.devices = std::string_view(f[cpus + 2].data(),
                                     static_cast<size_t>(line_end - f[cpus + 2].data()));
      }
    } else {
      l.info = std::string_view(details_begin, static_cast<size_t>(line_end - details_begin));
    }
    // strings.Join(fields, " "): runs of blanks become one space.
    l.info_joined = JoinFields(l.info);
    l.devices_joined = JoinFields(l.devices);
    bool replaced = false;
    for (InterruptLine& e : *out) {
      if (e.name == l.name) {
        e = std::move(l);
        replaced = true;
        break;
      }
    }
    if (!replaced) out->push_back(std::move(l));
  }
  return absl::OkStatus();
}

std::string JoinFields(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t b = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > b) {
      if (!out.empty()) out.push_back(' ');
      out.append(s.substr(b, i - b));
    }
  }
  return out;
}

namespace {

class InterruptsCollector final : public Collector {
 public:
  explicit InterruptsCollector(const Paths& p) : file_(p.Proc("interrupts")) {
    total_ = {"node_interrupts_total", MetricType::kCounter, "Interrupt details.", ""};
  }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::string_view> text = file_.Read();
    if (!text.ok()) return text.status();
    if (absl::Status st = ParseInterrupts(*text, &lines_); !st.ok()) return st;
    for (const InterruptLine& l : lines_) {
      for (size_t cpu = 0; cpu < l.values.size(); ++cpu) {
        double v;
        if (!ParseDouble(l.values[cpu], &v)) {
          return absl::InvalidArgumentError(Cat("invalid value ", l.values[cpu], " in interrupts"));
        }
        while (cpus_.size() <= cpu) cpus_.push_back(Cat(cpus_.size()));
        series_.Add(total_,
                    {{"cpu", cpus_[cpu]},
                     {"type", l.name},
                     {"info", l.info_joined},
                     {"devices", l.devices_joined}},
                    v);
      }
    }
    return absl::OkStatus();
  }

 private:
  ProcFile file_;
  std::vector<InterruptLine> lines_;
  std::vector<std::string> cpus_;
  MetricFamily total_;
};

}  // namespace

CollectorOr NewInterruptsCollector(const Options&, const Paths& p) {
  return std::make_unique<InterruptsCollector>(p);
}

}  // namespace outpost::integrations::node
