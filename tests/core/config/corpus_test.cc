// Every real-world Grafana Agent config in the shared corpus either loads or
// fails only on what outpost rejects by name (not supported yet, moved to a
// flag) or on placeholders the user never filled in.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "absl/strings/str_split.h"
#include "core/config/loader.h"
#include "integrations/registry.h"

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
const std::string kMovedHttp = ": moved to the -server.http.address flag in Grafana Agent v0.24";
const std::string kMovedGrpc = ": moved to the -server.grpc.address flag in Grafana Agent v0.24";
const std::string kBadUrl = ": invalid URL: must be an absolute http or https URL";
// Decided by integrations/node: collector names are node_exporter 1.5's;
// other systems' (boottime, thermal) are accepted as a no-op like Grafana
// Agent on Linux.

std::string Ns(const std::string& path) { return path + kNotSupported; }

// Expected errors per file (an empty set means the file loads).
const std::map<std::string, std::set<std::string>>& Expected() {
  static const auto* m = new std::map<std::string, std::set<std::string>>{
      {"01-co2exporter-node-systemd.yaml",
       {"server.http_listen_address" + kMovedHttp, "server.http_listen_port" + kMovedHttp,
        "server.grpc_listen_address" + kMovedGrpc,
        Ns("integrations.node_exporter.systemd_unit_whitelist"),
        Ns("integrations.node_exporter.systemd_enable_restarts_metrics"),
        Ns("integrations.node_exporter.systemd_enable_start_time_metrics"),
        "integrations.node_exporter.enable_collectors: collector \"systemd\" is not supported yet",
        "integrations.node_exporter.include_exporter_metrics: not supported yet (outpost has no "
        "Go runtime metrics)"}},
      {"02-compiler-explorer-prom-loki.yaml",
       {Ns("loki")}},
      {"03-filcryo-node-textfile-logs.yaml",
       {Ns("logs")}},
      {"04-r2d2pl-apache-cadvisor-node.yaml",
       {Ns("logs"), Ns("integrations.apache_http"), Ns("integrations.cadvisor"),
        "metrics.configs[0].remote_write[0].url" + kBadUrl,
        "integrations.prometheus_remote_write[0].url" + kBadUrl}},
      {"05-scaleway-apache-node.yaml",
       {Ns("logs"), Ns("integrations.apache_http"),
        "metrics.global.remote_write[0].url: url for remote_write is empty"}},
      {"06-ghilbut-cadvisor-logs.yaml",
       {Ns("logs"), Ns("integrations.cadvisor")}},
      {"07-emby-node-logs-traces.yaml",
       {"server.http_listen_port" + kMovedHttp,
        Ns("logs"), Ns("traces"),
        "integrations.node_exporter.include_exporter_metrics: not supported yet (outpost has no "
        "Go runtime metrics)"}},
      {"08-edgeos-prom-loki-node.yaml", {"server.http_listen_port" + kMovedHttp, Ns("loki")}},
      {"09-windows-exporter-cloud.yaml", {Ns("integrations.windows_exporter")}},
      {"10-windows-exporter-iis-logs.yaml",
       {"server.http_listen_address" + kMovedHttp, "server.http_listen_port" + kMovedHttp,
        "server.grpc_listen_address" + kMovedGrpc, "server.grpc_listen_port" + kMovedGrpc,
        Ns("logs"), Ns("integrations.windows_exporter")}},
      {"11-windows-exporter-events.yaml", {Ns("logs"), Ns("integrations.windows_exporter")}},
      {"12-snmp-meraki.yaml", {Ns("integrations.snmp")}},
      {"13-tonwhales-env-node.yaml", {}},
      {"14-debian-agent-node.yaml", {}},
      {"15-asus-merlin-logs-pipeline.yaml", {Ns("logs")}},
      {"16-ratos-raspberrypi.yaml", {Ns("logs")}},
      {"17-homelabs-cloud-template.yaml", {Ns("logs")}},
      {"18-uc-demo-node-collectors.yaml", {}},
      {"19-apparentli-node.yaml",
       {"integrations.node_exporter.include_exporter_metrics: not supported yet (outpost has no "
        "Go runtime metrics)"}},
      {"20-eth-aware-traces-node.yaml", {Ns("traces")}},
      // Kubernetes service discovery, and the service account files that
      // only exist inside a pod.
      {"21-farmrpg-configmap-node.yaml",
       {Ns("metrics.configs[0].scrape_configs[0].kubernetes_sd_configs"),
        Ns("metrics.configs[0].scrape_configs[1].kubernetes_sd_configs"),
        "metrics.configs[0].scrape_configs[0].bearer_token_file: cannot read file "
        "\"/var/run/secrets/kubernetes.io/serviceaccount/token\"",
        "metrics.configs[0].scrape_configs[1].bearer_token_file: cannot read file "
        "\"/var/run/secrets/kubernetes.io/serviceaccount/token\"",
        "metrics.configs[0].scrape_configs[0].tls_config.ca_file: cannot read file "
        "\"/var/run/secrets/kubernetes.io/serviceaccount/ca.crt\"",
        "metrics.configs[0].scrape_configs[1].tls_config.ca_file: cannot read file "
        "\"/var/run/secrets/kubernetes.io/serviceaccount/ca.crt\""}},
      {"22-observatory-logs-metrics.yaml", {Ns("logs")}},
      {"23-supabase-fly-disabled-integrations.yaml", {}},
      {"24-shinywaffle-prometheus-node.yaml",
       {"server.http_listen_port" + kMovedHttp}},
      {"25-grafana-stack-integrations-next.yaml",
       {Ns("logs"), Ns("traces"),
        "integrations: the integrations-next format (-enable-features=integrations-next) is not "
        "supported yet"}},
      {"26-iij-traces-logs-agent.yaml", {Ns("logs"), Ns("traces")}},
      {"27-isucon12-traces-agent.yaml", {Ns("traces")}},
      {"28-thunderdome-traces-attributes.yaml",
       {Ns("traces")}},
      {"29-dannecron-logs-traces.yaml", {Ns("logs"), Ns("traces")}},
      {"30-exemplars-traces-logs.yaml", {Ns("logs"), Ns("traces")}},
      {"31-recipesapi-traces-batch.yaml", {Ns("traces")}},
      {"32-roadrunner-service-graphs.yaml",
       {Ns("traces")}},
      {"33-emailfilter-folded-scalars.yaml", {Ns("logs"), Ns("traces")}},
      {"34-anikultura-logs-json.yaml", {Ns("logs")}},
      {"35-opsverse-prom-loki-legacy.yaml",
       {Ns("loki")}},
      {"36-xbacked-env-in-flow-seq.yaml", {}},
      {"37-hivebox-configmap-legacy.yaml",
       {"server.http_listen_port" + kMovedHttp, Ns("loki"),
        }},
  };
  return *m;
}

TEST(CorpusTest, EveryFileHasAnExpectation) {
  std::set<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(kCorpus)) {
    if (entry.path().extension() == ".yaml") files.insert(entry.path().filename().string());
  }
  ASSERT_EQ(files.size(), 37u);
  for (const std::string& f : files) EXPECT_TRUE(Expected().contains(f)) << f;
}

TEST(CorpusTest, OutcomesMatch) {
  for (const auto& [file, want] : Expected()) {
    EXPECT_EQ(Errors(file), want) << file;
  }
}

TEST(CorpusTest, CrlfFileKeepsPositions) {
  LoadOptions o;
  o.path = kCorpus + "/10-windows-exporter-iis-logs.yaml";
  o.registry = &integrations::Builtin();
  LoadResult r = LoadFull(o);
  ASSERT_FALSE(r.errors.errors.empty());
  // The first server key is on line 2 of the file (line 1 is "server:").
  EXPECT_THAT(r.errors.errors.front(), ::testing::HasSubstr(".yaml:2:3: server."));
}

}  // namespace
}  // namespace outpost::config
