// Every real-world Grafana Agent config in the shared corpus either loads
// (every ${VAR} defined) or is rejected naming a feature outpost has not
// built yet (traces, an integration, a logs target kind or stage, ...).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "absl/strings/str_split.h"
#include "core/config/loader.h"
#include "integrations/registry.h"
#include "logs/logs.h"

namespace outpost::config {
namespace {

const std::string kCorpus = OUTPOST_SOURCE_DIR "/../shared/corpus/grafana-agent";

// Strips "FILE:LINE:COL: " so expectations survive edits of positions.
std::string WithoutPosition(const std::string& e) {
  std::vector<std::string> parts = absl::StrSplit(e, absl::MaxSplits(": ", 1));
  return parts.size() == 2 ? parts[1] : e;
}

std::set<std::string> Errors(const std::string& file) {
  LoadOptions o;
  o.path = kCorpus + "/" + file;
  o.expand_env = true;
  o.registry = &integrations::Builtin();
  o.check_pipeline = logs::CheckPipeline;  // as the binary checks stages
  // Every variable is defined: URLs get a valid URL, others a word.
  o.getenv = [](std::string_view name) -> std::optional<std::string> {
    // A scrape target is host:port, whatever its variable is called.
    if (name.find("TARGET") != std::string_view::npos) return "localhost:9090";
    if (name.find("URL") != std::string_view::npos) return "https://example.com/push";
    return "value";
  };
  LoadResult r = LoadFull(o);
  EXPECT_EQ(r.config.has_value(), r.errors.ok());
  EXPECT_EQ(r.hash.size(), 64u);
  std::set<std::string> out;
  for (const std::string& e : r.errors.errors) {
    EXPECT_TRUE(e.rfind(o.path + ":", 0) == 0) << e;
    out.insert(WithoutPosition(e));
  }
  return out;
}

const std::string kNotSupported = ": not supported yet";
std::string Ns(const std::string& path) { return path + kNotSupported; }
const std::string kLoads;

// One expectation per file: it loads, or it is rejected naming one feature
// outpost has not built yet (among its errors; a file may lack several).
const std::map<std::string, std::string>& Expected() {
  static const auto* m = new std::map<std::string, std::string>{
      {"01-co2exporter-node-systemd.yaml",
       "integrations.node_exporter.enable_collectors: collector \"systemd\" is not supported yet"},
      {"02-compiler-explorer-prom-loki.yaml",
       Ns("loki.configs[0].scrape_configs[1].loki_push_api")},
      {"03-filcryo-node-textfile-logs.yaml",
       Ns("logs.configs[0].scrape_configs[0].docker_sd_configs")},
      {"04-r2d2pl-apache-cadvisor-node.yaml", Ns("integrations.cadvisor")},
      // Its apache_http block loads; its remote_write url is left empty.
      {"05-scaleway-apache-node.yaml",
       "metrics.global.remote_write[0].url: url for remote_write is empty"},
      {"06-ghilbut-cadvisor-logs.yaml", Ns("logs.configs[0].scrape_configs[0].docker_sd_configs")},
      {"07-emby-node-logs-traces.yaml", Ns("traces")},
      {"08-edgeos-prom-loki-node.yaml", kLoads},
      {"09-windows-exporter-cloud.yaml", Ns("integrations.windows_exporter")},
      {"10-windows-exporter-iis-logs.yaml", Ns("integrations.windows_exporter")},
      {"11-windows-exporter-events.yaml", Ns("integrations.windows_exporter")},
      // Its snmp block loads; the snmp.yml it names is on the author's host.
      {"12-snmp-meraki.yaml",
       "integrations.snmp.config_file: failed to load snmp config from file /etc/snmp.yml: bad "
       "file: /etc/snmp.yml"},
      {"13-tonwhales-env-node.yaml", kLoads},
      {"14-debian-agent-node.yaml", kLoads},
      {"15-asus-merlin-logs-pipeline.yaml", kLoads},
      {"16-ratos-raspberrypi.yaml", kLoads},
      {"17-homelabs-cloud-template.yaml", kLoads},
      {"18-uc-demo-node-collectors.yaml", kLoads},
      {"19-apparentli-node.yaml", kLoads},
      {"20-eth-aware-traces-node.yaml", Ns("traces")},
      {"21-farmrpg-configmap-node.yaml",
       Ns("metrics.configs[0].scrape_configs[0].kubernetes_sd_configs")},
      {"22-observatory-logs-metrics.yaml", kLoads},
      {"23-supabase-fly-disabled-integrations.yaml", kLoads},
      {"24-shinywaffle-prometheus-node.yaml", kLoads},
      {"25-grafana-stack-integrations-next.yaml",
       "integrations: the integrations-next format (-enable-features=integrations-next) is not "
       "supported yet"},
      {"26-iij-traces-logs-agent.yaml", Ns("traces")},
      {"27-isucon12-traces-agent.yaml", Ns("traces")},
      {"28-thunderdome-traces-attributes.yaml", Ns("traces")},
      {"29-dannecron-logs-traces.yaml", Ns("logs.configs[0].scrape_configs[0].docker_sd_configs")},
      {"30-exemplars-traces-logs.yaml", Ns("traces")},
      {"31-recipesapi-traces-batch.yaml", Ns("traces")},
      {"32-roadrunner-service-graphs.yaml", Ns("traces")},
      {"33-emailfilter-folded-scalars.yaml",
       Ns("logs.configs[0].scrape_configs[0].docker_sd_configs")},
      {"34-anikultura-logs-json.yaml", kLoads},
      {"35-opsverse-prom-loki-legacy.yaml", kLoads},
      {"36-xbacked-env-in-flow-seq.yaml", kLoads},
      // Invalid for Grafana Agent too: clients and scrape_configs directly
      // under loki: (reference/logs.md §0).
      {"37-hivebox-configmap-legacy.yaml", "loki.clients: unknown key"},
  };
  return *m;
}

// One test, so that on a fresh clone without the shared corpus (outside
// the repository) there is one clear skip naming the path looked for.
TEST(CorpusTest, EveryFileLoadsOrNamesOneFeatureNotBuiltYet) {
  std::error_code ec;
  if (!std::filesystem::is_directory(kCorpus, ec)) {
    GTEST_SKIP() << "Grafana Agent config corpus not found at " << kCorpus;
  }
  std::set<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(kCorpus)) {
    if (entry.path().extension() == ".yaml") files.insert(entry.path().filename().string());
  }
  ASSERT_EQ(files.size(), 37u);
  for (const std::string& f : files) EXPECT_TRUE(Expected().contains(f)) << f;

  // The files whose logs block needs only the file target, the Loki client
  // and no pipeline stage (reference/logs.md §9, step L1): their logs block
  // loads, whatever else they lack (05 a remote_write url, 10 windows_exporter, 25
  // integrations-next).
  const std::set<std::string> logs_l1 = {
      "05-scaleway-apache-node.yaml",         "08-edgeos-prom-loki-node.yaml",
      "10-windows-exporter-iis-logs.yaml",    "17-homelabs-cloud-template.yaml",
      "22-observatory-logs-metrics.yaml",     "25-grafana-stack-integrations-next.yaml",
      "35-opsverse-prom-loki-legacy.yaml"};
  int loads = 0;
  for (const auto& [file, want] : Expected()) {
    const std::set<std::string> errors = Errors(file);
    if (want.empty()) {
      EXPECT_THAT(errors, ::testing::IsEmpty()) << file << " should load";
      ++loads;
    } else {
      EXPECT_THAT(errors, ::testing::Contains(want)) << file;
    }
    if (logs_l1.contains(file)) {
      for (const std::string& e : errors) {
        EXPECT_FALSE(e.starts_with("logs") || e.starts_with("loki")) << file << ": " << e;
      }
    }
  }
  // 14 of 37 load: 7 metrics/integrations-only files, and 08, 17, 22, 35
  // with their logs block, 16 with its journal job, 15 and 34 with their
  // pipeline stages.
  EXPECT_EQ(loads, 14);

  // A CRLF file keeps positions: its first server key is on line 2.
  LoadOptions o;
  o.path = kCorpus + "/10-windows-exporter-iis-logs.yaml";
  o.registry = &integrations::Builtin();
  LoadResult r = LoadFull(o);
  ASSERT_FALSE(r.errors.warnings.empty());
  EXPECT_THAT(r.errors.warnings.front(), ::testing::HasSubstr(".yaml:2:3: server."));
}

}  // namespace
}  // namespace outpost::config
