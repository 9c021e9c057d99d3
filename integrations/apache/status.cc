#include "integrations/apache/status.h"

#include <algorithm>
#include <array>

#include "integrations/common/text.h"

namespace outpost::integrations::apache {
namespace {

// collector.go scoreboardLabelMap, in its Go source order.
constexpr std::array<std::pair<char, std::string_view>, 11> kScoreboardStates = {{
    {'_', "idle"},
    {'S', "startup"},
    {'R', "read"},
    {'W', "reply"},
    {'K', "keepalive"},
    {'D', "dns"},
    {'C', "closing"},
    {'L', "logging"},
    {'G', "graceful_stop"},
    {'I', "idle_cleanup"},
    {'.', "open_slot"},
}};

// What Go's `for _, r := range s` gives for an invalid byte, as a string.
constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";

// Go's strconv.ParseFloat error text.
absl::Status BadFloat(std::string_view s) {
  return absl::InvalidArgumentError(
      Cat("strconv.ParseFloat: parsing \"", s, "\": invalid syntax"));
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The length of the UTF-8 sequence at the front of `s`, 0 when it is not a
// valid one (Go then yields U+FFFD for one byte).
size_t RuneLength(std::string_view s) {
  const auto b = static_cast<unsigned char>(s[0]);
  size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || n > s.size()) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = RuneLength(s.substr(i));
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// client_golang's WithLabelValues panics on a label value that is not
// UTF-8 (the exporter dies); here the page fails instead.
absl::Status CheckLabel(std::string_view key, std::string_view value) {
  if (ValidUtf8(value)) return absl::OkStatus();
  return absl::InvalidArgumentError(Cat("the value of ", key, " is not valid UTF-8"));
}

MetricFamily Gauge(std::string name, std::string help) {
  return {std::move(name), MetricType::kGauge, std::move(help), ""};
}
MetricFamily Counter(std::string name, std::string help) {
  return {std::move(name), MetricType::kCounter, std::move(help), ""};
}

}  // namespace

bool ParseServerVersion(std::string_view value, double* out) {
  // collector.go: strings.Split(v, "/")[1], then up to the first ' ', then
  // parts[0] + "." + fmt.Sprintf("%02s", parts[1]) + fmt.Sprintf("%03s", parts[2]).
  const size_t slash = value.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view v = value.substr(slash + 1);
  v = v.substr(0, v.find('/'));
  v = v.substr(0, v.find(' '));
  std::string_view parts[3];
  for (int i = 0; i < 3; ++i) {
    const size_t dot = v.find('.');
    if (dot == std::string_view::npos && i < 2) return false;
    parts[i] = v.substr(0, dot);
    v = dot == std::string_view::npos ? std::string_view{} : v.substr(dot + 1);
  }
  std::string s(parts[0]);
  s += '.';
  s.append(parts[1].size() < 2 ? 2 - parts[1].size() : 0, '0');
  s += parts[1];
  s.append(parts[2].size() < 3 ? 3 - parts[2].size() : 0, '0');
  s += parts[2];
  return ParseGoFloat(s, out);
}

StatusCollector::StatusCollector()
    : version_(Gauge("apache_version", "Apache server version")),
      info_(Gauge("apache_info", "Apache version information")),
      generation_(Gauge("apache_generation", "Apache restart generation")),
      load_(Gauge("apache_load", "Apache server load")),
      accesses_(Counter("apache_accesses_total", "Current total apache accesses (*)")),
      kbytes_(Counter("apache_sent_kilobytes_total", "Current total kbytes sent (*)")),
      duration_(Counter("apache_duration_ms_total",
                        "Total duration of all registered requests in ms")),
      cpu_time_(Counter("apache_cpu_time_ms_total", "Apache CPU time")),
      cpuload_(Gauge("apache_cpuload",
                     "The current percentage CPU used by each worker and in total by all workers "
                     "combined (*)")),
      uptime_(Counter("apache_uptime_seconds_total", "Current uptime in seconds (*)")),
      workers_(Gauge("apache_workers", "Apache worker statuses")),
      processes_(Gauge("apache_processes", "Apache process count")),
      connections_(Gauge("apache_connections", "Apache connection statuses")),
      scoreboard_(Gauge("apache_scoreboard", "Apache scoreboard statuses")),
      proxy_status_(Gauge("apache_proxy_balancer_status", "Apache Proxy Balancer Statuses")),
      proxy_accesses_(Counter("apache_proxy_balancer_accesses_total",
                              "Apache Proxy Balancer Request Count")),
      proxy_busy_(Gauge("apache_proxy_balancer_busy", "Apache Proxy Balancer Active Requests")),
      // Upstream gives the three proxy counters the same HELP.
      proxy_request_kbytes_(Counter("apache_proxy_balancer_request_kbytes_total",
                                    "Apache Proxy Balancer Request Count")),
      proxy_response_kbytes_(Counter("apache_proxy_balancer_response_kbytes_total",
                                     "Apache Proxy Balancer Request Count")),
      slots_{{&generation_, "type", "config"},   {&generation_, "type", "mpm"},
             {&load_, "interval", "1min"},       {&load_, "interval", "5min"},
             {&load_, "interval", "15min"},      {&workers_, "state", "busy"},
             {&workers_, "state", "idle"},       {&processes_, "state", "all"},
             {&processes_, "state", "stopping"}, {&connections_, "state", "total"},
             {&connections_, "state", "writing"}, {&connections_, "state", "keepalive"},
             {&connections_, "state", "closing"}} {}

absl::Status StatusCollector::Collect(std::string_view page, SeriesCache& out) {
  balancer_ = "UNKNOWN";
  worker_ = "UNKNOWN";
  cpu_user_ = cpu_system_ = 0;
  cpu_found_ = connections_seen_ = false;
  balancer_status_.clear();
  balancer_busy_.clear();
  std::string_view version = "UNKNOWN", mpm = "UNKNOWN";

  // strings.Split(data, "\n"), then splitkv: the key and value around the
  // first ':' trimmed; a line without ':' is a key with an empty value.
  std::string_view rest = page, line;
  while (NextLine(&rest, &line)) {
    std::string_view key = line, value;
    if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
      key = Trim(line.substr(0, colon));
      value = Trim(line.substr(colon + 1));
    }
    if (key == "ServerVersion" || key == "ServerMPM") {
      if (absl::Status st = CheckLabel(key, value); !st.ok()) return st;
      (key == "ServerMPM" ? mpm : version) = value;
    }
    if (absl::Status st = Line(key, value, out); !st.ok()) return st;
  }

  if (cpu_found_) {
    out.Add(cpu_time_, {{"type", "user"}}, 1000 * cpu_user_);
    out.Add(cpu_time_, {{"type", "system"}}, 1000 * cpu_system_);
  }
  const auto same = [&](const std::pair<std::string, std::string>& i) {
    return i.first == version && i.second == mpm;
  };
  if (std::find_if(infos_.begin(), infos_.end(), same) == infos_.end())
    infos_.emplace_back(std::string(version), std::string(mpm));
  for (const auto& [v, m] : infos_) out.Add(info_, {{"version", v}, {"mpm", m}}, 1);
  out.Add(cpuload_, cpuload_value_);
  for (int s = 0; s < kNumSlots; ++s) {
    if (!slot_set_[s]) continue;
    if (s >= kConnTotal && !connections_seen_) continue;
    out.Add(*slots_[s].family, {{slots_[s].label, slots_[s].value}}, slot_value_[s]);
  }
  for (const BalancerRow& r : balancer_status_)
    out.Add(proxy_status_, {{"balancer", r.balancer}, {"worker", r.worker}, {"status", r.status}},
            1);
  for (const BalancerRow& r : balancer_busy_)
    out.Add(proxy_busy_, {{"balancer", r.balancer}, {"worker", r.worker}}, r.value);
  return absl::OkStatus();
}

absl::Status StatusCollector::Line(std::string_view key, std::string_view value,
                                   SeriesCache& out) {
  // Keys whose value is one float, and where it goes.
  enum Target { kNone, kSlot, kConst, kCpuUser, kCpuSystem, kCpuLoad };
  Target target = kNone;
  Slot slot = kNumSlots;
  const MetricFamily* constant = nullptr;
  bool connection = false;
  if (key == "ServerVersion") {
    double v = 0;
    if (!ParseServerVersion(value, &v))
      return absl::InvalidArgumentError(Cat("cannot parse ServerVersion \"", value, "\""));
    out.Add(version_, v);
    return absl::OkStatus();
  } else if (key == "ParentServerConfigGeneration") {
    target = kSlot, slot = kGenConfig;
  } else if (key == "ParentServerMPMGeneration") {
    target = kSlot, slot = kGenMpm;
  } else if (key == "Load1") {
    target = kSlot, slot = kLoad1;
  } else if (key == "Load5") {
    target = kSlot, slot = kLoad5;
  } else if (key == "Load15") {
    target = kSlot, slot = kLoad15;
  } else if (key == "Total Accesses") {
    target = kConst, constant = &accesses_;
  } else if (key == "Total kBytes") {
    target = kConst, constant = &kbytes_;
  } else if (key == "Total Duration") {
    target = kConst, constant = &duration_;
  } else if (key == "CPUUser" || key == "CPUChildrenUser") {
    target = kCpuUser;
  } else if (key == "CPUSystem" || key == "CPUChildrenSystem") {
    target = kCpuSystem;
  } else if (key == "CPULoad") {
    target = kCpuLoad;
  } else if (key == "Uptime") {
    target = kConst, constant = &uptime_;
  } else if (key == "BusyWorkers") {
    target = kSlot, slot = kWorkersBusy;
  } else if (key == "IdleWorkers") {
    target = kSlot, slot = kWorkersIdle;
  } else if (key == "Processes") {
    target = kSlot, slot = kProcAll;
  } else if (key == "Stopping") {
    target = kSlot, slot = kProcStopping;
  } else if (key == "ConnsTotal") {
    target = kSlot, slot = kConnTotal, connection = true;
  } else if (key == "ConnsAsyncWriting") {
    target = kSlot, slot = kConnWriting, connection = true;
  } else if (key == "ConnsAsyncKeepAlive") {
    target = kSlot, slot = kConnKeepalive, connection = true;
  } else if (key == "ConnsAsyncClosing") {
    target = kSlot, slot = kConnClosing, connection = true;
  } else if (key == "Scoreboard") {
    Scoreboard(value, out);
    return absl::OkStatus();
  } else if (key.starts_with("ProxyBalancer[")) {
    // ProxyBalancer[0]Name: balancer://b, then per worker
    // ProxyBalancer[0]Worker[0]{Name,Status,Elected,Busy,Sent,Rcvd}.
    const MetricFamily* counter = nullptr;
    std::string_view number = value;
    if (EndsWith(key, "]Name")) {
      if (absl::Status st = CheckLabel(key, value); !st.ok()) return st;
      (key.find("]Worker[") != std::string_view::npos ? worker_ : balancer_) = value;
      return absl::OkStatus();
    } else if (EndsWith(key, "]Status")) {
      if (absl::Status st = CheckLabel(key, value); !st.ok()) return st;
      balancer_status_.push_back({balancer_, worker_, value, 1});
      return absl::OkStatus();
    } else if (EndsWith(key, "]Elected")) {
      counter = &proxy_accesses_;
    } else if (EndsWith(key, "]Busy")) {
      counter = nullptr;
    } else if (EndsWith(key, "]Sent") || EndsWith(key, "]Rcvd")) {
      counter = EndsWith(key, "]Sent") ? &proxy_request_kbytes_ : &proxy_response_kbytes_;
      // strings.TrimRight(v, "kK")
      while (!number.empty() && (number.back() == 'k' || number.back() == 'K'))
        number.remove_suffix(1);
    } else {
      return absl::OkStatus();
    }
    double v = 0;
    if (!ParseGoFloat(number, &v)) return BadFloat(number);
    if (counter == nullptr) {
      balancer_busy_.push_back({balancer_, worker_, {}, v});
    } else {
      out.Add(*counter, {{"balancer", balancer_}, {"worker", worker_}}, v);
    }
    return absl::OkStatus();
  }
  if (target == kNone) return absl::OkStatus();
  double v = 0;
  if (!ParseGoFloat(value, &v)) return BadFloat(value);
  switch (target) {
    case kSlot:
      SetSlot(slot, v);
      connections_seen_ |= connection;
      break;
    case kConst:
      out.Add(*constant, v);
      break;
    case kCpuUser:
      cpu_user_ += v;
      cpu_found_ = true;
      break;
    case kCpuSystem:
      cpu_system_ += v;
      cpu_found_ = true;
      break;
    case kCpuLoad:
      cpuload_value_ = v;
      break;
    case kNone:
      break;
  }
  return absl::OkStatus();
}

void StatusCollector::Scoreboard(std::string_view value, SeriesCache& out) {
  double counts[kScoreboardStates.size()] = {};
  unknown_states_.clear();
  for (size_t i = 0; i < value.size();) {
    const size_t n = RuneLength(value.substr(i));
    const std::string_view rune = n == 0 ? kReplacementChar : value.substr(i, n);
    i += n == 0 ? 1 : n;
    bool known = false;
    if (rune.size() == 1) {
      for (size_t k = 0; k < kScoreboardStates.size(); ++k) {
        if (kScoreboardStates[k].first == rune[0]) {
          ++counts[k];
          known = true;
          break;
        }
      }
    }
    if (known) continue;
    auto it = std::find_if(unknown_states_.begin(), unknown_states_.end(),
                           [&](const auto& u) { return u.first == rune; });
    if (it == unknown_states_.end()) {
      unknown_states_.emplace_back(rune, 1);
    } else {
      ++it->second;
    }
  }
  for (size_t k = 0; k < kScoreboardStates.size(); ++k)
    out.Add(scoreboard_, {{"state", kScoreboardStates[k].second}}, counts[k]);
  for (const auto& [state, count] : unknown_states_)
    out.Add(scoreboard_, {{"state", state}}, count);
}

}  // namespace outpost::integrations::apache
