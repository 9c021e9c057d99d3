#include "integrations/process/process.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "integrations/common/build_info.h"
#include "integrations/common/options_spec.h"
#include "integrations/common/series_cache.h"

namespace outpost::integrations::process {
namespace {

constexpr MetricType kG = MetricType::kGauge;
constexpr MetricType kC = MetricType::kCounter;

// collector/process_collector.go, in its Describe order.
struct Families {
  MetricFamily cpu{"namedprocess_namegroup_cpu_seconds_total", kC, "Cpu user usage in seconds", ""};
  MetricFamily num_procs{"namedprocess_namegroup_num_procs", kG,
                         "number of processes in this group", ""};
  MetricFamily read_bytes{"namedprocess_namegroup_read_bytes_total", kC,
                          "number of bytes read by this group", ""};
  MetricFamily write_bytes{"namedprocess_namegroup_write_bytes_total", kC,
                           "number of bytes written by this group", ""};
  MetricFamily memory{"namedprocess_namegroup_memory_bytes", kG,
                      "number of bytes of memory in use", ""};
  MetricFamily open_fds{"namedprocess_namegroup_open_filedesc", kG,
                        "number of open file descriptors for this group", ""};
  MetricFamily worst_fd_ratio{"namedprocess_namegroup_worst_fd_ratio", kG,
                              "the worst (closest to 1) ratio between open fds and max fds among "
                              "all procs in this group",
                              ""};
  MetricFamily start_time{"namedprocess_namegroup_oldest_start_time_seconds", kG,
                          "start time in seconds since 1970/01/01 of oldest process in group", ""};
  MetricFamily major_faults{"namedprocess_namegroup_major_page_faults_total", kC,
                            "Major page faults", ""};
  MetricFamily minor_faults{"namedprocess_namegroup_minor_page_faults_total", kC,
                            "Minor page faults", ""};
  MetricFamily ctx{"namedprocess_namegroup_context_switches_total", kC, "Context switches", ""};
  MetricFamily num_threads{"namedprocess_namegroup_num_threads", kG, "Number of threads", ""};
  MetricFamily states{"namedprocess_namegroup_states", kG,
                      "Number of processes in states Running, Sleeping, Waiting, Zombie, or Other",
                      ""};
  // Counters without _total, as upstream names them.
  MetricFamily scrape_errors{"namedprocess_scrape_errors", kC,
                             "general scrape errors: no proc metrics collected during a cycle", ""};
  MetricFamily procread_errors{"namedprocess_scrape_procread_errors", kC,
                               "incremented each time a proc's metrics collection fails", ""};
  MetricFamily partial_errors{"namedprocess_scrape_partial_errors", kC,
                              "incremented each time a tracked proc's metrics collection fails "
                              "partially, e.g. unreadable I/O stats",
                              ""};
  MetricFamily wchan{"namedprocess_namegroup_threads_wchan", kG,
                     "Number of threads in this group waiting on each wchan", ""};
  MetricFamily thread_count{"namedprocess_namegroup_thread_count", kG,
                            "Number of threads in this group with same threadname", ""};
  MetricFamily thread_cpu{"namedprocess_namegroup_thread_cpu_seconds_total", kC,
                          "Cpu user/system usage in seconds", ""};
  MetricFamily thread_io{"namedprocess_namegroup_thread_io_bytes_total", kC,
                         "number of bytes read/written by these threads", ""};
  MetricFamily thread_major{"namedprocess_namegroup_thread_major_page_faults_total", kC,
                            "Major page faults for these threads", ""};
  MetricFamily thread_minor{"namedprocess_namegroup_thread_minor_page_faults_total", kC,
                            "Minor page faults for these threads", ""};
  MetricFamily thread_ctx{"namedprocess_namegroup_thread_context_switches_total", kC,
                          "Context switches for these threads", ""};
  MetricFamily build_info = BuildInfoFamily("process_exporter");
};

const Families& F() {
  static const Families f;
  return f;
}

// Go's time.Time{}.Unix(): the start time of a group without processes.
constexpr double kGoZeroTimeUnix = -62135596800.0;

class ProcessIntegration final : public Integration {
 public:
  ProcessIntegration(const Options& o, std::unique_ptr<Tracker> tracker)
      : threads_(o.track_threads), smaps_(o.gather_smaps), tracker_(std::move(tracker)) {}

  // NewProcessCollector: the first scan, whose read errors are the only
  // ones upstream ever counts in procread_errors.
  absl::Status Init() {
    CollectErrors errs;
    absl::Status st = tracker_->Update(&errs);
    procread_errors_ = errs.read;
    partial_errors_ = errs.partial;
    return st;
  }

  absl::Status Collect(Appender& app, absl::Time) override {
    cache_.Begin(app);
    CollectErrors errs;
    absl::Status st = tracker_->Update(&errs);
    partial_errors_ += errs.partial;
    LogState(st);
    if (st.ok()) {
      for (const std::unique_ptr<Group>& g : tracker_->groups()) Emit(*g);
    } else {
      ++scrape_errors_;
    }
    const Families& f = F();
    cache_.Add(f.scrape_errors, static_cast<double>(scrape_errors_));
    cache_.Add(f.procread_errors, static_cast<double>(procread_errors_));
    cache_.Add(f.partial_errors, static_cast<double>(partial_errors_));
    if (&app != build_info_app_) {
      build_info_ref_ = app.Series(f.build_info, BuildInfoLabels());
      build_info_app_ = &app;
    }
    app.Add(build_info_ref_, 1);
    return absl::OkStatus();
  }

 private:
  void LogState(const absl::Status& st) {
    if (st.ok() == ok_) return;
    ok_ = st.ok();
    if (ok_) {
      log::Info("reading procs works again", {{"integration", "process_exporter"}});
    } else {
      const std::string msg(ToStd(st.message()));
      log::Error("error reading procs", {{"integration", "process_exporter"}, {"err", msg}});
    }
  }

  void Emit(const Group& g) {
    const Families& f = F();
    const std::string_view n = g.name;
    auto one = [&](const MetricFamily& fam, double v) { cache_.Add(fam, {{"groupname", n}}, v); };
    auto two = [&](const MetricFamily& fam, std::string_view k, std::string_view lv, double v) {
      cache_.Add(fam, {{"groupname", n}, {k, lv}}, v);
    };
    auto d = [](uint64_t v) { return static_cast<double>(v); };
    one(f.num_procs, g.procs);
    two(f.memory, "memtype", "resident", d(g.memory.resident));
    two(f.memory, "memtype", "virtual", d(g.memory.virtual_));
    two(f.memory, "memtype", "swapped", d(g.memory.swapped));
    one(f.start_time, g.oldest_start_ticks < 0 ? kGoZeroTimeUnix
                                               : static_cast<double>(g.oldest_start_ticks / 100));
    one(f.open_fds, d(g.open_fds));
    one(f.worst_fd_ratio, g.worst_fd_ratio);
    two(f.cpu, "mode", "user", g.counts.cpu_user);
    two(f.cpu, "mode", "system", g.counts.cpu_system);
    one(f.read_bytes, d(g.counts.read_bytes));
    one(f.write_bytes, d(g.counts.write_bytes));
    one(f.major_faults, d(g.counts.major_faults));
    one(f.minor_faults, d(g.counts.minor_faults));
    two(f.ctx, "ctxswitchtype", "voluntary", d(g.counts.ctx_voluntary));
    two(f.ctx, "ctxswitchtype", "nonvoluntary", d(g.counts.ctx_nonvoluntary));
    one(f.num_threads, d(g.num_threads));
    two(f.states, "state", "Running", g.states.running);
    two(f.states, "state", "Sleeping", g.states.sleeping);
    two(f.states, "state", "Waiting", g.states.waiting);
    two(f.states, "state", "Zombie", g.states.zombie);
    two(f.states, "state", "Other", g.states.other);
    for (const auto& [wchan, count] : g.wchans) {
      if (count > 0) two(f.wchan, "wchan", wchan, count);
    }
    if (smaps_) {
      two(f.memory, "memtype", "proportionalResident", d(g.memory.proportional));
      two(f.memory, "memtype", "proportionalSwapped", d(g.memory.proportional_swap));
    }
    if (!threads_ || !g.present) return;
    for (const auto& kv : g.threads) {
      // Not a structured binding: clang 14 cannot capture one in a lambda.
      const std::string_view tname = kv.first;
      const Group::ThreadAgg& t = kv.second;
      if (t.num == 0) continue;
      auto th = [&](const MetricFamily& fam, double v) {
        cache_.Add(fam, {{"groupname", n}, {"threadname", tname}}, v);
      };
      auto th2 = [&](const MetricFamily& fam, std::string_view k, std::string_view lv, double v) {
        cache_.Add(fam, {{"groupname", n}, {"threadname", tname}, {k, lv}}, v);
      };
      th(f.thread_count, t.num);
      th2(f.thread_cpu, "mode", "user", t.counts.cpu_user);
      th2(f.thread_cpu, "mode", "system", t.counts.cpu_system);
      th2(f.thread_io, "iomode", "read", d(t.counts.read_bytes));
      th2(f.thread_io, "iomode", "write", d(t.counts.write_bytes));
      th(f.thread_major, d(t.counts.major_faults));
      th(f.thread_minor, d(t.counts.minor_faults));
      th2(f.thread_ctx, "ctxswitchtype", "voluntary", d(t.counts.ctx_voluntary));
      th2(f.thread_ctx, "ctxswitchtype", "nonvoluntary", d(t.counts.ctx_nonvoluntary));
    }
  }

  const bool threads_;
  const bool smaps_;
  std::unique_ptr<Tracker> tracker_;
  SeriesCache cache_;
  uint64_t scrape_errors_ = 0, procread_errors_ = 0, partial_errors_ = 0;
  bool ok_ = true;
  const Appender* build_info_app_ = nullptr;
  SeriesRef build_info_ref_ = 0;
};

class ProcessSpec final : public OptionsSpec<Options, ParseOptions, DumpOptions> {
 public:
  std::string_view name() const override { return "process_exporter"; }

 protected:
  std::string Instance(const Options&, const config::HostInfo& host) const override {
    return host.agent_key;
  }
  absl::StatusOr<std::unique_ptr<Integration>> Make(const Options& o, const config::IntegrationConfig&,
                                                    const config::HostInfo&) const override {
    return NewProcessIntegration(o);
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<Integration>> NewProcessIntegration(const Options& opts,
                                                                   size_t fd_budget) {
  absl::StatusOr<std::unique_ptr<Matcher>> matcher = Matcher::Compile(opts.process_names);
  if (!matcher.ok()) return matcher.status();
  Tracker::Settings s;
  s.procfs_path = opts.procfs_path;
  s.track_children = opts.track_children;
  s.gather_smaps = opts.gather_smaps;
  s.recheck = opts.recheck_on_scrape;
  s.fd_budget = fd_budget;
  auto integration = std::make_unique<ProcessIntegration>(
      opts, std::make_unique<Tracker>(std::move(s), std::move(*matcher)));
  absl::Status st = integration->Init();
  if (!st.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("process_exporter: ", ToAbsl(std::string(st.message()))));
  }
  return integration;
}

const config::IntegrationSpec& Spec() {
  static const ProcessSpec spec;
  return spec;
}

}  // namespace outpost::integrations::process
