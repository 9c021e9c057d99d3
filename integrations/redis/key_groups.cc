// check_key_groups, as redis_exporter 1.45 (exporter/key_groups.go): for
// every database, a Lua script run on the server (EVALSHA, EVAL on
// NOSCRIPT, as redigo's Script.Do) SCANs one batch of keys, classifies each
// key by the first Lua pattern that matches it (the group name is the
// concatenation of the pattern's captures, "unclassified" when none
// matches) and sums the keys' MEMORY USAGE per group. The client adds the
// batches up until the cursor is back to 0.
#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "integrations/redis/collectors.h"

namespace outpost::integrations::redis {
namespace {

// ARGV[1]: SCAN cursor, ARGV[2]: COUNT, ARGV[3..]: Lua patterns.
// Returns {next cursor, {{group, keys, bytes}, ...}} for one batch.
constexpr std::string_view kScript = R"lua(
for i = 3, #ARGV do
  local ok, err = pcall(string.find, '', ARGV[i])
  if not ok then
    return redis.error_reply('invalid key group pattern "' .. ARGV[i] .. '": ' .. tostring(err))
  end
end
local scan = redis.call('SCAN', ARGV[1], 'COUNT', ARGV[2])
local groups, list = {}, {}
for _, key in ipairs(scan[2]) do
  local name = 'unclassified'
  for i = 3, #ARGV do
    local found = {string.find(key, ARGV[i])}
    if found[1] ~= nil then
      name = table.concat(found, '', 3)
      break
    end
  end
  local g = groups[name]
  if g == nil then
    g = {name, 0, 0}
    groups[name] = g
    list[#list + 1] = g
  end
  g[2] = g[2] + 1
  g[3] = g[3] + (redis.call('MEMORY', 'USAGE', key) or 0)
end
return {scan[1], list}
)lua";

const std::string& ScriptSha() {
  static const std::string sha = [] {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(kScript.data(), kScript.size(), md, &len, EVP_sha1(), nullptr);
    std::string hex;
    constexpr char kHex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < len; ++i) {
      hex.push_back(kHex[md[i] >> 4]);
      hex.push_back(kHex[md[i] & 15]);
    }
    return hex;
  }();
  return sha;
}

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

using GroupMap = absl::flat_hash_map<std::string, KeyGroupStats>;

// All batches of the selected database into `groups`.
absl::Status GatherDb(ScrapeContext& c, std::span<const std::string> patterns, int64_t batch,
                      GroupMap* groups) {
  const std::string count = std::to_string(batch);
  std::string cursor = "0";
  std::vector<std::string_view> args;
  for (;;) {
    args.assign({"EVALSHA", ScriptSha(), "0", cursor, count});
    for (const std::string& p : patterns) args.push_back(p);
    absl::StatusOr<Reply> r = c.client.Command(args, c.deadline);
    if (!r.ok() && c.client.connected() &&
        r.status().message().substr(0, 8) == "NOSCRIPT") {
      args[0] = "EVAL";
      args[1] = kScript;
      r = c.client.Command(args, c.deadline);
    }
    if (!r.ok()) return r.status();
    const redisReply* rep = r->get();
    if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 ||
        rep->element[1]->type != REDIS_REPLY_ARRAY)
      return absl::DataLossError("invalid response from the key group metrics lua script");
    const redisReply* list = rep->element[1];
    for (size_t i = 0; i < list->elements; ++i) {
      const redisReply* g = list->element[i];
      if (g->type != REDIS_REPLY_ARRAY || g->elements != 3) continue;
      int64_t n = 0, bytes = 0;
      ReplyInt(g->element[1], &n);
      ReplyInt(g->element[2], &bytes);
      std::string name(ReplyText(g->element[0]));
      KeyGroupStats& s = (*groups)[name];
      if (s.name.empty()) s.name = std::move(name);
      s.count += n;
      s.memory_bytes += bytes;
    }
    // The cursor is an unsigned 64-bit number: kept as the server's text.
    const redisReply* next = rep->element[0];
    if (next->type == REDIS_REPLY_INTEGER) cursor = std::to_string(next->integer);
    else if (next->type == REDIS_REPLY_STRING) cursor = std::string(ReplyText(next));
    else return absl::DataLossError("invalid cursor from the key group metrics lua script");
    if (cursor == "0") return absl::OkStatus();
  }
}

}  // namespace

std::vector<KeyGroupStats> LimitKeyGroups(std::vector<KeyGroupStats> groups, int64_t max_groups) {
  if (max_groups < 0 || static_cast<int64_t>(groups.size()) <= max_groups) return groups;
  // Upstream's order: most memory first, then fewer keys, then the name.
  std::sort(groups.begin(), groups.end(), [](const KeyGroupStats& a, const KeyGroupStats& b) {
    if (a.memory_bytes != b.memory_bytes) return a.memory_bytes > b.memory_bytes;
    if (a.count != b.count) return a.count < b.count;
    return a.name < b.name;
  });
  KeyGroupStats overflow{"overflow", 0, 0};
  for (size_t i = static_cast<size_t>(max_groups); i < groups.size(); ++i) {
    overflow.count += groups[i].count;
    overflow.memory_bytes += groups[i].memory_bytes;
  }
  groups.resize(static_cast<size_t>(max_groups));
  groups.push_back(std::move(overflow));
  return groups;
}

absl::Status CollectKeyGroups(ScrapeContext& c, std::span<const std::string> patterns,
                              int64_t batch, int64_t max_groups, int db_count) {
  absl::Status result = absl::OkStatus();
  GroupMap groups;
  std::vector<KeyGroupStats> list;
  for (int db = 0; db < db_count && !patterns.empty(); ++db) {
    const std::string index = std::to_string(db);
    if (absl::StatusOr<Reply> r = c.client.Command({"SELECT", index}, c.deadline); !r.ok()) {
      if (!c.client.connected()) return r.status();
      if (result.ok()) result = r.status();
      continue;
    }
    groups.clear();
    if (absl::Status st = GatherDb(c, patterns, batch, &groups); !st.ok()) {
      if (!c.client.connected()) return st;
      if (result.ok()) result = st;
      continue;  // upstream: no samples for this database
    }
    const std::string db_label = absl::StrCat("db", db);
    const size_t distinct = groups.size();
    list.clear();
    for (auto& [name, s] : groups) list.push_back(std::move(s));
    list = LimitKeyGroups(std::move(list), max_groups);
    for (const KeyGroupStats& s : list) {
      c.sink.Gauge("key_group_count", static_cast<double>(s.count),
                   {{"db", db_label}, {"key_group", s.name}});
      c.sink.Gauge("key_group_memory_usage_bytes", static_cast<double>(s.memory_bytes),
                   {{"db", db_label}, {"key_group", s.name}});
    }
    c.sink.Gauge("number_of_distinct_key_groups", static_cast<double>(distinct),
                 {{"db", db_label}});
  }
  return result;
}

}  // namespace outpost::integrations::redis
