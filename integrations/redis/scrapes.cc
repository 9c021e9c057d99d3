// CONFIG, LATENCY LATEST, SLOWLOG (replies of the collection pipeline),
// CLIENT LIST and the Lua script, as
// redis_exporter 1.45 (exporter/exporter.go extractConfigMetrics,
// latency.go, slowlog.go, clients.go, lua.go).
#include <charconv>
#include <string>

#include "absl/strings/str_cat.h"
#include "integrations/redis/collectors.h"
#include "integrations/redis/info.h"

namespace outpost::integrations::redis {
namespace {

// An integer reply, or a string reply holding an integer (redigo's Int64).
bool ReplyInt(const redisReply* r, int64_t* out) {
  if (r == nullptr) return false;
  if (r->type == REDIS_REPLY_INTEGER) {
    *out = r->integer;
    return true;
  }
  if (r->type == REDIS_REPLY_STRING) return ParseInt(ReplyText(r), out);
  return false;
}

}  // namespace

absl::StatusOr<int> ExtractConfigMetrics(std::span<const std::string_view> pairs,
                                         MetricSink& sink) {
  if (pairs.size() % 2 != 0)
    return absl::InvalidArgumentError(absl::StrCat("invalid config: ", pairs.size(), " items"));
  int db_count = 0;
  for (size_t i = 0; i + 1 < pairs.size(); i += 2) {
    std::string_view key = pairs[i], val = pairs[i + 1];
    if (key == "databases") {
      auto [p, ec] = std::from_chars(val.data(), val.data() + val.size(), db_count);
      if (ec != std::errc() || p != val.data() + val.size())
        return absl::InvalidArgumentError(
            absl::StrCat("invalid config value for key databases: ", std::string(val)));
    }
    std::string_view metric = key == "io-threads"   ? "config_io_threads"
                              : key == "maxclients" ? "config_maxclients"
                              : key == "maxmemory"  ? "config_maxmemory"
                                                    : std::string_view{};
    double v = 0;
    if (!metric.empty() && ParseGoFloat(val, &v)) sink.Gauge(metric, v);
  }
  return db_count;
}

bool ParseClientLine(std::string_view line, int64_t now_unix, ClientDetails* out) {
  // ^id=\d+ addr=\d+
  if (line.substr(0, 3) != "id=") return false;
  size_t i = 3;
  size_t digits = i;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
  if (i == digits || line.substr(i, 6) != " addr=" || i + 6 >= line.size() || line[i + 6] < '0' ||
      line[i + 6] > '9')
    return false;
  *out = ClientDetails{};
  std::string_view age, idle, addr;
  std::string_view rest = line;
  while (true) {
    size_t sp = rest.find(' ');
    std::string_view kv = rest.substr(0, sp);
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos || kv.find('=', eq + 1) != std::string_view::npos)
      return false;
    std::string_view k = kv.substr(0, eq), v = kv.substr(eq + 1);
    if (k == "name") out->name = v;
    else if (k == "age") age = v;
    else if (k == "idle") idle = v;
    else if (k == "flags") out->flags = v;
    else if (k == "db") out->db = v;
    else if (k == "omem") out->omem = v;
    else if (k == "cmd") out->cmd = v;
    else if (k == "addr") addr = v;
    if (sp == std::string_view::npos) break;
    rest = rest.substr(sp + 1);
  }
  int64_t a = 0, d = 0;
  if (!ParseInt(age, &a) || !ParseInt(idle, &d)) return false;
  out->created_at = now_unix - a;
  out->idle_since = now_unix - d;
  size_t colon = addr.find(':');
  if (colon == std::string_view::npos || addr.find(':', colon + 1) != std::string_view::npos)
    return false;
  out->host = addr.substr(0, colon);
  out->port = addr.substr(colon + 1);
  return true;
}

absl::Status ExtractLatency(const absl::StatusOr<Reply>& r, MetricSink& sink) {
  if (!r.ok()) return r.status();
  const redisReply* rep = r->get();
  if (rep->type != REDIS_REPLY_ARRAY) return absl::DataLossError("LATENCY LATEST: not an array");
  for (size_t i = 0; i < rep->elements; ++i) {
    const redisReply* e = rep->element[i];
    // [event name, last spike unix time, last spike ms, max ms]
    if (e->type != REDIS_REPLY_ARRAY || e->elements < 4) continue;
    std::string_view event = ReplyText(e->element[0]);
    int64_t last = 0, dur = 0, max = 0;
    if (e->element[0]->type != REDIS_REPLY_STRING || !ReplyInt(e->element[1], &last) ||
        !ReplyInt(e->element[2], &dur) || !ReplyInt(e->element[3], &max))
      continue;
    sink.Gauge("latency_spike_last", static_cast<double>(last), {{"event_name", event}});
    sink.Gauge("latency_spike_duration_seconds", static_cast<double>(dur) / 1e3,
               {{"event_name", event}});
  }
  return absl::OkStatus();
}

absl::Status ExtractSlowlog(const absl::StatusOr<Reply>& len, const absl::StatusOr<Reply>& r,
                           MetricSink& sink) {
  if (len.ok()) {
    int64_t n = 0;
    if (ReplyInt(len->get(), &n)) sink.Gauge("slowlog_length", static_cast<double>(n));
  }
  if (!r.ok()) return r.status();
  const redisReply* rep = r->get();
  if (rep->type != REDIS_REPLY_ARRAY) return absl::DataLossError("SLOWLOG GET: not an array");
  int64_t last_id = 0, usec = 0;
  if (rep->elements > 0) {
    const redisReply* e = rep->element[0];
    // [id, unix time, duration usec, args, ...]
    if (e->type == REDIS_REPLY_ARRAY && e->elements > 0) {
      ReplyInt(e->element[0], &last_id);
      if (e->elements > 2) ReplyInt(e->element[2], &usec);
    }
  }
  sink.Gauge("slowlog_last_id", static_cast<double>(last_id));
  sink.Gauge("last_slow_execution_duration_seconds", static_cast<double>(usec) / 1e6);
  return absl::OkStatus();
}

absl::Status CollectClientList(ScrapeContext& c, bool include_port) {
  absl::StatusOr<Reply> r = c.client.Command({"CLIENT", "LIST"}, c.deadline);
  if (!r.ok()) return r.status();
  std::string_view text = ReplyText(r->get());
  char created[24], idle[24];
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ClientDetails d;
    if (!ParseClientLine(line, c.now_unix, &d)) continue;
    auto p1 = std::to_chars(created, created + sizeof(created), d.created_at).ptr;
    auto p2 = std::to_chars(idle, idle + sizeof(idle), d.idle_since).ptr;
    LabelPair labels[] = {{"name", d.name},
                          {"created_at", std::string_view(created, p1 - created)},
                          {"idle_since", std::string_view(idle, p2 - idle)},
                          {"flags", d.flags},
                          {"db", d.db},
                          {"omem", d.omem},
                          {"cmd", d.cmd},
                          {"host", d.host},
                          {"port", d.port}};
    c.sink.Add("connected_clients_details", MetricType::kGauge, 1,
               std::span<const LabelPair>(labels, include_port ? 9 : 8));
  }
  return absl::OkStatus();
}

absl::Status CollectLua(ScrapeContext& c, std::string_view script) {
  // EVAL <script> 0 0: no keys, one argument (upstream passes a 0).
  absl::StatusOr<Reply> r = c.client.Command({"EVAL", script, "0", "0"}, c.deadline);
  if (!r.ok()) return absl::Status(r.status().code(), absl::StrCat("LuaScript error: ", r.status().message()));
  const redisReply* rep = r->get();
  if (rep->type == REDIS_REPLY_NIL) return absl::OkStatus();
  if (rep->type != REDIS_REPLY_ARRAY || rep->elements % 2 != 0)
    return absl::InvalidArgumentError("LuaScript error: expected an array of key/value pairs");
  // Validate first: upstream fails the scrape on a non-numeric value.
  for (size_t i = 0; i + 1 < rep->elements; i += 2) {
    double v;
    if (!ParseGoFloat(ReplyText(rep->element[i + 1]), &v)) {
      int64_t n;
      if (!ReplyInt(rep->element[i + 1], &n))
        return absl::InvalidArgumentError(absl::StrCat(
            "Error parsing lua script results for key ", std::string(ReplyText(rep->element[i]))));
    }
  }
  for (size_t i = 0; i + 1 < rep->elements; i += 2) {
    double v = 0;
    if (!ParseGoFloat(ReplyText(rep->element[i + 1]), &v)) {
      int64_t n = 0;
      ReplyInt(rep->element[i + 1], &n);
      v = static_cast<double>(n);
    }
    c.sink.Gauge("script_values", v, {{"key", ReplyText(rep->element[i])}});
  }
  return absl::OkStatus();
}

}  // namespace outpost::integrations::redis
