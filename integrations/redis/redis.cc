#include "integrations/redis/redis.h"

#include <time.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "integrations/common/options_spec.h"
#include "integrations/common/text.h"
#include "integrations/redis/client.h"
#include "integrations/redis/collectors.h"
#include "integrations/redis/info.h"
#include "integrations/redis/sink.h"

namespace outpost::integrations::redis {
namespace {

double MonotonicSeconds() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

absl::StatusOr<std::string> ReadFile(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("error loading ", ToAbsl(what), " ", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Sub-scrapes whose failure only loses their own samples; logged once per
// state change.
enum Part {
  kLatency,
  kSlowlog,
  kKeys,
  kStreams,
  kCountKeys,
  kKeyGroups,
  kClients,
  kConfig,
  kNumParts
};
constexpr std::string_view kPartNames[kNumParts] = {
    "latency", "slowlog", "keys", "streams", "count_keys", "key_groups", "client_list", "config"};

// The pipelined commands of a collection, by index.
enum Pipelined {
  kPipeConfig,
  kPipeInfo,
  kPipeLatency,
  kPipeSlowlogLen,
  kPipeSlowlogGet,
  kPipeCount
};
// Upstream asks CONFIG GET * but only reads databases, io-threads,
// maxclients and maxmemory; this glob (one pattern: Redis < 7 takes no
// more) matches those four and a few other names (maxmemory-policy...),
// ~9 pairs instead of ~190 to decode.
constexpr std::string_view kConfigPattern = "[dim][ao][-tx]*";
constexpr std::string_view kInfoAll[] = {"INFO", "ALL"};
constexpr std::string_view kLatencyLatest[] = {"LATENCY", "LATEST"};
constexpr std::string_view kSlowlogLen[] = {"SLOWLOG", "LEN"};
constexpr std::string_view kSlowlogGet[] = {"SLOWLOG", "GET", "1"};

struct Resolved {
  std::vector<DbKey> check_keys, single_keys, streams, single_streams, count_keys;
  std::vector<std::string> key_groups;  // Lua patterns
};

class RedisIntegration final : public Integration {
 public:
  RedisIntegration(const Options& o, ClientSettings cs, Resolved keys, std::string script)
      : o_(o),
        display_addr_(RedactAddress(o.redis_addr)),
        client_(std::move(cs)),
        keys_(std::move(keys)),
        script_(std::move(script)),
        sink_(o.namespace_),
        info_(InfoParser::Settings{o.incl_system_metrics}) {}

  absl::Status Collect(Appender& app, absl::Time deadline) override {
    sink_.Begin(app);
    ++scrapes_;
    const double start = MonotonicSeconds();
    absl::Status st = Scrape(deadline);
    const double took = MonotonicSeconds() - start;
    if (st.ok()) {
      sink_.Gauge("exporter_last_scrape_error", 0, {{"err", ""}});
    } else {
      const std::string msg(ToStd(st.message()));
      sink_.Gauge("exporter_last_scrape_error", 1, {{"err", msg}});
    }
    sink_.Gauge("up", st.ok() ? 1 : 0);
    sink_.Gauge("exporter_last_scrape_duration_seconds", took);
    duration_sum_ += took;
    sink_.Counter("exporter_scrapes_total", static_cast<double>(scrapes_));
    sink_.Add("exporter_scrape_duration_seconds", MetricType::kSummary, duration_sum_, {}, "_sum");
    sink_.Add("exporter_scrape_duration_seconds", MetricType::kSummary,
              static_cast<double>(scrapes_), {}, "_count");
    sink_.Counter("target_scrape_request_errors_total", 0);
    LogState(st);
    sink_.End();
    return absl::OkStatus();
  }

 private:
  void LogState(const absl::Status& st) {
    if (st.ok() == up_) return;
    up_ = st.ok();
    if (up_) {
      log::Info("redis reachable again",
                {{"integration", "redis_exporter"}, {"addr", display_addr_}});
    } else {
      const std::string msg(ToStd(st.message()));
      log::Error("couldn't scrape redis instance",
                 {{"integration", "redis_exporter"}, {"addr", display_addr_}, {"err", msg}});
    }
  }

  void Part(enum Part p, const absl::Status& st) {
    if (st.ok() == !part_failing_[p]) return;
    part_failing_[p] = !st.ok();
    if (st.ok()) {
      log::Info("scrape succeeded again",
                {{"integration", "redis_exporter"}, {"addr", display_addr_},
                 {"scrape", kPartNames[p]}});
    } else {
      const std::string msg(ToStd(st.message()));
      log::Warn("scrape failed", {{"integration", "redis_exporter"},
                                  {"addr", display_addr_},
                                  {"scrape", kPartNames[p]},
                                  {"err", msg}});
    }
  }

  // The first command of a collection: a stale connection (server
  // restarted) gets one reconnect before the collection is failed.
  absl::StatusOr<Reply> FirstCommand(std::initializer_list<std::string_view> args,
                                     absl::Time deadline) {
    const bool was_connected = client_.connected();
    absl::StatusOr<Reply> r = client_.Command(args, deadline);
    if (!r.ok() && was_connected && !client_.connected()) r = client_.Command(args, deadline);
    return r;
  }

  absl::Status Scrape(absl::Time deadline) {
    ScrapeContext c{client_, sink_, deadline, static_cast<int64_t>(absl::ToUnixSeconds(absl::Now()))};
    const double t0 = MonotonicSeconds();
    absl::Status conn = client_.EnsureConnected(deadline);
    sink_.Gauge("exporter_last_scrape_connect_time_seconds", MonotonicSeconds() - t0);
    if (!conn.ok()) return conn;

    if (o_.ping_on_connect) {
      const double p0 = MonotonicSeconds();
      if (absl::StatusOr<Reply> r = FirstCommand({"PING"}, deadline); r.ok()) {
        sink_.Gauge("exporter_last_scrape_ping_time_seconds", MonotonicSeconds() - p0);
      } else if (!client_.connected()) {
        return r.status();
      }
    }

    // The commands that do not depend on each other go in one round trip
    // (upstream sends them one by one, in this order).
    const std::string_view config_get[] = {o_.config_command, "GET", kConfigPattern};
    const Client::Args cmds[kPipeCount] = {config_get, kInfoAll, kLatencyLatest, kSlowlogLen,
                                           kSlowlogGet};
    absl::Status sent = client_.Pipeline(cmds, &replies_, deadline);
    // A stale connection (server restarted) gets one reconnect.
    if (!sent.ok()) sent = client_.Pipeline(cmds, &replies_, deadline);
    if (!sent.ok()) return sent;

    int db_count = 0;
    if (const absl::StatusOr<Reply>& cfg = replies_[kPipeConfig]; cfg.ok()) {
      const redisReply* r = cfg->get();
      pairs_.clear();
      bool strings = r->type == REDIS_REPLY_ARRAY;
      for (size_t i = 0; strings && i < r->elements; ++i) {
        if (r->element[i]->type != REDIS_REPLY_STRING) strings = false;
        else pairs_.push_back(ReplyText(r->element[i]));
      }
      if (strings) {
        absl::StatusOr<int> n = ExtractConfigMetrics(pairs_, sink_);
        if (!n.ok()) return n.status();
        db_count = *n;
      }
      Part(kConfig, absl::OkStatus());
    } else {
      Part(kConfig, cfg.status());  // e.g. CONFIG renamed or forbidden by ACL
    }

    absl::StatusOr<Reply>* info = &replies_[kPipeInfo];
    absl::StatusOr<Reply> plain_info;
    if (!info->ok() || ReplyText((*info)->get()).empty()) {
      plain_info = client_.Command({"INFO"}, deadline);  // servers without INFO ALL
      if (!plain_info.ok()) return plain_info.status();
      info = &plain_info;
    }
    const std::string_view text = ReplyText((*info)->get());
    if (text.find("cluster_enabled:1") != std::string_view::npos) {
      absl::StatusOr<Reply> ci = client_.Command({"CLUSTER", "INFO"}, deadline);
      if (ci.ok()) {
        info_.ExtractClusterInfo(ReplyText(ci->get()), sink_);
        db_count = 1;  // a cluster has one database
      } else if (!client_.connected()) {
        return ci.status();
      }
    } else if (db_count == 0) {
      db_count = 16;  // Redis' default when CONFIG gave nothing
    }
    info_.Extract(text, db_count, c.now_unix, sink_);

    Part(kLatency, ExtractLatency(replies_[kPipeLatency], sink_));
    Part(kKeys, CollectKeys(c, keys_.check_keys, keys_.single_keys, o_.check_key_groups_batch_size,
                            o_.export_key_values, o_.is_cluster));
    Part(kSlowlog, ExtractSlowlog(replies_[kPipeSlowlogLen], replies_[kPipeSlowlogGet], sink_));
    Part(kStreams, CollectStreams(c, keys_.streams, keys_.single_streams,
                                  o_.check_key_groups_batch_size));
    Part(kCountKeys, CollectCountKeys(c, keys_.count_keys, o_.check_key_groups_batch_size));
    // Upstream reports the duration even without key groups (then ~0),
    // in whole milliseconds (Go's Duration.Milliseconds).
    const double kg0 = MonotonicSeconds();
    if (!keys_.key_groups.empty()) {
      Part(kKeyGroups, CollectKeyGroups(c, keys_.key_groups, o_.check_key_groups_batch_size,
                                        o_.max_distinct_key_groups, db_count));
    }
    sink_.Gauge("last_key_groups_scrape_duration_milliseconds",
                std::floor((MonotonicSeconds() - kg0) * 1e3));
    if (o_.export_client_list) Part(kClients, CollectClientList(c, o_.export_client_port));
    if (!script_.empty()) {
      absl::Status st = CollectLua(c, script_);
      if (!st.ok()) return st;
    }
    return absl::OkStatus();
  }

  const Options o_;
  const std::string display_addr_;
  Client client_;
  const Resolved keys_;
  const std::string script_;
  MetricSink sink_;
  InfoParser info_;
  std::vector<std::string_view> pairs_;
  std::vector<absl::StatusOr<Reply>> replies_;  // of the pipeline, reused
  uint64_t scrapes_ = 0;
  double duration_sum_ = 0;
  bool up_ = true;  // last logged state
  bool part_failing_[kNumParts] = {};
};

class RedisSpec final : public OptionsSpec<Options, ParseOptions, DumpOptions> {
 public:
  std::string_view name() const override { return "redis_exporter"; }
  bool allows_list() const override { return true; }

 protected:
  std::string Instance(const Options& o, const config::HostInfo&) const override {
    return RedactAddress(o.redis_addr);
  }
  absl::StatusOr<std::unique_ptr<Integration>> Make(const Options& o, const config::IntegrationConfig&,
                                                    const config::HostInfo&) const override {
    return NewRedisIntegration(o);
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<Integration>> NewRedisIntegration(const Options& o) {
  if (o.redis_addr.empty())
    return absl::InvalidArgumentError(
        "cannot create redis_exporter; redis_exporter.redis_addr is not defined");
  absl::StatusOr<Endpoint> ep = ParseAddress(o.redis_addr);
  if (!ep.ok())
    return absl::InvalidArgumentError(
        absl::StrCat("redis_exporter: redis_addr: ", ep.status().message()));
  ClientSettings cs;
  cs.endpoint = *ep;
  cs.user = o.redis_user;
  cs.password = o.redis_password.reveal();
  cs.set_client_name = o.set_client_name;
  cs.timeout = o.connection_timeout;
  if (!o.redis_password_file.empty()) {
    absl::StatusOr<std::string> pw = ReadFile(o.redis_password_file, "password file");
    if (!pw.ok()) return pw.status();
    cs.password = std::string(Trim(*pw));
  }
  if (!o.redis_password_map_file.empty()) {
    // A JSON object {"redis://host:port": "password", ...} (upstream
    // LoadPwdFile); JSON is YAML, so yaml-cpp reads it.
    absl::StatusOr<std::string> text = ReadFile(o.redis_password_map_file, "password map file");
    if (!text.ok()) return text.status();
    std::string uri = o.redis_addr.find("://") == std::string::npos
                          ? absl::StrCat("redis://", o.redis_addr)
                          : o.redis_addr;
    try {
      YAML::Node n = YAML::Load(*text);
      if (!n.IsMap()) throw YAML::Exception(YAML::Mark::null_mark(), "not an object");
      if (YAML::Node pw = n[uri]; pw && pw.IsScalar() && !pw.Scalar().empty())
        cs.password = pw.Scalar();
    } catch (const YAML::Exception& e) {
      return absl::InvalidArgumentError(absl::StrCat("error loading password map file ",
                                                     o.redis_password_map_file, ": ", e.what()));
    }
  }
  // A password in the URL wins, as with redigo's DialURL.
  if (ep->has_password) {
    cs.password = ep->password;
    if (!ep->user.empty()) cs.user = ep->user;
  }
  if (ep->tls) {
    TlsSettings ts;
    ts.ca_file = o.tls_ca_cert_file;
    ts.cert_file = o.tls_client_cert_file;
    ts.key_file = o.tls_client_key_file;
    ts.skip_verify = o.skip_tls_verification;
    absl::StatusOr<std::shared_ptr<TlsContext>> tls = TlsContext::Create(ts);
    if (!tls.ok()) return tls.status();
    cs.tls = *tls;
  }
  Resolved keys;
  for (auto [list, out] : {std::pair{&o.check_keys, &keys.check_keys},
                           std::pair{&o.check_single_keys, &keys.single_keys},
                           std::pair{&o.check_streams, &keys.streams},
                           std::pair{&o.check_single_streams, &keys.single_streams},
                           std::pair{&o.count_keys, &keys.count_keys}}) {
    absl::StatusOr<std::vector<DbKey>> k = ParseKeyList(*list);
    if (!k.ok()) return k.status();
    *out = std::move(*k);
  }
  absl::StatusOr<std::vector<std::string>> groups = ParseKeyGroups(o.check_key_groups);
  if (!groups.ok()) return groups.status();
  keys.key_groups = std::move(*groups);
  std::string script;
  if (!o.script_path.empty()) {
    absl::StatusOr<std::string> s = ReadFile(o.script_path, "script file");
    if (!s.ok()) return s.status();
    script = std::move(*s);
  }
  return std::make_unique<RedisIntegration>(o, std::move(cs), std::move(keys), std::move(script));
}

const config::IntegrationSpec& Spec() {
  static const RedisSpec spec;
  return spec;
}

}  // namespace outpost::integrations::redis
