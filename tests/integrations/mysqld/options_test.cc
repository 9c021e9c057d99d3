// The mysqld_exporter integration's config: Grafana Agent's keys and
// defaults, DSN validation with the password masked, collector selection,
// Dump, InstanceKey, and the DSN parser itself.
#include "integrations/mysqld/options.h"

#include <stdlib.h>

#include <cmath>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/mysqld/collectors.h"
#include "integrations/mysqld/dsn.h"
#include "integrations/mysqld/mysqld.h"
#include "tests/integrations/options_test_util.h"

namespace outpost::integrations::mysqld {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

using Parsed = options_test::Parsed<Options>;

Parsed Parse(const std::string& yaml) {
  return options_test::Parse<Options>(Spec(), yaml);
}

TEST(MysqldOptions, DefaultsAreGrafanaAgents) {
  Parsed p = Parse("{}");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  const Options& o = p.o();
  EXPECT_EQ(o.lock_wait_timeout, 2);
  EXPECT_FALSE(o.log_slow_filter);
  EXPECT_TRUE(o.info_schema_processlist_processes_by_user);
  EXPECT_TRUE(o.info_schema_processlist_processes_by_host);
  EXPECT_EQ(o.info_schema_tables_databases, "*");
  EXPECT_EQ(o.perf_schema_eventsstatements_limit, 250);
  EXPECT_EQ(o.perf_schema_eventsstatements_time_limit, 86400);
  EXPECT_EQ(o.perf_schema_eventsstatements_digtext_text_limit, 120);
  EXPECT_EQ(o.perf_schema_file_instances_filter, ".*");
  EXPECT_EQ(o.perf_schema_file_instances_remove_prefix, "/var/lib/mysql");
  EXPECT_EQ(o.heartbeat_database, "heartbeat");
  EXPECT_EQ(o.heartbeat_table, "heartbeat");
  EXPECT_EQ(Spec().name(), "mysqld_exporter");
  EXPECT_TRUE(Spec().allows_list());
  absl::StatusOr<std::vector<const CollectorInfo*>> sel = SelectCollectors(o);
  ASSERT_TRUE(sel.ok());
  std::vector<std::string_view> names;
  for (const CollectorInfo* c : *sel) names.push_back(c->name);
  EXPECT_THAT(names, ElementsAre("global_status", "global_variables", "info_schema.innodb_cmp",
                                 "info_schema.innodb_cmpmem", "info_schema.query_response_time",
                                 "slave_status"));
}

TEST(MysqldOptions, ReadsKeysAndUnknownKeyFails) {
  Parsed p = Parse(R"(
data_source_name: "u:pw@tcp(db:3306)/"
lock_wait_timeout: 5
log_slow_filter: true
info_schema_processlist_min_time: 3
info_schema_processlist_processes_by_user: false
heartbeat_utc: true
enable_collectors: [info_schema.processlist]
disable_collectors: [slave_status]
bogus: 1
)");
  EXPECT_THAT(p.AllErrors(), HasSubstr("integrations.mysqld_exporter.bogus: unknown key"));
  EXPECT_EQ(p.errors.errors.size(), 1u) << p.AllErrors();
  const Options& o = p.o();
  EXPECT_EQ(o.lock_wait_timeout, 5);
  EXPECT_TRUE(o.log_slow_filter);
  EXPECT_EQ(o.info_schema_processlist_min_time, 3);
  EXPECT_FALSE(o.info_schema_processlist_processes_by_user);
  EXPECT_TRUE(o.heartbeat_utc);
  EXPECT_EQ(o.data_source_name.reveal(), "u:pw@tcp(db:3306)/");
}

TEST(MysqldOptions, BadDsnIsOneLineErrorWithoutPassword) {
  Parsed p = Parse(R"(data_source_name: "user:hunter2@tcp(db:3306")");
  ASSERT_EQ(p.errors.errors.size(), 1u) << p.AllErrors();
  const std::string& e = p.errors.errors[0];
  EXPECT_THAT(e, HasSubstr("agent.yaml:1:"));
  EXPECT_THAT(e, HasSubstr("integrations.mysqld_exporter.data_source_name: invalid DSN"));
  EXPECT_THAT(e, Not(HasSubstr("hunter2")));
  EXPECT_EQ(e.find('\n'), std::string::npos);
}

TEST(MysqldOptions, CollectorSelection) {
  Parsed unknown = Parse("enable_collectors: [nope]");
  EXPECT_THAT(unknown.AllErrors(),
              HasSubstr("integrations.mysqld_exporter.enable_collectors: unknown collector \"nope\""));
  // Every scraper Grafana Agent knows is implemented now.
  Parsed all = Parse("set_collectors: [global_status, binlog_size, heartbeat, mysql.user]");
  EXPECT_EQ(all.AllErrors(), "");
  for (const CollectorInfo& c : AllCollectors()) EXPECT_NE(c.factory, nullptr) << c.name;

  Options o;
  o.set_collectors = {"global_status", "info_schema.innodb_metrics"};
  o.disable_collectors = {"global_status", "info_schema.processlist"};
  o.enable_collectors = {"info_schema.processlist"};  // enable wins, as in Grafana Agent
  absl::StatusOr<std::vector<const CollectorInfo*>> sel = SelectCollectors(o);
  ASSERT_TRUE(sel.ok()) << sel.status();
  std::vector<std::string_view> names;
  for (const CollectorInfo* c : *sel) names.push_back(c->name);
  EXPECT_THAT(names, ElementsAre("info_schema.innodb_metrics", "info_schema.processlist"));
}

TEST(MysqldOptions, DumpMasksTheDsn) {
  Parsed p = Parse(R"(data_source_name: "u:topsecret@tcp(db:3306)/")");
  YAML::Emitter out;
  out << YAML::BeginMap;
  Spec().Dump(*p.opts, out);
  out << YAML::EndMap;
  const std::string text = out.c_str();
  EXPECT_THAT(text, HasSubstr("data_source_name: <secret>"));
  EXPECT_THAT(text, Not(HasSubstr("topsecret")));
  EXPECT_THAT(text, HasSubstr("lock_wait_timeout: 2"));
  EXPECT_THAT(text, HasSubstr("perf_schema_file_instances_remove_prefix: /var/lib/mysql"));
}

TEST(MysqldOptions, InstanceKeyAsGrafanaAgent) {
  auto key = [](const std::string& dsn) {
    Options o;
    o.data_source_name = config::Secret(dsn);
    return Spec().InstanceKey(o, config::HostInfo{});
  };
  EXPECT_EQ(key("u:p@tcp(db.example:3307)/app"), "tcp(db.example:3307)/app");
  EXPECT_EQ(key("u:p@tcp(db)/"), "tcp(db:3306)/");
  EXPECT_EQ(key("u@unix(/run/mysqld/mysqld.sock)/"), "unix(/run/mysqld/mysqld.sock)/");
  EXPECT_EQ(key("/"), "tcp(127.0.0.1:3306)/");
}

TEST(MysqldOptions, CreateNeedsADsnAndReadsTheEnvironment) {
  unsetenv(kDsnEnv);
  Options o;
  absl::StatusOr<std::unique_ptr<Integration>> i = NewMysqldIntegration(o);
  ASSERT_FALSE(i.ok());
  EXPECT_THAT(std::string(i.status().message()), HasSubstr("MYSQLD_EXPORTER_DATA_SOURCE_NAME"));
  setenv(kDsnEnv, "u:p@tcp(127.0.0.1:1)/", 1);
  EXPECT_EQ(o.EffectiveDsn(), "u:p@tcp(127.0.0.1:1)/");
  EXPECT_TRUE(NewMysqldIntegration(o).ok());
  EXPECT_EQ(Spec().InstanceKey(o, config::HostInfo{}), "tcp(127.0.0.1:1)/");
  unsetenv(kDsnEnv);
}

TEST(Dsn, AllForms) {
  absl::StatusOr<Dsn> d = ParseDsn("exporter:p@ss:w/rd@tcp(127.0.0.1:3307)/mydb?tls=skip-verify&timeout=2s&sql_mode=%27ANSI%27");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->user, "exporter");
  EXPECT_EQ(d->password, "p@ss:w/rd");
  EXPECT_EQ(d->net, "tcp");
  EXPECT_EQ(d->host, "127.0.0.1");
  EXPECT_EQ(d->port, 3307);
  EXPECT_EQ(d->db, "mydb");
  EXPECT_EQ(d->tls, TlsMode::kSkipVerify);
  EXPECT_EQ(d->timeout, absl::Seconds(2));
  ASSERT_EQ(d->session_vars.size(), 1u);
  EXPECT_EQ(d->session_vars[0].first, "sql_mode");
  EXPECT_EQ(d->session_vars[0].second, "'ANSI'");

  d = ParseDsn("root@unix(/tmp/s.sock)/");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->net, "unix");
  EXPECT_EQ(d->addr, "/tmp/s.sock");
  EXPECT_EQ(d->user, "root");
  EXPECT_TRUE(d->password.empty());

  d = ParseDsn("(db:3306)/");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->net, "tcp");
  EXPECT_EQ(d->host, "db");
  EXPECT_TRUE(d->user.empty());

  d = ParseDsn("u:p@tcp([::1]:3310)/?tls=true&parseTime=true&readTimeout=1m");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->host, "::1");
  EXPECT_EQ(d->port, 3310);
  EXPECT_EQ(d->tls, TlsMode::kOn);
  EXPECT_EQ(d->read_timeout, absl::Minutes(1));
  EXPECT_TRUE(d->session_vars.empty());

  d = ParseDsn("u:p@/");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->addr, "127.0.0.1:3306");
  d = ParseDsn("u@unix/");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->addr, "/tmp/mysql.sock");
}

TEST(Dsn, BadFormsHaveOneLineMessagesWithoutPassword) {
  for (const char* bad : {"user:hunter2@tcp(db:3306)", "user:hunter2@tcp(db:3306/",
                          "user:hunter2@tcp(db:99999)/", "user:hunter2@udp(db)/",
                          "user:hunter2@tcp(db)/?tls=custom", "user:hunter2@tcp(db)/?timeout=x",
                          "user:hunter2@tcp(db)/?noval", "user:hunter2@tcp(db)/?a%zz=1",
                          "user:hunter2@tcp(db)/?x=%zz", "user:hunter2@tcp(db)/?bad;name=1"}) {
    absl::StatusOr<Dsn> d = ParseDsn(bad);
    ASSERT_FALSE(d.ok()) << bad;
    const std::string msg(d.status().message());
    EXPECT_THAT(msg, HasSubstr("invalid DSN")) << bad;
    EXPECT_THAT(msg, Not(HasSubstr("hunter2"))) << bad;
    EXPECT_EQ(msg.find('\n'), std::string::npos);
  }
}

TEST(Dsn, Mask) {
  EXPECT_EQ(MaskDsn("u:secret@tcp(h:1)/db"), "u:***@tcp(h:1)/db");
  EXPECT_EQ(MaskDsn("u:p@ss:w/rd@tcp(h:1)/"), "u:***@tcp(h:1)/");
  EXPECT_EQ(MaskDsn("u@tcp(h:1)/"), "u@tcp(h:1)/");
  EXPECT_EQ(MaskDsn("u:secret@tcp(h:1)"), "u:***@tcp(h:1)");
  EXPECT_EQ(MaskDsn("tcp(h:1)/"), "tcp(h:1)/");
}

TEST(ParseStatusTest, UpstreamRules) {
  double v = -1;
  EXPECT_TRUE(ParseStatus("ON", &v) && v == 1);
  EXPECT_TRUE(ParseStatus("yes", &v) && v == 1);
  EXPECT_TRUE(ParseStatus("Primary", &v) && v == 1);
  EXPECT_TRUE(ParseStatus("OFF", &v) && v == 0);
  EXPECT_TRUE(ParseStatus("Disabled", &v) && v == 0);
  EXPECT_TRUE(ParseStatus("Connecting", &v) && v == 0);
  EXPECT_TRUE(ParseStatus("non-Primary", &v) && v == 0);
  EXPECT_TRUE(ParseStatus("Disconnected", &v) && v == 0);
  EXPECT_TRUE(ParseStatus("2021-03-04 05:06:07", &v));
  EXPECT_EQ(v, 1614834367);
  EXPECT_TRUE(ParseStatus("Feb 28 23:59:59 2030 GMT", &v));
  EXPECT_EQ(v, 1898553599);
  EXPECT_FALSE(ParseStatus("Feb 30 23:59:59 2030 GMT", &v));
  EXPECT_FALSE(ParseStatus("Feb  3 23:59:59 2030 GMT", &v));
  EXPECT_FALSE(ParseStatus("2021-13-04 05:06:07", &v));
  EXPECT_TRUE(ParseStatus("1.5e3", &v) && v == 1500);
  EXPECT_TRUE(ParseStatus("-42", &v) && v == -42);
  EXPECT_TRUE(ParseStatus("+Inf", &v) && std::isinf(v));
  EXPECT_TRUE(ParseStatus("18446744073709551615", &v) && v == 18446744073709551615.0);
  EXPECT_FALSE(ParseStatus("mysql-bin.000003", &v));
  EXPECT_FALSE(ParseStatus("", &v));
  EXPECT_FALSE(ParseStatus("1e999", &v));
  EXPECT_FALSE(ParseStatus("12abc", &v));
  EXPECT_FALSE(ParseStatus(" 1", &v));
  EXPECT_FALSE(ParseStatus("-", &v));
  EXPECT_FALSE(ParseStatus("-NaN", &v));
}

TEST(NamesTest, ValidPrometheusNameAndGoFloat) {
  std::string out;
  ValidPrometheusName("Innodb_Buffer-Pool.Size", &out);
  EXPECT_EQ(out, "innodb_buffer_pool_size");
  ValidPrometheusName("caf\xc3\xa9 x", &out);
  EXPECT_EQ(out, "caf__x");
  EXPECT_EQ(FormatGoFloat(1e-06), "1e-06");
  EXPECT_EQ(FormatGoFloat(0.0001), "0.0001");
  EXPECT_EQ(FormatGoFloat(100000), "100000");
  EXPECT_EQ(FormatGoFloat(1e6), "1e+06");
  EXPECT_EQ(FormatGoFloat(2.5), "2.5");
  EXPECT_EQ(FormatGoFloat(1e21), "1e+21");
  EXPECT_EQ(ParseServerVersion("10.11.19-MariaDB-0+deb12u1"), 10.11);
  EXPECT_EQ(ParseServerVersion("8.0.36"), 8.0);
  EXPECT_EQ(ParseServerVersion("garbage"), 999);
  EXPECT_EQ(ParseWsrepGcacheSize("gcache.size = 2G; x"), 2.0 * 1024 * 1024 * 1024);
  EXPECT_EQ(ParseWsrepGcacheSize("gcache.size = 4096;"), 4096);
  EXPECT_EQ(ParseWsrepGcacheSize("nothing"), 0);
}

}  // namespace
}  // namespace outpost::integrations::mysqld
