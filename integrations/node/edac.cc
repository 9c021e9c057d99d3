// edac: memory controller error counters from
// <sysfs>/devices/system/edac/mc/mc<N>[/csrow<M>] (node_exporter
// collector/edac_linux.go; the controller-level "noinfo" counts are
// reported as csrow="unknown").
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

bool NumberedEntry(const std::string& name, std::string_view prefix, std::string_view* number) {
  if (name.size() < prefix.size() || std::string_view(name).substr(0, prefix.size()) != prefix) {
    return false;
  }
  *number = std::string_view(name).substr(prefix.size());
  if (number->empty() || (*number)[0] < '0' || (*number)[0] > '9') return false;
  return true;
}

class EdacCollector final : public Collector {
 public:
  explicit EdacCollector(const Paths& p) : dir_(p.Sys("devices/system/edac/mc")) {
    ce_ = {"node_edac_correctable_errors_total", MetricType::kCounter,
           "Total correctable memory errors.", ""};
    ue_ = {"node_edac_uncorrectable_errors_total", MetricType::kCounter,
           "Total uncorrectable memory errors.", ""};
    csrow_ce_ = {"node_edac_csrow_correctable_errors_total", MetricType::kCounter,
                 "Total correctable memory errors for this csrow.", ""};
    csrow_ue_ = {"node_edac_csrow_uncorrectable_errors_total", MetricType::kCounter,
                 "Total uncorrectable memory errors for this csrow.", ""};
  }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::vector<std::string>> mcs = ListDir(dir_);
    if (!mcs.ok()) return absl::IsNotFound(mcs.status()) ? absl::OkStatus() : mcs.status();
    for (const std::string& mc : *mcs) {
      std::string_view n;
      if (!NumberedEntry(mc, "mc", &n)) continue;
      const std::string base = Cat(dir_, "/", mc);
      double v;
      struct {
        const char* file;
        const MetricFamily* family;
        bool csrow_unknown;
      } counts[] = {{"ce_count", &ce_, false},
                    {"ce_noinfo_count", &csrow_ce_, true},
                    {"ue_count", &ue_, false},
                    {"ue_noinfo_count", &csrow_ue_, true}};
      for (const auto& c : counts) {
        if (absl::Status st = ReadNumber(Cat(base, "/", c.file), &v); !st.ok()) return st;
        if (c.csrow_unknown) {
          series_.Add(*c.family, {{"controller", n}, {"csrow", "unknown"}}, v);
        } else {
          series_.Add(*c.family, {{"controller", n}}, v);
        }
      }
      absl::StatusOr<std::vector<std::string>> rows = ListDir(base);
      if (!rows.ok()) return rows.status();
      for (const std::string& row : *rows) {
        std::string_view r;
        if (!NumberedEntry(row, "csrow", &r)) continue;
        if (absl::Status st = ReadNumber(Cat(base, "/", row, "/ce_count"), &v); !st.ok()) return st;
        series_.Add(csrow_ce_, {{"controller", n}, {"csrow", r}}, v);
        if (absl::Status st = ReadNumber(Cat(base, "/", row, "/ue_count"), &v); !st.ok()) return st;
        series_.Add(csrow_ue_, {{"controller", n}, {"csrow", r}}, v);
      }
    }
    files_.Sweep();
    return absl::OkStatus();
  }

 private:
  absl::Status ReadNumber(const std::string& path, double* out) {
    absl::StatusOr<std::string_view> text = files_.Get(path).Read();
    if (!text.ok()) return text.status();
    if (!ParseUintAsDouble(Trim(*text), out)) {
      return absl::InvalidArgumentError(Cat("bad number in ", path));
    }
    return absl::OkStatus();
  }

  std::string dir_;
  ProcFileSet files_;
  MetricFamily ce_, ue_, csrow_ce_, csrow_ue_;
};

}  // namespace

CollectorOr NewEdacCollector(const Options&, const Paths& p) {
  return std::make_unique<EdacCollector>(p);
}

}  // namespace outpost::integrations::node
