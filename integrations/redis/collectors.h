// The redis_exporter 1.45 scrapes other than INFO, one function each, over
// a connected Client, writing into a MetricSink. The parsing parts are pure
// functions (tested without a server).
//
// Error policy (upstream's): a failing optional scrape (latency, slowlog,
// keys, streams, client list) only loses its own samples and returns its
// error for logging; CONFIG GET with an odd reply and a failing Lua script
// fail the whole collection (redis_up 0).
// Thread-safety: none; one collection at a time.
#ifndef OUTPOST_INTEGRATIONS_REDIS_COLLECTORS_H_
#define OUTPOST_INTEGRATIONS_REDIS_COLLECTORS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "integrations/redis/client.h"
#include "integrations/redis/options.h"
#include "integrations/redis/sink.h"

namespace outpost::integrations::redis {

// CONFIG GET * pairs → redis_config_{io_threads,maxclients,maxmemory};
// returns the `databases` value (0 when absent). InvalidArgument on an odd
// count or a non-numeric `databases`.
absl::StatusOr<int> ExtractConfigMetrics(std::span<const std::string_view> pairs, MetricSink& sink);

// One CLIENT LIST line → connected_clients_details labels, in upstream's
// order: name, created_at, idle_since, flags, db, omem, cmd, host, port.
// false when the line does not parse (upstream's parseClientListString).
struct ClientDetails {
  std::string_view name, flags, db, omem, cmd, host, port;
  int64_t created_at = 0, idle_since = 0;
};
bool ParseClientLine(std::string_view line, int64_t now_unix, ClientDetails* out);

// The stream/group/consumer fields read from XINFO replies.
struct StreamGroupConsumer {
  std::string name;
  int64_t pending = 0;
  int64_t idle_ms = 0;
};
struct StreamGroup {
  std::string name;
  int64_t consumers = 0;
  int64_t pending = 0;
  std::string last_delivered_id;
  std::vector<StreamGroupConsumer> consumer_list;
};
struct StreamInfo {
  int64_t length = 0;
  int64_t radix_tree_keys = 0;
  int64_t radix_tree_nodes = 0;
  int64_t groups = 0;
  std::string last_generated_id;
  std::vector<StreamGroup> group_list;
};
// "1690000000000-0" → 1690000000000 (the part before '-'; 0 when not a
// number).
double StreamIdMillis(std::string_view id);

// Per-collection context of the scrapes.
struct ScrapeContext {
  Client& client;
  MetricSink& sink;
  absl::Time deadline;
  int64_t now_unix;
};

// LATENCY LATEST and SLOWLOG LEN + SLOWLOG GET 1 replies (sent in the
// collection's pipeline) → samples; the error of a failed or odd reply.
absl::Status ExtractLatency(const absl::StatusOr<Reply>& latest, MetricSink& sink);
absl::Status ExtractSlowlog(const absl::StatusOr<Reply>& len, const absl::StatusOr<Reply>& get,
                            MetricSink& sink);
// check_keys (SCAN-expanded patterns) and check_single_keys.
absl::Status CollectKeys(ScrapeContext& c, const std::vector<DbKey>& patterns,
                         const std::vector<DbKey>& single, int64_t batch, bool export_values,
                         bool is_cluster);
absl::Status CollectCountKeys(ScrapeContext& c, const std::vector<DbKey>& keys, int64_t batch);
absl::Status CollectStreams(ScrapeContext& c, const std::vector<DbKey>& patterns,
                            const std::vector<DbKey>& single, int64_t batch);
absl::Status CollectClientList(ScrapeContext& c, bool include_port);
absl::Status CollectLua(ScrapeContext& c, std::string_view script);

// check_key_groups (key_groups.cc; patterns from ParseKeyGroups).
struct KeyGroupStats {
  std::string name;
  int64_t count = 0;
  int64_t memory_bytes = 0;
};
// Upstream's cap: with more than `max_groups` groups, the `max_groups`
// using the most memory (ties: fewer keys, then name) and one "overflow"
// group summing the rest; otherwise `groups` unchanged.
std::vector<KeyGroupStats> LimitKeyGroups(std::vector<KeyGroupStats> groups, int64_t max_groups);
// For each database 0..db_count-1 (SELECT), the server-side Lua script over
// SCAN batches of `batch` keys: redis_key_group_count and
// redis_key_group_memory_usage_bytes {db, key_group} and
// redis_number_of_distinct_key_groups {db}. A database whose SELECT or
// script fails (e.g. a bad Lua pattern) has no samples; the first such
// error is returned. Leaves the last database selected, as upstream.
absl::Status CollectKeyGroups(ScrapeContext& c, std::span<const std::string> patterns,
                              int64_t batch, int64_t max_groups, int db_count);

// SCAN 0.. MATCH pattern COUNT batch until the cursor is 0, appending the
// keys to `out` (at most kMaxScannedKeys; ResourceExhausted beyond).
inline constexpr size_t kMaxScannedKeys = 100000;
absl::Status ScanKeys(ScrapeContext& c, std::string_view pattern, int64_t batch,
                      std::vector<std::string>* out);

}  // namespace outpost::integrations::redis

#endif  // OUTPOST_INTEGRATIONS_REDIS_COLLECTORS_H_
