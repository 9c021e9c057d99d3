// selinux: node_selinux_enabled, and when enabled the configured and
// current enforcement modes (node_exporter collector/selinux_linux.go with
// opencontainers/selinux: enabled = a writable selinuxfs is mounted and the
// process label is not "kernel"). Like upstream it looks at the running
// system's /sys/fs/selinux, /proc/self and /etc/selinux/config, whatever
// the configured paths.
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include <string>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

constexpr unsigned long kSelinuxMagic = 0xf97cff8c;

class SelinuxCollector final : public Collector {
 public:
  SelinuxCollector() {
    enabled_ = {"node_selinux_enabled", MetricType::kGauge,
                "SELinux is enabled, 1 is true, 0 is false", ""};
    config_mode_ = {"node_selinux_config_mode", MetricType::kGauge,
                    "Configured SELinux enforcement mode", ""};
    current_mode_ = {"node_selinux_current_mode", MetricType::kGauge,
                     "Current SELinux enforcement mode", ""};
  }

 protected:
  absl::Status Update() override {
    if (!Enabled()) {
      series_.Add(enabled_, 0);
      return absl::OkStatus();
    }
    series_.Add(enabled_, 1);
    series_.Add(config_mode_, ConfigMode());
    double current = -1;  // go-selinux: Disabled when enforce cannot be read
    absl::StatusOr<std::string_view> enforce = enforce_.Read();
    if (enforce.ok()) {
      int64_t v;
      if (ParseInt(Trim(*enforce), &v)) current = static_cast<double>(v);
    }
    series_.Add(current_mode_, current);
    return absl::OkStatus();
  }

 private:
  static bool Enabled() {
    struct statfs fs;
    if (::statfs("/sys/fs/selinux", &fs) != 0 ||
        static_cast<unsigned long>(fs.f_type) != kSelinuxMagic || (fs.f_flags & ST_RDONLY) != 0) {
      return false;
    }
    absl::StatusOr<std::string> label = ReadSmallFile("/proc/self/attr/current");
    if (!label.ok()) return false;
    std::string_view l = Trim(*label);
    while (!l.empty() && l.back() == '\0') l.remove_suffix(1);
    return l != "kernel";
  }

  // SELINUX= of /etc/selinux/config: enforcing 1, permissive 0, else -1.
  static double ConfigMode() {
    absl::StatusOr<std::string> cfg = ReadSmallFile("/etc/selinux/config");
    if (!cfg.ok()) return -1;
    std::string_view text = *cfg, line;
    while (NextLine(&text, &line)) {
      line = Trim(line);
      if (line.substr(0, 8) != "SELINUX=") continue;
      std::string_view v = Trim(line.substr(8));
      if (v == "enforcing") return 1;
      if (v == "permissive") return 0;
      return -1;
    }
    return -1;
  }

  ProcFile enforce_{"/sys/fs/selinux/enforce"};
  MetricFamily enabled_, config_mode_, current_mode_;
};

}  // namespace

CollectorOr NewSelinuxCollector(const Options&, const Paths&) {
  return std::make_unique<SelinuxCollector>();
}

}  // namespace outpost::integrations::node
