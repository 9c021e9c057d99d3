// info_schema.userstats and info_schema.clientstats: every column of
// information_schema.user_statistics / client_statistics (SELECT *), when
// userstat is on. Known columns have upstream's names and types; others
// become untyped mysql_info_schema_{user,client}_statistics_<column>
// (mysqld_exporter collector/info_schema_userstats.go,
// info_schema_clientstats.go).
#include <cctype>
#include <span>
#include <vector>

#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

struct StatColumn {
  std::string_view column, name;  // name without "mysql_info_schema_"
  MetricType type;
  std::string_view help;
};

constexpr StatColumn kUserColumns[] = {
    {"TOTAL_CONNECTIONS", "user_statistics_total_connections", MetricType::kCounter,
     "The number of connections created for this user."},
    {"CONCURRENT_CONNECTIONS", "user_statistics_concurrent_connections", MetricType::kGauge,
     "The number of concurrent connections for this user."},
    {"CONNECTED_TIME", "user_statistics_connected_time_seconds_total", MetricType::kCounter,
     "The cumulative number of seconds elapsed while there were connections from this user."},
    {"BUSY_TIME", "user_statistics_busy_seconds_total", MetricType::kCounter,
     "The cumulative number of seconds there was activity on connections from this user."},
    {"CPU_TIME", "user_statistics_cpu_time_seconds_total", MetricType::kCounter,
     "The cumulative CPU time elapsed, in seconds, while servicing this user's connections."},
    {"BYTES_RECEIVED", "user_statistics_bytes_received_total", MetricType::kCounter,
     "The number of bytes received from this user’s connections."},
    {"BYTES_SENT", "user_statistics_bytes_sent_total", MetricType::kCounter,
     "The number of bytes sent to this user’s connections."},
    {"BINLOG_BYTES_WRITTEN", "user_statistics_binlog_bytes_written_total", MetricType::kCounter,
     "The number of bytes written to the binary log from this user’s connections."},
    {"ROWS_READ", "user_statistics_rows_read_total", MetricType::kCounter,
     "The number of rows read by this user's connections."},
    {"ROWS_SENT", "user_statistics_rows_sent_total", MetricType::kCounter,
     "The number of rows sent by this user's connections."},
    {"ROWS_DELETED", "user_statistics_rows_deleted_total", MetricType::kCounter,
     "The number of rows deleted by this user's connections."},
    {"ROWS_INSERTED", "user_statistics_rows_inserted_total", MetricType::kCounter,
     "The number of rows inserted by this user's connections."},
    {"ROWS_FETCHED", "user_statistics_rows_fetched_total", MetricType::kCounter,
     "The number of rows fetched by this user’s connections."},
    {"ROWS_UPDATED", "user_statistics_rows_updated_total", MetricType::kCounter,
     "The number of rows updated by this user’s connections."},
    {"TABLE_ROWS_READ", "user_statistics_table_rows_read_total", MetricType::kCounter,
     "The number of rows read from tables by this user’s connections. (It may be different from "
     "ROWS_FETCHED.)"},
    {"SELECT_COMMANDS", "user_statistics_select_commands_total", MetricType::kCounter,
     "The number of SELECT commands executed from this user’s connections."},
    {"UPDATE_COMMANDS", "user_statistics_update_commands_total", MetricType::kCounter,
     "The number of UPDATE commands executed from this user’s connections."},
    {"OTHER_COMMANDS", "user_statistics_other_commands_total", MetricType::kCounter,
     "The number of other commands executed from this user’s connections."},
    {"COMMIT_TRANSACTIONS", "user_statistics_commit_transactions_total", MetricType::kCounter,
     "The number of COMMIT commands issued by this user’s connections."},
    {"ROLLBACK_TRANSACTIONS", "user_statistics_rollback_transactions_total", MetricType::kCounter,
     "The number of ROLLBACK commands issued by this user’s connections."},
    {"DENIED_CONNECTIONS", "user_statistics_denied_connections_total", MetricType::kCounter,
     "The number of connections denied to this user."},
    {"LOST_CONNECTIONS", "user_statistics_lost_connections_total", MetricType::kCounter,
     "The number of this user’s connections that were terminated uncleanly."},
    {"ACCESS_DENIED", "user_statistics_access_denied_total", MetricType::kCounter,
     "The number of times this user’s connections issued commands that were denied."},
    {"EMPTY_QUERIES", "user_statistics_empty_queries_total", MetricType::kCounter,
     "The number of times this user’s connections sent empty queries to the server."},
    {"TOTAL_SSL_CONNECTIONS", "user_statistics_total_ssl_connections_total", MetricType::kCounter,
     "The number of times this user’s connections connected using SSL to the server."},
};
constexpr StatColumn kClientColumns[] = {
    {"TOTAL_CONNECTIONS", "client_statistics_total_connections", MetricType::kCounter,
     "The number of connections created for this client."},
    {"CONCURRENT_CONNECTIONS", "client_statistics_concurrent_connections", MetricType::kGauge,
     "The number of concurrent connections for this client."},
    {"CONNECTED_TIME", "client_statistics_connected_time_seconds_total", MetricType::kCounter,
     "The cumulative number of seconds elapsed while there were connections from this client."},
    {"BUSY_TIME", "client_statistics_busy_seconds_total", MetricType::kCounter,
     "The cumulative number of seconds there was activity on connections from this client."},
    {"CPU_TIME", "client_statistics_cpu_time_seconds_total", MetricType::kCounter,
     "The cumulative CPU time elapsed, in seconds, while servicing this client's connections."},
    {"BYTES_RECEIVED", "client_statistics_bytes_received_total", MetricType::kCounter,
     "The number of bytes received from this client’s connections."},
    {"BYTES_SENT", "client_statistics_bytes_sent_total", MetricType::kCounter,
     "The number of bytes sent to this client’s connections."},
    {"BINLOG_BYTES_WRITTEN", "client_statistics_binlog_bytes_written_total", MetricType::kCounter,
     "The number of bytes written to the binary log from this client’s connections."},
    {"ROWS_READ", "client_statistics_rows_read_total", MetricType::kCounter,
     "The number of rows read by this client’s connections."},
    {"ROWS_SENT", "client_statistics_rows_sent_total", MetricType::kCounter,
     "The number of rows sent by this client’s connections."},
    {"ROWS_DELETED", "client_statistics_rows_deleted_total", MetricType::kCounter,
     "The number of rows deleted by this client’s connections."},
    {"ROWS_INSERTED", "client_statistics_rows_inserted_total", MetricType::kCounter,
     "The number of rows inserted by this client’s connections."},
    {"ROWS_FETCHED", "client_statistics_rows_fetched_total", MetricType::kCounter,
     "The number of rows fetched by this client’s connections."},
    {"ROWS_UPDATED", "client_statistics_rows_updated_total", MetricType::kCounter,
     "The number of rows updated by this client’s connections."},
    {"TABLE_ROWS_READ", "client_statistics_table_rows_read_total", MetricType::kCounter,
     "The number of rows read from tables by this client’s connections. (It may be different from "
     "ROWS_FETCHED.)"},
    {"SELECT_COMMANDS", "client_statistics_select_commands_total", MetricType::kCounter,
     "The number of SELECT commands executed from this client’s connections."},
    {"UPDATE_COMMANDS", "client_statistics_update_commands_total", MetricType::kCounter,
     "The number of UPDATE commands executed from this client’s connections."},
    {"OTHER_COMMANDS", "client_statistics_other_commands_total", MetricType::kCounter,
     "The number of other commands executed from this client’s connections."},
    {"COMMIT_TRANSACTIONS", "client_statistics_commit_transactions_total", MetricType::kCounter,
     "The number of COMMIT commands issued by this client’s connections."},
    {"ROLLBACK_TRANSACTIONS", "client_statistics_rollback_transactions_total", MetricType::kCounter,
     "The number of ROLLBACK commands issued by this client’s connections."},
    {"DENIED_CONNECTIONS", "client_statistics_denied_connections_total", MetricType::kCounter,
     "The number of connections denied to this client."},
    {"LOST_CONNECTIONS", "client_statistics_lost_connections_total", MetricType::kCounter,
     "The number of this client’s connections that were terminated uncleanly."},
    {"ACCESS_DENIED", "client_statistics_access_denied_total", MetricType::kCounter,
     "The number of times this client’s connections issued commands that were denied."},
    {"EMPTY_QUERIES", "client_statistics_empty_queries_total", MetricType::kCounter,
     "The number of times this client’s connections sent empty queries to the server."},
    {"TOTAL_SSL_CONNECTIONS", "client_statistics_total_ssl_connections_total", MetricType::kCounter,
     "The number of times this client’s connections connected using SSL to the server."},
    {"MAX_STATEMENT_TIME_EXCEEDED", "client_statistics_max_statement_time_exceeded_total",
     MetricType::kCounter,
     "The number of times a statement was aborted, because it was executed longer than its "
     "MAX_STATEMENT_TIME threshold."},
};

class StatisticsCollector final : public Collector {
 public:
  // kind: "user" or "client" (table <kind>_statistics, label <kind>).
  StatisticsCollector(std::string_view kind, std::span<const StatColumn> known)
      : kind_(kind), query_(Cat("SELECT * FROM information_schema.", kind, "_statistics")) {
    for (const StatColumn& c : known) {
      known_.push_back({std::string(c.column),
                        {Cat("mysql_info_schema_", c.name), c.type, std::string(c.help), ""}});
    }
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    if (!UserstatEnabled(q, &rs_)) return absl::OkStatus();
    if (absl::Status st = q.Query(query_, &rs_); !st.ok()) return st;
    if (rs_.num_columns() == 0) return absl::InternalError(Cat(kind_, "_statistics: no columns"));
    // The family of each column after the first (the user or client).
    families_.assign(rs_.num_columns(), nullptr);
    for (size_t c = 1; c < rs_.num_columns(); ++c) {
      const std::string& col = rs_.columns()[c];
      for (const auto& [name, family] : known_) {
        if (name == col) families_[c] = &family;
      }
      if (families_[c] == nullptr) {
        std::string lower = col;
        for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        families_[c] = &unknown_.Get(col, [&](std::string_view) {
          return MetricFamily{Cat("mysql_info_schema_", kind_, "_statistics_", lower),
                              MetricType::kUnknown, Cat("Unsupported metric from column ", col),
                              ""};
        });
      }
    }
    values_.resize(rs_.num_columns());
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      std::string_view who;
      if (absl::Status st = ScanString(rs_, r, 0, &who); !st.ok()) return st;
      // The whole row scans before any sample is sent (Go's Scan).
      for (size_t c = 1; c < rs_.num_columns(); ++c) {
        if (absl::Status st = ScanFloat(rs_, r, c, &values_[c]); !st.ok()) return st;
      }
      for (size_t c = 1; c < rs_.num_columns(); ++c) {
        series_.Add(*families_[c], {{kind_, who}}, values_[c]);
      }
    }
    return absl::OkStatus();
  }

 private:
  std::string kind_, query_;
  std::vector<std::pair<std::string, MetricFamily>> known_;
  DynamicFamilies unknown_;
  std::vector<const MetricFamily*> families_;
  std::vector<double> values_;
};

}  // namespace

CollectorOr NewUserStatsCollector(const Options&) {
  return std::make_unique<StatisticsCollector>("user", kUserColumns);
}
CollectorOr NewClientStatsCollector(const Options&) {
  return std::make_unique<StatisticsCollector>("client", kClientColumns);
}

}  // namespace outpost::integrations::mysqld
