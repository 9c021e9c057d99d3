// filefd: node_filefd_allocated and node_filefd_maximum from
// /proc/sys/fs/file-nr (node_exporter collector/filefd_linux.go).
#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

absl::Status ParseFileNr(std::string_view text, double* allocated, double* maximum) {
  std::string_view f[4];
  if (SplitFields(Trim(text), f, 4) != 3) {
    return absl::InvalidArgumentError(Cat("unexpected file-nr content: ", text));
  }
  if (!ParseUintAsDouble(f[0], allocated) || !ParseUintAsDouble(f[2], maximum)) {
    return absl::InvalidArgumentError(Cat("bad file-nr value: ", text));
  }
  return absl::OkStatus();
}

namespace {

class FilefdCollector final : public Collector {
 public:
  explicit FilefdCollector(const Paths& p) : file_(p.Proc("sys/fs/file-nr")) {
    allocated_ = {"node_filefd_allocated", MetricType::kGauge,
                  "File descriptor statistics: allocated.", ""};
    maximum_ = {"node_filefd_maximum", MetricType::kGauge, "File descriptor statistics: maximum.",
                ""};
  }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::string_view> text = file_.Read();
    if (!text.ok()) return text.status();
    double a, m;
    if (absl::Status st = ParseFileNr(*text, &a, &m); !st.ok()) return st;
    series_.Add(allocated_, a);
    series_.Add(maximum_, m);
    return absl::OkStatus();
  }

 private:
  ProcFile file_;
  MetricFamily allocated_, maximum_;
};

}  // namespace

CollectorOr NewFilefdCollector(const Options&, const Paths& p) {
  return std::make_unique<FilefdCollector>(p);
}

}  // namespace outpost::integrations::node
