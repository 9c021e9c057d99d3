#include "integrations/mysqld/collector.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

// The scrapers of mysqld_exporter 0.14.0 that Grafana Agent (before its
// 0.15 upgrade) registers, with its defaults and each Scraper.Version().
// factory == nullptr: not implemented by outpost yet (none today).
constexpr CollectorInfo kCollectors[] = {
    {"auto_increment.columns", false, 5.1, &NewAutoIncrementColumnsCollector},
    {"binlog_size", false, 5.1, &NewBinlogSizeCollector},
    {"engine_innodb_status", false, 5.1, &NewEngineInnodbStatusCollector},
    {"engine_tokudb_status", false, 5.6, &NewEngineTokudbStatusCollector},
    {"global_status", true, 5.1, &NewGlobalStatusCollector},
    {"global_variables", true, 5.1, &NewGlobalVariablesCollector},
    {"heartbeat", false, 5.1, &NewHeartbeatCollector},
    {"info_schema.clientstats", false, 5.5, &NewClientStatsCollector},
    {"info_schema.innodb_cmp", true, 5.5, &NewInnodbCmpCollector},
    {"info_schema.innodb_cmpmem", true, 5.5, &NewInnodbCmpMemCollector},
    {"info_schema.innodb_metrics", false, 5.6, &NewInnodbMetricsCollector},
    {"info_schema.innodb_tablespaces", false, 5.7, &NewInnodbTablespacesCollector},
    {"info_schema.processlist", false, 5.1, &NewProcesslistCollector},
    {"info_schema.query_response_time", true, 5.5, &NewQueryResponseTimeCollector},
    {"info_schema.replica_host", false, 5.6, &NewReplicaHostCollector},
    {"info_schema.schemastats", false, 5.1, &NewSchemaStatsCollector},
    {"info_schema.tables", false, 5.1, &NewInfoSchemaTablesCollector},
    {"info_schema.tablestats", false, 5.1, &NewTableStatsCollector},
    {"info_schema.userstats", false, 5.1, &NewUserStatsCollector},
    {"mysql.user", false, 5.1, &NewMysqlUserCollector},
    {"perf_schema.eventsstatements", false, 5.6, &NewPerfEventsStatementsCollector},
    {"perf_schema.eventsstatementssum", false, 5.7, &NewPerfEventsStatementsSumCollector},
    {"perf_schema.eventswaits", false, 5.5, &NewPerfEventsWaitsCollector},
    {"perf_schema.file_events", false, 5.6, &NewPerfFileEventsCollector},
    {"perf_schema.file_instances", false, 5.5, &NewPerfFileInstancesCollector},
    {"perf_schema.indexiowaits", false, 5.6, &NewPerfIndexIoWaitsCollector},
    {"perf_schema.replication_applier_status_by_worker", false, 5.7,
     &NewPerfReplicationApplierStatusByWorkerCollector},
    {"perf_schema.replication_group_member_stats", false, 5.7,
     &NewPerfReplicationGroupMemberStatsCollector},
    {"perf_schema.replication_group_members", false, 5.7,
     &NewPerfReplicationGroupMembersCollector},
    {"perf_schema.tableiowaits", false, 5.6, &NewPerfTableIoWaitsCollector},
    {"perf_schema.tablelocks", false, 5.6, &NewPerfTableLockWaitsCollector},
    {"slave_hosts", false, 5.1, &NewSlaveHostsCollector},
    {"slave_status", true, 5.1, &NewSlaveStatusCollector},
};

bool EqualsLower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != lower[i]) return false;
  }
  return true;
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// The civil time must exist as written (Go's time.Parse range checks).
bool ToUnix(int y, int mo, int d, int h, int mi, int se, double* out) {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return false;
  const absl::CivilSecond cs(y, mo, d, h, mi, se);
  if (cs.month() != mo || cs.day() != d) return false;
  *out = static_cast<double>(absl::ToUnixSeconds(absl::FromCivil(cs, absl::UTCTimeZone())));
  return true;
}

// "Jan 02 15:04:05 2006 MST" (SSL certificate dates).
bool ParseCertTime(std::string_view s, double* out) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() < 24 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':' ||
      s[15] != ' ' || s[20] != ' ') {
    return false;
  }
  int mo = 0;
  for (int i = 0; i < 12; ++i) {
    if (s.substr(0, 3) == kMonths[i]) mo = i + 1;
  }
  int d, h, mi, se, y;
  if (mo == 0 || !Digits(s, 4, 2, &d) || !Digits(s, 7, 2, &h) || !Digits(s, 10, 2, &mi) ||
      !Digits(s, 13, 2, &se) || !Digits(s, 16, 4, &y)) {
    return false;
  }
  std::string_view zone = s.substr(21);
  if (zone.size() < 3 || zone.size() > 5) return false;
  for (char c : zone) {
    if (c < 'A' || c > 'Z') return false;
  }
  // An abbreviation Go does not know is taken as UTC+0 (time.Parse).
  return ToUnix(y, mo, d, h, mi, se, out);
}

// "2006-01-02 15:04:05".
bool ParseDateTime(std::string_view s, double* out) {
  if (s.size() != 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' ||
      s[16] != ':') {
    return false;
  }
  int y, mo, d, h, mi, se;
  if (!Digits(s, 0, 4, &y) || !Digits(s, 5, 2, &mo) || !Digits(s, 8, 2, &d) ||
      !Digits(s, 11, 2, &h) || !Digits(s, 14, 2, &mi) || !Digits(s, 17, 2, &se)) {
    return false;
  }
  return ToUnix(y, mo, d, h, mi, se, out);
}

}  // namespace

std::span<const CollectorInfo> AllCollectors() { return kCollectors; }

absl::StatusOr<std::vector<const CollectorInfo*>> SelectCollectors(const Options& o) {
  auto find = [](std::string_view name) -> const CollectorInfo* {
    for (const CollectorInfo& c : kCollectors) {
      if (c.name == name) return &c;
    }
    return nullptr;
  };
  for (const auto* list : {&o.set_collectors, &o.enable_collectors, &o.disable_collectors}) {
    for (const std::string& name : *list) {
      if (find(name) == nullptr) {
        return absl::InvalidArgumentError(Cat("unknown collector \"", name, "\""));
      }
    }
  }
  std::set<std::string_view> on;
  if (o.set_collectors.empty()) {
    for (const CollectorInfo& c : kCollectors) {
      if (c.enabled_by_default) on.insert(c.name);
    }
  } else {
    on.insert(o.set_collectors.begin(), o.set_collectors.end());
  }
  for (const std::string& name : o.disable_collectors) on.erase(name);
  on.insert(o.enable_collectors.begin(), o.enable_collectors.end());
  std::vector<const CollectorInfo*> out;
  for (std::string_view name : on) {
    const CollectorInfo* c = find(name);
    if (c->factory == nullptr) {
      return absl::InvalidArgumentError(Cat("collector \"", name, "\" is not supported yet"));
    }
    out.push_back(c);
  }
  return out;
}

bool ParseStatus(std::string_view s, double* out) {
  if (s.empty()) return false;
  if (EqualsLower(s, "yes") || EqualsLower(s, "on") || EqualsLower(s, "primary")) {
    *out = 1;
    return true;
  }
  if (EqualsLower(s, "no") || EqualsLower(s, "off") || EqualsLower(s, "disabled") ||
      EqualsLower(s, "connecting") || EqualsLower(s, "non-primary") ||
      EqualsLower(s, "disconnected")) {
    *out = 0;
    return true;
  }
  if (ParseCertTime(s, out) || ParseDateTime(s, out)) return true;
  // Upstream then tries logRE (`.+\.(\d+)$`), but parses the whole match,
  // i.e. the whole string, as a float: the same as the plain case below.
  return ParseGoFloat(s, out);
}

void ValidPrometheusName(std::string_view s, std::string* out) {
  out->clear();
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isalnum(c) || c == '_') {
      out->push_back(static_cast<char>(std::tolower(c)));
    } else if ((c & 0xC0) == 0x80 && i > 0 && (static_cast<unsigned char>(s[i - 1]) & 0x80)) {
      // A UTF-8 continuation byte: its rune is already one '_'.
    } else {
      out->push_back('_');
    }
  }
}

double ParseServerVersion(std::string_view version) {
  size_t i = 0;
  while (i < version.size() && std::isdigit(static_cast<unsigned char>(version[i]))) ++i;
  if (i == 0 || i >= version.size() || version[i] != '.') return 999;
  size_t j = i + 1;
  while (j < version.size() && std::isdigit(static_cast<unsigned char>(version[j]))) ++j;
  if (j == i + 1) return 999;
  double v = 0;
  if (!ParseGoFloat(version.substr(0, j), &v) || v == 0) return 999;
  return v;
}

}  // namespace outpost::integrations::mysqld
