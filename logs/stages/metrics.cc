// `metrics`: counters, gauges and histograms from extracted values (Promtail
// stages/metrics.go and logentry/metric/{counters,gauges,histograms,
// metricvec}.go), exposed on the agent's /metrics (ctx.registry; nothing is
// registered when checking a config).
//
// Body: a map metric name -> {type: counter|gauge|histogram (any case),
// description, prefix ("" = promtail_custom_), source (default: the name),
// max_idle_duration (Go syntax, >= 1s, default 5m), config: {value, action,
// match_all, count_entry_bytes, buckets}}.
//
// A series carries the entry's labels at this point, less the names
// Prometheus rejects and `__*` (metricvec.go cleanLabels), plus
// logs_config=<instance> (Grafana Agent wraps the registerer with it). A
// series not updated for max_idle_duration is removed; upstream prunes at
// scrape, here a stage prunes when it processes an entry (at most once a
// second of read_at), so a stream that went silent keeps its last series.
//
// ctx.registry must outlive the stage (its series are removed when the
// stage goes, as upstream's Cleanup does). Families are shared by name
// (prometheus-cpp's Registry returns the existing family for the same name
// and type; another type is a build error). Two stages may update the same
// series (same name and labels): a series leaves its family when the last
// stage holding it lets go.
#include <cmath>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/relabel/relabel.h"
#include "core/scrape/text_parser.h"
#include "logs/stages/go_duration.h"
#include "logs/stages/stage.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace outpost::logs::stages {
namespace {

enum class Type { kCounter, kGauge, kHistogram };
enum class Action { kInc, kAdd, kSet, kDec, kSub, kObserve };

// Reference counts of the series metrics stages hold, so that a series two
// stages share is removed from its family only by the last one.
class SeriesRefs {
 public:
  template <typename T, typename... Args>
  static T* Acquire(prometheus::Family<T>& family, const prometheus::Labels& labels,
                    Args&&... args) {
    std::lock_guard<std::mutex> lock(mu());
    try {
      T& m = family.Add(labels, std::forward<Args>(args)...);
      ++refs()[&m];
      return &m;
    } catch (const std::exception&) {
      return nullptr;  // a label name prometheus-cpp refuses
    }
  }
  template <typename T>
  static void Release(prometheus::Family<T>& family, T* m) {
    std::lock_guard<std::mutex> lock(mu());
    auto it = refs().find(m);
    if (it == refs().end() || --it->second > 0) return;
    refs().erase(it);
    family.Remove(m);
  }

 private:
  static std::mutex& mu() {
    static std::mutex m;
    return m;
  }
  static absl::flat_hash_map<const void*, int>& refs() {
    static auto* r = new absl::flat_hash_map<const void*, int>();
    return *r;
  }
};

// Prometheus' metric names: label-name characters plus ':'.
bool IsMetricName(std::string_view n) {
  std::string name(n);
  for (char& c : name) {
    if (c == ':') c = '_';
  }
  return relabel::IsValidLabelName(name);
}

// Promtail getFloat (stages/metrics.go): numbers and bools as they are, a
// string as a Go float or else a Go duration in seconds; null fails.
bool GetFloat(const Value& v, double* out) {
  switch (v.kind) {
    case Value::Kind::kNumber:
    case Value::Kind::kBool:
      *out = v.number;
      return true;
    case Value::Kind::kNull:
      return false;
    case Value::Kind::kString:
      break;
  }
  if (scrape::ParseGoFloat(v.text, out)) return true;
  absl::StatusOr<int64_t> ns = ParseGoDuration(v.text);
  if (!ns.ok()) return false;
  // Go's Duration.Seconds.
  const int64_t sec = *ns / 1'000'000'000;
  const int64_t nsec = *ns % 1'000'000'000;
  *out = static_cast<double>(sec) + static_cast<double>(nsec) / 1e9;
  return true;
}

// One configured metric: its family and the series this stage updates,
// keyed by a hash of the entry's (cleaned) labels.
class Metric {
 public:
  struct Config {
    std::string name;  // with the prefix
    Type type = Type::kCounter;
    Action action = Action::kInc;
    std::string source;
    std::optional<std::string> value;
    bool match_all = false;
    bool count_bytes = false;
    int64_t max_idle_s = 300;
    prometheus::Histogram::BucketBoundaries buckets;
  };

  Metric(Config cfg, const std::string& logs_config)
      : cfg_(std::move(cfg)), logs_config_(logs_config) {}
  ~Metric() {
    for (auto& [hash, s] : series_) Release(s);
  }
  Metric(const Metric&) = delete;
  Metric& operator=(const Metric&) = delete;

  // Registers the family; false with *error on a conflict.
  bool Register(prometheus::Registry& r, const std::string& help, std::string* error) {
    try {
      switch (cfg_.type) {
        case Type::kCounter:
          counters_ = &prometheus::BuildCounter().Name(cfg_.name).Help(help).Register(r);
          break;
        case Type::kGauge:
          gauges_ = &prometheus::BuildGauge().Name(cfg_.name).Help(help).Register(r);
          break;
        case Type::kHistogram:
          histograms_ = &prometheus::BuildHistogram().Name(cfg_.name).Help(help).Register(r);
          break;
      }
    } catch (const std::exception& e) {
      // "Family name already exists with different type", ...
      *error = absl::StrCat("metric ", cfg_.name, " cannot be registered: ", e.what());
      return false;
    }
    return true;
  }

  void Process(const Entry& e, int64_t now_s) {
    if (cfg_.type == Type::kCounter && cfg_.match_all) {
      // Counted whatever the extracted map holds (metrics.go Process).
      if (cfg_.count_bytes) {
        Update(e, static_cast<double>(e.line.size()), now_s);
      } else if (cfg_.action == Action::kInc) {
        Update(e, 1, now_s);
      }  // add without a value: getFloat(nil) fails upstream
      return;
    }
    const Value* v = e.extracted.Find(cfg_.source);
    if (v == nullptr) return;
    if (cfg_.value.has_value() && (v->kind == Value::Kind::kNull || v->text != *cfg_.value)) {
      return;
    }
    double f = 1;
    const bool needs_value = cfg_.action != Action::kInc && cfg_.action != Action::kDec;
    if (needs_value && !GetFloat(*v, &f)) return;
    Update(e, f, now_s);
  }

  void Prune(int64_t now_s) {
    for (auto it = series_.begin(); it != series_.end();) {
      if (now_s - it->second.last_mod_s >= cfg_.max_idle_s) {
        Release(it->second);
        series_.erase(it++);
      } else {
        ++it;
      }
    }
  }

 private:
  struct Series {
    std::vector<Label> labels;  // the cleaned entry labels
    prometheus::Counter* counter = nullptr;
    prometheus::Gauge* gauge = nullptr;
    prometheus::Histogram* histogram = nullptr;
    int64_t last_mod_s = 0;
  };

  // metricvec.go cleanLabels, and the names the series cannot take here:
  // logs_config (added by the agent) and, for histograms, le (Go's client
  // panics on it; prometheus-cpp refuses it).
  bool Keep(const Label& l) const {
    if (!relabel::IsValidLabelName(l.name) || l.name.starts_with("__")) return false;
    if (!logs_config_.empty() && l.name == "logs_config") return false;
    return cfg_.type != Type::kHistogram || l.name != "le";
  }

  uint64_t HashOf(const Labels& labels) const {
    size_t h = 0;
    for (const Label& l : labels) {
      if (Keep(l)) h = absl::HashOf(h, l.name, l.value);
    }
    return h;
  }

  bool SameLabels(const Labels& labels, const std::vector<Label>& kept) const {
    size_t j = 0;
    for (const Label& l : labels) {
      if (!Keep(l)) continue;
      if (j == kept.size() || !(kept[j] == l)) return false;
      ++j;
    }
    return j == kept.size();
  }

  void Update(const Entry& e, double f, int64_t now_s) {
    if (counters_ == nullptr && gauges_ == nullptr && histograms_ == nullptr) return;
    const uint64_t h = HashOf(e.labels);
    auto [it, inserted] = series_.try_emplace(h);
    Series& s = it->second;
    if (!inserted && !SameLabels(e.labels, s.labels)) {
      Release(s);  // a hash collision: the slot changes hands
      inserted = true;
    }
    if (inserted && !Acquire(e.labels, &s)) {
      series_.erase(it);
      return;
    }
    s.last_mod_s = now_s;
    switch (cfg_.action) {
      case Action::kInc:
        if (s.counter != nullptr) s.counter->Increment();
        if (s.gauge != nullptr) s.gauge->Increment();
        break;
      case Action::kAdd:
        // Go's Counter.Add panics on a negative value; prometheus-cpp ignores it.
        if (s.counter != nullptr) s.counter->Increment(f);
        if (s.gauge != nullptr) s.gauge->Increment(f);
        break;
      case Action::kSet:
        s.gauge->Set(f);
        break;
      case Action::kDec:
        s.gauge->Decrement();
        break;
      case Action::kSub:
        s.gauge->Decrement(f);
        break;
      case Action::kObserve:
        s.histogram->Observe(f);
        break;
    }
  }

  bool Acquire(const Labels& labels, Series* s) {
    s->labels.clear();
    prometheus::Labels l;
    for (const Label& x : labels) {
      if (!Keep(x)) continue;
      s->labels.push_back(x);
      l.emplace(x.name, x.value);
    }
    if (!logs_config_.empty()) l.emplace("logs_config", logs_config_);
    s->counter = nullptr;
    s->gauge = nullptr;
    s->histogram = nullptr;
    if (counters_ != nullptr) s->counter = SeriesRefs::Acquire(*counters_, l);
    if (gauges_ != nullptr) s->gauge = SeriesRefs::Acquire(*gauges_, l);
    if (histograms_ != nullptr) s->histogram = SeriesRefs::Acquire(*histograms_, l, cfg_.buckets);
    return s->counter != nullptr || s->gauge != nullptr || s->histogram != nullptr;
  }

  void Release(Series& s) {
    if (s.counter != nullptr) SeriesRefs::Release(*counters_, s.counter);
    if (s.gauge != nullptr) SeriesRefs::Release(*gauges_, s.gauge);
    if (s.histogram != nullptr) SeriesRefs::Release(*histograms_, s.histogram);
    s.counter = nullptr;
    s.gauge = nullptr;
    s.histogram = nullptr;
  }

  Config cfg_;
  std::string logs_config_;
  prometheus::Family<prometheus::Counter>* counters_ = nullptr;
  prometheus::Family<prometheus::Gauge>* gauges_ = nullptr;
  prometheus::Family<prometheus::Histogram>* histograms_ = nullptr;
  absl::flat_hash_map<uint64_t, Series> series_;
};

class MetricsStage final : public Stage {
 public:
  explicit MetricsStage(std::vector<std::unique_ptr<Metric>> metrics)
      : metrics_(std::move(metrics)) {}

  Result Process(Entry& e, Output&) override {
    const int64_t now_s = absl::ToUnixSeconds(e.read_at);
    if (now_s != last_prune_s_) {
      last_prune_s_ = now_s;
      for (auto& m : metrics_) m->Prune(now_s);
    }
    for (auto& m : metrics_) m->Process(e, now_s);
    return Result::kContinue;
  }

 private:
  std::vector<std::unique_ptr<Metric>> metrics_;
  int64_t last_prune_s_ = 0;
};

// Promtail's messages (stages/metrics.go, metric/counters.go, gauges.go).
constexpr std::string_view kEmptyConfig = "empty metric stage configuration";
constexpr std::string_view kSubSecIdle = "max_idle_duration less than 1s not allowed";
constexpr std::string_view kCounterActionRequired =
    "counter action must be defined as either `inc` or `add`";
constexpr std::string_view kCounterMatchAll =
    "`match_all: true` cannot be combined with `value`, please remove `match_all` or `value`";
constexpr std::string_view kCounterCountBytes =
    "`count_entry_bytes: true` can only be set with `match_all: true`";
constexpr std::string_view kCounterCountBytesAction =
    "`count_entry_bytes: true` can only be used with `action: add`";
constexpr std::string_view kGaugeActionRequired =
    "gauge action must be defined as `set`, `inc`, `dec`, `add`, or `sub`";

// prometheus.DefBuckets.
const prometheus::Histogram::BucketBoundaries& DefaultBuckets() {
  static const auto* b = new prometheus::Histogram::BucketBoundaries{
      .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};
  return *b;
}

void ReadBuckets(config::MapReader& c, prometheus::Histogram::BucketBoundaries* out) {
  const YAML::Node list = c.Raw("buckets");
  if (!list.IsDefined() || list.IsNull()) return;
  if (!list.IsSequence()) {
    c.ValueError("buckets", "expected a list of numbers");
    return;
  }
  for (const YAML::Node& item : list) {
    double d = 0;
    if (!item.IsScalar() || !YAML::convert<double>::decode(item, d)) {
      c.ValueError("buckets", "expected a list of numbers");
      return;
    }
    out->push_back(d);
  }
  // Go's NewHistogram drops a last +Inf bound and panics on bounds out of
  // order; both are checked at load here.
  if (!out->empty() && std::isinf(out->back()) && out->back() > 0) out->pop_back();
  for (size_t i = 1; i < out->size(); ++i) {
    if (!((*out)[i - 1] < (*out)[i])) {
      c.ValueError("buckets", absl::StrCat("histogram buckets must be in increasing order: ",
                                           (*out)[i - 1], " >= ", (*out)[i]));
      return;
    }
  }
}

// A missing config.action: at the config block, or at the metric when it
// has none.
void Missing(config::MapReader& m, config::MapReader& c, std::string_view message) {
  if (m.Has("config")) {
    c.Error("action", message);
  } else {
    m.Error("", message);
  }
}

// The config: block of one metric.
void ReadMetricConfig(config::MapReader& m, Metric::Config* cfg) {
  config::MapReader c = m.Map("config");
  std::string action;
  c.String("action", &action);
  action = absl::AsciiStrToLower(action);
  if (c.Has("value")) {
    cfg->value.emplace();
    c.String("value", &*cfg->value);
  }
  switch (cfg->type) {
    case Type::kCounter:
      c.Bool("match_all", &cfg->match_all);
      c.Bool("count_entry_bytes", &cfg->count_bytes);
      if (action.empty()) {
        Missing(m, c, kCounterActionRequired);
      } else if (action != "inc" && action != "add") {
        c.ValueError("action", absl::StrCat("action ", action,
                                            " is not valid, action must be either `inc` or `add`"));
      } else if (cfg->match_all && cfg->value.has_value()) {
        c.Error("match_all", kCounterMatchAll);
      } else if (cfg->count_bytes && !cfg->match_all) {
        c.Error("count_entry_bytes", kCounterCountBytes);
      } else if (cfg->count_bytes && action != "add") {
        c.Error("count_entry_bytes", kCounterCountBytesAction);
      }
      cfg->action = action == "add" ? Action::kAdd : Action::kInc;
      break;
    case Type::kGauge:
      if (action.empty()) {
        Missing(m, c, kGaugeActionRequired);
      } else if (action == "set") {
        cfg->action = Action::kSet;
      } else if (action == "inc") {
        cfg->action = Action::kInc;
      } else if (action == "dec") {
        cfg->action = Action::kDec;
      } else if (action == "add") {
        cfg->action = Action::kAdd;
      } else if (action == "sub") {
        cfg->action = Action::kSub;
      } else {
        c.ValueError("action", absl::StrCat("action ", action,
                                            " is not valid, action must be `set`, `inc`, `dec`, "
                                            "`add`, or `sub`"));
      }
      break;
    case Type::kHistogram:
      cfg->action = Action::kObserve;
      ReadBuckets(c, &cfg->buckets);
      if (cfg->buckets.empty()) cfg->buckets = DefaultBuckets();
      break;
  }
}

}  // namespace

std::unique_ptr<Stage> NewMetricsStage(const config::PipelineStage& spec, const StageContext& ctx,
                                       config::Errors* errors) {
  if (!spec.body.IsDefined() || spec.body.IsNull()) {
    StageError(spec, YAML::Node(), "", kEmptyConfig, errors);  // at the stage's name
    return nullptr;
  }
  const size_t before = errors->errors.size();
  config::MapReader body = BodyReader(spec, errors);
  std::vector<std::unique_ptr<Metric>> metrics;
  for (const std::string& name : body.Keys()) {
    config::MapReader m = body.Map(name);
    Metric::Config cfg;
    std::string type, description, prefix, idle;
    m.String("type", &type);
    type = absl::AsciiStrToLower(type);
    if (type == "counter") {
      cfg.type = Type::kCounter;
    } else if (type == "gauge") {
      cfg.type = Type::kGauge;
    } else if (type == "histogram") {
      cfg.type = Type::kHistogram;
    } else {
      const std::string message = absl::StrCat("invalid metric type '", type,
                           "', metric type must be one of 'counter', 'gauge', or 'histogram'");
      if (m.Has("type")) {
        m.ValueError("type", message);
      } else {
        m.Error("", message);
      }
      continue;
    }
    m.String("description", &description);
    m.String("prefix", &prefix);
    cfg.source = name;
    m.String("source", &cfg.source);
    if (m.Has("max_idle_duration")) {
      m.String("max_idle_duration", &idle);
      absl::StatusOr<int64_t> d = ParseGoDuration(idle);
      if (!d.ok()) {
        m.ValueError("max_idle_duration",
                     absl::StrCat("max_idle_duration could not be parsed as a time.Duration: '",
                                  d.status().message(), "'"));
      } else if (*d < 1'000'000'000) {
        m.ValueError("max_idle_duration", kSubSecIdle);
      } else {
        cfg.max_idle_s = *d / 1'000'000'000;
      }
    }
    ReadMetricConfig(m, &cfg);
    cfg.name = absl::StrCat(prefix.empty() ? "promtail_custom_" : prefix, name);
    if (!IsMetricName(cfg.name)) {
      m.Error("", absl::StrCat("\"", cfg.name, "\" is not a valid metric name"));
      continue;
    }
    auto metric = std::make_unique<Metric>(std::move(cfg), ctx.logs_config);
    if (ctx.registry != nullptr && errors->errors.size() == before) {
      std::string error;
      if (!metric->Register(*ctx.registry, description, &error)) m.Error("", error);
    }
    metrics.push_back(std::move(metric));
  }
  if (errors->errors.size() != before) return nullptr;
  return std::make_unique<MetricsStage>(std::move(metrics));
}

}  // namespace outpost::logs::stages
