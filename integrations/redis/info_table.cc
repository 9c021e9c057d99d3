// The INFO field table of redis_exporter 1.45 (exporter/exporter.go,
// metricMapGauges and metricMapCounters, plus the latest_fork_usec rename
// of exporter/metrics.go). One row per field; odd upstream names are kept
// on purpose: dashboards query them.
#include <algorithm>
#include <array>

#include "absl/container/flat_hash_map.h"
#include "core/base/absl_compat.h"
#include "integrations/redis/info.h"

namespace outpost::integrations::redis {
namespace {

constexpr MetricType G = MetricType::kGauge;
constexpr MetricType C = MetricType::kCounter;

// Sorted by field at startup (see Sorted()); written grouped by INFO section.
constexpr InfoField kFields[] = {
    // Server
    {"uptime_in_seconds", "uptime_in_seconds", G, 1},
    {"process_id", "process_id", G, 1},
    {"io_threads_active", "io_threads_active", G, 1},
    // Clients
    {"connected_clients", "connected_clients", G, 1},
    {"blocked_clients", "blocked_clients", G, 1},
    {"tracking_clients", "tracking_clients", G, 1},
    {"clients_in_timeout_table", "clients_in_timeout_table", G, 1},
    {"client_longest_output_list", "client_longest_output_list", G, 1},
    {"client_biggest_input_buf", "client_biggest_input_buf", G, 1},
    {"client_recent_max_output_buffer", "client_recent_max_output_buffer_bytes", G, 1},
    {"client_recent_max_input_buffer", "client_recent_max_input_buffer_bytes", G, 1},
    // Memory
    {"allocator_active", "allocator_active_bytes", G, 1},
    {"allocator_allocated", "allocator_allocated_bytes", G, 1},
    {"allocator_resident", "allocator_resident_bytes", G, 1},
    {"allocator_frag_ratio", "allocator_frag_ratio", G, 1},
    {"allocator_frag_bytes", "allocator_frag_bytes", G, 1},
    {"allocator_rss_ratio", "allocator_rss_ratio", G, 1},
    {"allocator_rss_bytes", "allocator_rss_bytes", G, 1},
    {"used_memory", "memory_used_bytes", G, 1},
    {"used_memory_rss", "memory_used_rss_bytes", G, 1},
    {"used_memory_peak", "memory_used_peak_bytes", G, 1},
    {"used_memory_lua", "memory_used_lua_bytes", G, 1},
    {"used_memory_overhead", "memory_used_overhead_bytes", G, 1},
    {"used_memory_startup", "memory_used_startup_bytes", G, 1},
    {"used_memory_dataset", "memory_used_dataset_bytes", G, 1},
    {"used_memory_scripts", "memory_used_scripts_bytes", G, 1},
    {"number_of_cached_scripts", "number_of_cached_scripts", G, 1},
    {"maxmemory", "memory_max_bytes", G, 1},
    {"maxmemory_reservation", "memory_max_reservation_bytes", G, 1},
    {"maxmemory_desired_reservation", "memory_max_reservation_desired_bytes", G, 1},
    {"maxfragmentationmemory_reservation", "memory_max_fragmentation_reservation_bytes", G, 1},
    {"maxfragmentationmemory_desired_reservation",
     "memory_max_fragmentation_reservation_desired_bytes", G, 1},
    {"mem_fragmentation_ratio", "mem_fragmentation_ratio", G, 1},
    {"mem_fragmentation_bytes", "mem_fragmentation_bytes", G, 1},
    {"mem_clients_slaves", "mem_clients_slaves", G, 1},
    {"mem_clients_normal", "mem_clients_normal", G, 1},
    {"expired_stale_perc", "expired_stale_percentage", G, 1},
    {"mem_not_counted_for_evict", "mem_not_counted_for_eviction_bytes", G, 1},
    {"lazyfree_pending_objects", "lazyfree_pending_objects", G, 1},
    {"active_defrag_running", "active_defrag_running", G, 1},
    {"migrate_cached_sockets", "migrate_cached_sockets_total", G, 1},
    {"active_defrag_hits", "defrag_hits", G, 1},
    {"active_defrag_misses", "defrag_misses", G, 1},
    {"active_defrag_key_hits", "defrag_key_hits", G, 1},
    {"active_defrag_key_misses", "defrag_key_misses", G, 1},
    {"expired_time_cap_reached_count", "expired_time_cap_reached_total", G, 1},
    // Persistence
    {"loading", "loading_dump_file", G, 1},
    {"rdb_changes_since_last_save", "rdb_changes_since_last_save", G, 1},
    {"rdb_bgsave_in_progress", "rdb_bgsave_in_progress", G, 1},
    {"rdb_last_save_time", "rdb_last_save_timestamp_seconds", G, 1},
    {"rdb_last_bgsave_status", "rdb_last_bgsave_status", G, 1},
    {"rdb_last_bgsave_time_sec", "rdb_last_bgsave_duration_sec", G, 1},
    {"rdb_current_bgsave_time_sec", "rdb_current_bgsave_duration_sec", G, 1},
    {"rdb_last_cow_size", "rdb_last_cow_size_bytes", G, 1},
    {"aof_enabled", "aof_enabled", G, 1},
    {"aof_rewrite_in_progress", "aof_rewrite_in_progress", G, 1},
    {"aof_rewrite_scheduled", "aof_rewrite_scheduled", G, 1},
    {"aof_last_rewrite_time_sec", "aof_last_rewrite_duration_sec", G, 1},
    {"aof_current_rewrite_time_sec", "aof_current_rewrite_duration_sec", G, 1},
    {"aof_last_cow_size", "aof_last_cow_size_bytes", G, 1},
    {"aof_current_size", "aof_current_size_bytes", G, 1},
    {"aof_base_size", "aof_base_size_bytes", G, 1},
    {"aof_pending_rewrite", "aof_pending_rewrite", G, 1},
    {"aof_buffer_length", "aof_buffer_length", G, 1},
    {"aof_rewrite_buffer_length", "aof_rewrite_buffer_length", G, 1},
    {"aof_pending_bio_fsync", "aof_pending_bio_fsync", G, 1},
    {"aof_delayed_fsync", "aof_delayed_fsync", G, 1},
    {"aof_last_bgrewrite_status", "aof_last_bgrewrite_status", G, 1},
    {"aof_last_write_status", "aof_last_write_status", G, 1},
    {"module_fork_in_progress", "module_fork_in_progress", G, 1},
    {"module_fork_last_cow_size", "module_fork_last_cow_size", G, 1},
    // Stats
    {"pubsub_channels", "pubsub_channels", G, 1},
    {"pubsub_patterns", "pubsub_patterns", G, 1},
    {"latest_fork_usec", "latest_fork_seconds", G, 1e-6},
    {"tracking_total_keys", "tracking_total_keys", G, 1},
    {"tracking_total_items", "tracking_total_items", G, 1},
    {"tracking_total_prefixes", "tracking_total_prefixes", G, 1},
    {"total_connections_received", "connections_received_total", C, 1},
    {"total_commands_processed", "commands_processed_total", C, 1},
    {"rejected_connections", "rejected_connections_total", C, 1},
    {"total_net_input_bytes", "net_input_bytes_total", C, 1},
    {"total_net_output_bytes", "net_output_bytes_total", C, 1},
    {"expired_keys", "expired_keys_total", C, 1},
    {"cached_keys", "cached_keys_total", C, 1},
    {"evicted_keys", "evicted_keys_total", C, 1},
    {"keyspace_hits", "keyspace_hits_total", C, 1},
    {"keyspace_misses", "keyspace_misses_total", C, 1},
    {"unexpected_error_replies", "unexpected_error_replies", C, 1},
    {"total_error_replies", "total_error_replies", C, 1},
    {"total_reads_processed", "total_reads_processed", C, 1},
    {"total_writes_processed", "total_writes_processed", C, 1},
    {"io_threaded_reads_processed", "io_threaded_reads_processed", C, 1},
    {"io_threaded_writes_processed", "io_threaded_writes_processed", C, 1},
    {"dump_payload_sanitizations", "dump_payload_sanitizations", C, 1},
    {"storage_provider_read_hits", "storage_provider_read_hits", C, 1},
    {"storage_provider_read_misses", "storage_provider_read_misses", C, 1},
    // Replication
    {"connected_slaves", "connected_slaves", G, 1},
    {"repl_backlog_size", "replication_backlog_bytes", G, 1},
    {"repl_backlog_active", "repl_backlog_is_active", G, 1},
    {"repl_backlog_first_byte_offset", "repl_backlog_first_byte_offset", G, 1},
    {"repl_backlog_histlen", "repl_backlog_history_bytes", G, 1},
    {"master_repl_offset", "master_repl_offset", G, 1},
    {"second_repl_offset", "second_repl_offset", G, 1},
    {"slave_expires_tracked_keys", "slave_expires_tracked_keys", G, 1},
    {"slave_priority", "slave_priority", G, 1},
    {"sync_full", "replica_resyncs_full", G, 1},
    {"sync_partial_ok", "replica_partial_resync_accepted", G, 1},
    {"sync_partial_err", "replica_partial_resync_denied", G, 1},
    // CPU
    {"used_cpu_sys", "cpu_sys_seconds_total", C, 1},
    {"used_cpu_user", "cpu_user_seconds_total", C, 1},
    {"used_cpu_sys_children", "cpu_sys_children_seconds_total", C, 1},
    {"used_cpu_user_children", "cpu_user_children_seconds_total", C, 1},
    {"used_cpu_sys_main_thread", "cpu_sys_main_thread_seconds_total", C, 1},
    {"used_cpu_user_main_thread", "cpu_user_main_thread_seconds_total", C, 1},
    // Cluster (CLUSTER INFO)
    {"cluster_stats_messages_sent", "cluster_messages_sent_total", G, 1},
    {"cluster_stats_messages_received", "cluster_messages_received_total", G, 1},
    // KeyDB
    {"server_threads", "server_threads_total", G, 1},
    {"long_lock_waits", "long_lock_waits_total", G, 1},
    {"current_client_thread", "current_client_thread", G, 1},
};

// incl_system_metrics only.
constexpr InfoField kSystemMemory = {"total_system_memory", "total_system_memory_bytes", G, 1};

// Field name → row, built once (a hash lookup per INFO line).
const absl::flat_hash_map<absl::string_view, const InfoField*>& Index() {
  static const auto* index = [] {
    auto* m = new absl::flat_hash_map<absl::string_view, const InfoField*>();
    for (const InfoField& f : kFields) m->emplace(ToAbsl(f.field), &f);
    return m;
  }();
  return *index;
}

}  // namespace

std::span<const InfoField> InfoFields() { return kFields; }

const InfoField* FindInfoField(std::string_view field, bool incl_system) {
  if (incl_system && field == kSystemMemory.field) return &kSystemMemory;
  const auto& index = Index();
  auto it = index.find(ToAbsl(field));
  return it == index.end() ? nullptr : it->second;
}

}  // namespace outpost::integrations::redis
