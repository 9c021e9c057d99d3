#include "integrations/redis/info.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace outpost::integrations::redis {
namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Splits off the text before the first `sep` (all of `s` when absent).
std::string_view NextToken(std::string_view* s, char sep) {
  size_t i = s->find(sep);
  std::string_view tok = s->substr(0, i);
  *s = i == std::string_view::npos ? std::string_view{} : s->substr(i + 1);
  return tok;
}

size_t Count(std::string_view s, char c) { return static_cast<size_t>(std::count(s.begin(), s.end(), c)); }

// upstream extractVal: "name=value" with exactly one '=', value a float.
bool ExtractVal(std::string_view s, double* out) {
  size_t eq = s.find('=');
  if (eq == std::string_view::npos || s.find('=', eq + 1) != std::string_view::npos) return false;
  return ParseGoFloat(s.substr(eq + 1), out);
}

// ^master(_[0-9]+)?_<rest>: returns what follows "master[_N]_", or npos.
size_t MasterPrefix(std::string_view key) {
  if (!StartsWith(key, "master_")) return std::string_view::npos;
  size_t i = 7;
  size_t j = i;
  while (j < key.size() && key[j] >= '0' && key[j] <= '9') ++j;
  if (j > i && j < key.size() && key[j] == '_') return j + 1;
  return i;
}

bool MasterField(std::string_view key, std::string_view what) {
  size_t p = MasterPrefix(key);
  if (p == std::string_view::npos) return false;
  if (StartsWith(key.substr(p), what)) return true;
  // "master_" followed by digits may also be a plain "master_<what>" whose
  // <what> starts with a digit: not a case in practice.
  return false;
}

// ^slave\d+
bool IsSlaveN(std::string_view key) {
  return key.size() > 5 && StartsWith(key, "slave") && key[5] >= '0' && key[5] <= '9';
}

// Formats `v` as Go's strconv.FormatFloat(v, 'g', -1, 64) does for the
// small numbers percentiles are (shortest round trip).
std::string_view ShortFloat(double v, char* buf, size_t cap) {
  auto [p, ec] = std::to_chars(buf, buf + cap, v);
  if (ec != std::errc()) return {};
  return {buf, static_cast<size_t>(p - buf)};
}

}  // namespace

double InfoValue(std::string_view s) {
  if (s == "ok" || s == "true") return 1;
  if (s == "err" || s == "fail" || s == "false") return 0;
  double v = 0;
  if (!ParseGoFloat(s, &v)) return 0;
  return v;
}

void InfoParser::EmitField(std::string_view key, std::string_view value, MetricSink& sink) {
  const InfoField* row = FindInfoField(key, s_.incl_system_metrics);
  if (row == nullptr) {
    // upstream includeMetric: these prefixes pass through, with the key
    // sanitized into a metric name.
    if (!StartsWith(key, "db") && !StartsWith(key, "cmdstat_") && !StartsWith(key, "cluster_"))
      return;
    name_buf_.assign(key);
    for (char& c : name_buf_) {
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
        c = '_';
    }
    row = FindInfoField(name_buf_, s_.incl_system_metrics);
    if (row == nullptr) {
      sink.Gauge(name_buf_, InfoValue(value));
      return;
    }
  }
  sink.Add(row->metric, row->type, InfoValue(value) * row->scale, {});
}

bool InfoParser::Replication(std::string_view key, std::string_view value,
                             std::string_view master_host, std::string_view master_port,
                             MetricSink& sink) {
  if (MasterField(key, "link_status")) {
    sink.Gauge("master_link_up", value == "up" ? 1 : 0,
               {{"master_host", master_host}, {"master_port", master_port}});
    return true;
  }
  const bool io = MasterField(key, "last_io_seconds_ago");
  const bool sync = MasterField(key, "sync_in_progress");
  if (io || sync || StartsWith(key, "slave_repl_offset")) {
    // upstream: strconv.Atoi, 0 when not an integer.
    long long n = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || p != value.data() + value.size()) n = 0;
    std::string_view metric = io     ? "master_last_io_seconds_ago"
                              : sync ? "master_sync_in_progress"
                                     : key;
    sink.Gauge(metric, static_cast<double>(n),
               {{"master_host", master_host}, {"master_port", master_port}});
    return true;
  }
  // slave0:ip=10.0.0.1,port=6379,state=online,offset=1751844676,lag=0
  if (!IsSlaveN(key)) return false;
  std::string_view ip, port, state, offset_s, lag_s;
  bool has_lag = false;
  std::string_view rest = value;
  while (true) {
    std::string_view kv = NextToken(&rest, ',');
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos || kv.find('=', eq + 1) != std::string_view::npos)
      return false;
    std::string_view k = kv.substr(0, eq), v = kv.substr(eq + 1);
    if (k == "ip") ip = v;
    else if (k == "port") port = v;
    else if (k == "state") state = v;
    else if (k == "offset") offset_s = v;
    else if (k == "lag") {
      lag_s = v;
      has_lag = true;
    }
    if (rest.empty()) break;
  }
  double offset = 0, lag = -1;
  if (!ParseGoFloat(offset_s, &offset)) return false;
  if (has_lag && !ParseGoFloat(lag_s, &lag)) return false;
  sink.Gauge("connected_slave_offset_bytes", offset,
             {{"slave_ip", ip}, {"slave_port", port}, {"slave_state", state}});
  if (lag > -1) {
    sink.Gauge("connected_slave_lag_seconds", lag,
               {{"slave_ip", ip}, {"slave_port", port}, {"slave_state", state}});
  }
  return true;
}

void InfoParser::Extract(std::string_view info, int db_count, int64_t now_unix,
                         MetricSink& sink) {
  cmds_.clear();
  latencies_.clear();
  dbs_.clear();
  enum Key { kRole, kVersion, kBuildId, kMode, kOs, kPolicy, kTcpPort, kRunId, kPid, kMasterHost,
             kMasterPort, kSlaveReadOnly, kNumKeys };
  static constexpr std::string_view kKeys[kNumKeys] = {
      "role", "redis_version", "redis_build_id", "redis_mode", "os", "maxmemory_policy",
      "tcp_port", "run_id", "process_id", "master_host", "master_port", "slave_read_only"};
  std::string_view kv[kNumKeys];

  std::string_view section;
  std::string_view master_host, master_port;
  std::string_view rest = info;
  while (!rest.empty()) {
    std::string_view line = Trim(NextToken(&rest, '\n'));
    if (StartsWith(line, "# ")) {
      section = line.substr(2);
      continue;
    }
    if (line.size() < 2) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = line.substr(0, colon);
    std::string_view value = line.substr(colon + 1);
    for (int i = 0; i < kNumKeys; ++i) {
      if (key == kKeys[i]) kv[i] = value;
    }
    // ^master(_[0-9]+)?_host / _port
    if (MasterField(key, "host")) master_host = value;
    if (MasterField(key, "port")) master_port = value;

    if (section == "Replication") {
      if (Replication(key, value, master_host, master_port, sink)) continue;
    } else if (section == "Server") {
      if (key == "uptime_in_seconds") {
        double up = 0;
        if (ParseGoFloat(value, &up))
          sink.Gauge("start_time_seconds", static_cast<double>(now_unix) - up);
      }
    } else if (section == "Commandstats") {
      // cmdstat_get:calls=21,usec=175,usec_per_call=8.33[,rejected_calls=0,failed_calls=0]
      if (!StartsWith(key, "cmdstat_")) continue;
      std::string_view cmd = key.substr(8);
      const size_t parts = Count(value, ',') + 1;
      if (parts < 3) continue;
      std::string_view r = value;
      double calls = 0, usec = 0, rejected = 0, failed = 0;
      if (!ExtractVal(NextToken(&r, ','), &calls) || !ExtractVal(NextToken(&r, ','), &usec))
        continue;
      bool extended = false;
      if (parts >= 5) {
        NextToken(&r, ',');  // usec_per_call
        if (!ExtractVal(NextToken(&r, ','), &rejected) || !ExtractVal(NextToken(&r, ','), &failed))
          continue;
        extended = true;
      }
      sink.Counter("commands_total", calls, {{"cmd", cmd}});
      sink.Counter("commands_duration_seconds_total", usec / 1e6, {{"cmd", cmd}});
      if (extended) {
        sink.Counter("commands_rejected_calls_total", rejected, {{"cmd", cmd}});
        sink.Counter("commands_failed_calls_total", failed, {{"cmd", cmd}});
      }
      cmds_.push_back(CmdStat{cmd, calls, usec});
      continue;
    } else if (section == "Latencystats") {
      if (StartsWith(key, "latency_percentiles_usec_"))
        latencies_.push_back(CmdLatency{key.substr(25), value});
      continue;
    } else if (section == "Errorstats") {
      double count = 0;
      if (StartsWith(key, "errorstat_") && ExtractVal(value, &count))
        sink.Counter("errors_total", count, {{"err", key.substr(10)}});
      continue;
    } else if (section == "Keyspace") {
      // db0:keys=1,expires=0,avg_ttl=0[,cached_keys=0]
      if (StartsWith(key, "db")) {
        const size_t parts = Count(value, ',') + 1;
        std::string_view r = value;
        double keys = 0, expiring = 0, ttl = -1, cached = -1;
        bool ok = parts >= 2 && parts <= 4 && ExtractVal(NextToken(&r, ','), &keys) &&
                  ExtractVal(NextToken(&r, ','), &expiring);
        if (ok && parts > 2) {
          ok = ExtractVal(NextToken(&r, ','), &ttl);
          ttl /= 1000;
        }
        if (ok && parts > 3) ok = ExtractVal(NextToken(&r, ','), &cached);
        if (ok) {
          sink.Gauge("db_keys", keys, {{"db", key}});
          sink.Gauge("db_keys_expiring", expiring, {{"db", key}});
          if (cached > -1) sink.Gauge("db_keys_cached", cached, {{"db", key}});
          if (ttl > -1) sink.Gauge("db_avg_ttl_seconds", ttl, {{"db", key}});
          dbs_.push_back(key);
          continue;
        }
      }
    }
    EmitField(key, value, sink);
  }

  LatencySummaries(sink);

  char db_buf[24];
  for (int i = 0; i < db_count; ++i) {
    db_buf[0] = 'd';
    db_buf[1] = 'b';
    auto [p, ec] = std::to_chars(db_buf + 2, db_buf + sizeof(db_buf), i);
    std::string_view db(db_buf, static_cast<size_t>(p - db_buf));
    if (std::find(dbs_.begin(), dbs_.end(), db) != dbs_.end()) continue;
    sink.Gauge("db_keys", 0, {{"db", db}});
    sink.Gauge("db_keys_expiring", 0, {{"db", db}});
  }

  sink.Gauge("instance_info", 1,
             {{"role", kv[kRole]},
              {"redis_version", kv[kVersion]},
              {"redis_build_id", kv[kBuildId]},
              {"redis_mode", kv[kMode]},
              {"os", kv[kOs]},
              {"maxmemory_policy", kv[kPolicy]},
              {"tcp_port", kv[kTcpPort]},
              {"run_id", kv[kRunId]},
              {"process_id", kv[kPid]}});
  if (kv[kRole] == "slave") {
    sink.Gauge("slave_info", 1,
               {{"master_host", kv[kMasterHost]},
                {"master_port", kv[kMasterPort]},
                {"read_only", kv[kSlaveReadOnly]}});
  }
}

void InfoParser::LatencySummaries(MetricSink& sink) {
  // A summary per command that has both commandstats (count, sum in usec)
  // and latencystats (quantiles keyed by the percentile, e.g. "99.9").
  char qbuf[32];
  for (const CmdLatency& l : latencies_) {
    auto c = std::find_if(cmds_.begin(), cmds_.end(),
                          [&](const CmdStat& s) { return s.cmd == l.cmd; });
    if (c == cmds_.end()) continue;
    // Validate the whole line before emitting any part of it.
    bool ok = true;
    std::string_view r = l.percentiles;
    while (ok && !r.empty()) {
      std::string_view kv = NextToken(&r, ',');
      size_t eq = kv.find('=');
      double q, v;
      ok = eq != std::string_view::npos && eq >= 1 && kv.find('=', eq + 1) == std::string_view::npos &&
           ParseGoFloat(kv.substr(1, eq - 1), &q) && ParseGoFloat(kv.substr(eq + 1), &v);
    }
    if (!ok || l.percentiles.empty()) continue;
    r = l.percentiles;
    while (!r.empty()) {
      std::string_view kv = NextToken(&r, ',');
      size_t eq = kv.find('=');
      double q = 0, v = 0;
      ParseGoFloat(kv.substr(1, eq - 1), &q);
      ParseGoFloat(kv.substr(eq + 1), &v);
      const LabelPair labels[] = {{"cmd", l.cmd}, {"quantile", ShortFloat(q, qbuf, sizeof(qbuf))}};
      sink.Add("latency_percentiles_usec", MetricType::kSummary, v, labels);
    }
    const LabelPair cmd[] = {{"cmd", l.cmd}};
    // upstream casts calls to uint64 for the count.
    sink.Add("latency_percentiles_usec", MetricType::kSummary, std::trunc(c->calls), cmd, "_count");
    sink.Add("latency_percentiles_usec", MetricType::kSummary, c->usec, cmd, "_sum");
  }
}

void InfoParser::ExtractClusterInfo(std::string_view info, MetricSink& sink) {
  // Lines split on "\r\n"; exactly one ':' per line (upstream strings.Split).
  std::string_view rest = info;
  while (!rest.empty()) {
    size_t i = rest.find("\r\n");
    std::string_view line = rest.substr(0, i);
    rest = i == std::string_view::npos ? std::string_view{} : rest.substr(i + 2);
    if (Count(line, ':') != 1) continue;
    size_t colon = line.find(':');
    EmitField(line.substr(0, colon), line.substr(colon + 1), sink);
  }
}

}  // namespace outpost::integrations::redis
