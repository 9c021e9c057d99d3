// Key checks, key counts and streams, as redis_exporter 1.45
// (exporter/keys.go, streams.go): SCAN (never KEYS) expands glob patterns,
// COUNT = check_key_groups_batch_size.
#include <charconv>
#include <string>

#include "absl/strings/str_cat.h"
#include "integrations/redis/collectors.h"
#include "integrations/redis/info.h"

namespace outpost::integrations::redis {
namespace {

bool ReplyInt(const redisReply* r, int64_t* out) {
  if (r == nullptr) return false;
  if (r->type == REDIS_REPLY_INTEGER) {
    *out = r->integer;
    return true;
  }
  std::string_view s = ReplyText(r);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}

// upstream globPattern: [?*[\]^]
bool IsGlob(std::string_view k) { return k.find_first_of("?*[]^") != std::string_view::npos; }

absl::Status Select(ScrapeContext& c, const std::string& db) {
  absl::StatusOr<Reply> r = c.client.Command({"SELECT", db}, c.deadline);
  return r.status();
}

// Expands patterns (SCAN) and keeps plain keys; single keys first, as
// upstream.
absl::Status Expand(ScrapeContext& c, const std::vector<DbKey>& patterns,
                    const std::vector<DbKey>& single, int64_t batch, std::vector<DbKey>* out) {
  *out = single;
  absl::Status first = absl::OkStatus();
  std::vector<std::string> names;
  for (const DbKey& k : patterns) {
    if (!IsGlob(k.key)) {
      out->push_back(k);
      continue;
    }
    absl::Status st = Select(c, k.db);
    if (!st.ok()) return st;
    names.clear();
    st = ScanKeys(c, k.key, batch, &names);
    if (!st.ok()) {
      if (first.ok()) first = st;
      if (!c.client.connected()) return st;
      continue;
    }
    for (std::string& n : names) out->push_back(DbKey{k.db, std::move(n)});
  }
  return first;
}

// A flat [field, value, ...] reply: calls f(field, value element).
template <typename F>
void ForPairs(const redisReply* r, F f) {
  if (r == nullptr || r->type != REDIS_REPLY_ARRAY) return;
  for (size_t i = 0; i + 1 < r->elements; i += 2) f(ReplyText(r->element[i]), r->element[i + 1]);
}

}  // namespace

double StreamIdMillis(std::string_view id) {
  double v = 0;
  if (!ParseGoFloat(id.substr(0, id.find('-')), &v)) return 0;
  return v;
}

absl::Status ScanKeys(ScrapeContext& c, std::string_view pattern, int64_t batch,
                      std::vector<std::string>* out) {
  if (pattern.empty()) return absl::InvalidArgumentError("pattern shouldn't be empty");
  const std::string count = std::to_string(batch);
  std::string cursor = "0";
  do {
    absl::StatusOr<Reply> r =
        c.client.Command({"SCAN", cursor, "MATCH", pattern, "COUNT", count}, c.deadline);
    if (!r.ok()) return r.status();
    const redisReply* rep = r->get();
    if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 ||
        rep->element[0]->type != REDIS_REPLY_STRING || rep->element[1]->type != REDIS_REPLY_ARRAY)
      return absl::DataLossError(
          absl::StrCat("invalid response from SCAN for pattern: ", std::string(pattern)));
    cursor = std::string(ReplyText(rep->element[0]));
    const redisReply* keys = rep->element[1];
    for (size_t i = 0; i < keys->elements; ++i) {
      if (out->size() >= kMaxScannedKeys)
        return absl::ResourceExhaustedError(absl::StrCat(
            "more than ", kMaxScannedKeys, " keys match \"", std::string(pattern), "\""));
      out->emplace_back(ReplyText(keys->element[i]));
    }
  } while (cursor != "0");
  return absl::OkStatus();
}

absl::Status CollectKeys(ScrapeContext& c, const std::vector<DbKey>& patterns,
                         const std::vector<DbKey>& single, int64_t batch, bool export_values,
                         bool is_cluster) {
  if (patterns.empty() && single.empty()) return absl::OkStatus();
  std::vector<DbKey> all;
  absl::Status result = Expand(c, patterns, single, batch, &all);
  if (!c.client.connected()) return result;
  for (const DbKey& k : all) {
    const std::string db = is_cluster ? "0" : k.db;
    if (!is_cluster) {
      if (absl::Status st = Select(c, db); !st.ok()) {
        if (!c.client.connected()) return st;
        continue;
      }
    }
    const std::string db_label = absl::StrCat("db", db);
    absl::StatusOr<Reply> type = c.client.Command({"TYPE", k.key}, c.deadline);
    if (!type.ok()) {
      if (!c.client.connected()) return type.status();
      continue;
    }
    const std::string_view t = ReplyText(type->get());
    if (t == "none") {
      c.sink.Gauge("key_size", 0, {{"db", db_label}, {"key", k.key}});
      continue;
    }
    std::string_view size_cmd = t == "list"     ? "LLEN"
                                : t == "set"    ? "SCARD"
                                : t == "zset"   ? "ZCARD"
                                : t == "hash"   ? "HLEN"
                                : t == "stream" ? "XLEN"
                                                : std::string_view{};
    int64_t size = 0;
    if (t == "string") {
      // PFCOUNT first: STRLEN of a HyperLogLog is not its cardinality.
      absl::StatusOr<Reply> pf = c.client.Command({"PFCOUNT", k.key}, c.deadline);
      if (!(pf.ok() && ReplyInt(pf->get(), &size))) {
        absl::StatusOr<Reply> sl = c.client.Command({"STRLEN", k.key}, c.deadline);
        if (sl.ok()) ReplyInt(sl->get(), &size);
      }
    } else if (!size_cmd.empty()) {
      absl::StatusOr<Reply> r = c.client.Command({size_cmd, k.key}, c.deadline);
      if (r.ok()) ReplyInt(r->get(), &size);
    } else {
      if (result.ok())
        result = absl::InvalidArgumentError(
            absl::StrCat("unknown type: ", std::string(t), " for key: ", k.key));
      continue;
    }
    if (!c.client.connected()) return absl::UnavailableError("connection lost");
    c.sink.Gauge("key_size", static_cast<double>(size), {{"db", db_label}, {"key", k.key}});
    if (t == "string" && export_values) {
      absl::StatusOr<Reply> v = c.client.Command({"GET", k.key}, c.deadline);
      if (v.ok() && (*v)->type == REDIS_REPLY_STRING) {
        std::string_view s = ReplyText(v->get());
        double d = 0;
        if (ParseGoFloat(s, &d)) {
          c.sink.Gauge("key_value", d, {{"db", db_label}, {"key", k.key}});
        } else {
          c.sink.Gauge("key_value_as_string", 1, {{"db", db_label}, {"key", k.key}, {"val", s}});
        }
      }
    }
  }
  return result;
}

absl::Status CollectCountKeys(ScrapeContext& c, const std::vector<DbKey>& keys, int64_t batch) {
  absl::Status result = absl::OkStatus();
  std::vector<std::string> names;
  for (const DbKey& k : keys) {
    if (absl::Status st = Select(c, k.db); !st.ok()) {
      if (!c.client.connected()) return st;
      continue;
    }
    names.clear();
    absl::Status st = ScanKeys(c, k.key, batch, &names);
    if (!st.ok()) {
      if (!c.client.connected()) return st;
      if (result.ok()) result = st;
      continue;
    }
    c.sink.Gauge("keys_count", static_cast<double>(names.size()),
                 {{"db", absl::StrCat("db", k.db)}, {"key", k.key}});
  }
  return result;
}

absl::Status CollectStreams(ScrapeContext& c, const std::vector<DbKey>& patterns,
                            const std::vector<DbKey>& single, int64_t batch) {
  if (patterns.empty() && single.empty()) return absl::OkStatus();
  std::vector<DbKey> all;
  absl::Status result = Expand(c, patterns, single, batch, &all);
  if (!c.client.connected()) return result;
  for (const DbKey& k : all) {
    if (absl::Status st = Select(c, k.db); !st.ok()) {
      if (!c.client.connected()) return st;
      continue;
    }
    absl::StatusOr<Reply> sr = c.client.Command({"XINFO", "STREAM", k.key}, c.deadline);
    if (!sr.ok()) {
      if (!c.client.connected()) return sr.status();
      if (result.ok()) result = sr.status();
      continue;
    }
    StreamInfo info;
    ForPairs(sr->get(), [&](std::string_view f, const redisReply* v) {
      if (f == "length") ReplyInt(v, &info.length);
      else if (f == "radix-tree-keys") ReplyInt(v, &info.radix_tree_keys);
      else if (f == "radix-tree-nodes") ReplyInt(v, &info.radix_tree_nodes);
      else if (f == "groups") ReplyInt(v, &info.groups);
      else if (f == "last-generated-id") info.last_generated_id = std::string(ReplyText(v));
    });
    absl::StatusOr<Reply> gr = c.client.Command({"XINFO", "GROUPS", k.key}, c.deadline);
    if (!gr.ok()) {
      if (!c.client.connected()) return gr.status();
      if (result.ok()) result = gr.status();
      continue;
    }
    bool ok = true;
    const redisReply* groups = gr->get();
    for (size_t i = 0; ok && groups->type == REDIS_REPLY_ARRAY && i < groups->elements; ++i) {
      StreamGroup g;
      ForPairs(groups->element[i], [&](std::string_view f, const redisReply* v) {
        if (f == "name") g.name = std::string(ReplyText(v));
        else if (f == "consumers") ReplyInt(v, &g.consumers);
        else if (f == "pending") ReplyInt(v, &g.pending);
        else if (f == "last-delivered-id") g.last_delivered_id = std::string(ReplyText(v));
      });
      absl::StatusOr<Reply> cr =
          c.client.Command({"XINFO", "CONSUMERS", k.key, g.name}, c.deadline);
      if (!cr.ok()) {
        if (!c.client.connected()) return cr.status();
        if (result.ok()) result = cr.status();
        ok = false;
        break;
      }
      const redisReply* cons = cr->get();
      for (size_t j = 0; cons->type == REDIS_REPLY_ARRAY && j < cons->elements; ++j) {
        StreamGroupConsumer sc;
        ForPairs(cons->element[j], [&](std::string_view f, const redisReply* v) {
          if (f == "name") sc.name = std::string(ReplyText(v));
          else if (f == "pending") ReplyInt(v, &sc.pending);
          else if (f == "idle") ReplyInt(v, &sc.idle_ms);
        });
        g.consumer_list.push_back(std::move(sc));
      }
      info.group_list.push_back(std::move(g));
    }
    if (!ok) continue;
    const std::string db = absl::StrCat("db", k.db);
    const std::string_view key = k.key;
    c.sink.Gauge("stream_length", static_cast<double>(info.length), {{"db", db}, {"stream", key}});
    c.sink.Gauge("stream_radix_tree_keys", static_cast<double>(info.radix_tree_keys),
                 {{"db", db}, {"stream", key}});
    c.sink.Gauge("stream_radix_tree_nodes", static_cast<double>(info.radix_tree_nodes),
                 {{"db", db}, {"stream", key}});
    c.sink.Gauge("stream_last_generated_id", StreamIdMillis(info.last_generated_id),
                 {{"db", db}, {"stream", key}});
    c.sink.Gauge("stream_groups", static_cast<double>(info.groups), {{"db", db}, {"stream", key}});
    for (const StreamGroup& g : info.group_list) {
      c.sink.Gauge("stream_group_consumers", static_cast<double>(g.consumers),
                   {{"db", db}, {"stream", key}, {"group", g.name}});
      c.sink.Gauge("stream_group_messages_pending", static_cast<double>(g.pending),
                   {{"db", db}, {"stream", key}, {"group", g.name}});
      c.sink.Gauge("stream_group_last_delivered_id", StreamIdMillis(g.last_delivered_id),
                   {{"db", db}, {"stream", key}, {"group", g.name}});
      for (const StreamGroupConsumer& sc : g.consumer_list) {
        c.sink.Gauge("stream_group_consumer_messages_pending", static_cast<double>(sc.pending),
                     {{"db", db}, {"stream", key}, {"group", g.name}, {"consumer", sc.name}});
        c.sink.Gauge("stream_group_consumer_idle_seconds", static_cast<double>(sc.idle_ms) / 1e3,
                     {{"db", db}, {"stream", key}, {"group", g.name}, {"consumer", sc.name}});
      }
    }
  }
  return result;
}

}  // namespace outpost::integrations::redis
