#include "core/agent/self_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "core/base/build_info.h"
#include "prometheus/text_serializer.h"

namespace outpost {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

prometheus::MetricFamily OneValue(std::string name, std::string help, prometheus::MetricType type,
                                  double v) {
  prometheus::MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  prometheus::ClientMetric m;
  if (type == prometheus::MetricType::Counter) {
    m.counter.value = v;
  } else {
    m.gauge.value = v;
  }
  f.metric.push_back(std::move(m));
  return f;
}

}  // namespace

std::vector<prometheus::MetricFamily> CollectProcessMetrics(const std::string& procfs,
                                                            const std::string& pid_dir) {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> out;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));

  // /proc/<pid>/stat: fields after the last ')' (the command may hold
  // spaces and parentheses). man 5 proc: utime(14) stime(15)
  // starttime(22) vsize(23) rss(24), 1-based.
  const std::string stat = ReadFile(pid_dir + "/stat");
  const size_t close = stat.rfind(')');
  if (close != std::string::npos && close + 2 < stat.size()) {
    std::vector<absl::string_view> f =
        absl::StrSplit(absl::string_view(stat).substr(close + 2), ' ', absl::SkipEmpty());
    // f[0] is field 3 (state).
    auto field = [&](size_t n, double* v) {
      return n - 3 < f.size() && absl::SimpleAtod(f[n - 3], v);
    };
    double utime, stime, start, vsize, rss;
    if (field(14, &utime) && field(15, &stime)) {
      out.push_back(OneValue("process_cpu_seconds_total",
                             "Total user and system CPU time spent in seconds.",
                             MetricType::Counter, (utime + stime) / ticks));
    }
    if (field(23, &vsize)) {
      out.push_back(OneValue("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                             MetricType::Gauge, vsize));
    }
    if (field(24, &rss)) {
      out.push_back(OneValue("process_resident_memory_bytes", "Resident memory size in bytes.",
                             MetricType::Gauge, rss * page));
    }
    // Start time = boot time (btime in /proc/stat) + starttime ticks.
    double btime = 0;
    for (absl::string_view line : absl::StrSplit(ReadFile(procfs + "/stat"), '\n')) {
      if (absl::ConsumePrefix(&line, "btime ") && absl::SimpleAtod(line, &btime)) break;
    }
    if (btime > 0 && field(22, &start)) {
      out.push_back(OneValue("process_start_time_seconds",
                             "Start time of the process since unix epoch in seconds.",
                             MetricType::Gauge, btime + start / ticks));
    }
  }
  if (DIR* d = opendir((pid_dir + "/fd").c_str())) {
    double n = 0;
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') ++n;
    }
    closedir(d);
    out.push_back(OneValue("process_open_fds", "Number of open file descriptors.",
                           MetricType::Gauge, n - 1));  // minus the one opendir holds
  }
  for (absl::string_view line : absl::StrSplit(ReadFile(pid_dir + "/limits"), '\n')) {
    if (!absl::ConsumePrefix(&line, "Max open files")) continue;
    std::vector<absl::string_view> f = absl::StrSplit(line, ' ', absl::SkipEmpty());
    double soft;
    if (!f.empty() && absl::SimpleAtod(f[0], &soft)) {
      out.push_back(OneValue("process_max_fds", "Maximum number of open file descriptors.",
                             MetricType::Gauge, soft));
    }
  }
  return out;
}

SelfMetrics::SelfMetrics(std::string procfs)
    : registry_(std::make_shared<prometheus::Registry>()),
      procfs_(std::move(procfs)),
      config_hash_(prometheus::BuildGauge()
                       .Name("agent_config_hash")
                       .Help("Hash of the currently active config file.")
                       .Register(*registry_)),
      last_load_successful_(prometheus::BuildGauge()
                                .Name("agent_config_last_load_successful")
                                .Help("Config loaded successfully.")
                                .Register(*registry_)
                                .Add({})),
      last_load_success_ts_(prometheus::BuildGauge()
                                .Name("agent_config_last_load_success_timestamp_seconds")
                                .Help("Timestamp of the last successful configuration load.")
                                .Register(*registry_)
                                .Add({})),
      load_failures_(prometheus::BuildCounter()
                         .Name("agent_config_load_failures_total")
                         .Help("Configuration load failures.")
                         .Register(*registry_)
                         .Add({})),
      abnormal_exits_(prometheus::BuildCounter()
                          .Name("agent_metrics_integration_abnormal_exits_total")
                          .Help("Total number of times an agent integration exited unexpectedly, "
                                "causing it to be restarted.")
                          .Register(*registry_)) {
  const BuildInfo& b = GetBuildInfo();
  prometheus::BuildGauge()
      .Name("agent_build_info")
      .Help("A metric with a constant '1' value labeled by version, revision, branch, "
            "and goversion from which agent was built.")
      .Register(*registry_)
      .Add({{"version", std::string(b.version)},
            {"revision", std::string(b.revision)},
            {"branch", std::string(b.branch)},
            {"goversion", "none"}})
      .Set(1);
}

std::vector<prometheus::MetricFamily> SelfMetrics::Collect() const {
  std::vector<prometheus::MetricFamily> out = registry_->Collect();
  for (prometheus::MetricFamily& f : CollectProcessMetrics(procfs_, procfs_ + "/self")) {
    out.push_back(std::move(f));
  }
  return out;
}

std::string SelfMetrics::Render() const {
  return prometheus::TextSerializer().Serialize(Collect());
}

void SelfMetrics::ConfigLoaded(const std::string& sha256_hex) {
  if (!current_hash_.empty() && current_hash_ != sha256_hex) {
    config_hash_.Remove(&config_hash_.Add({{"sha256", current_hash_}}));
  }
  current_hash_ = sha256_hex;
  config_hash_.Add({{"sha256", sha256_hex}}).Set(1);
  last_load_successful_.Set(1);
  last_load_success_ts_.Set(absl::ToUnixMillis(absl::Now()) / 1000.0);
}

void SelfMetrics::ConfigLoadFailed() {
  last_load_successful_.Set(0);
  load_failures_.Increment();
}

prometheus::Counter& SelfMetrics::AbnormalExit(const std::string& integration) {
  return abnormal_exits_.Add({{"integration_name", integration}});
}

}  // namespace outpost
