// Keys of older Grafana Agent releases that users' files still have: each is
// accepted with exactly one warning naming it (and the release that removed
// it), and has its documented effect. Keys whose absence would change the
// data stay errors (loader_test.cc).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/core/config/load_text.h"

namespace outpost::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct LegacyKey {
  const char* yaml;     // a config that sets the key
  const char* path;     // its key path in the warning
  const char* removed;  // the Grafana Agent release that removed or deprecated it
  bool named = false;   // the warning names that release
};

// Every such key the corpus (../shared/corpus/grafana-agent) shows:
// - server.*: moved to flags in v0.24 (static/release-notes.md, v0.24).
// - prometheus: deprecated for `metrics` in v0.19 (upgrade guide, v0.19),
//   still migrated with a warning by v0.44 (static/config/config.go).
// - node_exporter filesystem_ignored_mount_points: node_exporter 1.x's old
//   name, still accepted with a warning by v0.44
//   (static/integrations/node_exporter/config.go).
// - global.evaluation_interval: Prometheus' rule key, never used by the
//   agent (no rules), accepted and ignored.
// - include_exporter_metrics: still a Grafana Agent key; no exporter process
//   in outpost.
const LegacyKey kLegacyKeys[] = {
    {"server:\n  http_listen_port: 9090\n", "server.http_listen_port", "v0.24", true},
    {"server:\n  http_listen_address: 127.0.0.1\n", "server.http_listen_address", "v0.24", true},
    {"server:\n  grpc_listen_port: 9095\n", "server.grpc_listen_port", "v0.24", true},
    {"server:\n  grpc_listen_address: 0.0.0.0\n", "server.grpc_listen_address", "v0.24", true},
    {"prometheus: {wal_directory: /w}\n", "prometheus", "v0.19"},
    {"integrations:\n  node_exporter:\n    filesystem_ignored_mount_points: ^/x\n",
     "integrations.node_exporter.filesystem_ignored_mount_points", "still accepted"},
    {"metrics:\n  global:\n    evaluation_interval: 1m\n", "metrics.global.evaluation_interval",
     "never used"},
    {"integrations:\n  agent:\n    enabled: false\n    include_exporter_metrics: true\n",
     "integrations.agent.include_exporter_metrics", "still accepted"},
    {"integrations:\n  node_exporter:\n    include_exporter_metrics: true\n",
     "integrations.node_exporter.include_exporter_metrics", "still accepted"},
};

TEST(LegacyKeysTest, EachIsOneWarningNamingTheKey) {
  for (const LegacyKey& k : kLegacyKeys) {
    // A wal_directory for the integrations, unless the case sets `metrics`.
    const std::string base = std::string(k.yaml).find("etrics:") == std::string::npos &&
                                     std::string(k.yaml).find("prometheus:") == std::string::npos
                                 ? "metrics: {wal_directory: /w}\n"
                                 : "";
    LoadResult r = LoadText(base + k.yaml);
    EXPECT_TRUE(r.errors.ok()) << k.yaml << r.errors.errors.front();
    ASSERT_EQ(r.errors.warnings.size(), 1u) << k.yaml;
    EXPECT_THAT(r.errors.warnings[0], HasSubstr(std::string(": ") + k.path + ": ")) << k.yaml;
    if (k.named) {
      EXPECT_THAT(r.errors.warnings[0], HasSubstr(std::string("Grafana Agent ") + k.removed));
    }
  }
}

TEST(LegacyKeysTest, HttpListenKeysBecomeTheListenAddress) {
  auto address = [](const std::string& server) {
    LoadResult r = LoadText("server:\n" + server);
    EXPECT_TRUE(r.errors.ok()) << server;
    return r.config ? r.config->server.legacy_http_address : "<error>";
  };
  EXPECT_EQ(address("  log_level: info\n"), "");
  // Grafana Agent before v0.24: all interfaces, port 80 by default.
  EXPECT_EQ(address("  http_listen_port: 12345\n"), ":12345");
  EXPECT_EQ(address("  http_listen_address: 127.0.0.1\n"), "127.0.0.1:80");
  EXPECT_EQ(address("  http_listen_address: 127.0.0.1\n  http_listen_port: 9090\n"),
            "127.0.0.1:9090");
  EXPECT_EQ(address("  http_listen_address: '::1'\n  http_listen_port: 9090\n"), "[::1]:9090");
  LoadResult r = LoadText("server:\n  http_listen_port: 12345\n");
  EXPECT_THAT(r.errors.warnings,
              ElementsAre("agent.yaml:2:3: server.http_listen_port: deprecated: moved to the "
                          "-server.http.address flag in Grafana Agent v0.24; outpost listens on "
                          "0.0.0.0:12345 unless -server.http.address is given"));
  EXPECT_THAT(LoadText("server:\n  http_listen_port: 70000\n").errors.errors,
              ElementsAre(HasSubstr("server.http_listen_port: invalid port 70000")));
}

TEST(LegacyKeysTest, GrpcKeysAreIgnored) {
  LoadResult r = LoadText("server:\n  grpc_listen_address: 0.0.0.0\n  grpc_listen_port: 9095\n");
  ASSERT_TRUE(r.config.has_value());
  EXPECT_EQ(r.config->server.legacy_http_address, "");
  EXPECT_THAT(r.errors.warnings, ElementsAre(HasSubstr("ignored: outpost has no gRPC server"),
                                             HasSubstr("ignored: outpost has no gRPC server")));
}

TEST(LegacyKeysTest, IncludeExporterMetricsFalseIsSilent) {
  LoadResult r = LoadText(
      "metrics: {wal_directory: /w}\n"
      "integrations:\n  node_exporter:\n    include_exporter_metrics: false\n");
  EXPECT_TRUE(r.errors.ok());
  EXPECT_TRUE(r.errors.warnings.empty());
  r = LoadText("integrations:\n  node_exporter:\n    include_exporter_metrics: maybe\n");
  EXPECT_THAT(r.errors.errors, ElementsAre(HasSubstr("include_exporter_metrics")));
}

}  // namespace
}  // namespace outpost::config
