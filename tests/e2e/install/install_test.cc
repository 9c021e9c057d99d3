// End-to-end tests of install.sh's config writing: each stack installs
// into a temp --prefix with the built binary (--binary OUTPOST_BINARY
// --no-deps --no-start) and writes a config outpost accepts; re-runs keep
// hand edits, merge added stacks, --force-config rewrites; bad input exits
// 2 and writes nothing; dashboards and rules are installed; the systemd
// unit passes `systemd-analyze verify`, a capability is granted (a
// drop-in) only for a stack that needs it; the script and the library it
// sources are shellcheck-clean; the postgres stack writes its DSN and
// instance; it runs as README says (`./install.sh`
// from the repository root) and from any other directory.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/cli/process.h"
#include "tests/e2e/install/install_runner.h"
#include "yaml-cpp/yaml.h"

namespace outpost::testing::install {
namespace {

struct StackCase {
  std::string stacks;
  std::vector<std::string> keys;       // integration keys in the config
  std::vector<std::string> instances;  // instance values written
};

class StackTest : public ::testing::TestWithParam<StackCase> {};

TEST_P(StackTest, WritesAValidConfig) {
  const StackCase& c = GetParam();
  Fixture f;
  WriteFile(f.tmp / "pw", "s3cret\n");
  const std::string host = HostName();
  RunResult r = f.Run({"--stack", c.stacks, "--remote-write-url", kUrl, "--remote-write-user",
                       "alice", "--remote-write-password-file", f.tmp / "pw", "--mysql-dsn",
                       "exporter:p@ss@tcp(127.0.0.1:3306)/", "--redis-addr", "127.0.0.1:6379",
                       "--postgres-dsn", "postgresql://outpost:pg-s3cret@localhost:5432/postgres"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  RunResult check = f.CheckConfig();
  EXPECT_EQ(check.code, 0) << check.err;
  const std::string cfg = ReadAll(f.config());
  EXPECT_TRUE(Contains(cfg, "- url: \"" + kUrl + "\"")) << cfg;
  EXPECT_TRUE(Contains(cfg, "username: \"alice\"")) << cfg;
  EXPECT_TRUE(Contains(cfg, "password_file: \"" + f.password_file() + "\"")) << cfg;
  EXPECT_TRUE(Contains(cfg, "wal_directory: \"" + f.prefix + "/var/lib/outpost/data-agent\""));
  EXPECT_FALSE(std::regex_search(cfg, std::regex("@[A-Z_]+@"))) << cfg;  // all filled
  for (const std::string& key : c.keys) EXPECT_TRUE(Contains(cfg, "\n  " + key + ":\n")) << cfg;
  for (const std::string& inst : c.instances) {
    EXPECT_TRUE(Contains(cfg, "instance: \"" + host + inst + "\"")) << cfg;
  }
  EXPECT_EQ(Contains(cfg, "mysqld_exporter:"), Contains(c.stacks, "mysql") || c.stacks == "lamp");
  EXPECT_EQ(Contains(cfg, "redis_exporter:"), Contains(c.stacks, "redis"));
  EXPECT_EQ(Contains(cfg, "postgres_exporter:"), Contains(c.stacks, "postgres"));
  EXPECT_EQ(Contains(cfg, "apache_http:"), Contains(c.stacks, "apache") || c.stacks == "lamp");
  EXPECT_EQ(Contains(cfg, "memcached_exporter:"), Contains(c.stacks, "memcached"));
  EXPECT_EQ(Contains(cfg, "process_exporter:"), Contains(c.stacks, "process"));
  EXPECT_EQ(FileMode(f.password_file()), 0600);
  EXPECT_EQ(ReadAll(f.password_file()), "s3cret\n");
  EXPECT_EQ(FileMode(f.config()), 0640);
  EXPECT_EQ(FileMode(f.prefix + "/bin/outpost") & 0111, 0111);
  EXPECT_TRUE(fs::exists(f.prefix + "/etc/default/outpost"));
  EXPECT_TRUE(fs::exists(f.unit()));
  EXPECT_TRUE(fs::is_directory(f.prefix + "/var/lib/outpost"));
  // Secrets never reach the output.
  EXPECT_FALSE(Contains(r.out + r.err, "s3cret"));
  EXPECT_FALSE(Contains(r.out + r.err, "p@ss"));
  EXPECT_FALSE(Contains(r.out + r.err, "pg-s3cret"));
}

INSTANTIATE_TEST_SUITE_P(
    Stacks, StackTest,
    ::testing::Values(StackCase{"node", {"agent", "node_exporter"}, {""}},
                      StackCase{"mysql", {"agent", "mysqld_exporter"}, {":3306"}},
                      StackCase{"redis", {"agent", "redis_exporter"}, {":6379"}},
                      StackCase{"postgres", {"agent", "postgres_exporter"}, {":5432"}},
                      StackCase{"apache", {"agent", "apache_http"}, {":80"}},
                      StackCase{"memcached", {"agent", "memcached_exporter"}, {":11211"}},
                      StackCase{"node,process", {"agent", "node_exporter", "process_exporter"}, {""}},
                      StackCase{"lamp", {"agent", "node_exporter", "apache_http", "mysqld_exporter"},
                                {"", ":80", ":3306"}},
                      StackCase{"redis, mysql,node",
                                {"agent", "node_exporter", "mysqld_exporter", "redis_exporter"},
                                {"", ":3306", ":6379"}}),
    [](const ::testing::TestParamInfo<StackCase>& i) {
      std::string n;
      for (char ch : i.param.stacks) {
        if (std::isalnum(static_cast<unsigned char>(ch))) n += ch;
      }
      return n;
    });

TEST(InstallTest, EnvironmentDrivesItAndFlagsWin) {
  Fixture f;
  RunResult r = f.Run({"--remote-write-url", "https://flag.example/api/v1/write"},
                      {{"OUTPOST_STACK", "redis"},
                       {"OUTPOST_REDIS_ADDR", "cache.example:6380"},
                       {"OUTPOST_REMOTE_WRITE_URL", "https://env.example/api/v1/write"},
                       {"OUTPOST_REMOTE_WRITE_USER", "bob"},
                       {"OUTPOST_REMOTE_WRITE_PASSWORD", "from-env"}});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const std::string cfg = ReadAll(f.config());
  EXPECT_TRUE(Contains(cfg, "url: \"https://flag.example/api/v1/write\"")) << cfg;
  EXPECT_FALSE(Contains(cfg, "env.example")) << cfg;
  EXPECT_TRUE(Contains(cfg, "redis_addr: \"cache.example:6380\"")) << cfg;
  // A remote server keeps its own address as the instance.
  EXPECT_FALSE(Contains(cfg, "instance: \"" + HostName() + ":6380\"")) << cfg;
  EXPECT_EQ(ReadAll(f.password_file()), "from-env");
  EXPECT_EQ(FileMode(f.password_file()), 0600);
  EXPECT_EQ(f.CheckConfig().code, 0);
}

TEST(InstallTest, RerunKeepsHandEditsAndForceConfigRewrites) {
  Fixture f;
  ASSERT_EQ(f.Run({"--remote-write-url", kUrl}).code, 0);
  std::string cfg = ReadAll(f.config());
  const std::string fresh = cfg;
  ASSERT_TRUE(Contains(cfg, "scrape_interval: 15s"));
  cfg.replace(cfg.find("scrape_interval: 15s"), 20, "scrape_interval: 30s  # hand edit");
  WriteFile(f.config(), cfg);
  RunResult r = f.Run({"--remote-write-url", kUrl});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(ReadAll(f.config()), cfg);
  EXPECT_TRUE(Contains(r.out, "keeping")) << r.out;
  r = f.Run({"--remote-write-url", kUrl, "--force-config"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(ReadAll(f.config()), fresh);
  EXPECT_EQ(ReadAll(f.config() + ".bak"), cfg);
}

TEST(InstallTest, AddingAStackMergesIntoTheExistingConfig) {
  Fixture f;
  ASSERT_EQ(f.Run({"--remote-write-url", kUrl}).code, 0);
  std::string cfg = ReadAll(f.config());
  // Hand edits: a label block and a comment at the end of integrations.
  cfg.replace(cfg.find("integrations:\n"), 14,
              "integrations:\n  labels:\n    team: ops  # hand edit\n");
  cfg += "  # my note\n\n# trailing\n";
  WriteFile(f.config(), cfg);
  RunResult r = f.Run({"--stack", "redis,node", "--redis-addr", "127.0.0.1:6390"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "node_exporter: already in")) << r.out;
  EXPECT_TRUE(Contains(r.out, "merged stacks redis")) << r.out;
  const std::string merged = ReadAll(f.config());
  EXPECT_TRUE(Contains(merged, "    team: ops  # hand edit\n")) << merged;
  EXPECT_TRUE(Contains(merged, "  # my note\n  # Redis server metrics")) << merged;
  EXPECT_TRUE(Contains(merged, "    redis_addr: \"127.0.0.1:6390\"\n")) << merged;
  EXPECT_TRUE(Contains(merged, "\n# trailing\n")) << merged;
  EXPECT_EQ(std::count(merged.begin(), merged.end(), '\n'),
            std::count(cfg.begin(), cfg.end(), '\n') + 5) << merged;
  EXPECT_EQ(ReadAll(f.config() + ".bak"), cfg);
  RunResult check = f.CheckConfig();
  EXPECT_EQ(check.code, 0) << check.err;
  // Again: nothing to add, nothing changes.
  ASSERT_EQ(f.Run({"--stack", "redis", "--redis-addr", "127.0.0.1:6390"}).code, 0);
  EXPECT_EQ(ReadAll(f.config()), merged);
}

TEST(InstallTest, MergeFollowsTheBlockIndentation) {
  Fixture f;
  fs::create_directories(f.prefix + "/etc/outpost");
  const std::string mine =
      "metrics:\n    wal_directory: " + f.tmp / "wal" + "\nintegrations:\n    agent:\n"
      "        enabled: true\nserver:\n    log_level: debug\n";
  WriteFile(f.config(), mine);
  RunResult r = f.Run({"--stack", "node"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const std::string merged = ReadAll(f.config());
  EXPECT_TRUE(Contains(merged, "        enabled: true\n    # Host metrics")) << merged;
  EXPECT_TRUE(Contains(merged, "    node_exporter:\n      enabled: true\n")) << merged;
  EXPECT_TRUE(Contains(merged, "\nserver:\n    log_level: debug\n")) << merged;
  EXPECT_EQ(f.CheckConfig().code, 0) << f.CheckConfig().err;
}

struct BadCase {
  std::vector<std::string> args;
  Env env;
  std::string message;
};

TEST(InstallTest, BadInputExits2WithOneLineAndWritesNothing) {
  TempDir tmp;
  WriteFile(tmp / "pw", "x");
  const std::vector<BadCase> cases = {
      {{"--stack", "node,nginx"}, {}, "unknown stack \"nginx\""},
      {{}, {{"OUTPOST_STACK", "nginx"}}, "unknown stack \"nginx\""},
      {{"--stack", "apache", "--apache-status-url", "localhost/server-status"}, {},
       "--apache-status-url must be an http:// or https:// URL"},
      {{}, {{"OUTPOST_STACK", "memcached"}, {"OUTPOST_MEMCACHED_ADDR", "cache.example"}},
       "--memcached-addr must be HOST:PORT"},
      {{"--remote-write-url", "ftp://x/y"}, {}, "must be an http:// or https:// URL"},
      {{"--remote-write-url", "prom:9090/api/v1/write"}, {}, "must be an http:// or https:// URL"},
      {{}, {{"OUTPOST_REMOTE_WRITE_URL", "prom:9090"}}, "must be an http:// or https:// URL"},
      {{"--stack", "mysql"}, {}, "the mysql stack needs --mysql-dsn"},
      {{"--stack", "lamp"}, {}, "the mysql stack needs --mysql-dsn"},
      {{"--remote-write-url", kUrl, "--remote-write-user", "u", "--remote-write-password-file",
        tmp / "missing"},
       {},
       "cannot read the remote-write password file"},
      {{"--remote-write-url", kUrl, "--remote-write-user", "u"}, {}, "needs --remote-write-password-file"},
      {{"--mysql-dsn-file", tmp / "missing", "--stack", "mysql"}, {}, "cannot read the MySQL DSN file"},
      {{"--stack", "postgres"}, {}, "the postgres stack needs --postgres-dsn"},
      {{"--stack", "node,postgres"}, {{"OUTPOST_POSTGRES_DSN", ""}}, "the postgres stack needs --postgres-dsn"},
      {{"--postgres-dsn-file", tmp / "missing", "--stack", "postgres"}, {}, "cannot read the PostgreSQL DSN file"},
      {{"--postgres-dsn", "host=a\nuser=b", "--stack", "postgres"}, {}, "must not contain control characters"},
      {{"--frobnicate"}, {}, "unknown option: --frobnicate"},
      {{"--scrape-interval", "15"}, {}, "--scrape-interval must be a duration"},
      {{"--stack"}, {}, "--stack needs a value"},
      {{"--redis-addr", "a\nb", "--stack", "redis"}, {}, "must not contain control characters"},
      {{"--probe", "example.com/health"}, {}, "--probe must be an http:// or https:// URL"},
      {{}, {{"OUTPOST_PROBES", "https://a.example/,ftp://b.example/"}},
       "--probe must be an http:// or https:// URL, got \"ftp://b.example/\""},
      {{"--stack", "node,blackbox"}, {}, "the blackbox stack needs at least one --probe URL"},
  };
  for (const BadCase& c : cases) {
    const std::string prefix = tmp / "prefix";
    std::vector<std::string> args = {"--prefix", prefix, "--no-deps", "--no-start", "--binary",
                                     OUTPOST_BINARY};
    args.insert(args.end(), c.args.begin(), c.args.end());
    RunResult r = Install(args, c.env, tmp.path());
    const std::string what = c.message;
    EXPECT_EQ(r.code, 2) << what << "\n" << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, c.message)) << what << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << what << ": " << r.err;
    EXPECT_TRUE(r.err.rfind("install.sh: ", 0) == 0) << r.err;
    EXPECT_FALSE(fs::exists(prefix)) << what;
  }
  // A value outpost rejects: its error, naming the key, before any change.
  const std::string prefix = tmp / "prefix";
  RunResult r = Install({"--prefix", prefix, "--no-deps", "--no-start", "--binary", OUTPOST_BINARY,
                         "--stack", "mysql", "--mysql-dsn", "no-slash(dsn"},
                        {}, tmp.path());
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, prefix + "/etc/outpost/agent.yaml (new):")) << r.err;
  EXPECT_TRUE(Contains(r.err, "mysqld_exporter.data_source_name: invalid DSN")) << r.err;
  EXPECT_FALSE(fs::exists(prefix));
}

// The postgres stack's config: data_source_names holds the DSN (flag, env
// or file), a local server's instance is named after the host, a remote
// URL keeps the Agent's own instance (no line) and a remote key=value DSN,
// which the Agent cannot name, gets HOST:PORT. Each config also passes
// outpost's check-config.
TEST(InstallTest, PostgresStackWritesTheDsnAndInstance) {
  struct Case {
    std::vector<std::string> args;
    Env env;
    std::string dsn;
    std::string instance;  // "" = no instance line
  };
  const std::string host = HostName();
  TempDir files;
  WriteFile(files / "dsn", "host=db2.example port=6432 user=outpost password=pg-s3cret\r\nignored\n");
  const std::vector<Case> cases = {
      {{"--postgres-dsn", "postgresql://outpost:pg-s3cret@localhost:5432/postgres"}, {},
       "postgresql://outpost:pg-s3cret@localhost:5432/postgres", host + ":5432"},
      {{}, {{"OUTPOST_POSTGRES_DSN", "host=/run/postgresql user=outpost dbname=postgres"}},
       "host=/run/postgresql user=outpost dbname=postgres", host},
      {{"--postgres-dsn-file", files / "dsn"}, {},
       "host=db2.example port=6432 user=outpost password=pg-s3cret", "db2.example:6432"},
      {{"--postgres-dsn", "postgres://outpost:pg-s3cret@db.example/app?sslmode=require"},
       {{"OUTPOST_POSTGRES_DSN", "postgresql://env@localhost/ignored"}},
       "postgres://outpost:pg-s3cret@db.example/app?sslmode=require", ""},
  };
  for (const Case& c : cases) {
    Fixture f;
    std::vector<std::string> args = {"--stack", "postgres"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    RunResult r = f.Run(args, c.env);
    ASSERT_EQ(r.code, 0) << c.dsn << "\n" << r.out << r.err;
    EXPECT_FALSE(Contains(r.out + r.err, "pg-s3cret")) << r.out << r.err;
    EXPECT_EQ(FileMode(f.config()), 0640);
    const std::string text = ReadAll(f.config());
    EXPECT_FALSE(std::regex_search(text, std::regex("@[A-Z_]+@"))) << text;
    YAML::Node cfg = YAML::Load(text);
    const YAML::Node pg = cfg["integrations"]["postgres_exporter"];
    ASSERT_TRUE(pg.IsMap()) << text;
    EXPECT_TRUE(pg["enabled"].as<bool>(false)) << text;
    ASSERT_TRUE(pg["data_source_names"].IsSequence()) << text;
    ASSERT_EQ(pg["data_source_names"].size(), 1u) << text;
    EXPECT_EQ(pg["data_source_names"][0].as<std::string>(""), c.dsn) << text;
    EXPECT_EQ(pg["instance"].as<std::string>(""), c.instance) << text;
    EXPECT_TRUE(cfg["integrations"]["agent"].IsMap()) << text;
    EXPECT_FALSE(cfg["integrations"]["node_exporter"]) << text;
    RunResult check = f.CheckConfig();
    EXPECT_EQ(check.code, 0) << c.dsn << "\n" << check.err;
  }
}

// The written postgres config, next to node's, loads in outpost.
TEST(InstallTest, PostgresStackConfigLoads) {
  Fixture f;
  RunResult r = f.Run({"--stack", "node,postgres", "--postgres-dsn",
                       "postgresql://outpost:pw@127.0.0.1:5432/postgres?sslmode=disable"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  RunResult check = f.CheckConfig();
  EXPECT_EQ(check.code, 0) << check.err;
  EXPECT_TRUE(Contains(ReadAll(f.config()), "instance: \"" + HostName() + ":5432\"")) << ReadAll(f.config());
}

// --probe URL (repeatable, or OUTPOST_PROBES) adds the blackbox stack: one
// http_2xx target per URL, named after its host and path (a repeated name
// gets a suffix), in a config outpost accepts.
TEST(InstallTest, ProbesAddTheBlackboxStack) {
  Fixture f;
  RunResult r = f.Run({"--probe", "https://grafana.com/", "--probe", "http://127.0.0.1:8080/health?x=1"},
                      {{"OUTPOST_PROBES", "https://grafana.com"}});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  RunResult check = f.CheckConfig();
  EXPECT_EQ(check.code, 0) << check.err;
  const std::string text = ReadAll(f.config());
  YAML::Node cfg = YAML::Load(text);
  EXPECT_TRUE(cfg["integrations"]["node_exporter"].IsMap()) << text;
  const YAML::Node bb = cfg["integrations"]["blackbox"];
  ASSERT_TRUE(bb.IsMap()) << text;
  EXPECT_EQ(bb["blackbox_config"]["modules"]["http_2xx"]["prober"].as<std::string>(""), "http") << text;
  const YAML::Node t = bb["blackbox_targets"];
  ASSERT_TRUE(t.IsSequence()) << text;
  ASSERT_EQ(t.size(), 3u) << text;
  // The environment's URLs first, then the flags'.
  EXPECT_EQ(t[0]["name"].as<std::string>(""), "grafana.com");
  EXPECT_EQ(t[0]["address"].as<std::string>(""), "https://grafana.com");
  EXPECT_EQ(t[1]["name"].as<std::string>(""), "grafana.com-2");
  EXPECT_EQ(t[2]["name"].as<std::string>(""), "127.0.0.1_8080_health");
  EXPECT_EQ(t[2]["address"].as<std::string>(""), "http://127.0.0.1:8080/health?x=1");
  EXPECT_EQ(t[2]["module"].as<std::string>(""), "http_2xx");
}

TEST(InstallTest, ListStacksAndBuildDeps) {
  TempDir tmp;
  RunResult r = Install({"--list-stacks"}, {}, tmp.path());
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* s : {"node ", "mysql ", "redis ", "postgres ", "apache ", "memcached ", "process ",
                        "blackbox ", "lamp ", "auto "}) {
    EXPECT_TRUE(std::regex_search(r.out, std::regex(std::string("(^|\n)") + s + " *[a-zA-Z]")))
        << s << "\n" << r.out;
  }
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 10) << r.out;
  r = Install({"--print-build-deps"}, {}, tmp.path());
  ASSERT_EQ(r.code, 0);
  EXPECT_EQ(r.out.rfind("build-essential cmake ninja-build ", 0), 0u) << r.out;
  EXPECT_TRUE(Contains(r.out, " libsystemd-dev libpq-dev libc-ares-dev libldns-dev libsnmp-dev\n")) << r.out;
}

TEST(InstallTest, InstallsDashboardsProvisioningAndRules) {
  Fixture f;
  ASSERT_EQ(f.Run({}).code, 0);
  const fs::path src = fs::path(OUTPOST_SOURCE_DIR) / "dashboards";
  const std::string share = f.prefix + "/share/outpost";
  int copied = 0;
  for (const auto& e : fs::recursive_directory_iterator(src)) {
    if (!e.is_regular_file()) continue;
    const std::string rel = fs::relative(e.path(), src).string();
    std::string dest;
    if (e.path().extension() == ".json") {
      dest = share + "/dashboards/" + rel;
    } else if (rel.rfind("rules/", 0) == 0 && rel.find('/', 6) == std::string::npos &&
               e.path().extension() == ".yaml") {
      dest = share + "/" + rel;
    } else if (rel.rfind("provisioning/", 0) == 0) {
      dest = share + "/" + rel;
      // Points at this install's dashboards, not /usr/local's.
      ASSERT_TRUE(fs::exists(dest)) << dest;
      const std::string text = ReadAll(dest);
      EXPECT_TRUE(Contains(text, share + "/dashboards")) << dest << "\n" << text;
      EXPECT_FALSE(Contains(text, "/usr/local/share/outpost")) << dest << "\n" << text;
      continue;
    } else {
      continue;
    }
    EXPECT_EQ(ReadAll(dest), ReadAll(e.path().string())) << dest;
    ++copied;
  }
  std::printf("%d dashboard and rule files in dashboards/ checked\n", copied);
}

TEST(InstallTest, SystemdUnitVerifies) {
  Fixture f;
  ASSERT_EQ(f.Run({}).code, 0);
  const std::string unit = ReadAll(f.unit());
  for (const char* line : {"\nUser=outpost\n", "\nEnvironment=HOSTNAME=%H\n",
                           "\nExecReload=/bin/kill -HUP $MAINPID\n", "\nRestart=always\n"}) {
    EXPECT_TRUE(Contains(unit, line)) << line << unit;
  }
  EXPECT_TRUE(Contains(unit, "\nExecStart=" + f.prefix + "/bin/outpost -config.file=${CONFIG_FILE} $CUSTOM_ARGS\n"))
      << unit;
  EXPECT_TRUE(Contains(unit, "\nEnvironmentFile=-" + f.prefix + "/etc/default/outpost\n"));
  const std::string envf = ReadAll(f.prefix + "/etc/default/outpost");
  EXPECT_TRUE(Contains(envf, "CONFIG_FILE=\"" + f.config() + "\"")) << envf;
  EXPECT_TRUE(Contains(envf, "-server.http.address=127.0.0.1:12345")) << envf;
  if (access("/usr/bin/systemd-analyze", X_OK) != 0 && access("/bin/systemd-analyze", X_OK) != 0) {
    GTEST_SKIP() << "systemd-analyze is not installed (Debian package systemd): "
                    "the unit was not verified";
  }
  RunResult v = RunProgram({"/usr/bin/systemd-analyze", "verify", f.unit()}, {}, f.tmp.path());
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  // Warnings about other units on the machine are not ours.
  EXPECT_FALSE(Contains(v.out + v.err, "outpost.service")) << v.out << v.err;
}

// CAP_DAC_READ_SEARCH only for a stack that needs it (node, lamp through
// it; process also CAP_SYS_PTRACE): a drop-in next to the unit, which
// itself grants nothing.
TEST(InstallTest, CapabilityDropInOnlyWhereAStackNeedsIt) {
  Fixture f;
  const std::string dropin = f.unit() + ".d/capabilities.conf";
  ASSERT_EQ(f.Run({"--stack", "redis"}).code, 0);
  EXPECT_FALSE(fs::exists(dropin));
  EXPECT_FALSE(Contains(ReadAll(f.unit()), "Capabilit")) << ReadAll(f.unit());
  RunResult r = f.Run({"--stack", "node"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "granted CAP_DAC_READ_SEARCH")) << r.out;
  EXPECT_TRUE(Contains(ReadAll(dropin), "\n[Service]\nAmbientCapabilities=CAP_DAC_READ_SEARCH\n")) << ReadAll(dropin);
  EXPECT_EQ(FileMode(dropin), 0644);
  // process reads other users' /proc/<pid>/{io,fd,smaps_rollup}: ptrace
  // access; each capability once.
  Fixture g;
  r = g.Run({"--stack", "node,process"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(ReadAll(g.unit() + ".d/capabilities.conf"),
                       "\nAmbientCapabilities=CAP_DAC_READ_SEARCH CAP_SYS_PTRACE\n"))
      << ReadAll(g.unit() + ".d/capabilities.conf");
}

TEST(InstallTest, ScriptIsShellcheckClean) {
  ASSERT_EQ(access("/usr/bin/shellcheck", X_OK), 0)
      << "shellcheck is missing: apt-get install -y shellcheck";
  TempDir tmp;
  // -x: install.sh is checked with the library it sources; the library
  // is also checked on its own. So are the Debian package's scripts.
  const std::string pkg = std::string(OUTPOST_SOURCE_DIR "/packaging/");
  RunResult r = RunProgram({"/usr/bin/shellcheck", "-x", kScript, kScriptLib, pkg + "install-config.sh",
                            pkg + "install-detect.sh",
                            pkg + "stage-package.sh",
                            pkg + "deb/postinst", pkg + "deb/prerm", pkg + "deb/postrm"},
                           {}, tmp.path());
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

// README: `./install.sh` from the repository root (executed through its
// shebang, relative path); the other tests run it from ctest's directory.
TEST(InstallTest, RunsAsReadmeSaysFromTheRepositoryRoot) {
  Fixture f;
  RunResult r = RunProgram({"./install.sh", "--list-stacks"}, {}, f.tmp.path(), OUTPOST_SOURCE_DIR);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "\nredis ")) << r.out;
  std::vector<std::string> argv = {"./install.sh"};
  for (const std::string& a : f.Base({"--remote-write-url", kUrl})) argv.push_back(a);
  r = RunProgram(argv, {{"OUTPOST_STACK", "redis"}}, f.tmp.path(), OUTPOST_SOURCE_DIR);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(ReadAll(f.config()), "redis_exporter:")) << ReadAll(f.config());
  EXPECT_EQ(f.CheckConfig().code, 0);
  EXPECT_TRUE(fs::exists(f.unit()));
  // The usage text is install.sh's own header, whatever the directory.
  r = RunProgram({"/bin/bash", kScript, "--help"}, {}, f.tmp.path(), f.tmp.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("Installs outpost on Debian 12", 0), 0u) << r.out;
  EXPECT_TRUE(Contains(r.out, "Bad input exits 2")) << r.out;
}

}  // namespace
}  // namespace outpost::testing::install
